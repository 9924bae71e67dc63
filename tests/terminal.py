"""Running the command line with its standard error on a pseudo-terminal, or on a pipe: what
shows only on a terminal (progress) is tested as a user at a terminal sees it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def stderr_of(args: list[str], cwd: Path, *, terminal: bool) -> str:
    """What `nianbao ARGS` writes on standard error: a pseudo-terminal, or a pipe."""
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    command = [sys.executable, "-m", "nianbao.cli", *args]
    if not terminal:
        run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
        assert run.returncode == 0, run.stderr
        return run.stderr.decode("utf-8", "replace")
    leader, follower = os.openpty()
    try:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=follower
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other end is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=120) == 0
    finally:
        os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")
