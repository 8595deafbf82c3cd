"""A child process's pipe read as it writes, for tests that wait for what a long-running command says."""

from __future__ import annotations

import os
import select
import time


class StreamReader:
    """``until(text)`` waits for ``text`` and gives what came up to its end; the rest (``left``) waits for the next
    call. Plain ``os.read`` after ``select``: a buffered reader would keep lines that ``select`` cannot see."""

    def __init__(self, stream):
        self.fd, self.left = stream.fileno(), b""

    def until(self, text: str, timeout: float) -> str:
        deadline, marker = time.monotonic() + timeout, text.encode()
        while marker not in self.left:
            remaining = deadline - time.monotonic()
            assert remaining > 0 and select.select([self.fd], [], [], remaining)[0], \
                f"no {text!r} within {timeout} s: {self.left.decode(errors='replace')}"
            chunk = os.read(self.fd, 65536)
            assert chunk, f"the stream ended before {text!r}: {self.left.decode(errors='replace')}"
            self.left += chunk
        end = self.left.index(marker) + len(marker)
        given, self.left = self.left[:end], self.left[end:]
        return given.decode()
