"""What a sandbox may use: :class:`Sandbox` (configured in nbgrader_config.py as
c.Sandbox.*) and its numbers as a plain :class:`Limits` value; the font cache a sandbox gets
instead of building its own."""

from dataclasses import dataclass
from pathlib import Path

from traitlets import Bool, Float, Integer
from traitlets.config import Configurable


class Sandbox(Configurable):
    """Limits for each sandboxed process; set them in nbgrader_config.py as c.Sandbox.*."""

    enabled = Bool(True, help="Run submissions in a bubblewrap sandbox (--no-sandbox: False)"
                   ).tag(config=True)
    memory_mb = Integer(4096, help="Memory of one sandbox, MiB: all its processes, its files "
                        "in /tmp and shared memory together (a control group; also each "
                        "process's address space, RLIMIT_AS)").tag(config=True)
    cpu_seconds = Integer(600, help="CPU time of one sandbox, all its processes together, "
                          "seconds").tag(config=True)
    cpus = Float(1.0, help="Cores one sandbox may use at once (a control group's CPU quota), "
                 "so that a student's processes cannot slow a classmate's").tag(config=True)
    processes = Integer(256, help="Processes and threads of one sandbox (a control group's "
                        "pids limit and RLIMIT_NPROC)").tag(config=True)
    file_size_mb = Integer(64, help="Largest file a submission may write, MiB (RLIMIT_FSIZE)"
                           ).tag(config=True)
    disk_mb = Integer(256, help="Size of the private working folder and of /tmp, MiB each"
                      ).tag(config=True)
    wall_seconds = Integer(600, help="Wall clock for a whole notebook, seconds").tag(config=True)
    output_kb = Integer(4096, help="Output a notebook may produce, KiB: a flood is cut"
                        ).tag(config=True)
    figures = Bool(False, help="Draw figures while grading, so feedback shows them (about a "
                   "third of a notebook's grading time; they earn no points)").tag(config=True)


@dataclass(frozen=True)
class Limits:
    """The numbers of :class:`Sandbox` as a plain, picklable value (it travels to workers)."""

    enabled: bool = True
    memory_mb: int = 4096
    cpu_seconds: int = 600
    cpus: float = 1.0
    processes: int = 256
    file_size_mb: int = 64
    disk_mb: int = 256
    wall_seconds: int = 600
    output_kb: int = 4096
    cell_timeout: int = 120
    figures: bool = False

    @classmethod
    def from_config(cls, config, cell_timeout, enabled=True):
        """Limits from a traitlets config (nbgrader_config.py) and nbgrader's cell timeout."""
        sandbox = Sandbox(config=config)
        names = [n for n in cls.__dataclass_fields__
                 if n not in ("enabled", "cell_timeout", "figures", "cpus")]
        return cls(enabled=enabled and sandbox.enabled, cell_timeout=int(cell_timeout),
                   figures=sandbox.figures, cpus=float(sandbox.cpus),
                   **{n: int(getattr(sandbox, n)) for n in names})


def font_cache():
    """matplotlib's font list, so sandboxes need not rebuild it: file name -> bytes."""
    import matplotlib
    import matplotlib.font_manager  # noqa: F401 - builds the cache if it is missing

    folder = Path(matplotlib.get_cachedir())
    return {p.name: p.read_bytes() for p in folder.glob("fontlist-*.json")}
