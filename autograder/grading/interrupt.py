"""Ctrl-C (SIGINT) and SIGTERM during a class run: a request to stop, not a traceback.

While a :class:`StopRequest` is active the signals only set it; the run loop looks at it
between students, so every student it has recorded is recorded whole (gradebook, CSV and
log), and then raises :class:`Interrupted`, which the command line turns into a message
and the exit code of the signal.
"""

import signal

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(Exception):
    """A run stopped by a signal; the message says how to continue."""

    def __init__(self, signum, message):
        super().__init__(message)
        self.exit_code = 128 + signum


class StopRequest:
    """Within ``with``: SIGINT and SIGTERM set :attr:`signum` instead of stopping the
    process (outside the main thread it installs nothing)."""

    def __init__(self):
        self.signum, self._previous = None, {}

    def _handle(self, signum, frame):
        self.signum = self.signum or signum

    def __enter__(self):
        try:
            self._previous = {s: signal.signal(s, self._handle) for s in SIGNALS}
        except ValueError:  # not the main thread: signals stay as they are
            self._previous = {}
        return self

    def __exit__(self, *exc):
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def __bool__(self):
        return self.signum is not None

    @property
    def name(self):
        return "Ctrl-C (SIGINT)" if self.signum == signal.SIGINT else signal.Signals(
            self.signum).name
