"""Center commands: `xiechuang indicators CENTER --year Y [--json]`."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer


def _table(result: dict) -> str:
    """A readable Chinese table of the indicator result."""
    rows = [f"{result['center']} · {result['year']}年度建设指标评价", ""]
    rows.append(f"{'指标':<14}{'满分':>6}{'建议分':>8}{'专家分':>8}{'得分':>8}  主要数据")
    for line in result["lines"]:
        label = f"{line['id']} {line['name']}" if line["id"] != "bonus" else "附加项 加分项"
        figures = "，".join(f"{k}={v}" for k, v in line["figures"].items() if not isinstance(v, dict))
        expert = "—" if line["expert"] is None else f"{line['expert']:g}"
        rows.append(f"{label:<14}{line['max']:>6g}{line['suggested']:>8g}{expert:>8}{line['score']:>8g}  {figures}")
    rows.append("")
    rows.append(f"合计 {result['total']:g} 分（基本指标 {result['base']:g} + 加分 {result['bonus']:g}）")
    if result["veto"]:
        rows.append("一票否决：当年发生严重事件，评价结果为不合格")
    return "\n".join(rows)


def register(app: typer.Typer) -> None:
    @app.command("indicators")
    def indicators(
        center: Annotated[str, typer.Argument(help="中心名称、外部编号或数据库编号")],
        year: Annotated[Optional[int], typer.Option("--year", help="评价年度（默认今年）")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    ) -> None:
        """The center's indicator table for a year (附件 建设指标评价表)."""
        from centers.indicators import compute_indicators
        from centers.service import get_center
        from core.clock import today
        from core.db import session_scope

        with session_scope() as session:
            result = compute_indicators(session, center=get_center(session, center), year=year or today().year)
        typer.echo(json.dumps(result, ensure_ascii=False) if as_json else _table(result))
