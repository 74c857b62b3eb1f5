"""An embeddable Chinese font for reportlab.

reportlab embeds TrueType (glyf) outlines only, while the installed Noto Sans CJK is CFF (OpenType/TTC).
For each document we subset Noto Sans CJK SC to the characters used and convert the cubic CFF
outlines to quadratic glyf outlines with fontTools (the approach of fontTools' otf2ttf snippet).
If no CJK font is installed, reportlab's built-in CID font STSong-Light is used (not embedded).
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from functools import lru_cache
from pathlib import Path

FONT_DIRS = [Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/opentype"), Path("/usr/share/fonts")]
FONT_FILES = ["NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSerifCJK-Regular.ttc"]
FALLBACK = "STSong-Light"
_registered: set[str] = set()


@lru_cache
def font_path() -> tuple[Path, int] | None:
    """The installed CJK font file and the index of its Simplified Chinese face."""
    # lazy: fontTools is loaded only when the CJK font is subset for a PDF
    from fontTools.ttLib import TTCollection

    for folder in FONT_DIRS:
        for name in FONT_FILES:
            for path in folder.rglob(name) if folder.exists() else []:
                if path.suffix == ".ttc":
                    faces = TTCollection(str(path), lazy=True).fonts
                    for index, face in enumerate(faces):
                        family = face["name"].getDebugName(1) or ""
                        if family.endswith(" SC") or "SC" in family.split():
                            return path, index
                    return path, 0
                return path, -1
    return None


def _to_quadratic(font) -> None:
    # lazy: fontTools is loaded only when the CJK font is subset for a PDF
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones",):
        setattr(maxp, attr, 1)
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                 "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 3.0, [], {}
    font.sfntVersion = "\000\001\000\000"


def _subset_ttf(text: str) -> bytes:
    # lazy: fontTools is loaded only when the CJK font is subset for a PDF
    from fontTools import subset
    from fontTools.ttLib import TTFont

    found = font_path()
    assert found is not None
    path, index = found
    font = TTFont(str(path), fontNumber=index) if index >= 0 else TTFont(str(path))
    options = subset.Options()
    options.desubroutinize = True
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + "0123456789.,:;%()（）：；，。、¥-—/ ")
    subsetter.subset(font)
    if "CFF " in font:
        _to_quadratic(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def register_font(text: str) -> str:
    """Register a font covering `text` with reportlab and return its name."""
    # lazy: reportlab is loaded only when a PDF is rendered
    from reportlab.pdfbase import pdfmetrics

    try:
        if font_path() is None:
            raise FileNotFoundError("no CJK font")
        from reportlab.pdfbase.ttfonts import TTFont as ReportlabTTFont

        chars = "".join(sorted(set(text)))
        name = "XCCJK" + hashlib.sha1(chars.encode()).hexdigest()[:12]
        if name not in _registered:
            data = _subset_ttf(chars)
            target = Path(tempfile.gettempdir()) / f"{name}.ttf"
            target.write_bytes(data)
            pdfmetrics.registerFont(ReportlabTTFont(name, str(target)))
            _registered.add(name)
        return name
    except Exception:  # no usable CJK font here: fall back to the viewer-side CID font
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        if FALLBACK not in _registered:
            pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
            _registered.add(FALLBACK)
        return FALLBACK
