"""The annual report of 第十三条: sections from data, edits kept, PDF with embedded Chinese, XLSX, DOCX."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdfium2 as pdfium
from docx import Document
from openpyxl import load_workbook

from centers import report, report_export
from centers.models import Funding
from tests.centers.factories import at, published
from tests.factories import make_center, make_user
from tests.helpers import login


def _center_with_year(session):
    center = make_center(session, name="湘潭智能装备工程师协同创新中心")
    published(session, center=center, when=at(2026, 3, 1))
    session.add_all([Funding(center_id=center.id, year=2026, source="省级财政", purpose="平台建设", amount=Decimal("500000")),
                     Funding(center_id=center.id, year=2026, source="自筹", purpose="人员经费", amount=Decimal("300000"))])
    session.flush()
    return center


def test_sections_from_data_and_edits_kept(session):
    center = _center_with_year(session)
    data = report.build(session, center=center, year=2026)
    assert [s["title"] for s in data["sections"]] == ["人才集聚", "平台建设", "技术服务", "机制创新",
                                                      "财政资金和自筹经费使用情况", "主要成效"]
    platform = dict(data["sections"][1]["figures"])
    assert platform["发布揭榜挂帅榜单"] == "1 项"
    funding = dict(data["sections"][4]["figures"])
    assert funding["经费合计"] == "80.00万元" and funding["省级财政合计"] == "50.00万元"
    report.save_sections(session, center=center, year=2026, narratives={"results": "形成液压阀国产化成套方案。"})
    edited = report.build(session, center=center, year=2026)["sections"][5]
    assert edited["edited"] and edited["narrative"] == "形成液压阀国产化成套方案。"


def test_pdf_embeds_chinese_font_and_renders(session):
    center = _center_with_year(session)
    pdf_bytes = report_export.to_pdf(report.build(session, center=center, year=2026))
    assert b"FontFile2" in pdf_bytes  # a TrueType font program is embedded
    document = pdfium.PdfDocument(pdf_bytes)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    page = document[0]
    assert "湘潭智能装备工程师协同创新中心" in text and "一、人才集聚" in text and "五、财政资金和自筹经费使用情况" in text
    image = page.render(scale=1.5).to_pil().convert("L")
    png = io.BytesIO()
    image.save(png, format="PNG")
    assert png.getvalue().startswith(b"\x89PNG")
    # Ink where the title is: the Chinese glyphs were drawn, not left blank.
    width, height = image.size
    title_band = image.crop((0, int(height * 0.04), width, int(height * 0.10)))
    assert min(title_band.getdata()) < 100
    # Distinct characters render as distinct shapes (not identical "tofu" boxes).
    def glyph(char: str) -> bytes:
        one = {"center": char, "year": 2026, "sections": []}
        rendered = pdfium.PdfDocument(report_export.to_pdf(one))[0].render(scale=1).to_pil().convert("L")
        return rendered.crop((0, 0, rendered.size[0], 120)).tobytes()
    assert glyph("中") != glyph("国")


def test_xlsx_and_docx(session):
    center = _center_with_year(session)
    data = report.build(session, center=center, year=2026)
    sheet = load_workbook(io.BytesIO(report_export.to_xlsx(data))).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "平台建设" in values and "发布揭榜挂帅榜单" in values
    document = Document(io.BytesIO(report_export.to_docx(data)))
    assert any("机制创新" in p.text for p in document.paragraphs)


def test_submission_recorded_with_snapshot_and_downloads(client, session):
    center = _center_with_year(session)
    operator = make_user(session, role="center", center=center)
    login(client, operator)
    page = client.get("/center/report?year=2026")
    assert page.status_code == 200 and "财政资金和自筹经费使用情况" in page.text
    token = page.text.split('name="csrf-token" content="')[1].split('"')[0]
    client.post("/center/report?year=2026", data={"csrf_token": token, "talent": "引进高级工程师12名。"})
    done = client.post("/center/report/submit?year=2026", data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    submissions = report.submissions(session, center=center, year=2026)
    assert len(submissions) == 1 and submissions[0].submitted_at is not None
    assert submissions[0].snapshot["sections"][0]["narrative"] == "引进高级工程师12名。"
    for fmt, magic in (("pdf", b"%PDF"), ("xlsx", b"PK"), ("docx", b"PK")):
        response = client.get(f"/centers/{center.id}/report.{fmt}?year=2026")
        assert response.status_code == 200 and response.content.startswith(magic)
    assert client.get(f"/centers/{center.id}/report.exe?year=2026").status_code == 404


def test_report_download_refused_to_other_city(client, session):
    center = make_center(session, city="永州市")
    login(client, make_user(session, role="city", region="长沙市"))
    assert client.get(f"/centers/{center.id}/report.pdf?year=2026").status_code == 403


def test_xlsx_stores_formula_like_text_as_text(session):
    """A narrative or figure starting with =, +, -, @, tab or CR is a string cell, never a live formula."""
    hostile = ['=HYPERLINK("http://evil.example","点击")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1",
               "=cmd|' /C calc'!A0"]
    data = {"center": "=1+1中心", "year": 2026, "sections": [
        {"title": "=标题", "figures": [(text, text) for text in hostile], "narrative": text}
        for text in hostile]}
    sheet = load_workbook(io.BytesIO(report_export.to_xlsx(data))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert cells and all(cell.data_type == "s" for cell in cells), [(c.coordinate, c.data_type) for c in cells]
    # XML turns a lone CR into a line feed; the rest come back exactly
    assert {c.value for c in cells} >= set(hostile) - {"\r=1+1"} | {"=1+1中心2026年度建设运行情况报告"}
