"""Runs a notebook's code cells (IPython magics left out) in this process with a headless
backend and audits every figure it draws against the course's figure rules (see
tests/test_figures.py). Prints one JSON list of problems: `python -m tests.figure_audit NB`."""

import contextlib
import io
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - the backend is chosen first
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from matplotlib.quiver import Quiver  # noqa: E402


def _name(ax, where):
    title = ax.get_title() or ax.get_title("left") or "untitled axes"
    return f"{where}: axes {title!r}"


def _colorbar_axis(ax):
    """The axis that carries a colorbar's scale, or None for an ordinary axes."""
    colorbar = getattr(ax, "_colorbar", None)
    if colorbar is None:
        return None
    return ax.yaxis if colorbar.orientation == "vertical" else ax.xaxis


def _data(ax):
    """The plotted data of ``ax`` in data coordinates: (x values, y values)."""
    xs, ys = [], []
    for line in ax.get_lines():
        if line.get_visible() and line.get_transform().contains_branch(ax.transData):
            xs.append(np.asarray(line.get_xdata(), dtype=float).ravel())
            ys.append(np.asarray(line.get_ydata(), dtype=float).ravel())
    for collection in ax.collections:
        offsets = np.asarray(collection.get_offsets(), dtype=float)
        if (not isinstance(collection, Quiver) and collection.get_visible()
                and offsets.ndim == 2 and len(offsets) > 1
                and collection.get_offset_transform().contains_branch(ax.transData)):
            xs.append(offsets[:, 0])
            ys.append(offsets[:, 1])
    for container in ax.containers:
        if isinstance(container, BarContainer) and container.datavalues is not None:
            values = np.asarray(container.datavalues, dtype=float).ravel()
            (ys if container.orientation == "vertical" else xs).append(values)
    return (np.concatenate(xs) if xs else np.array([]),
            np.concatenate(ys) if ys else np.array([]))


def _integral(values):
    finite = values[np.isfinite(values)]
    return finite.size > 0 and bool(np.all(finite == np.round(finite)))


def _fractional_ticks(axis, low, high):
    """Labelled major tick positions of ``axis`` within [low, high] that are not integers."""
    ticks = [tick for tick in axis.get_major_ticks() if tick.label1.get_text()
             and tick.get_visible() and tick.label1.get_visible()]
    return [tick.get_loc() for tick in ticks
            if min(low, high) - 1e-9 <= tick.get_loc() <= max(low, high) + 1e-9
            and abs(tick.get_loc() - round(tick.get_loc())) > 1e-9]


def problems(fig, where):
    """Every breach of the figure rules in ``fig``, each a sentence naming its axes."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison:
            continue
        name = _name(ax, where)
        scale_axis = _colorbar_axis(ax)
        if scale_axis is not None:
            if not scale_axis.get_label_text().strip():
                found.append(f"{name}: the colorbar has no label")
            continue
        for letter, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            if not axis.get_label_text().strip():
                found.append(f"{name}: no {letter} label")
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            box, inside = legend.get_window_extent(renderer), ax.get_window_extent(renderer)
            if (box.x0 < inside.x0 - 1 or box.y0 < inside.y0 - 1
                    or box.x1 > inside.x1 + 1 or box.y1 > inside.y1 + 1):
                found.append(f"{name}: the legend lies outside the axes box")
        for letter, values, axis, limits in (("x", _data(ax)[0], ax.xaxis, ax.get_xlim()),
                                             ("y", _data(ax)[1], ax.yaxis, ax.get_ylim())):
            if _integral(values):
                wrong = _fractional_ticks(axis, *limits)
                if wrong:
                    found.append(f"{name}: integer {letter} data but fractional {letter} ticks "
                                 f"{[round(w, 3) for w in wrong[:4]]}")
    found += [f"{where}: a figure legend outside every axes box" for _ in fig.legends]
    return found


def audit(path):
    """Run the code cells of notebook ``path``; the problems of every figure it draws."""
    nb = nbformat.read(path, as_version=4)
    found, cell = [], {"id": "?"}

    def show(*args, **kwargs):
        for number in plt.get_fignums():
            found.extend(problems(plt.figure(number), f"cell {cell['id']}"))
        plt.close("all")

    plt.show = show
    namespace = {"__name__": "__main__"}
    for code in (c for c in nb.cells if c.cell_type == "code"):
        cell["id"] = code.id
        source = "\n".join(line for line in code.source.splitlines()
                           if not line.lstrip().startswith("%"))
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, f"<cell {code.id}>", "exec"), namespace)  # noqa: S102
        show()
    return found


if __name__ == "__main__":
    print(json.dumps(audit(sys.argv[1])))
