"""One center's indicator table for one calendar year (CONTRACT.md `indicators --json`)."""

from __future__ import annotations

import copy
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from centers.indicators import marketplace_figures as market
from centers.indicators import service_figures as services
from centers.indicators import talent_figures as talent
from centers.indicators.evidence import Evidence, LineResult
from centers.indicators.rubric import LINES, capped
from centers.indicators.scope import build_scope
from centers.models import ExpertScore
from core.clock import today
from core.errors import Invalid
from core.eventlog import Event
from core.recent import Recent
from core.settings import get_settings
from talent.models import Center

MIN_YEAR, MAX_YEAR = 2000, 2100


def check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid(f"年份应在 {MIN_YEAR} 至 {MAX_YEAR} 之间", field="year")
    return year


def expert_means(session: Session, center_id: int, year: int) -> dict[str, tuple[float, int]]:
    """Mean expert score and number of experts per line."""
    scores: dict[str, list[Decimal]] = defaultdict(list)
    for line_id, score in session.exec(select(ExpertScore.line_id, ExpertScore.score).where(
            ExpertScore.center_id == center_id, ExpertScore.year == year)).all():
        scores[line_id].append(Decimal(score))
    return {line_id: (round(float(sum(values) / len(values)), 2), len(values)) for line_id, values in scores.items()}


_recent_lines = Recent(lambda: get_settings().indicator_cache_seconds, maxsize=512)
_latest_lines = Recent(lambda: get_settings().indicator_lag_seconds, maxsize=512)


def _log_mark(session: Session) -> tuple[int, int]:
    """Where the append-only log stands: its highest id, and how many rows hold the last 1,000 ids
    (a transaction that commits a lower id after a higher one changes the count)."""
    top = session.exec(select(func.max(Event.id))).one() or 0
    recent = session.exec(select(func.count()).select_from(Event).where(Event.id > top - 1000)).one()
    return int(top), int(recent)


def compute_lines(session: Session, center: Center, year: int) -> tuple[dict[str, LineResult], dict]:
    """Every line's figures and evidence, and the veto. Everything a line counts is written to the
    collaboration log as it happens, so a table computed at one position of the log is reused
    (copied) until the log moves, the day changes or indicator_cache_seconds pass; and a table
    computed less than indicator_lag_seconds ago is reused even if the log has moved since (a busy
    platform appends events every second: a dashboard may be that many seconds behind)."""
    if not _recent_lines.enabled:
        return _compute_lines(session, center, year)
    table = (str(session.get_bind().engine.url), year, today(),
             tuple(sorted(center.model_dump().items(), key=lambda kv: kv[0])))
    hit = _latest_lines.remember(table, lambda: _recent_lines.remember(
        (*table, _log_mark(session)), lambda: _compute_lines(session, center, year)))
    return copy.deepcopy(hit)


def _compute_lines(session: Session, center: Center, year: int) -> tuple[dict[str, LineResult], dict]:
    scope = build_scope(session, center, year)
    collabs = market.collaborations(session, scope)
    platform_figures, platform_evidence = market.platform_figures(session, scope, collabs)
    pool = talent.pool_rows(session, scope)
    collab_ids = [r.collaboration.id for r in collabs]
    innovation_evidence = Evidence()
    innovation = market.innovation_services(scope, collabs, innovation_evidence)
    results = {
        "1.1": talent.site(session, scope),
        "1.2": talent.team(session, scope),
        "2.1": talent.talent(session, scope, pool),
        "2.2": talent.recruitment(session, scope, pool),
        "2.3": LineResult(platform_figures, platform_evidence, _platform_points(platform_figures)),
        "3.1": talent.trainings(session, scope),
        "3.2": talent.salary(session, scope, collab_ids),
        "3.3": talent.value_sharing(session, scope, collab_ids),
        "3.4": talent.education(session, scope),
        "4.1": services.professional_services(session, scope),
        "4.2": services.projects(session, scope, innovation, innovation_evidence),
        "4.3": services.standards(session, scope),
        "4.4": services.replication(session, scope),
        "4.5": services.sharing(session, scope),
        "bonus": services.bonus(session, scope),
    }
    vetoed, incidents = services.veto(session, scope)
    return results, {"veto": vetoed, "incidents": incidents}


def _platform_points(f: dict) -> float:
    """2.3 (4): a working 揭榜挂帅 mechanism, awards, completions, an active online platform."""
    points = 1.0 if f["challenges_published"] >= 1 else 0.0
    points += 1.0 if f["challenges_awarded"] >= 3 else 0.5 if f["challenges_awarded"] >= 1 else 0.0
    points += 1.0 if f["challenges_completed"] >= 1 else 0.0
    points += 1.0 if f["consultations_answered"] >= 5 or f["active_engineers"] >= 10 else 0.0
    return capped(points, 4)


def compute_indicators(session: Session, *, center: Center, year: int) -> dict:
    """The indicator table: figures, evidence, suggested and expert scores, total, bonus and veto."""
    check_year(year)
    results, veto = compute_lines(session, center, year)
    experts = expert_means(session, center.id, year)  # type: ignore[arg-type]
    lines = []
    for line in LINES:
        result = results[line.line_id]
        expert, n_experts = experts.get(line.line_id, (None, 0))
        if expert is not None:
            expert = capped(expert, line.max)
        suggested = capped(result.suggested, line.max)
        score = expert if expert is not None else suggested
        basis = "auto" if expert is None else ("mixed" if suggested > 0 else "expert")
        entry = {
            "id": line.line_id, "name": line.name, "max": line.max, "figures": result.figures,
            "evidence": result.evidence.items, "evidence_counts": result.evidence.counts,
            "suggested": suggested, "expert": expert, "experts": n_experts, "score": score, "basis": basis,
            "parts": result.parts,
        }
        lines.append(entry)
    main_total = round(sum(entry["score"] for entry in lines if entry["id"] != "bonus"), 2)
    bonus = next(entry["score"] for entry in lines if entry["id"] == "bonus")
    return {
        "center": center.name, "center_id": center.id, "center_external_id": center.external_id,
        "year": year, "total": round(main_total + bonus, 2), "base": main_total, "bonus": bonus,
        "veto": veto["veto"], "veto_evidence": veto["incidents"],
        "result": "不合格" if veto["veto"] else None,
        "lines": lines,
    }
