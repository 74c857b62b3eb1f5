"""Two app processes on different ports, one database, one upload folder (or one S3
bucket): what is written through one host is read, matched and downloaded through the other."""

from __future__ import annotations

import httpx

from tests.hardening.s3 import BUCKET, PDF, make_bucket, moto_server, s3_env
from tests.scratch import scratch_database
from tests.servers import cli, running_app

PASSWORD = "Xc-river-7421-lamp"  # passes the strength policy
SHARED_SECRET = "two-hosts-share-this-secret-key-0123456789"


def token(base: str, username: str) -> dict[str, str]:
    reply = httpx.post(f"{base}/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def test_two_app_hosts_share_database_storage_and_index(tmp_path):
    uploads = tmp_path / "shared-uploads"
    env = {"XIECHUANG_SECRET_KEY": SHARED_SECRET, "XIECHUANG_UPLOAD_DIR": str(uploads)}
    with scratch_database("hosts") as url:
        cli(url, tmp_path, "db", "upgrade")
        cli(url, tmp_path, "user", "create", "--username", "firm", "--password", PASSWORD, "--role", "sme",
            "--org", "双机测试机械有限公司")
        cli(url, tmp_path, "user", "create", "--username", "eng", "--password", PASSWORD, "--role", "engineer",
            "--engineer", "E-H1", "--name", "李工")
        host_a, host_b = tmp_path / "a", tmp_path / "b"
        host_a.mkdir()
        host_b.mkdir()
        with running_app(url, host_a, extra_env={**env, "XIECHUANG_INDEX_DIR": str(host_a / "index")}) as a, \
                running_app(url, host_b, extra_env={**env, "XIECHUANG_INDEX_DIR": str(host_b / "index")}) as b:
            firm_on_a = token(a, "firm")
            eng_on_b = token(b, "eng")
            # A token signed by host A is honoured by host B (same secret).
            assert httpx.get(f"{b}/api/v1/me", headers=firm_on_a).json()["username"] == "firm"

            posted = httpx.post(f"{a}/api/v1/challenges", headers=firm_on_a, json={
                "external_id": "H1", "title": "液压泵噪声治理", "description": "柱塞泵在额定工况下噪声超过85分贝",
                "skills": ["液压", "振动噪声"], "budget": 200000})
            assert posted.status_code == 201, posted.text
            assert httpx.get(f"{b}/api/v1/challenges/H1", headers=eng_on_b).json()["title"] == "液压泵噪声治理"

            bid = httpx.post(f"{b}/api/v1/challenges/H1/bids", headers=eng_on_b,
                             json={"proposal": "先做模态分析再优化配流盘", "price": 180000})
            assert bid.status_code == 201, bid.text
            collab = httpx.post(f"{a}/api/v1/bids/{bid.json()['id']}/award", headers=firm_on_a, json={})
            assert collab.status_code in (200, 201), collab.text
            collab_id = collab.json()["id"]

            content = b"%PDF-1.4\n% test report\n" + "噪声测试报告".encode() * 50
            uploaded = httpx.post(f"{b}/api/v1/collaborations/{collab_id}/deliverables", headers=eng_on_b,
                                  files={"file": ("报告.pdf", content, "application/pdf")}, data={"note": "测试报告"})
            assert uploaded.status_code == 201, uploaded.text
            download = httpx.get(f"{a}/api/v1/deliverables/{uploaded.json()['id']}/download", headers=firm_on_a)
            assert download.status_code == 200
            assert download.content == content
            assert download.headers["content-disposition"].startswith("attachment")

            # Matching: both hosts rank the same engineers for the challenge.
            ranked_a = httpx.get(f"{a}/api/v1/challenges/H1/matches", params={"top": 5}, headers=firm_on_a, timeout=120)
            ranked_b = httpx.get(f"{b}/api/v1/challenges/H1/matches", params={"top": 5}, headers=firm_on_a, timeout=120)
            assert ranked_a.status_code == 200, ranked_a.text
            assert [m["engineer"] for m in ranked_a.json()["matches"]] == \
                [m["engineer"] for m in ranked_b.json()["matches"]]
            assert "E-H1" in [m["engineer"] for m in ranked_a.json()["matches"]]


def test_two_app_hosts_share_an_s3_bucket(tmp_path):
    """No shared folder: an attachment put in the bucket through host A is served by host B."""
    with moto_server() as endpoint, scratch_database("s3hosts") as url:
        bucket = make_bucket(endpoint)
        cli(url, tmp_path, "db", "upgrade")
        cli(url, tmp_path, "user", "create", "--username", "firm", "--password", PASSWORD, "--role", "sme",
            "--org", "对象存储测试机械有限公司")
        env = {"XIECHUANG_SECRET_KEY": SHARED_SECRET, "XIECHUANG_EMBEDDING_BACKEND": "none", **s3_env(endpoint)}
        host_a, host_b = tmp_path / "a", tmp_path / "b"
        host_a.mkdir()
        host_b.mkdir()
        with running_app(url, host_a, extra_env=env) as a, running_app(url, host_b, extra_env=env) as b:
            firm = token(a, "firm")
            posted = httpx.post(f"{a}/api/v1/challenges", headers=firm, json={
                "external_id": "S3H1", "title": "齿轮箱渗油治理", "description": "减速机结合面长期渗油需要改进密封",
                "skills": ["密封"], "budget": 50000})
            assert posted.status_code == 201, posted.text
            attached = httpx.post(f"{a}/api/v1/challenges/{posted.json()['id']}/attachments", headers=firm,
                                  files={"file": ("图纸说明.pdf", PDF, "application/pdf")})
            assert attached.status_code == 201, attached.text
            file_id = attached.json()["attachments"][0]["id"]
            download = httpx.get(f"{b}/api/v1/challenges/S3H1/attachments/{file_id}", headers=firm)
            assert download.status_code == 200, download.text
            assert download.content == PDF
            assert download.headers["content-disposition"].startswith("attachment")
        assert [o["Size"] for o in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]] == [len(PDF)]
        assert not (host_a / "uploads").exists() and not (host_b / "uploads").exists()  # no local fallback
