"""A child process's pipe read as it writes, for benchmarks that time what a long-running command says."""

from __future__ import annotations

import os
import select
import time


class StreamReader:
    """``until(text)`` waits for ``text`` and gives what came up to its end; the rest waits for the next call.
    Plain ``os.read`` after ``select``: a buffered reader would keep lines that ``select`` cannot see."""

    def __init__(self, stream):
        self.fd, self.left = stream.fileno(), b""

    def until(self, text: str, timeout: float) -> str:
        deadline, marker = time.monotonic() + timeout, text.encode()
        while marker not in self.left:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
                raise SystemExit(f"no {text!r} within {timeout} s: {self.left.decode(errors='replace')[-2000:]}")
            chunk = os.read(self.fd, 65536)
            if not chunk:
                raise SystemExit(f"the process ended before {text!r}: {self.left.decode(errors='replace')[-2000:]}")
            self.left += chunk
        end = self.left.index(marker) + len(marker)
        given, self.left = self.left[:end], self.left[end:]
        return given.decode()
