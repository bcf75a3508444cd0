"""nbgrader's collect, refusing a submission filed under a name that is not its owner's.

On a hub where every student is a system user, nbgrader's exchange lets anyone write into
``inbound/``, and the folder's name says whose submission it is. nbgrader's own collect
only warns when that name is not the folder's owner (``check_owner``) and collects it all
the same, so a student could hand in work under a classmate's name. With
``c.ExchangeFactory.collect = "autograder.lms.owned_collect.OwnedCollect"`` such a folder is
never collected: each student's newest submission of their own is, and the log names the
refused folder and who made it.
"""

import os
import pwd

from nbgrader.exchange.default.collect import ExchangeCollect


class OwnedCollect(ExchangeCollect):
    """ExchangeCollect that collects only folders owned by the student they name."""

    def _path_to_record(self, path):
        record = super()._path_to_record(path)
        try:
            owner = pwd.getpwuid(os.stat(path).st_uid).pw_name
        except (KeyError, OSError):
            owner = None
        record["forged"] = owner != record["username"]
        if record["forged"]:
            self.log.error("NOT COLLECTED: %s names %s but was made by %s",
                           record["filename"], record["username"], owner)
        return record

    def _sort_by_timestamp(self, records):
        """Each student's own submissions first (newest first), so one is picked if any."""
        ordered = super()._sort_by_timestamp(records)
        return [r for r in ordered if not r["forged"]] + [r for r in ordered if r["forged"]]

    def init_src(self):
        super().init_src()
        self.src_records = [r for r in self.src_records if not r["forged"]]
