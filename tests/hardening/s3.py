"""A real S3 server (moto) on loopback for the storage tests, and the settings that put an app on it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from core.settings import Settings
from marketplace.files import service as storage
from tests.servers import free_port

BUCKET = "xiechuang-uploads"
PDF = b"%PDF-1.4\n% s3 test\n" + "液压阀检测报告".encode() * 200


@contextmanager
def moto_server(*, require_auth: bool = False) -> Iterator[str]:
    """Serve moto's S3 on 127.0.0.1 in a subprocess until the block ends; yield its endpoint URL."""
    port = free_port()
    env = {**os.environ, **({"INITIAL_NO_AUTH_ACTION_COUNT": "0"} if require_auth else {})}
    endpoint = f"http://127.0.0.1:{port}"
    with subprocess.Popen([sys.executable, "-c", "from moto.server import main; main()", "-H", "127.0.0.1",
                           "-p", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as process:
        try:
            wait_until_up(endpoint, process)
            yield endpoint
        finally:
            process.kill()  # nothing to flush: its state lives in memory


def wait_until_up(endpoint: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while process.poll() is None and time.monotonic() < deadline:
        try:
            httpx.get(f"{endpoint}/moto-api/", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("moto server did not start")


def s3_env(endpoint: str, bucket: str = BUCKET) -> dict[str, str]:
    """The environment that puts an app process on this bucket (as in docs/deploy.md)."""
    return {"XIECHUANG_STORAGE_BACKEND": "s3", "XIECHUANG_S3_ENDPOINT_URL": endpoint, "XIECHUANG_S3_BUCKET": bucket,
            "XIECHUANG_S3_REGION": "us-east-1", "XIECHUANG_S3_ACCESS_KEY_ID": "xiechuang-test",
            "XIECHUANG_S3_SECRET_ACCESS_KEY": "xiechuang-test-secret"}


def make_bucket(endpoint: str, bucket: str = BUCKET):
    """Create the bucket through the app's own (cached) client; return that client."""
    client = storage.s3_storage(Settings(**{k.removeprefix("XIECHUANG_").lower(): v
                                            for k, v in s3_env(endpoint, bucket).items()})).client
    client.create_bucket(Bucket=bucket)
    return client
