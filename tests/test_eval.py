"""Evaluation: block-robust alignment, CER, three-way correction scores, errata, confusions, HTML."""
from __future__ import annotations

import random
import sys
from pathlib import Path

import lxml.html
import numpy as np
import pytest
from hypothesis import given, strategies as st
from rapidfuzz.distance import Levenshtein

from ocrfix.evaluation import Erratum, aligned_pairs, confusion_counts, evaluate, to_doc
from ocrfix.errors import InputError
from ocrfix.evaluation.align import ATTEMPTS, _AnchorIndex
from ocrfix.evaluation.report_html import render

align_module = sys.modules["ocrfix.evaluation.align"]  # the module: ocrfix.evaluation.align is also its function's name

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def han_text(n: int, seed: int) -> str:
    """``n`` random common-range Han characters (n-grams are unique with high probability)."""
    rng = random.Random(seed)
    return "".join(chr(rng.randrange(0x4E00, 0x4E00 + 3000)) for _ in range(n))


def replace_at(text: str, pos: int, ch: str) -> str:
    assert text[pos] != ch
    return text[:pos] + ch + text[pos + 1:]


P1, P2, P3 = han_text(40, 1), han_text(50, 2), han_text(30, 3)


def test_identical_texts() -> None:
    r = evaluate(f"{P1}\n{P2}\n", f"{P1}\n{P2}\n")
    assert (r.cer, r.cer_all, r.counts.matched_gt_chars, r.gt_chars) == (0.0, 0.0, 90, 90)


def test_one_substitution() -> None:
    r = evaluate(f"{P1}\n{P2}\n", f"{P1}\n{replace_at(P2, 20, '〇')}\n")
    d = r.to_dict()
    assert (d["substitutions"], d["insertions"], d["deletions"]) == (1, 0, 0)
    assert r.cer == pytest.approx(1 / 90)
    assert aligned_pairs(f"{P1}\n{P2}\n", f"{P1}\n{replace_at(P2, 20, '〇')}\n") == [(P2[20], "〇")]


def test_insertion_and_deletion_inside_paragraph() -> None:
    hyp = P1[:10] + P1[11:30] + "〇" + P1[30:]
    d = evaluate(P1, hyp).to_dict()
    assert (d["substitutions"], d["insertions"], d["deletions"]) == (0, 1, 1)


def test_width_folding_and_whitespace_default_vs_strict() -> None:
    gt, hyp = "会议指出,要抓好落实(试点)。", "会议指出， 要抓好落实（试点）。"
    assert evaluate(gt, hyp).cer == 0.0
    strict = evaluate(gt, hyp, strict=True).to_dict()
    assert strict["substitutions"] == 3 and strict["insertions"] == 1


def test_zero_width_characters_and_a_byte_order_mark_inside_a_text_are_layout() -> None:
    hyp = "\ufeff" + "\u200b".join(P1) + "\n" + P2 + "\ufeff\n"  # files joined end to end, a PDF's zero-width spaces
    r = evaluate(f"{P1}\n{P2}\n", hyp)
    assert r.cer == 0.0 and r.cer_all == 0.0 and not r.unmatched_hyp_blocks


def test_paragraph_order_does_not_matter() -> None:
    r = evaluate(f"{P1}\n{P2}\n{P3}\n", f"{P3}\n{P1}\n{P2}\n")
    assert r.cer == 0.0 and r.cer_all == 0.0 and not r.unmatched_gt_blocks


def test_the_alignment_names_the_stretches_it_matched_each_side() -> None:
    gt, hyp = to_doc(f"{P1}\n{P2}\n{P3}\n"), to_doc(f"{P3}\n{P1}\n{P2[:20]}{P2[21:]}\n")
    al = align_module.align(gt, hyp)
    assert [(gt.text[g0:g1], hyp.text[h0:h1]) for (g0, g1), (h0, h1) in al.regions] == \
        [(P3, P3), (P1, P1), (P2, P2[:20] + P2[21:])]  # in the hypothesis's order; the lost character inside its stretch
    # a stretch of each side never overlaps another, and every matched GT position lies in one
    matched = [k for k, c in enumerate(al.hyp_at) if c is not None]
    assert all(any(g0 <= k < g1 for (g0, g1), _ in al.regions) for k in matched)
    for side in (0, 1):
        spans = sorted(region[side] for region in al.regions)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_extra_article_in_hyp_is_listed_not_counted() -> None:
    r = evaluate(f"{P1}\n{P2}\n", f"{P1}\n{P3}\n{P2}\n")
    d = r.to_dict()
    assert d["cer"] == 0.0
    assert d["unmatched_hyp_chars"] == 30 and d["unmatched_hyp_blocks"] == [P3[:30]]
    assert d["cer_all"] == pytest.approx(30 / 90)


