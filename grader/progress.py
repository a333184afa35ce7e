"""A progress bar with an estimate of the time left, in plain text on stderr.

On a terminal the line redraws in place; in a log (not a terminal) a line is
printed at most every 15 seconds and at the end, so logs stay short.
"""

import sys
import time


class Progress:
    def __init__(self, total, stream=None, width=24):
        self.total = total
        self.stream = stream or sys.stderr
        self.width = width
        self.done = 0
        self.running = 0
        self.start = time.monotonic()
        self.last_print = 0.0
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()

    def started(self, grade=None):
        self.running += 1
        self._show()

    def advance(self, grade=None):
        self.done += 1
        self.running = max(0, self.running - 1)
        if grade is not None and grade.status not in ("graded", "flagged") and not self.interactive:
            self._write(f"  {grade.submission}: {grade.status}")
        self._show(force=self.done == self.total)

    def finish(self):
        self._show(force=True)
        if self.interactive:
            self.stream.write("\n")
            self.stream.flush()

    def line(self):
        elapsed = time.monotonic() - self.start
        filled = int(self.width * self.done / self.total) if self.total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        if self.done == self.total:
            left = "done"
        elif self.done:
            left = f"about {_clock(elapsed / self.done * (self.total - self.done))} left"
        else:
            left = "estimating time left"
        return (f"grading [{bar}] {self.done}/{self.total} · {self.running} running · "
                f"{_clock(elapsed)} elapsed · {left}")

    def _show(self, force=False):
        now = time.monotonic()
        if self.interactive:
            self.stream.write("\r" + self.line() + "\033[K")
            self.stream.flush()
        elif force or now - self.last_print >= 15:
            self._write(self.line())
            self.last_print = now

    def _write(self, text):
        if self.interactive:
            self.stream.write("\r\033[K")
        self.stream.write(text + "\n")
        self.stream.flush()


def _clock(seconds):
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
