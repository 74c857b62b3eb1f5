"""File storage for attachments and deliverables.

Files live outside the web root (settings.upload_dir by default) under random
keys; the original name is kept only as metadata, cleaned. The type is decided
by the content (magic bytes), never by the name or the browser's claim. A
backend is anything with put/get/delete; LocalStorage is the default and
S3Storage wraps any client with put_object/get_object/delete_object.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from pathlib import Path
from typing import Protocol

from sqlalchemy import func
from sqlmodel import Session, select

from core.errors import Invalid, NotFound
from core.settings import get_settings
from marketplace.models import StoredFile

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
    """An S3-like bucket through a client offering put_object/get_object/delete_object (boto3's shape)."""

    def __init__(self, client, bucket: str) -> None:
        self.client, self.bucket = client, bucket

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data)

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)


_backend: Backend | None = None


def backend() -> Backend:
    return _backend or LocalStorage(get_settings().upload_dir)


def use_backend(chosen: Backend | None) -> None:
    """Install another backend (an S3Storage in production, None for the default)."""
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


def used_bytes(session: Session, user_id: int) -> int:
    return int(session.exec(select(func.coalesce(func.sum(StoredFile.size), 0))
                            .where(StoredFile.uploaded_by_id == user_id)).one())


def save(session: Session, *, data: bytes, filename: str | None, by_id: int) -> StoredFile:
    """Check size, type and quota, write the bytes, record the StoredFile."""
    settings = get_settings()
    if not data:
        raise Invalid("文件为空", field="file")
    if len(data) > settings.upload_max_bytes:
        raise Invalid(f"文件过大：{len(data) / 1048576:.1f} MB，单个文件上限 {settings.upload_max_bytes / 1048576:.0f} MB",
                      field="file")
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
