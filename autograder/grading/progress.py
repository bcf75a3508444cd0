"""Progress of a class being graded: a tqdm bar on a terminal, one line per student otherwise."""

import sys


class Progress:
    """Counts done, failed and remaining; reports each finished student."""

    def __init__(self, total, log, stream=sys.stderr):
        self.log, self.failed, self.bar = log, 0, None
        if stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="student", file=stream, dynamic_ncols=True)

    def _line(self, text):
        if self.bar is not None:
            self.bar.write(text)
        else:
            self.log(text)

    def done(self, row):
        """``row`` of autograder_grades.csv is written: report it."""
        self.failed += row.score == "" and row.status != "no submission"
        score = row.score if row.score != "" else "-"
        self._line(f"{row.student_id:<24} {score:>6} / {row.max_score:<6} {row.status}")
        if self.bar is not None:
            self.bar.set_postfix(failed=self.failed)
            self.bar.update()

    def skip(self, student):
        """``student`` was graded by an earlier run with the same grader (--resume)."""
        self._line(f"{student:<24} already graded (--resume)")
        if self.bar is not None:
            self.bar.update()

    def close(self):
        if self.bar is not None:
            self.bar.close()
