"""Export the annual report: PDF (reportlab, embedded Chinese font), XLSX (xlsxwriter), DOCX (python-docx)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from centers.cjkfont import register_font


def _all_text(data: dict) -> str:
    parts = [data["center"], str(data["year"]), "年度建设运行情况报告第页得分一票否决一二三四五六七八、"]
    for section in data["sections"]:
        parts += [section["title"], section["narrative"]] + [f"{a}{b}" for a, b in section["figures"]]
    return "".join(parts)


def to_pdf(data: dict) -> bytes:
    # lazy: reportlab is loaded only when a PDF is rendered
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = register_font(_all_text(data))
    title = ParagraphStyle("t", fontName=font, fontSize=18, leading=26, alignment=1, spaceAfter=6 * mm)
    heading = ParagraphStyle("h", fontName=font, fontSize=13, leading=20, spaceBefore=5 * mm, spaceAfter=2 * mm)
    body = ParagraphStyle("b", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK", firstLineIndent=21)
    cell = ParagraphStyle("c", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    story = [Paragraph(escape(f"{data['center']}{data['year']}年度建设运行情况报告"), title)]
    for number, section in enumerate(data["sections"], start=1):
        story.append(Paragraph(escape(f"{'一二三四五六七八'[number - 1]}、{section['title']}"), heading))
        if section["figures"]:
            rows = [[Paragraph(escape(a), cell), Paragraph(escape(b), cell)] for a, b in section["figures"]]
            table = Table(rows, colWidths=[55 * mm, 110 * mm])
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                       ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story += [table, Spacer(1, 3 * mm)]
        for paragraph in section["narrative"].splitlines():
            if paragraph.strip():
                story.append(Paragraph(escape(paragraph.strip()), body))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"{data['center']}{data['year']}年度报告",
                            leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm)

    def footer(canvas, _doc) -> None:
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {canvas.getPageNumber()} 页")

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def to_xlsx(data: dict) -> bytes:
    # lazy: xlsxwriter is loaded only when an XLSX report is rendered
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "font_name": "宋体"})
    wrap = book.add_format({"text_wrap": True, "valign": "top", "font_name": "宋体"})
    sheet = book.add_worksheet("年度报告")
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 80)
    # every cell through write_string: a narrative starting with "=", "+", "-" or "@" stays text, never a formula
    sheet.write_string(0, 0, f"{data['center']}{data['year']}年度建设运行情况报告", bold)
    row = 2
    for section in data["sections"]:
        sheet.write_string(row, 0, str(section["title"]), bold)
        row += 1
        for label, value in section["figures"]:
            sheet.write_string(row, 0, str(label), wrap)
            sheet.write_string(row, 1, "" if value is None else str(value), wrap)
            row += 1
        sheet.write_string(row, 0, "情况说明", wrap)
        sheet.write_string(row, 1, str(section["narrative"] or ""), wrap)
        row += 2
    book.close()
    return buffer.getvalue()


def to_docx(data: dict) -> bytes:
    # lazy: python-docx is loaded only when a DOCX report is rendered
    from docx import Document
    from docx.oxml.ns import qn

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    document.add_heading(f"{data['center']}{data['year']}年度建设运行情况报告", level=0)
    for number, section in enumerate(data["sections"], start=1):
        document.add_heading(f"{'一二三四五六七八'[number - 1]}、{section['title']}", level=1)
        if section["figures"]:
            table = document.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, value in section["figures"]:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = label, value
        for paragraph in section["narrative"].splitlines():
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
