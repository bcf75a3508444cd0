"""Interactive explorers that still work without a widget front end.

``explore(plot, **controls)`` shows ipywidgets controls wired to ``plot`` in a live
JupyterLab; when grading (nbgrader sets NBGRADER_EXECUTION), when building the answer
key (COURSE_HEADLESS=1) or without ipywidgets, it draws ``plot`` once at the controls'
default values, so headless execution never creates widgets.
"""

import os
from dataclasses import dataclass

__all__ = ["Slider", "Choice", "explore", "widgets_live"]


@dataclass(frozen=True)
class Slider:
    """A numeric control: a float slider from ``low`` to ``high`` starting at ``value``."""

    low: float
    high: float
    value: float
    step: float | None = None
    description: str | None = None

    def widget(self, name):
        import ipywidgets

        step = self.step if self.step is not None else (self.high - self.low) / 100
        whole = all(isinstance(v, int) for v in (self.low, self.high, self.value, step))
        kind = ipywidgets.IntSlider if whole else ipywidgets.FloatSlider
        return kind(min=self.low, max=self.high, value=self.value, step=step,
                    description=self.description or name, continuous_update=False)


@dataclass(frozen=True)
class Choice:
    """A drop-down control over ``options`` starting at ``value``."""

    options: tuple
    value: object
    description: str | None = None

    def widget(self, name):
        import ipywidgets

        return ipywidgets.Dropdown(options=list(self.options), value=self.value,
                                   description=self.description or name)


def widgets_live():
    """True when controls can be shown: a live kernel, not grading, not a headless build."""
    if os.environ.get("NBGRADER_EXECUTION") or os.environ.get("COURSE_HEADLESS"):
        return False
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def explore(plot, **controls):
    """Wire ``controls`` (Slider or Choice) to ``plot``, or draw it once at their defaults."""
    if widgets_live():
        import ipywidgets

        ipywidgets.interact(plot, **{name: c.widget(name) for name, c in controls.items()})
        return
    print("Static figure at the default settings; open the notebook in JupyterLab to interact.")
    plot(**{name: control.value for name, control in controls.items()})
