"""Run the real application in a subprocess (uvicorn) against a given database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cli(url: str, var_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run `xiechuang ARGS` against `url` in a subprocess."""
    env = {**os.environ, "XIECHUANG_DATABASE_URL": url, "XIECHUANG_VAR_DIR": str(var_dir), "XIECHUANG_MODE": "test"}
    result = subprocess.run([sys.executable, "-c", "from web.cli import main; main()", *args],
                            env=env, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"xiechuang {' '.join(args)} failed: {result.stderr}")
    return result


@contextmanager
def running_app(url: str, var_dir: Path, *, port: int | None = None, extra_env: dict[str, str] | None = None,
                workers: int = 1) -> Iterator[str]:
    """Serve the app on 127.0.0.1:port until the block ends; yield its base URL."""
    port = port or free_port()
    env = {**os.environ, "XIECHUANG_DATABASE_URL": url, "XIECHUANG_VAR_DIR": str(var_dir),
           "XIECHUANG_MODE": "test", **(extra_env or {})}
    log = open(var_dir / f"server-{port}.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "web.main:app", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {(var_dir / f'server-{port}.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
