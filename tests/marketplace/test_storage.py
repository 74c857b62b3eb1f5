"""File storage: names made safe, types decided by content, files kept outside the web root."""

from __future__ import annotations

import io

import pytest
from starlette.datastructures import UploadFile

from core.errors import Invalid, NotFound
from core.settings import get_settings
from marketplace.files import service as storage
from tests.factories import make_user
from tests.helpers import api_headers, post_challenge


class TestNamesAndTypes:
    @pytest.mark.parametrize("raw,safe", [("../../etc/passwd", "passwd"), ("C:\\temp\\方案.docx", "方案.docx"),
                                          ("a<script>.pdf", "a_script_.pdf"), ("", "file"), ("...", "file")])
    def test_safe_filename(self, raw, safe):
        assert storage.safe_filename(raw) == safe

    def test_office_zip_named_by_extension_only_after_the_magic_matched(self):
        assert storage.sniff(b"PK\x03\x04rest", "x.docx").endswith("wordprocessingml.document")
        assert storage.sniff(b"PK\x03\x04rest", "x.zip") == "application/zip"
        with pytest.raises(Invalid):
            storage.sniff(b"\x00\x01\x02binary", "x.docx")

    def test_plain_text_and_cad_steps_are_text(self):
        assert storage.sniff("ISO-10303-21;\nHEADER;".encode(), "part.step") == "text/plain"
        assert storage.sniff(("密封" * 40000).encode(), "long.txt") == "text/plain"


class TestLocalStorage:
    def test_files_live_under_upload_dir_not_static(self, session):
        user = make_user(session, role="engineer")
        stored = storage.save(session, data=b"%PDF-1.4 x", filename="r.pdf", by_id=user.id)
        path = get_settings().upload_dir / stored.storage_key
        assert path.read_bytes() == b"%PDF-1.4 x"
        assert "static" not in str(path.resolve())
        assert storage.used_bytes(session, user.id) == len(b"%PDF-1.4 x")

    def test_keys_cannot_escape_the_folder(self, tmp_path):
        with pytest.raises(NotFound):
            storage.LocalStorage(tmp_path).get("../../etc/passwd")


class TestReadUpload:
    """Uploads are read in chunks and refused as soon as they pass the limit, never held whole."""

    class CountingFile(io.BytesIO):
        def __init__(self, data: bytes) -> None:
            super().__init__(data)
            self.bytes_read = 0

        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            self.bytes_read += len(chunk)
            return chunk

    def test_small_file_read_whole(self):
        upload = UploadFile(self.CountingFile(b"%PDF-1.4 x" * 300_000))
        assert storage.read_upload(upload) == b"%PDF-1.4 x" * 300_000

    def test_stops_one_chunk_past_the_limit_when_size_is_unknown(self, monkeypatch):
        monkeypatch.setattr(get_settings(), "upload_max_bytes", 2 * storage.READ_CHUNK_BYTES)
        source = self.CountingFile(b"x" * (10 * storage.READ_CHUNK_BYTES))
        with pytest.raises(Invalid, match="文件过大，单个文件上限 2 MB"):
            storage.read_upload(UploadFile(source))
        assert source.bytes_read == 3 * storage.READ_CHUNK_BYTES

    def test_known_size_refused_before_reading(self):
        source = self.CountingFile(b"x" * 2048)
        with pytest.raises(Invalid, match="文件过大") as refused:
            storage.read_upload(UploadFile(source, size=2048), limit=1024)
        assert refused.value.field == "file" and source.bytes_read == 0

    def test_route_refuses_oversized_upload_with_the_size_message(self, client, session, monkeypatch):
        firm = make_user(session, role="sme")
        session.commit()
        heads = {"firm": api_headers(client, firm)}
        challenge = post_challenge(client, heads)
        monkeypatch.setattr(get_settings(), "upload_max_bytes", 1024 * 1024)
        big = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
        refused = client.post(f"/api/v1/challenges/{challenge['id']}/attachments", headers=heads["firm"],
                              files={"file": ("大图纸.pdf", big, "application/pdf")})
        assert refused.status_code == 422 and refused.json()["field"] == "file"
        assert refused.json()["detail"] == "文件过大：3.0 MB，单个文件上限 1 MB"
