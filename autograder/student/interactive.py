"""Interactive explorers that still work without a widget front end.

``explore(plot, **controls)`` shows labelled ipywidgets controls and ``plot``'s figure in a
live JupyterLab, and redraws from all controls' current values on every change; when
grading (nbgrader sets NBGRADER_EXECUTION), when building the answer key
(COURSE_HEADLESS=1) or without ipywidgets, it draws ``plot`` once at the controls' default
values, so headless execution never creates widgets.
"""

import base64
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Slider", "Choice", "Explorer", "drawn", "explore", "widgets_live"]

STATIC_NOTE = "Static figure at the default settings; run the notebook to move the controls."


def _label(description, name):
    """ipywidgets arguments for a full, untruncated label: ``description`` or the name."""
    return {"description": description or name.replace("_", " "),
            "style": {"description_width": "initial"}}


@dataclass(frozen=True)
class Slider:
    """A numeric control from ``low`` to ``high`` starting at ``value``.

    ``description`` is its label (default: the parameter's name); ``enabled_if(settings)``,
    given every control's current value by name, says whether it has an effect: where it
    has none, the control is greyed out.
    """

    low: float
    high: float
    value: float
    step: float | None = None
    description: str | None = None
    enabled_if: Callable[[dict], bool] | None = None

    def widget(self, name):
        import ipywidgets

        step = self.step if self.step is not None else (self.high - self.low) / 100
        whole = all(isinstance(v, int) for v in (self.low, self.high, self.value, step))
        kind = ipywidgets.IntSlider if whole else ipywidgets.FloatSlider
        return kind(min=self.low, max=self.high, value=self.value, step=step,
                    continuous_update=False, **_label(self.description, name))


@dataclass(frozen=True)
class Choice:
    """A drop-down control over ``options`` starting at ``value``; ``description`` and
    ``enabled_if`` as for Slider."""

    options: tuple
    value: object
    description: str | None = None
    enabled_if: Callable[[dict], bool] | None = None

    def widget(self, name):
        import ipywidgets

        return ipywidgets.Dropdown(options=list(self.options), value=self.value,
                                   **_label(self.description, name))


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


def _text(value):
    """A display value as JSON allows it: bytes (a PNG) become base64 text."""
    return base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value


def _show_open_figures(failed):
    """Display the figures ``plot`` left open (or, if it failed, discard them)."""
    if "matplotlib.pyplot" not in sys.modules:
        return
    import matplotlib.pyplot as plt
    from IPython.display import display

    for number in plt.get_fignums():
        if not failed:
            display(plt.figure(number))
        plt.close(number)


def drawn(plot, settings):
    """What ``plot(**settings)`` shows, as notebook outputs: its printed text and figures.

    An error becomes a one-line message in place of the figure, so a failed redraw never
    leaves an earlier figure standing.
    """
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        try:
            plot(**settings)
        except Exception as error:  # shown to the reader instead of a figure
            _show_open_figures(failed=True)
            print(f"{type(error).__name__}: {error}", file=sys.stderr)
        else:
            _show_open_figures(failed=False)
    streams = [{"output_type": "stream", "name": name, "text": text}
               for name, text in (("stdout", captured.stdout), ("stderr", captured.stderr))
               if text]
    figures = [{"output_type": "display_data", "metadata": dict(output.metadata or {}),
                "data": {mime: _text(value) for mime, value in output.data.items()}}
               for output in captured.outputs]
    return tuple(streams + figures)


class Explorer:
    """Labelled controls above one output area, wired to ``plot``.

    Every change redraws from all controls' current values and replaces the output area's
    contents in one state update: the kernel handles changes one after the other, so the
    figure always shows the last settings, however fast they change.
    """

    def __init__(self, plot, controls):
        import ipywidgets

        self.plot, self.controls = plot, controls
        self.widgets = {name: control.widget(name) for name, control in controls.items()}
        self.output = ipywidgets.Output()
        self.box = ipywidgets.VBox([*self.widgets.values(), self.output])
        for widget in self.widgets.values():
            widget.observe(self.redraw, names="value")
        self.redraw()

    def settings(self):
        """Every control's current value, by parameter name."""
        return {name: widget.value for name, widget in self.widgets.items()}

    def redraw(self, _change=None):
        settings = self.settings()
        for name, control in self.controls.items():
            self.widgets[name].disabled = not (control.enabled_if is None
                                               or control.enabled_if(settings))
        self.output.outputs = drawn(self.plot, settings)


def explore(plot, **controls):
    """Wire ``controls`` (Slider or Choice) to ``plot``, or draw it once at their defaults."""
    if widgets_live():
        from IPython.display import display

        display(Explorer(plot, controls).box)
        return
    print(STATIC_NOTE)
    plot(**{name: control.value for name, control in controls.items()})
