"""Center commands: `xiechuang indicators CENTER --year Y [--json]`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from centers import report, report_export
from centers.indicators.engine import compute_indicators
from centers.indicators.rubric import FIGURE_LABELS
from centers.workdays import enter_day
from core.clock import today
from core.db import session_scope
from core.errors import Invalid
from talent.service import get_center


def _table(result: dict) -> str:
    """A readable Chinese table of the indicator result."""
    rows = [f"{result['center']} · {result['year']}年度建设指标评价", ""]
    rows.append(f"{'指标':<14}{'满分':>6}{'建议分':>8}{'专家分':>8}{'得分':>8}  主要数据")
    for line in result["lines"]:
        label = f"{line['id']} {line['name']}" if line["id"] != "bonus" else "附加项 加分项"
        figures = "，".join(f"{FIGURE_LABELS.get(k, k)} {v:g}" if isinstance(v, float) else f"{FIGURE_LABELS.get(k, k)} {v}"
                           for k, v in line["figures"].items() if not isinstance(v, dict))
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
        with session_scope() as session:
            result = compute_indicators(session, center=get_center(session, center), year=year or today().year)
        typer.echo(json.dumps(result, ensure_ascii=False) if as_json else _table(result))

    @app.command("annual-report")
    def annual_report(
        center: Annotated[str, typer.Argument(help="中心名称、外部编号或数据库编号")],
        out: Annotated[str, typer.Option("--out", help="输出文件（扩展名决定格式：.pdf/.xlsx/.docx）")],
        year: Annotated[Optional[int], typer.Option("--year")] = None,
    ) -> None:
        """Export a center's annual report (第十三条) as PDF, XLSX or DOCX."""
        exporters = {".pdf": report_export.to_pdf, ".xlsx": report_export.to_xlsx, ".docx": report_export.to_docx}
        target = Path(out)
        if target.suffix.lower() not in exporters:
            raise Invalid("输出文件扩展名应为 .pdf、.xlsx 或 .docx", field="out")
        with session_scope() as session:
            data = report.build(session, center=get_center(session, center), year=year or today().year)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(exporters[target.suffix.lower()](data))
        typer.echo(json.dumps({"file": str(target), "bytes": target.stat().st_size}, ensure_ascii=False))

    @app.command("workday")
    def workday(
        day: Annotated[str, typer.Argument(help="日期 YYYY-MM-DD")],
        work: Annotated[bool, typer.Option("--work/--off", help="调休上班（--work）或放假（--off）")] = False,
        note: Annotated[str, typer.Option("--note")] = "",
    ) -> None:
        """Enter a holiday or make-up workday for a year the calendar library does not know."""
        try:
            parsed = date.fromisoformat(day)
        except ValueError as exc:
            raise Invalid("日期格式应为 YYYY-MM-DD", field="day") from exc
        with session_scope() as session:
            enter_day(session, day=parsed, is_workday=work, note=note)
        typer.echo(json.dumps({"day": day, "is_workday": work, "note": note}, ensure_ascii=False))
