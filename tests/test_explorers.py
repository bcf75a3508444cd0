"""The lecture companions in notebooks/ run headless, use the reference functions from
source/ rather than copies of them, label their controls and draw every menu option; the
controls of autograder.student.interactive redraw from their current values, the last change
winning."""

import ast
import base64
import io
import warnings

import ipywidgets
import matplotlib.pyplot as plt
import nbformat
import pytest

from autograder.student import interactive
from autograder.course.execute import errors, execute_file
from autograder.student.interactive import STATIC_NOTE, Choice, Explorer, Slider, drawn, explore
from tests.contract import CONTRACT
from tests.course_copy import ROOT

EXPLORERS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ALL_CONTRACT_NAMES = {name for names in CONTRACT.values() for name in names}


def python_of(path):
    """The explorer's code cells without their IPython magics, as one module."""
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return "\n".join(line for line in code.splitlines() if not line.lstrip().startswith("%"))


def test_every_assignment_has_an_explorer():
    assert sorted(p.name for p in EXPLORERS) == sorted(f"{a}_explorer.ipynb" for a in CONTRACT)


@pytest.mark.slow
@pytest.mark.parametrize("path", EXPLORERS, ids=lambda p: p.stem)
def test_explorer_runs_headless(path):
    nb = execute_file(path)
    assert not errors(nb), errors(nb)
    assert any("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    printed = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
    assert any(STATIC_NOTE in text for text in printed)


@pytest.mark.parametrize("path", EXPLORERS, ids=lambda p: p.stem)
def test_explorer_loads_reference_functions_and_copies_none(path):
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "load(" in code
    defined = {n.name for n in ast.walk(ast.parse(python_of(path)))
               if isinstance(n, ast.FunctionDef)}
    assert not defined & ALL_CONTRACT_NAMES, f"copies of reference functions: {defined}"
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", EXPLORERS, ids=lambda p: p.stem)
def test_every_control_has_a_readable_label_and_every_figure_alt_text(path):
    controls = [node for node in ast.walk(ast.parse(python_of(path)))
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") in
                ("Slider", "Choice")]
    assert controls
    unlabelled = [ast.unparse(c) for c in controls
                  if "description" not in {k.arg for k in c.keywords}]
    assert not unlabelled, f"controls labelled with their parameter's name: {unlabelled}"
    nb = nbformat.read(path, as_version=4)
    drawing = [c for c in nb.cells if c.cell_type == "code" and "plt.show()" in c.source]
    assert [c.id for c in drawing if len(c.metadata.get("alt", "")) < 30] == []


def explorers_in(path, monkeypatch):
    """(plot, controls) of every explore() call of the notebook at ``path``, run in this
    process with explore() recording instead of drawing."""
    calls = []
    monkeypatch.setattr(interactive, "explore",
                        lambda plot, **controls: calls.append((plot, controls)))
    exec(compile(python_of(path), str(path), "exec"), {})
    return calls


def settings_to_try(controls):
    """The defaults, then every option of every menu with the other controls at defaults."""
    defaults = {name: control.value for name, control in controls.items()}
    yield defaults
    for name, control in controls.items():
        if isinstance(control, Choice):
            yield from ({**defaults, name: option} for option in control.options
                        if option != control.value)


@pytest.mark.slow
@pytest.mark.parametrize("path", EXPLORERS, ids=lambda p: p.stem)
def test_every_menu_option_draws_without_an_error_a_warning_or_a_zero_on_a_log_axis(
        path, monkeypatch):
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    with plt.rc_context(), warnings.catch_warnings():
        warnings.simplefilter("error")
        for plot, controls in explorers_in(path, monkeypatch):
            for settings in settings_to_try(controls):
                plot(**settings)
                for figure in map(plt.figure, plt.get_fignums()):
                    figure.canvas.draw()  # lays out the tick labels, as showing it would
                    for ax in figure.axes:
                        low = ax.get_ylim()[0] if ax.get_yscale() == "log" else 1.0
                        assert low > 1e-200, (
                            f"{plot.__name__}({settings}): a log axis down to {low:.0e} "
                            "(a 0 drawn as a tiny number?)")
                plt.close("all")


def test_controls_show_their_full_label_or_their_name():
    slider = Slider(-3.0, 1.0, -2.0, description="log10 of the weight std").widget("log10_std")
    assert slider.description == "log10 of the weight std"
    assert slider.style.description_width == "initial"  # not truncated
    assert isinstance(slider, ipywidgets.FloatSlider) and slider.value == -2.0
    menu = Choice(("tanh", "relu"), "relu").widget("right_activation")
    assert (menu.description, menu.value) == ("right activation", "relu")
    assert isinstance(Slider(1, 30, 10, step=1).widget("depth"), ipywidgets.IntSlider)


def activation_controls():
    return {"activation": Choice(("sigmoid", "tanh", "leaky_relu"), "sigmoid"),
            "alpha": Slider(0.0, 1.0, 0.1, step=0.1,
                            enabled_if=lambda settings: settings["activation"] == "leaky_relu")}


def printed(text):
    return ({"output_type": "stream", "name": "stdout", "text": text},)


def test_a_control_without_effect_is_greyed_out_until_it_has_one():
    explorer = Explorer(lambda activation, alpha: None, activation_controls())
    assert explorer.widgets["alpha"].disabled and not explorer.widgets["activation"].disabled
    explorer.widgets["activation"].value = "leaky_relu"
    assert not explorer.widgets["alpha"].disabled
    explorer.widgets["activation"].value = "tanh"
    assert explorer.widgets["alpha"].disabled


def test_every_change_redraws_from_all_current_values_and_the_last_change_wins():
    explorer = Explorer(lambda activation, alpha: print(activation, alpha), activation_controls())
    assert explorer.output.outputs == printed("sigmoid 0.1\n")
    for activation, alpha in [("tanh", 0.2), ("leaky_relu", 0.3), ("sigmoid", 0.4),
                              ("leaky_relu", 0.5)]:
        explorer.widgets["activation"].value = activation
        explorer.widgets["alpha"].value = alpha
    assert explorer.output.outputs == printed("leaky_relu 0.5\n")


def test_a_failing_redraw_replaces_the_figure_by_its_message():
    def plot(activation, alpha):
        if activation == "tanh":
            plt.figure()  # left half-drawn by the failure
            raise ValueError("no tanh today")
        print("drawn")

    explorer = Explorer(plot, activation_controls())
    assert explorer.output.outputs == printed("drawn\n")
    explorer.widgets["activation"].value = "tanh"
    assert explorer.output.outputs == (
        {"output_type": "stream", "name": "stderr", "text": "ValueError: no tanh today\n"},)
    assert plt.get_fignums() == []


@pytest.fixture
def shell():
    """An IPython shell that renders figures as PNG, as JupyterLab's kernel does."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import select_figure_formats

    instance = InteractiveShell.instance()
    select_figure_formats(instance, {"png"})
    yield instance
    InteractiveShell.clear_instance()


def test_figures_and_pictures_become_outputs_with_base64_images(shell):
    buffer = io.BytesIO()
    plt.figure().savefig(buffer, format="png")
    plt.close("all")

    class Picture:
        def _repr_png_(self):
            return buffer.getvalue()  # raw bytes, as IPython's formatters allow

    def plot(k):
        from IPython.display import display

        display(Picture())
        plt.plot([0, k])  # left open: shown after the plot function returns

    outputs = drawn(plot, {"k": 2})
    assert [o["output_type"] for o in outputs] == ["display_data", "display_data"]
    assert base64.b64decode(outputs[0]["data"]["image/png"]) == buffer.getvalue()
    assert base64.b64decode(outputs[1]["data"]["image/png"]).startswith(b"\x89PNG")
    assert plt.get_fignums() == []


def test_headless_draws_once_at_the_defaults_and_says_how_to_get_controls(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    calls = []
    explore(lambda activation, alpha: calls.append((activation, alpha)), **activation_controls())
    assert calls == [("sigmoid", 0.1)]
    assert capsys.readouterr().out == STATIC_NOTE + "\n"
    assert "run the notebook" in STATIC_NOTE and "JupyterLab" not in STATIC_NOTE
