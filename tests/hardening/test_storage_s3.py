"""Uploads on S3-compatible object storage: a real S3 server (moto) on loopback, reached through boto3.

The two-process case (two app hosts, one bucket) is in test_two_hosts.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr, ValidationError
from sqlmodel import func, select

from core.errors import NotFound
from core.settings import Settings, get_settings
from marketplace.execution.models import Deliverable
from marketplace.files import service as storage
from marketplace.files.models import StoredFile
from tests.hardening.s3 import BUCKET, PDF, make_bucket, moto_server, s3_env
from tests.helpers import post_challenge


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        make_bucket(endpoint)
        yield endpoint


def use_s3(monkeypatch, endpoint: str, bucket: str = BUCKET) -> None:
    settings = get_settings()
    for name, value in s3_env(endpoint, bucket).items():
        field = name.removeprefix("XIECHUANG_").lower()
        monkeypatch.setattr(settings, field, SecretStr(value) if field == "s3_secret_access_key" else value)
    storage.use_backend(None)


@pytest.fixture
def s3(monkeypatch, s3_endpoint):
    """The app's settings pointed at the shared bucket; yields a boto3 client to look inside it."""
    use_s3(monkeypatch, s3_endpoint)
    return storage.backend().client


def upload_deliverable(client, people) -> tuple[dict, httpx.Response]:
    """Award a challenge to eng0 and upload PDF as a deliverable through the JSON API."""
    h = people["h"]
    challenge = post_challenge(client, h)
    bid = client.post(f"/api/v1/challenges/{challenge['id']}/bids", headers=h["eng0"],
                      json={"proposal": "交付检测报告", "price": 1000}).json()
    collab = client.post(f"/api/v1/bids/{bid['id']}/award", headers=h["firm"]).json()
    return collab, client.post(f"/api/v1/collaborations/{collab['id']}/deliverables", headers=h["eng0"],
                               files={"file": ("检测报告.pdf", PDF, "application/pdf")}, data={"note": "报告"})


class TestS3Backend:
    def test_settings_choose_s3_and_the_client_is_built_once(self, s3):
        chosen = storage.backend()
        assert isinstance(chosen, storage.S3Storage) and chosen.bucket == BUCKET
        assert storage.backend().client is chosen.client

    def test_put_get_delete_round_trip(self, s3):
        key = "ab/" + "0" * 32
        storage.backend().put(key, PDF)
        assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF
        assert storage.backend().get(key) == PDF
        storage.backend().delete(key)
        with pytest.raises(NotFound, match="文件已不在存储中"):
            storage.backend().get(key)
        storage.backend().delete(key)  # deleting twice is fine

    def test_s3_without_a_bucket_refuses_to_start(self):
        with pytest.raises(ValidationError, match="XIECHUANG_S3_BUCKET"):
            Settings(mode="production", storage_backend="s3", s3_bucket="", secret_key="x" * 40)


class TestUploadsThroughTheApp:
    def test_uploaded_deliverable_lands_in_bucket_and_downloads(self, client, session, people, s3):
        _collab, uploaded = upload_deliverable(client, people)
        assert uploaded.status_code == 201, uploaded.text
        stored = session.get(StoredFile, session.get(Deliverable, uploaded.json()["id"]).file_id)
        assert s3.get_object(Bucket=BUCKET, Key=stored.storage_key)["Body"].read() == PDF
        got = client.get(f"/api/v1/deliverables/{uploaded.json()['id']}/download", headers=people["h"]["firm"])
        assert got.status_code == 200 and got.content == PDF
        assert got.headers["content-disposition"].startswith("attachment")
        assert "filename*=UTF-8''%E6%A3%80" in got.headers["content-disposition"]
        assert got.headers["x-content-type-options"] == "nosniff"

    def test_object_gone_from_bucket_is_404_not_500(self, client, session, people, s3):
        _collab, uploaded = upload_deliverable(client, people)
        stored = session.get(StoredFile, session.get(Deliverable, uploaded.json()["id"]).file_id)
        s3.delete_object(Bucket=BUCKET, Key=stored.storage_key)
        got = client.get(f"/api/v1/deliverables/{uploaded.json()['id']}/download", headers=people["h"]["firm"])
        assert got.status_code == 404 and got.json()["detail"] == "文件已不在存储中"

    def test_stopped_storage_is_503_and_records_nothing(self, client, session, people, monkeypatch):
        with moto_server() as endpoint:
            make_bucket(endpoint)
        use_s3(monkeypatch, endpoint)  # the bucket existed, the server is gone
        self.assert_refused_and_unrecorded(client, session, people)

    def test_denied_storage_is_503_and_records_nothing(self, client, session, people, monkeypatch):
        with moto_server(require_auth=True) as endpoint:  # refuses the unknown access key
            use_s3(monkeypatch, endpoint)
            self.assert_refused_and_unrecorded(client, session, people)

    @staticmethod
    def assert_refused_and_unrecorded(client, session, people) -> None:
        files_before = session.exec(select(func.count(StoredFile.id))).one()
        collab, uploaded = upload_deliverable(client, people)
        assert uploaded.status_code == 503, uploaded.text
        assert uploaded.json() == {"detail": "文件存储暂时不可用，文件未保存，请稍后重试", "code": "unavailable"}
        assert session.exec(select(func.count(StoredFile.id))).one() == files_before
        listed = client.get(f"/api/v1/collaborations/{collab['id']}/deliverables", headers=people["h"]["firm"])
        assert listed.status_code == 200 and listed.json() == []
