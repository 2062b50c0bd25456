"""Regenerate the tiny Tesseract fixtures in this folder (text invented for these tests).

    OMP_THREAD_LIMIT=1 nice -n 5 python tests/data/formats/make_fixtures.py

Each page is typeset with Pillow in Noto Serif CJK (a larger headline, indented paragraphs
wrapped at a fixed column width, two columns on the second page) and read by Tesseract
(chi_sim, --psm 6 per column crop is not needed at this size: the whole page is one block
per column) writing hOCR, ALTO, TSV and plain text side by side, and once more hOCR with character
boxes (``-c hocr_char_boxes=1``) for the first page. The formats ocrfix reads but Tesseract does
not write are derived from those files by ocrfix's own builders (:func:`derived`): ABBYY
FineReader XML from the hOCR with character boxes, a PaddleOCR 3.x JSON result from the
two-column page's ALTO (one entry per line).
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
BODY, HEAD, COLS = 40, 60, 12  # px per body char, px per headline char, chars per line

PAGES = {
    "onecol": [
        ("headline", "春季农贸集市开张"),
        ("paragraph", "本报讯清晨六点，城东农贸集市的摊位陆续摆开，新鲜蔬菜和水果吸引了不少早起的居民。"),
        ("paragraph", "市场管理处介绍，今年新增摊位四十个。"),
    ],
    "twocol": [
        ("headline", "社区图书角迎来新书"),
        ("paragraph", "上周末，志愿者们把两百多本捐赠图书搬进了社区活动室，孩子们围着书架挑选自己喜欢的故事书。"),
        ("paragraph", "负责人表示，图书角每天下午开放，欢迎居民借阅。"),
        ("paragraph", "下一步，社区还将组织亲子阅读活动，邀请作者与读者面对面交流写作经验。"),
    ],
}


def _wrap(text: str, indent: bool) -> list[str]:
    text = ("\u3000\u3000" if indent else "") + text
    return [text[i : i + COLS] for i in range(0, len(text), COLS)]


def render(blocks: list[tuple[str, str]], columns: int) -> Image.Image:
    body = ImageFont.truetype(FONT, BODY)
    head = ImageFont.truetype(FONT, HEAD)
    col_w, gap, margin, lead = COLS * BODY, 60, 50, int(BODY * 1.6)
    heads = [text for kind, text in blocks if kind == "headline"]
    lines = [line for kind, text in blocks if kind != "headline" for line in _wrap(text, indent=True)]
    per_col = -(-len(lines) // columns)
    top = margin + len(heads) * int(HEAD * 1.8)
    image = Image.new("L", (margin * 2 + columns * col_w + (columns - 1) * gap, top + per_col * lead + margin), 255)
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(heads):  # headlines span the columns, above them
        draw.text((margin, margin + i * int(HEAD * 1.8)), text, font=head, fill=0)
    for c in range(columns):
        for i, text in enumerate(lines[c * per_col : (c + 1) * per_col]):
            draw.text((margin + c * (col_w + gap), top + i * lead), text, font=body, fill=0)
    return image


def main() -> None:
    for name, blocks in PAGES.items():
        png = HERE / f"{name}.png"
        render(blocks, 2 if name == "twocol" else 1).save(png)
        tesseract = ["tesseract", str(png), str(HERE / name), "-l", "chi_sim", "--psm", "3"]
        subprocess.run([*tesseract, "hocr", "alto", "txt", "tsv"], check=True, capture_output=True)
        if name == "onecol":  # character boxes and confidences (ocrx_cinfo) as a second hOCR file
            tesseract[2] = str(HERE / f"{name}-chars")
            subprocess.run([*tesseract, "-c", "hocr_char_boxes=1", "hocr"], check=True, capture_output=True)
        png.unlink()
    derived()


def derived() -> None:
    from ocrfix.formats import read_document, write_document

    (HERE / "onecol-chars.abbyy.xml").write_bytes(write_document(read_document(HERE / "onecol-chars.hocr"), "abbyy"))
    (HERE / "twocol.paddle.json").write_bytes(write_document(read_document(HERE / "twocol.xml"), "paddle"))


if __name__ == "__main__":
    main()
