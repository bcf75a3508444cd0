"""Where work units run: local processes, or a Dask cluster past one machine.

Both are ``concurrent.futures`` executors, so grading has one code path. Local workers are
started with "spawn", not fork: the grading process holds gradebook connections and threads.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from .course import CourseError


@contextmanager
def executor(jobs, scheduler=None):
    """A process pool of ``jobs`` workers, or the executor of the Dask scheduler at
    ``scheduler`` (its workers need this package and bubblewrap installed)."""
    if scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise CourseError("--scheduler needs Dask: pip install distributed") from None
        try:
            client = Client(scheduler, timeout="30s")
        except OSError as error:
            raise CourseError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    with ProcessPoolExecutor(max_workers=max(1, jobs),
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool
