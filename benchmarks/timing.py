"""Best-of-N wall-clock timing and the ratio report."""

import time
import timeit


def best_seconds(function, repeat=5):
    """The fastest of ``repeat`` runs of ``function()``, each run long enough to be measurable."""
    timer = timeit.Timer(function)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number


def once_seconds(function):
    """Wall-clock seconds of one call (for operations too slow to repeat)."""
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def report(name, measured, baseline, baseline_name):
    """One line: the measured time, the baseline's, and baseline / measured as a speed-up."""
    ratio = baseline / measured
    print(f"{name:<46} {measured * 1e3:10.3f} ms   {baseline_name:<28} "
          f"{baseline * 1e3:10.3f} ms   x{ratio:8.2f}")
