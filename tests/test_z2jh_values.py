"""hub/z2jh-values.yaml, the course on Kubernetes, checked as far as it can be without a
cluster: every key is one the Zero to JupyterHub chart documents (its values.schema.yaml,
the chart of JupyterHub 5.5, July 2026), with the type it documents; every JupyterHub
setting under hub.config is a trait of the installed JupyterHub; the Python it carries
compiles; the nbgrader configuration it mounts names this course. With Z2JH_CHART set to
the chart's folder (from `helm pull jupyterhub/jupyterhub --untar`), the file merged over
the chart's defaults is validated against the chart's values.schema.json, as helm does."""

import os
from pathlib import Path

import pytest
import yaml

from hub.course_hub import course_id
from tests.course_copy import ROOT

JupyterHub = pytest.importorskip("jupyterhub.app", reason="needs JupyterHub (the hub extra)"
                                 ).JupyterHub
from jupyterhub.auth import Authenticator  # noqa: E402 - only where JupyterHub is
from jupyterhub.spawner import Spawner  # noqa: E402

VALUES = ROOT / "hub" / "z2jh-values.yaml"
# Key paths the chart documents, with their types; below the "open" ones the chart passes
# the values on (to JupyterHub, KubeSpawner, or as files and services).
DOCUMENTED = {
    "hub": dict, "hub.config": dict, "hub.services": dict, "hub.loadRoles": dict,
    "hub.extraConfig": dict, "singleuser": dict, "singleuser.image": dict,
    "singleuser.image.name": str, "singleuser.image.tag": str, "singleuser.defaultUrl": str,
    "singleuser.memory": dict, "singleuser.memory.limit": (str, int, float),
    "singleuser.memory.guarantee": (str, int, float), "singleuser.cpu": dict,
    "singleuser.cpu.limit": (int, float), "singleuser.cpu.guarantee": (int, float),
    "singleuser.storage": dict, "singleuser.storage.capacity": str,
    "singleuser.extraFiles": dict, "singleuser.profileList": list, "cull": dict,
    "cull.enabled": bool, "cull.timeout": int, "proxy": dict, "proxy.https": dict,
    "proxy.https.enabled": bool, "proxy.https.hosts": list,
    "proxy.https.letsencrypt": dict, "proxy.https.letsencrypt.contactEmail": str,
}
OPEN = {"hub.config", "hub.services", "hub.loadRoles", "hub.extraConfig",
        "singleuser.extraFiles", "singleuser.profileList"}
SERVICE_KEYS = {"name", "admin", "command", "url", "api_token", "apiToken"}
EXTRA_FILE_KEYS = {"mountPath", "mode", "data", "stringData", "binaryData"}
# KubeSpawner's traits that a profile's kubespawner_override sets here (KubeSpawner is not
# installed beside this course, so they are listed from its documentation).
KUBESPAWNER_TRAITS = {"environment", "mem_limit", "cpu_limit", "volumes", "volume_mounts",
                      "image"}
# hub.config classes checked against the installed JupyterHub; the LTI authenticator's
# settings are not (jupyterhub-ltiauthenticator is not installed here).
CONFIGURABLES = {"JupyterHub": JupyterHub, "Authenticator": Authenticator,
                 "Spawner": Spawner}
UNCHECKED = {"LTI13Authenticator"}


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load(VALUES.read_text())


def _paths(node, prefix=""):
    """Every key path of ``node``, not descending below the open ones."""
    for key, value in node.items():
        path = f"{prefix}{key}"
        yield path, value
        if isinstance(value, dict) and path not in OPEN:
            yield from _paths(value, f"{path}.")


def test_every_key_is_documented_by_the_chart_with_its_type(values):
    for path, value in _paths(values):
        assert path in DOCUMENTED, f"{path} is not a key the chart documents"
        assert isinstance(value, DOCUMENTED[path]), (path, value)


def test_hub_settings_are_traits_of_jupyterhub(values):
    config = values["hub"]["config"]
    assert set(config) - set(CONFIGURABLES) == UNCHECKED
    for name, settings in config.items():
        if name in CONFIGURABLES:
            traits = CONFIGURABLES[name].class_traits(config=True)
            assert set(settings) <= set(traits), (name, set(settings) - set(traits))


def test_services_profiles_and_files_use_the_keys_they_are_passed_on_to(values):
    for service in values["hub"]["services"].values():
        assert set(service) <= SERVICE_KEYS, service
    for name, role in values["hub"]["loadRoles"].items():
        assert role["services"] == [name] and name in values["hub"]["services"]
    slugs = [profile["slug"] for profile in values["singleuser"]["profileList"]]
    assert slugs == ["student", "instructor"]
    for profile in values["singleuser"]["profileList"]:
        assert set(profile["kubespawner_override"]) <= KUBESPAWNER_TRAITS, profile
    for extra in values["singleuser"]["extraFiles"].values():
        assert set(extra) <= EXTRA_FILE_KEYS, extra


def test_the_python_it_carries_compiles_and_names_this_course(values):
    for name, code in values["hub"]["extraConfig"].items():
        compile(code, f"hub.extraConfig.{name}", "exec")
    nbgrader = values["singleuser"]["extraFiles"]["nbgrader-config"]["stringData"]
    compile(nbgrader, "nbgrader_config.py", "exec")
    assert f'c.CourseDirectory.course_id = "{course_id(ROOT)}"' in nbgrader


def _merged(defaults, overrides):
    """The chart's defaults with ``overrides`` on top, as helm merges values files."""
    merged = dict(defaults)
    for key, value in overrides.items():
        both = isinstance(value, dict) and isinstance(defaults.get(key), dict)
        merged[key] = _merged(defaults[key], value) if both else value
    return merged


def test_values_against_the_charts_own_schema(values):
    chart = os.environ.get("Z2JH_CHART")
    if not chart:
        pytest.skip("set Z2JH_CHART to the chart's folder (`helm pull jupyterhub/jupyterhub "
                    "--untar`) to validate against its values.schema.json")
    import jsonschema

    chart = Path(chart)
    schema = next(chart / name for name in ("values.schema.json", "values.schema.yaml")
                  if (chart / name).exists())
    defaults = yaml.safe_load((chart / "values.yaml").read_text())
    jsonschema.validate(_merged(defaults, values), yaml.safe_load(schema.read_text()))