def test_missing_paragraph_is_listed_not_counted() -> None:
    d = evaluate(f"{P1}\n{P3}\n{P2}\n", f"{P1}\n{P2}\n").to_dict()
    assert d["cer"] == 0.0 and d["matched_gt_chars"] == 90
    assert d["unmatched_gt_blocks"] == [P3] and d["cer_all"] == pytest.approx(30 / 120)


def test_column_wrapped_hypothesis_matches_paragraphs() -> None:
    wrapped = "\n".join(P2[k:k + 13] for k in range(0, 50, 13))
    r = evaluate(f"{P1}\n{P2}\n", f"{wrapped}\n\n{P1}\n")
    assert r.cer == 0.0 and r.cer_all == 0.0


def test_paragraph_split_over_two_places() -> None:
    hyp = f"{P2[:25]}\n{P3}\n{P2[25:]}\n"
    d = evaluate(P2, hyp).to_dict()
    assert d["cer"] == 0.0 and d["matched_gt_chars"] == 50 and d["unmatched_hyp_chars"] == 30


def test_paragraph_printed_twice_is_matched_twice() -> None:
    hyp = f"{P2}\n{P1}\n{replace_at(P1, 12, '〇')}\n"
    d = evaluate(f"{P1}\n{P2}\n{P1}\n", hyp).to_dict()
    assert d["matched_gt_chars"] == 130 and d["substitutions"] == 1 and d["cer_all"] == pytest.approx(1 / 130, abs=1e-6)


def test_short_headline_found_by_short_anchors() -> None:
    d = evaluate(f"龚正主持会议\n{P1}\n", f"{P1}\n\n龚正主持会仪\n").to_dict()
    assert d["matched_gt_chars"] == 46 and d["substitutions"] == 1 and not d["unmatched_gt_blocks"]


def test_cer_all_equals_plain_levenshtein_without_reordering() -> None:
    hyp = replace_at(replace_at(P1, 3, "〇"), 33, "〇") + P2[:20] + P2[21:]
    r = evaluate(P1 + "\n" + P2, hyp)
    plain = Levenshtein.distance(P1 + P2, hyp) / 90
    assert r.cer_all == pytest.approx(plain) and r.cer == pytest.approx(plain)


def test_empty_documents() -> None:
    assert evaluate(" \n", "\n").cer == 0.0
    assert evaluate(P1, "").cer_all == 1.0


# Three-way hand case. GT = P1 (40 chars).
# OCR: substitutions at 5, 10, 20 and an inserted char before position 30 -> 4 OCR errors.
# HYP: fixes 5, changes 10 to another wrong char, keeps 20 wrong, breaks 15, drops the insertion.
# fixed: 5 and the insertion = 2; introduced: 15 = 1; left: 10, 20 = 2.
# edits (HYP != OCR): 5, 10, 15, the gap = 4 -> precision 2/4, recall 2/4, F1 0.5.
def test_three_way_hand_case() -> None:
    ocr = replace_at(replace_at(replace_at(P1, 5, "〇"), 10, "〇"), 20, "〇")
    ocr = ocr[:30] + "〆" + ocr[30:]
    hyp = replace_at(replace_at(P1, 10, "〻"), 20, "〇")
    hyp = replace_at(hyp, 15, "〇")
    d = evaluate(P1, hyp, ocr).to_dict()
    assert (d["errors_fixed"], d["errors_introduced"], d["errors_left"]) == (2, 1, 2)
    assert (d["edits"], d["ocr_errors"]) == (4, 4)
    assert (d["precision"], d["recall"], d["f1"]) == (0.5, 0.5, 0.5)
    assert d["ocr_cer"] == pytest.approx(4 / 40) and d["cer"] == pytest.approx(3 / 40)


