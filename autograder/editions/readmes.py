"""The README.md of each edition: the students' (install, work, hand in) and the teaching
assistants' (class, office hours, keep it private)."""

from pathlib import Path

from ..course.paths import assignments

STUDENT_README = """# {title}: the student edition

Four assignments, one folder each in `release/`:

{table}

## Install
With pip (Python 3.10 or newer), in this folder:

```bash
python -m venv .venv && . .venv/bin/activate
pip install -e .
```

or with conda:

```bash
conda env create -f environment.yml && conda activate dl-lecture-07
```

Both install JupyterLab, nbgrader, NumPy, Matplotlib, ipywidgets and the small `autograder`
package the notebooks import their tests from (`autograder.student.checks`).

## Work on an assignment
1. `jupyter lab`, then open `release/<assignment>/<assignment>.ipynb`.
2. Replace each `raise NotImplementedError()` with your code. The test cell below each
   function says at once what is wrong: what was called, what was expected, what came
   back and the likely mistake. Hidden tests grade more cases than you see (other shapes,
   list inputs, huge values): write general NumPy code, not code for the examples.
3. Run *Kernel → Restart Kernel and Run All Cells*, then press **Validate** (nbgrader's
   button in the notebook toolbar): it runs every test from a fresh kernel.
4. Before you hand in, check the notebook from a terminal:

   ```bash
   autograder check release/<assignment>/<assignment>.ipynb
   ```

5. Hand in the notebook `<assignment>.ipynb` (keep its name and its test cells unchanged)
   the way your instructor asks: nbgrader's Assignments tab (*Submit*) or the course's
   upload page.

## Explorers
`notebooks/` holds the lecture companions with their figures, for reading. The cells that
use the reference implementations (the answers) are left out, so they do not run here.
"""

SOLUTIONS_README = """# {title}: the answer key (instructors and teaching assistants)

Not for students: this edition holds every answer and every hidden test.

- `solutions/<assignment>/`: each notebook executed with its answers, outputs and figures;
  read it without running anything.
- `source/<assignment>/`: the instructors' notebooks, the answers between the `BEGIN
  SOLUTION` and `END SOLUTION` markers, the hidden tests between `BEGIN HIDDEN TESTS` and
  `END HIDDEN TESTS`.

## In class
Open `solutions/<assignment>/<assignment>.ipynb` to walk through a worked example after
the deadline; the figures are already there, nothing needs to run.

## In office hours
Compare a student's failing function with the answer in `source/` and with the visible
and hidden tests below it; explain the failure message the student sees rather than show
the answer. The hidden tests are secret: do not paste them into a chat or a forum.

## Keep it private
Published with `autograder publish solutions --branch solutions`; push that branch only to
a private remote: `git push <private-remote> solutions`. Never push it to the students'
repository.
"""


def title(root):
    first = (Path(root) / "README.md").read_text().splitlines()[0] if \
        (Path(root) / "README.md").is_file() else "# Course"
    return first.lstrip("# ").split(":")[0].strip() or "Course"


def student_readme(root):
    rows = "\n".join(f"- `release/{a}/{a}.ipynb`" for a in assignments(root))
    return STUDENT_README.format(title=title(root), table=rows)
