"""File storage for attachments and deliverables.

Files live outside the web root (settings.upload_dir by default) under random
keys; the original name is kept only as metadata, cleaned. The type is decided
by the content (magic bytes), never by the name or the browser's claim. A
backend is anything with put/get/delete; LocalStorage is the default and
S3Storage (XIECHUANG_STORAGE_BACKEND=s3) wraps a boto3 client for any
S3-compatible object storage. Uploads are read in chunks and refused as soon
as they pass the size limit.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError
from fastapi.responses import Response
from sqlalchemy import func
from sqlmodel import Session, select
from starlette.datastructures import UploadFile

from core.errors import Invalid, NotFound, Unavailable
from core.settings import Settings, get_settings
from marketplace.files.models import StoredFile

log = logging.getLogger(__name__)

# (magic prefix, offset, content type, label); checked in order
SIGNATURES: list[tuple[bytes, int, str, str]] = [
    (b"%PDF-", 0, "application/pdf", "PDF"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", "PNG 图片"),
    (b"\xff\xd8\xff", 0, "image/jpeg", "JPEG 图片"),
    (b"GIF87a", 0, "image/gif", "GIF 图片"),
    (b"GIF89a", 0, "image/gif", "GIF 图片"),
    (b"PK\x03\x04", 0, "application/zip", "Office 文档/ZIP 压缩包"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "application/x-ole-storage", "旧版 Office 文档"),
    (b"7z\xbc\xaf\x27\x1c", 0, "application/x-7z-compressed", "7z 压缩包"),
    (b"Rar!\x1a\x07", 0, "application/vnd.rar", "RAR 压缩包"),
    (b"AC10", 0, "image/vnd.dwg", "DWG 图纸"),
]
REFUSED: list[tuple[bytes, str]] = [
    (b"MZ", "Windows 可执行文件"),
    (b"\x7fELF", "Linux 可执行文件"),
    (b"#!", "脚本文件"),
    (b"\xca\xfe\xba\xbe", "可执行文件"),
]
ALLOWED_HINT = "PDF、图片、Office 文档、压缩包、DWG 图纸或纯文本"
OFFICE_EXTENSIONS = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
READ_CHUNK_BYTES = 1024 * 1024
MISSING_CODES = {"NoSuchKey", "404", "NotFound"}


class Backend(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...


class LocalStorage:
    """A folder on disk, outside the web root; keys are random hex."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{32}", key):
            raise NotFound("文件不存在")
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def get(self, key: str) -> bytes:
        path = self._path(key)
        if not path.exists():
            raise NotFound("文件已不在存储中")
        return path.read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """An S3-compatible bucket through a boto3 client; its failures become NotFound or Unavailable."""

    def __init__(self, client, bucket: str) -> None:
        self.client, self.bucket = client, bucket

    def put(self, key: str, data: bytes) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data)
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable("put", key, exc, "文件存储暂时不可用，文件未保存，请稍后重试") from exc

    def get(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in MISSING_CODES:
                raise NotFound("文件已不在存储中") from exc
            raise _unavailable("get", key, exc) from exc
        except BotoCoreError as exc:
            raise _unavailable("get", key, exc) from exc

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            raise _unavailable("delete", key, exc) from exc


def _unavailable(action: str, key: str, exc: Exception, message: str = "文件存储暂时不可用，请稍后重试") -> Unavailable:
    # Denied, unreachable or timed out: the user can only retry; the operator needs the cause.
    log.error("object storage failed to %s %s: %s", action, key, exc)
    return Unavailable(message)


@lru_cache
def s3_client(endpoint_url: str, region: str, access_key_id: str, secret_access_key: str, addressing_style: str):
    """One boto3 client per process and configuration (clients are thread-safe; sessions are not)."""
    # lazy: boto3 is loaded only by deployments on S3-compatible storage
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2, "mode": "standard"},
                    s3={"addressing_style": addressing_style})
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint_url or None, region_name=region or None, config=config,
        aws_access_key_id=access_key_id or None, aws_secret_access_key=secret_access_key or None)


def s3_storage(settings: Settings) -> S3Storage:
    client = s3_client(settings.s3_endpoint_url, settings.s3_region, settings.s3_access_key_id,
                       settings.s3_secret_access_key.get_secret_value(), settings.s3_addressing_style)
    return S3Storage(client, settings.s3_bucket)