def test_three_way_hyp_equal_to_ocr_makes_no_edits() -> None:
    ocr = replace_at(P1, 7, "〇")
    d = evaluate(P1, ocr, ocr).to_dict()
    assert (d["errors_fixed"], d["errors_introduced"], d["errors_left"], d["edits"]) == (0, 0, 1, 0)
    assert (d["precision"], d["recall"], d["f1"]) == (0.0, 0.0, 0.0)


def test_three_way_gap_insertions_and_deletions() -> None:
    ocr = P1[:12] + P1[13:]            # OCR deleted position 12
    hyp = P1[:20] + "〆〆" + P1[20:]    # HYP restores it but inserts two characters
    d = evaluate(P1, hyp, ocr).to_dict()
    assert (d["errors_fixed"], d["errors_introduced"], d["errors_left"]) == (1, 2, 0)
    assert d["edits"] == 3 and d["precision"] == pytest.approx(1 / 3) and d["recall"] == 1.0


def test_errata_resolve_differences() -> None:
    gt, hyp = "会议一开始龚正就与公众代表一握手表示欢迎", "会议一开始龚正就与公众代表一一握手表示欢迎"
    assert evaluate(gt, hyp).counts.insertions == 1
    r = evaluate(gt, hyp, errata=(Erratum("一握手", "一一握手"), Erratum("不存在", "无")))
    assert r.cer == 0.0
    assert [e.to_dict()["resolved"] for e in r.errata] == [1, 0]
    assert [e.occurrences for e in r.errata] == [1, 0]


def test_confusion_counts() -> None:
    hyp = replace_at(replace_at(P1, 3, "〇"), 9, "〇")
    gt = P1[:9] + P1[3] + P1[10:]
    rows = confusion_counts(evaluate(gt, hyp).alignment)
    assert rows == [(P1[3], "〇", 2)]


def test_html_report_is_well_formed() -> None:
    r = evaluate(f"{P1}\n{P3}\n", f"{replace_at(P1, 4, '〇')}\n{P2}\n", f"{P1}\n")
    page = render(r)
    root = lxml.html.fromstring(page)
    assert root.find(".//title") is not None
    assert root.xpath('//span[@class="sub"]') and root.xpath('//span[@class="um"]')
    assert P2[:10] in page and "<script" not in page


def test_scales_linearly_on_long_documents() -> None:
    paragraphs = [han_text(200, 100 + k) for k in range(200)]
    gt = "\n".join(paragraphs)
    hyp = "\n".join(replace_at(p, 50, "〇") for p in reversed(paragraphs))
    r = evaluate(gt, hyp)
    assert r.counts.substitutions == 200 and r.cer == pytest.approx(200 / 40000)


def test_a_long_alignment_holds_no_string_per_position() -> None:
    """A text of millions of characters: the n-gram index holds arrays, not an n-gram string per
    position, and the aligned characters are shared objects, not one string per position."""
    text = "".join(han_text(500, k) + "今天天气很好。" for k in range(20))
    index = _AnchorIndex(text, text)
    gt_pos, hyp_pos = index.anchors(0, len(text), 6, 20)
    assert gt_pos.tolist() == hyp_pos.tolist() == list(range(len(text) - 5))
    assert all(isinstance(value, (np.ndarray, int)) for grams in index._cache.values() for value in vars(grams).values())
    al = evaluate(text, text).alignment
    assert al.hyp_at == tuple(text) and len({id(ch) for ch in al.hyp_at}) == len(set(text))


