"""JupyterHub's LocalProcessSpawner with a memory, CPU and process limit per user's server.

Each server (and every kernel and terminal it starts) runs as its user's uid inside a
resource unit of its own, the one the grader's sandboxes use (autograder/sandbox/resource_unit.py):
a control group (cgroup v1 or v2) or a transient systemd scope. The kernel enforces the
limits: a server that allocates past ``mem_limit`` has a process killed by the
out-of-memory killer of its own group, and no other user's server is touched. Where no
control group can be made, the server is not started (a limit that only a watchdog keeps
is not a limit for a process the hub does not watch).
"""

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Integer

from autograder.sandbox import resource_unit
from autograder.sandbox.limits import Limits


class LimitedSpawner(LocalProcessSpawner):
    """One control group per user's server: ``mem_limit``, ``cpu_limit`` and ``processes``."""

    processes = Integer(512, help="Most processes and threads one server may run.").tag(
        config=True)

    unit = None

    def _limits(self):
        if not self.mem_limit or not self.cpu_limit:
            raise RuntimeError("LimitedSpawner needs Spawner.mem_limit and Spawner.cpu_limit")
        return Limits(memory_mb=max(1, self.mem_limit // 2**20), cpus=float(self.cpu_limit),
                      processes=self.processes, cpu_seconds=2**62)

    def make_preexec_fn(self, name):
        become_user = super().make_preexec_fn(name)
        unit = self.unit

        def preexec():
            unit.join()  # still root here: the group's files belong to root
            become_user()

        return preexec

    async def start(self):
        self.unit, warning = resource_unit.create(self._limits())
        if warning:
            self.unit = None
            raise RuntimeError(f"no per-user limits for {self.user.name}'s server: {warning}")
        configured = self.cmd
        self.cmd = self.unit.wrap(list(configured))  # systemd-run in front, where it is used
        try:
            return await super().start()
        except Exception:
            self._release()
            raise
        finally:
            self.cmd = configured

    async def poll(self):
        status = await super().poll()
        if status is not None:  # the server ended by itself (or was killed)
            self._release()
        return status

    async def stop(self, now=False):
        await super().stop(now=now)
        self._release()

    def _release(self):
        """Kill what is left in the server's group (a kernel that outlived it) and remove it."""
        if self.unit is not None:
            self.unit.kill(self.pid)
            self.unit.close()
            self.unit = None