_backend: Backend | None = None


def backend() -> Backend:
    """The installed backend, else the one the settings choose (local folder or S3 bucket)."""
    if _backend is not None:
        return _backend
    settings = get_settings()
    if settings.storage_backend == "s3":
        return s3_storage(settings)
    return LocalStorage(settings.upload_dir)


def use_backend(chosen: Backend | None) -> None:
    """Install another backend (tests; None goes back to the configured one)."""
    global _backend
    _backend = chosen


def safe_filename(name: str | None) -> str:
    """Keep letters (Chinese too), digits, dot, dash, underscore; no paths, no control characters."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").split("/")[-1])
    cleaned = re.sub(r"[^\w.\-（）() ]+", "_", base).strip(" ._")
    return (cleaned or "file")[:120]


def sniff(data: bytes, filename: str) -> str:
    """The content type decided from the bytes; Invalid for refused or unknown binaries."""
    for magic, label in REFUSED:
        if data.startswith(magic):
            raise Invalid(f"不接受{label}，请上传{ALLOWED_HINT}", field="file")
    for magic, offset, content_type, _label in SIGNATURES:
        if data[offset:offset + len(magic)] == magic:
            if content_type == "application/zip":
                return OFFICE_EXTENSIONS.get(Path(filename).suffix.lower(), content_type)
            return content_type
    if b"\x00" not in data[:8192]:
        try:
            data[:65536].decode("utf-8")
            return "text/plain"  # HTML and SVG land here too: stored and served as plain text downloads
        except UnicodeDecodeError as exc:
            if exc.start > 65536 - 4:  # a multibyte character cut at the sample's end
                return "text/plain"
    raise Invalid(f"无法识别的文件类型，请上传{ALLOWED_HINT}", field="file")


def too_large(size: int | None, limit: int) -> Invalid:
    shown = f"：{size / 1048576:.1f} MB" if size is not None else ""
    return Invalid(f"文件过大{shown}，单个文件上限 {limit / 1048576:.0f} MB", field="file")


def read_upload(upload: UploadFile, *, limit: int | None = None) -> bytes:
    """Read an uploaded file in chunks, refusing it as soon as it passes the limit (upload_max_bytes by default)."""
    limit = get_settings().upload_max_bytes if limit is None else limit
    if upload.size is not None and upload.size > limit:
        raise too_large(upload.size, limit)
    chunks, total = [], 0
    while chunk := upload.file.read(READ_CHUNK_BYTES):
        total += len(chunk)
        if total > limit:
            raise too_large(upload.size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def used_bytes(session: Session, user_id: int) -> int:
    return int(session.exec(select(func.coalesce(func.sum(StoredFile.size), 0))
                            .where(StoredFile.uploaded_by_id == user_id)).one())


def save(session: Session, *, data: bytes, filename: str | None, by_id: int) -> StoredFile:
    """Check size, type and quota, write the bytes, record the StoredFile."""
    settings = get_settings()
    if not data:
        raise Invalid("文件为空", field="file")
    if len(data) > settings.upload_max_bytes:
        raise too_large(len(data), settings.upload_max_bytes)
    name = safe_filename(filename)
    content_type = sniff(data, name)
    if used_bytes(session, by_id) + len(data) > settings.upload_quota_bytes:
        raise Invalid(f"您的存储空间已满（上限 {settings.upload_quota_bytes / 1048576:.0f} MB），请先清理旧文件",
                      field="file")
    key = f"{secrets.token_hex(1)}/{secrets.token_hex(16)}"
    backend().put(key, data)
    stored = StoredFile(storage_key=key, filename=name, content_type=content_type, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=by_id)
    session.add(stored)
    session.flush()
    return stored


def read(stored: StoredFile) -> bytes:
    return backend().get(stored.storage_key)


def file_response(stored, data: bytes):
    """A stored file as a download: never rendered inline, never sniffed into HTML."""
    # Always octet-stream: the sniffed type is metadata (in the listing), never a rendering hint.
    media = "application/octet-stream"
    ascii_name = stored.filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return Response(content=data, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(stored.filename)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Cache-Control": "private, no-store",
        "X-File-Type": stored.content_type,
    })


FILE_RESPONSES = {200: {"description": "文件下载（Content-Disposition: attachment）",
                        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}