def test_a_line_too_long_to_align_is_refused_with_an_error_not_a_swapping_machine(monkeypatch) -> None:
    """A long line with errors all along: the character alignment's bit matrix grows with the product
    of the lengths; beyond MAX_ALIGN_BYTES the evaluation stops with an InputError (one CLI line)."""
    gt = han_text(4000, 7)
    noisy = "".join("〇" if k % 50 == 0 or k == 3999 else ch for k, ch in enumerate(gt))
    monkeypatch.setattr(align_module, "MAX_ALIGN_BYTES", 4000 * 4000 // 8 - 1)
    with pytest.raises(InputError, match="4,000 ground-truth characters and 4,000 differing"):
        evaluate(gt, noisy)
    assert evaluate(gt, gt).cer == 0.0  # the same text: nothing differs to align
    monkeypatch.setattr(align_module, "MAX_ALIGN_BYTES", 4000 * 4000 // 8)
    assert evaluate(gt, noisy).counts.substitutions == 81


def test_a_long_line_is_aligned_in_stretches_cut_at_anchors_as_it_is_whole(monkeypatch) -> None:
    """Past SPLIT_ALIGN_BYTES a long line is aligned stretch by stretch between anchors: the same
    alignment as whole here, where aligning it whole would be refused; a line with no anchor is still refused."""
    gt = han_text(4000, 7)
    noisy = "".join("〇" if k % 50 == 0 or k == 3999 else ch for k, ch in enumerate(gt))
    noisy = noisy[:1000] + noisy[1001:2500] + "多出" + noisy[2500:]  # a character lost, two read in
    whole = evaluate(gt, noisy)
    monkeypatch.setattr(align_module, "MAX_ALIGN_BYTES", 1000 * 1000 // 8)
    monkeypatch.setattr(align_module, "SPLIT_ALIGN_BYTES", 500 * 500 // 8)
    monkeypatch.setattr(align_module, "SPLIT_STEP", 300)
    cut = evaluate(gt, noisy)
    assert cut.alignment.hyp_at == whole.alignment.hyp_at and cut.alignment.inserted == whole.alignment.inserted
    assert (cut.counts.substitutions, cut.counts.deletions, cut.counts.insertions) == (80, 1, 2)
    with pytest.raises(InputError, match="differing"):
        evaluate(gt, "".join(chr(ord(ch) + 1) if k % 3 == 0 else ch for k, ch in enumerate(gt)))


@given(st.text("今天气很好的ab", max_size=40), st.text("今天气很好的ab", max_size=40), st.sampled_from(ATTEMPTS), st.data())
def test_anchors_pair_the_rth_occurrences_of_ngrams_occurring_equally_often(gt, hyp, attempt, data) -> None:
    n, max_repeat = attempt
    start = data.draw(st.integers(0, len(gt)))
    end = data.draw(st.integers(start, len(gt)))

    def positions(text: str) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for j in range(len(text) - n + 1):
            found.setdefault(text[j:j + n], []).append(j)
        return found

    g, h = positions(gt), positions(hyp)
    want = [(i, h[gram][g[gram].index(i)]) for i in range(start, end - n + 1)
            if 0 < len(h.get(gram := gt[i:i + n], ())) <= max_repeat and len(g[gram]) == len(h[gram])]
    gt_pos, hyp_pos = _AnchorIndex(gt, hyp).anchors(start, end, n, max_repeat)
    assert list(zip(gt_pos.tolist(), hyp_pos.tolist())) == want


@pytest.mark.skipif(not (SEEDS / "page01.web.txt").exists(), reason="seed pair not present")
def test_seed_pair() -> None:
    gt = (SEEDS / "page01.web.txt").read_text(encoding="utf-8")
    ocr = (SEEDS / "page01.ocr.txt").read_text(encoding="utf-8")
    r = evaluate(gt, ocr)
    assert r.cer < 0.02 and 0.2 < r.cer_all < 0.35
    assert 0.8 < r.counts.matched_gt_chars / r.gt_chars < 0.9
    assert any(p.startswith("来自浦东新区") for p in r.unmatched_gt_blocks)
    assert any("商务部" in p or "稀土" in p for p in r.unmatched_hyp_blocks) or r.unmatched_hyp_chars > 300
    assert len(to_doc(gt).text) == r.gt_chars


def test_short_line_with_error_in_every_trigram_is_still_matched():
    # '天汽很好' shares no 3-gram with '天气很好': the unique bigram 很好 anchors it.
    r = evaluate("天气很好", "天气很好", ocr="天汽很好").to_dict()
    assert r["ocr_cer"] == 0.25 and r["cer"] == 0.0
    assert r["errors_fixed"] == 1 and r["errors_introduced"] == 0
