"""File storage: names made safe, types decided by content, files kept outside the web root."""

from __future__ import annotations

import pytest

from core.errors import Invalid
from core.settings import get_settings
from marketplace import storage
from tests.factories import make_user


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
        from core.errors import NotFound

        with pytest.raises(NotFound):
            storage.LocalStorage(tmp_path).get("../../etc/passwd")
