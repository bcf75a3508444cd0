"""The class report's figures, drawn from its data model (see data.py) as PNG bytes
with an alt text each. Every figure is its own matplotlib Figure on an Agg canvas: nothing
goes through pyplot, so no state is shared between calls."""

import io
import textwrap
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# Okabe-Ito: told apart by readers with any common colour-vision deficiency.
BLUE, SKY_BLUE, GREEN, ORANGE, VERMILLION, BLACK = (
    "#0072B2", "#56B4E9", "#009E73", "#E69F00", "#D55E00", "#000000")
FONT_SIZE = 11
WIDTH = 8.0  # inches; at DPI the page shows the figures at their natural size
DPI = 110
MISTAKES_SHOWN = 12
LABEL_WIDTH = 42  # characters per line of a mistake's label
LABEL_LENGTH = 120  # characters of a mistake kept in its label


@dataclass(frozen=True)
class Plot:
    """A figure as PNG bytes and the text that describes it to a reader who cannot see it."""

    png: bytes
    alt: str


def _figure(height):
    """A figure and its one axes, styled for the report."""
    figure = Figure(figsize=(WIDTH, height), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=FONT_SIZE)
    return figure, axes


def _png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _number(value):
    return "unknown" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def _label(axes, title, xlabel, ylabel=""):
    axes.figure.suptitle(title, fontsize=FONT_SIZE + 2, x=0.01, horizontalalignment="left")
    axes.set_xlabel(xlabel, fontsize=FONT_SIZE)
    axes.set_ylabel(ylabel, fontsize=FONT_SIZE)


def _statistic_lines(axes, lines):
    """Vertical lines, each told apart by colour and dash, with a legend of their values
    beside the axes (where it hides no bar)."""
    styles = [(VERMILLION, "-"), (BLUE, "--"), (GREEN, ":")]
    for (name, values), (colour, dash) in zip(lines, styles, strict=False):
        values = [v for v in values if v is not None]
        for index, value in enumerate(values):
            axes.axvline(value, color=colour, linestyle=dash, linewidth=2.2,
                         label=None if index else f"{name} {', '.join(map(_number, values))}")
    if axes.get_legend_handles_labels()[0]:
        axes.legend(fontsize=FONT_SIZE - 1, frameon=False, loc="upper left",
                    bbox_to_anchor=(1.01, 1.0))


def _whole_numbers(axes):
    axes.yaxis.get_major_locator().set_params(integer=True)


def score_distribution(model):
    """Histogram of the graded students' scores over 0..max_score, with the mean, the median
    and the quartiles; None when nobody was graded."""
    scores = [s["score"] for s in model["students"] if s["score"] is not None]
    if not scores:
        return None
    summary, top = model["summary"], max(model["max_score"], max(scores)) or 1.0
    figure, axes = _figure(3.8)
    axes.hist(scores, bins=min(30, max(5, round(top))), range=(0, top), color=SKY_BLUE,
              edgecolor=BLACK, linewidth=0.6)
    _statistic_lines(axes, [("mean", [summary["mean"]]), ("median", [summary["median"]]),
                            ("quartiles", [summary["q1"], summary["q3"]])])
    _whole_numbers(axes)
    _label(axes, "Score distribution", f"score (out of {_number(model['max_score'])})",
           "students")
    alt = (f"Histogram of the scores of {len(scores)} graded students out of "
           f"{_number(model['max_score'])}: mean {_number(summary['mean'])}, median "
           f"{_number(summary['median'])}, quartiles {_number(summary['q1'])} and "
           f"{_number(summary['q3'])}, lowest {_number(summary['min'])}, highest "
           f"{_number(summary['max'])}.")
    return Plot(_png(figure), alt)


def cell_pass_rates(model):
    """Horizontal bars of each grade cell's pass rate, hardest (the model's first) on top;
    None when no cell has a pass rate."""
    cells = [c for c in model["cells"] if c["pass_rate"] is not None]
    if not cells:
        return None
    names, rates = [c["grade_id"] for c in cells], [100 * c["pass_rate"] for c in cells]
    figure, axes = _figure(1.2 + 0.38 * len(cells))
    bars = axes.barh(names, rates, color=BLUE)
    axes.bar_label(bars, labels=[f"{r:.0f}%" for r in rates], padding=3, fontsize=FONT_SIZE - 1)
    axes.invert_yaxis()
    axes.set_xlim(0, 110)
    axes.set_xticks(range(0, 101, 20))
    _label(axes, "Pass rate per grade cell (hardest first)", "students who passed (%)")
    listed = "; ".join(f"{n} {r:.0f}%" for n, r in zip(names, rates, strict=True))
    alt = ("Horizontal bar chart of the share of graded students passing each grade cell, "
           f"hardest first: {listed}.")
    return Plot(_png(figure), alt)


def _mistake_label(mistake):
    short = textwrap.shorten(mistake["mistake"], LABEL_LENGTH, placeholder=" ...")
    return textwrap.fill(short, LABEL_WIDTH) + f"\n[{mistake['grade_id']}]"


def common_mistakes(model):
    """Horizontal bars of how many students made each of the most common mistakes, the most
    common on top; None when no catalogued mistake was found."""
    mistakes = model["mistakes"][:MISTAKES_SHOWN]
    if not mistakes:
        return None
    labels, counts = [_mistake_label(m) for m in mistakes], [m["count"] for m in mistakes]
    lines = sum(label.count("\n") + 1 for label in labels)
    figure, axes = _figure(1.2 + 0.24 * lines + 0.12 * len(labels))
    bars = axes.barh(range(len(labels)), counts, color=ORANGE, edgecolor=BLACK, linewidth=0.6)
    axes.set_yticks(range(len(labels)), labels, fontsize=FONT_SIZE - 1)
    axes.bar_label(bars, labels=[f"{m['count']} ({m['share']:.0%})" for m in mistakes],
                   padding=3, fontsize=FONT_SIZE - 1)
    axes.invert_yaxis()
    axes.set_xlim(0, max(counts) * 1.2)
    axes.xaxis.get_major_locator().set_params(integer=True)
    shown = "" if len(mistakes) == len(model["mistakes"]) else (
        f" (the {len(mistakes)} most common of {len(model['mistakes'])})")
    _label(axes, f"What the class got wrong{shown}", "students")
    alt = (f"Horizontal bar chart of the common mistakes{shown}, most students first: "
           + "; ".join(f"{m['mistake']} in {m['grade_id']}: {m['count']} students"
                       for m in mistakes) + ".")
    return Plot(_png(figure), alt)


def grading_times(model):
    """Histogram of the seconds each submission took to grade; None when no time is known."""
    seconds = [s["seconds"] for s in model["students"] if s["seconds"] is not None]
    if not seconds:
        return None
    figure, axes = _figure(3.4)
    axes.hist(seconds, bins=min(20, max(5, len(seconds) // 2)), color=GREEN, edgecolor=BLACK,
              linewidth=0.6)
    times = model["seconds"]
    _statistic_lines(axes, [("mean", [times["mean"]]), ("median", [times["median"]])])
    _whole_numbers(axes)
    _label(axes, "Grading time per submission", "seconds", "submissions")
    alt = (f"Histogram of the grading time of {len(seconds)} submissions: mean "
           f"{_number(times['mean'])} s, median {_number(times['median'])} s, longest "
           f"{_number(times['max'])} s.")
    return Plot(_png(figure), alt)
