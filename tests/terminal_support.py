"""The real app on a pseudo-terminal, its screen emulated by pyte, for crash and escape tests."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator

import pyte


class Terminal:
    """`python -m pdpa_check ARGS` on a pseudo-terminal; pyte emulates the screen.

    Every byte the app writes is kept in `output`, so tests can also scan the raw stream.
    """

    def __init__(self, args: list[str], *, columns: int = 80, lines: int = 24) -> None:
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns)}
        env["LINES"] = str(lines)
        env.pop("NO_COLOR", None)
        self.main, child = pty.openpty()
        fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pdpa_check", *args],
            stdin=child,
            stdout=child,
            stderr=child,
            env=env,
            close_fds=True,
        )
        os.close(child)
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.output = bytearray()
        self.titles: list[str] = []

    def pump(self, seconds: float = 0.0) -> None:
        """Read whatever the app wrote (waiting up to `seconds` for something)."""
        deadline = time.monotonic() + seconds
        while True:
            ready, _, _ = select.select([self.main], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return
            try:
                data = os.read(self.main, 65536)
            except OSError:  # the app has gone
                return
            if not data:
                return
            self.output += data
            self.stream.feed(data)
            if not self.titles or self.titles[-1] != self.screen.title:
                self.titles.append(self.screen.title)
            if time.monotonic() >= deadline:
                return

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, needle: str, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return True
            if self.process.poll() is not None:
                self.pump(0.2)
                return needle in self.text()
            self.pump(0.05)
        return needle in self.text()

    def wait_exit(self, timeout: float = 20.0) -> int | None:
        """Wait for the app to exit, reading what it writes meanwhile: a full pseudo-terminal
        buffer would otherwise block its last repaint, and it would never exit."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self.pump(0.05)
        self.pump(0.2)
        return self.process.poll()

    def press(self, keys: bytes) -> None:
        os.write(self.main, keys)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def close(self) -> None:
        self.kill()
        self.pump(0.0)
        os.close(self.main)


@contextlib.contextmanager
def on_a_terminal(args: list[str], *, columns: int = 80, lines: int = 24) -> Iterator[Terminal]:
    terminal = Terminal(args, columns=columns, lines=lines)
    try:
        yield terminal
    finally:
        terminal.close()
