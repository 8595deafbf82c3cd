"""A child process's pipe read as it writes, for the tests and benchmarks that wait for what a long-running
command says (``catgen serve``, ``catgen check --watch``); the benchmarks import it from here."""

from __future__ import annotations

import os
import select
import time

SHOWN = 2000  # characters of what came, at most, in the message of a wait that failed


class StreamReader:
    """``until(text)`` waits for ``text`` and gives what came up to its end; the rest (``left``) waits for the next
    call. Plain ``os.read`` after ``select``: a buffered reader would keep lines that ``select`` cannot see.
    ``TimeoutError`` when ``text`` does not come in time, ``EOFError`` when the stream ends before it."""

    def __init__(self, stream):
        self.fd, self.left = stream.fileno(), b""

    def until(self, text: str, timeout: float) -> str:
        deadline, marker = time.monotonic() + timeout, text.encode()
        while marker not in self.left:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
                raise TimeoutError(f"no {text!r} within {timeout} s: {self._came()}")
            chunk = os.read(self.fd, 65536)
            if not chunk:
                raise EOFError(f"the stream ended before {text!r}: {self._came()}")
            self.left += chunk
        end = self.left.index(marker) + len(marker)
        given, self.left = self.left[:end], self.left[end:]
        return given.decode()

    def _came(self) -> str:
        return self.left.decode(errors="replace")[-SHOWN:]
