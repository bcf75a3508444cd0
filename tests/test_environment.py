"""environment.yml (for conda users; no conda registry here) installs what pyproject.toml says."""

import re
import tomllib

from tests.course_copy import ROOT


def _pip_section():
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = lines.index("  - pip:")
    return [line.strip()[2:] for line in lines[start + 1:] if line.startswith("      - ")]


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    pip = _pip_section()
    assert sorted(p for p in pip if p != "-e .") == sorted(wanted)
    assert "-e ." in pip


def test_python_versions_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    conda = re.search(r"- python(\S*)", (ROOT / "environment.yml").read_text()).group(1)
    assert conda == project["requires-python"]
