"""在线问诊: ask → routed to engineers → threaded answers → best answer and rating → 转为揭榜."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, func, select

from accounts import service as accounts
from accounts.models import User
from core.db import WRITE_OPTION, build_engine
from core.errors import Conflict, Invalid
from core.eventlog import Event
from core.migrate import upgrade
from marketplace.challenges.models import Challenge, Invitation
from marketplace.consultations import flows
from marketplace.consultations import service as consultations
from marketplace.consultations.models import Answer
from marketplace.consultations.service import (
    AnswerCreate,
    ConsultationCreate,
)
from marketplace.execution.models import Rating
from marketplace.execution.schemas import RatingIn
from marketplace.inbox.models import Notification
from talent.models import PoolMembership
from tests.factories import make_center, make_engineer, make_org, make_user
from tests.helpers import login
from tests.scratch import scratch_database


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.issue_token(user)}"}


def kinds(session, challenge_id: int) -> list[str]:
    return list(session.exec(select(Event.kind).where(Event.challenge_id == challenge_id).order_by(Event.id)).all())


@pytest.fixture
def cast(session):
    """A firm user, three engineers with accounts (two in a center's pool), an unrelated engineer."""
    center = make_center(session)
    firm = make_org(session, name="问诊测试液压有限公司")
    asker = make_user(session, organisation=firm)
    engineers = [make_engineer(session, name=n, skills=s, fields=["工程机械"], external_id=f"Q-E{i}")
                 for i, (n, s) in enumerate([("陈工", ["液压", "密封"]), ("刘工", ["液压"]), ("黄工", ["密封", "铸造"])])]
    other = make_engineer(session, name="无关工", skills=["药物制剂"], fields=["生物医药"], external_id="Q-EX")
    for engineer in engineers[:2]:
        session.add(PoolMembership(center_id=center.id, engineer_id=engineer.id, engagement="兼职"))
    users = [make_user(session, role="engineer", engineer=e) for e in engineers]
    session.flush()
    return {"center": center, "firm": firm, "asker": asker, "engineers": engineers, "users": users, "other": other}


QUESTION = ConsultationCreate(title="挖掘机主阀高温内泄怎么排查", description="油温到80度以后主阀内泄明显增大，请问从哪些方面排查？",
                              skills=["液压", "密封"], fields=["工程机械"])


class TestAskAndRoute:
    def test_question_is_open_and_routed_to_matched_engineers_who_are_notified(self, session, cast):
        consultation = flows.ask_flow(session, by=cast["asker"], data=QUESTION)
        assert consultation.kind == "consultation" and consultation.status == "open"
        invited = {i.engineer_id: i for i in session.exec(select(Invitation).where(
            Invitation.challenge_id == consultation.id)).all()}
        assert {e.id for e in cast["engineers"]} <= set(invited)
        assert cast["other"].id not in invited
        assert all(i.source == "route" for i in invited.values())
        told = set(session.exec(select(Notification.user_id).where(Notification.kind == "consultation.routed",
                                                                   Notification.link == f"/consultations/{consultation.id}")).all())
        assert {u.id for u in cast["users"]} <= told
        assert kinds(session, consultation.id) == ["consultation.asked", "consultation.routed"]

    def test_overlap_fallback_ranks_skills_first(self, session, cast):
        consultation = consultations.ask(session, by=cast["asker"], data=QUESTION, top=1)
        ranked = consultations.overlap_ranking(session, consultation=consultation, top=3)
        assert ranked[0][0] == cast["engineers"][0].id  # both skills and the field
        assert cast["other"].id not in [engineer_id for engineer_id, _ in ranked]

    def test_short_question_is_refused(self):
        with pytest.raises(ValueError):
            ConsultationCreate(title="问", description="短")


class TestThread:
    def test_answers_replies_best_answer_rating_and_escalation(self, session, cast):
        asker, (chen, liu, huang) = cast["asker"], cast["users"]
        consultation = flows.ask_flow(session, by=asker, data=QUESTION)
        first = flows.answer_flow(session, consultation=consultation, by=chen,
                                  data=AnswerCreate(body="先测主阀芯与阀体配合间隙，再查高温下密封件是否硬化。"))
        assert consultation.status == "answered"
        follow_up = flows.answer_flow(session, consultation=consultation, by=asker,
                                      data=AnswerCreate(body="间隙怎么测比较方便？", parent_id=first.id))
        flows.answer_flow(session, consultation=consultation, by=chen,
                          data=AnswerCreate(body="拆下阀芯用内径千分表量，每个台阶三处。", parent_id=follow_up.id))
        flows.answer_flow(session, consultation=consultation, by=liu, data=AnswerCreate(body="也可能是油液污染导致卡滞磨损。"))
        tree = consultations.thread(session, consultation=consultation)
        assert [len(t.children) for t in tree] == [1, 0] and tree[0].children[0].children[0].depth == 2
        assert session.exec(select(Notification).where(Notification.user_id == chen.id,
                                                       Notification.kind == "consultation.replied")).first()

        answered = session.exec(select(Event).where(Event.kind == "consultation.answered",
                                                    Event.engineer_id == chen.engineer_id)).all()
        assert answered and all(e.center_id == cast["center"].id for e in answered)

        consultations.mark_best(session, consultation=consultation, answer_id=first.id, by=asker,
                                rating=RatingIn(overall=5, comment="很专业"))
        assert consultation.status == "resolved" and session.get(Answer, first.id).is_best
        rating = session.exec(select(Rating).where(Rating.challenge_id == consultation.id)).one()
        assert (rating.engineer_id, rating.overall, rating.rater_id) == (chen.engineer_id, 5, asker.id)
        with pytest.raises(Conflict):
            consultations.mark_best(session, consultation=consultation, answer_id=first.id, by=asker)
        with pytest.raises(Conflict):
            consultations.answer(session, consultation=consultation, by=huang, data=AnswerCreate(body="补充一点意见"))

        draft = consultations.escalate(session, consultation=consultation, by=asker)
        assert (draft.kind, draft.status, draft.escalated_from_id) == ("challenge", "draft", consultation.id)
        assert QUESTION.description in draft.description and "【最佳答复】" in draft.description
        assert "油液污染" in draft.description and draft.company_id == consultation.company_id
        invited = session.exec(select(Invitation.engineer_id).where(Invitation.challenge_id == draft.id)).all()
        assert set(invited) == {chen.engineer_id, liu.engineer_id}
        assert consultations.escalate(session, consultation=consultation, by=asker) == draft  # once per consultation
        assert kinds(session, consultation.id) == [
            "consultation.asked", "consultation.routed", "consultation.answered", "consultation.answered",
            "consultation.answered", "consultation.answered", "consultation.best_answer", "rating.created",
            "consultation.escalated"]
        escalated = session.exec(select(Event).where(Event.kind == "consultation.escalated")).all()[-1]
        assert escalated.center_id == cast["center"].id and escalated.data["challenge_id"] == draft.id

    def test_firm_cannot_start_a_thread_and_parent_must_belong(self, session, cast):
        consultation = consultations.ask(session, by=cast["asker"], data=QUESTION)
        with pytest.raises(Invalid):
            consultations.answer(session, consultation=consultation, by=cast["asker"], data=AnswerCreate(body="自问自答吗"))
        with pytest.raises(Invalid):
            consultations.answer(session, consultation=consultation, by=cast["users"][0],
                                 data=AnswerCreate(body="回复一个不存在的答复", parent_id=10**9))

    def test_rating_twice_or_a_non_answerer_is_refused(self, session, cast):
        consultation = consultations.ask(session, by=cast["asker"], data=QUESTION)
        consultations.answer(session, consultation=consultation, by=cast["users"][0], data=AnswerCreate(body="建议检查密封"))
        engineer_id = cast["users"][0].engineer_id
        consultations.rate(session, consultation=consultation, engineer_id=engineer_id, by=cast["asker"],
                           data=RatingIn(overall=4))
        with pytest.raises(Conflict):
            consultations.rate(session, consultation=consultation, engineer_id=engineer_id, by=cast["asker"],
                               data=RatingIn(overall=4))
        with pytest.raises(Invalid):
            consultations.rate(session, consultation=consultation, engineer_id=cast["other"].id, by=cast["asker"],
                               data=RatingIn(overall=4))


class TestApi:
    def test_journey_through_the_api(self, client, session, cast):
        asker, chen = cast["asker"], cast["users"][0]
        made = client.post("/api/v1/consultations", headers=bearer(asker),
                           json={"title": QUESTION.title, "description": QUESTION.description, "skills": "液压；密封",
                                 "fields": ["工程机械"]})
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["status"] == "open" and body["skills"] == ["液压", "密封"] and len(body["routed"]) >= 3
        cid = body["id"]
        answered = client.post(f"/api/v1/consultations/{cid}/answers", headers=bearer(chen),
                               json={"body": "先测量阀芯配合间隙。"})
        assert answered.status_code == 201
        aid = answered.json()["id"]
        assert client.post(f"/api/v1/consultations/{cid}/answers/{aid}/best", headers=bearer(chen),
                           json={}).status_code == 403
        best = client.post(f"/api/v1/consultations/{cid}/answers/{aid}/best", headers=bearer(asker),
                           json={"rating": 5, "comment": "解决了"})
        assert best.status_code == 200 and best.json()["status"] == "resolved"
        assert [a["is_best"] for a in best.json()["answers"]] == [True]
        escalated = client.post(f"/api/v1/consultations/{cid}/escalate", headers=bearer(asker))
        assert escalated.status_code == 201
        assert escalated.json()["status"] == "draft" and escalated.json()["invited_engineers"] == 1
        assert client.get(f"/api/v1/consultations/{cid}", headers=bearer(asker)).json()["escalated_to"] == escalated.json()["id"]
        again = client.post(f"/api/v1/consultations/{cid}/escalate", headers=bearer(asker))  # a retry
        assert again.status_code == 201 and again.json() == escalated.json()
        assert session.exec(select(Challenge.id).where(Challenge.escalated_from_id == cid)).all() == [again.json()["id"]]
        mine = client.get("/api/v1/consultations?mine=true", headers=bearer(chen)).json()
        assert cid in [c["id"] for c in mine["items"]]

    def test_permissions(self, client, session, cast):
        consultation = consultations.ask(session, by=cast["asker"], data=QUESTION)
        other_firm = make_user(session)
        session.commit()  # an error response rolls the request's session back
        assert client.get("/api/v1/consultations").status_code == 401
        assert client.post("/api/v1/consultations", headers=bearer(cast["users"][0]),
                           json={"title": "工程师不能提问", "description": "工程师不能发起问诊"}).status_code == 403
        assert client.post(f"/api/v1/consultations/{consultation.id}/answers", headers=bearer(other_firm),
                           json={"body": "别的企业来答"}).status_code == 403
        assert client.post(f"/api/v1/consultations/{consultation.id}/escalate",
                           headers=bearer(other_firm)).status_code == 403
        assert client.get("/api/v1/consultations/999999", headers=bearer(other_firm)).status_code == 404

    def test_bad_input_is_422_with_field(self, client, session, cast):
        session.commit()  # an error response rolls the request's session back
        made = client.post("/api/v1/consultations", headers=bearer(cast["asker"]), json={"title": "缺描述"})
        assert made.status_code == 422 and made.json()["field"] == "description"
        consultation = consultations.ask(session, by=cast["asker"], data=QUESTION)
        session.commit()
        bad = client.post(f"/api/v1/consultations/{consultation.id}/answers", headers=bearer(cast["users"][0]),
                          json={"body": "回复", "parent_id": 123456789})
        assert bad.status_code == 422 and bad.json()["field"] == "parent_id"
        nul = client.post(f"/api/v1/consultations/{consultation.id}/answers", headers=bearer(cast["users"][0]),
                          json={"body": "空字符\x00不能存"})
        assert nul.status_code == 422 and nul.json()["field"] == "body"
        for ref in ("99999999999999999999", "²", "x" * 300):
            assert client.get(f"/api/v1/consultations/{ref}", headers=bearer(cast["asker"])).status_code == 404
        assert client.post("/api/v1/notifications/99999999999999/read", headers=bearer(cast["asker"])).status_code == 422


class TestPages:
    def test_firm_asks_engineer_answers_with_htmx_firm_adopts_and_escalates(self, client, session, cast):
        asker, chen = cast["asker"], cast["users"][0]
        token = login(client, asker)
        form = client.get("/consultations/new")
        assert form.status_code == 200 and "发起在线问诊" in form.text
        bad = client.post("/consultations/new", data={"csrf_token": token, "title": "短", "description": ""})
        assert bad.status_code == 422 and "field-error" in bad.text
        done = client.post("/consultations/new", follow_redirects=False, data={
            "csrf_token": token, "title": QUESTION.title, "description": QUESTION.description,
            "skills": "液压、密封", "fields": "工程机械"})
        assert done.status_code == 303
        url = done.headers["location"].split("?")[0]
        page = client.get(done.headers["location"])
        assert "问题已发布" in page.text and "已推送的工程师" in page.text and "陈工" in page.text

        client.cookies.clear()
        token = login(client, chen)
        assert "我来解答" in client.get(url).text
        partial = client.post(f"{url}/answers", data={"body": "先测量阀芯配合间隙，再检查密封件。"},
                              headers={"HX-Request": "true", "X-CSRF-Token": token})
        assert partial.status_code == 200 and 'id="thread"' in partial.text and "<html" not in partial.text
        assert "先测量阀芯配合间隙" in partial.text and "答复（1）" in partial.text
        empty = client.post(f"{url}/answers", data={"body": ""}, headers={"HX-Request": "true", "X-CSRF-Token": token})
        assert empty.status_code == 200 and 'role="alert"' in empty.text
        answer_id = session.exec(select(Answer.id).where(Answer.engineer_id == chen.engineer_id)).first()
        assert client.post(f"{url}/answers/{answer_id}/best", data={"csrf_token": token}).status_code == 403

        client.cookies.clear()
        session.expire_all()
        token = login(client, asker)
        best = client.post(f"{url}/answers/{answer_id}/best", data={"csrf_token": token, "rating": "4", "comment": "有效"},
                           follow_redirects=False)
        assert best.status_code == 303
        resolved = client.get(best.headers["location"])
        assert "最佳答复" in resolved.text and "已解决" in resolved.text and "我来解答" not in resolved.text
        escalated = client.post(f"{url}/escalate", data={"csrf_token": token}, follow_redirects=False)
        assert escalated.status_code == 303 and escalated.headers["location"].startswith("/challenges/")
        again = client.post(f"{url}/escalate", data={"csrf_token": token}, follow_redirects=False)  # a double click
        assert again.status_code == 303 and again.headers["location"] == escalated.headers["location"]
        draft_page = client.get(escalated.headers["location"])
        assert draft_page.status_code == 200 and QUESTION.title in draft_page.text
        assert "本问诊已转为揭榜挂帅榜单" in client.get(url).text

    def test_engineer_cannot_open_the_question_form_and_visitors_are_sent_to_login(self, client, session, cast):
        session.commit()  # an error response rolls the request's session back
        assert client.get("/consultations/new", follow_redirects=False).status_code == 303
        login(client, cast["users"][0])
        assert client.get("/consultations/new").status_code == 403
        listing = client.get("/consultations")
        assert listing.status_code == 200 and "在线问诊" in listing.text


class TestEscalationRace:
    """转为揭榜 twice at once (a double click): one challenge, one event, both requests answered with it."""

    def test_a_request_that_checked_before_the_other_committed_returns_the_first_challenge(
            self, session, cast, monkeypatch):
        consultation = consultations.ask(session, by=cast["asker"], data=QUESTION)
        first = consultations.escalate(session, consultation=consultation, by=cast["asker"])
        # the second request's check ran before the first committed: it goes on to insert, and the index refuses
        looked: list[Challenge | None] = []
        real = consultations.escalated_challenge

        def late(session, *, consultation):
            found = real(session, consultation=consultation) if looked else None
            looked.append(found)
            return found

        monkeypatch.setattr(consultations, "escalated_challenge", late)
        second = consultations.escalate(session, consultation=consultation, by=cast["asker"])
        assert second.id == first.id and looked == [None, first]
        assert kinds(session, consultation.id).count("consultation.escalated") == 1
        assert session.exec(select(Challenge.id).where(Challenge.escalated_from_id == consultation.id)).all() == [first.id]

    def test_two_threads_get_the_same_challenge(self):
        with scratch_database("escalate") as url:
            upgrade(url)
            engine = build_engine(url)
            try:
                with Session(engine, expire_on_commit=False) as setup:
                    firm = make_org(setup)
                    asker = make_user(setup, organisation=firm)
                    consultation = consultations.ask(setup, by=asker, data=QUESTION)
                    setup.commit()
                    asker_id, consultation_id = asker.id, consultation.id
                barrier = threading.Barrier(2)

                def request(_: int) -> int:
                    barrier.wait()
                    with Session(engine, expire_on_commit=False) as db:
                        db.connection(execution_options={WRITE_OPTION: True})  # as a POST request opens it
                        draft = consultations.escalate(db, consultation=db.get(Challenge, consultation_id),
                                                       by=db.get(User, asker_id))
                        db.commit()
                        return draft.id

                with ThreadPoolExecutor(max_workers=2) as pool:
                    drafts = list(pool.map(request, range(2)))
                with Session(engine) as db:
                    made = db.exec(select(Challenge.id).where(Challenge.escalated_from_id == consultation_id)).all()
                    logged = db.exec(select(func.count()).select_from(Event).where(
                        Event.challenge_id == consultation_id, Event.kind == "consultation.escalated")).one()
                assert drafts[0] == drafts[1] and made == [drafts[0]] and logged == 1
            finally:
                engine.dispose()
