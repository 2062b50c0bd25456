"""A set of pages scored at once (`ocrfix eval` on folders or a pairs file): pages paired by name, each
scored on its own, the counts summed (micro average), unpaired pages listed and counted where they belong."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ocrfix.errors import InputError
from ocrfix.evaluation import evaluate
from ocrfix.evaluation.pagesets import evaluate_pages, page_key, pages_in, pair_folders, read_pairs_file

#: Two pages of different lengths and error rates, so the set's CER (errors over characters) is not
#: the mean of the pages' CERs: (gt, ocr, corrected).
PAGES = {
    "a": ("今天天气很好，我们去公园散步。\n公园里的花都开了。\n", "今天天气很好，我们去公圆散步。\n公园里的花部开了。\n",
          "今天天气很好，我们去公园散步。\n公园里的花部开了。\n"),
    "b": ("本报北京电记者报道：全国春耕生产进展顺利，各地抢抓农时，" * 4 + "\n",
          "本报北京电记者报道：全国春耕生产进展顺利，各地抢抓农时，" * 3 + "本报北京电记者报遣：全国春耕生产进展顺利，各地抢抓衣时，\n",
          "本报北京电记者报道：全国春耕生产进展顺利，各地抢抓农时，" * 3 + "本报北京电记者报道：全国春耕生产进展顺利，各地抢抓农时，\n"),
}


def write_set(root: Path, pages: dict[str, tuple[str, str, str]] = PAGES) -> tuple[Path, Path, Path]:
    """GT, OCR and corrected folders named as users name them: ``p.gt.txt``, ``p.ocr.txt``, ``p.txt``."""
    folders = gt, ocr, fixed = root / "gt", root / "ocr", root / "fixed"
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    for key, (g, o, h) in pages.items():
        (gt / f"{key}.gt.txt").write_text(g, encoding="utf-8")
        (ocr / f"{key}.ocr.txt").write_text(o, encoding="utf-8")
        (fixed / f"{key}.txt").write_text(h, encoding="utf-8")
    return gt, ocr, fixed


def read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


@pytest.mark.parametrize("name, key", [("p1.gt.txt", "p1"), ("p1.txt", "p1"), ("sub/p1.ocr.hocr.gz", "sub/p1"),
                                       ("2019.05.01-p3.txt", "2019.05.01-p3"), ("p1.fixed.xml", "p1"),
                                       ("p1.gt.notes.txt", "p1.gt.notes"), (".txt", ".txt")])
def test_a_page_pairs_by_its_path_without_format_suffix_and_one_role_tag(name: str, key: str) -> None:
    assert page_key(name) == key


def test_the_sets_counts_are_the_pages_summed_not_their_rates_averaged(tmp_path) -> None:
    gt, ocr, fixed = write_set(tmp_path)
    report = evaluate_pages(pair_folders(pages_in(gt), pages_in(fixed), pages_in(ocr)), read, with_ocr=True)
    alone = {k: evaluate(g, h, o) for k, (g, o, h) in PAGES.items()}
    assert [key for key, _ in report.pages] == ["a", "b"]
    errors = sum(r.counts.errors for r in alone.values())
    matched = sum(r.counts.matched_gt_chars for r in alone.values())
    assert report.cer == pytest.approx(errors / matched) and errors == 1
    assert report.cer != pytest.approx(sum(r.cer for r in alone.values()) / 2)
    total = report.to_dict()["total"]
    assert (total["errors_fixed"], total["errors_introduced"], total["errors_left"]) == (
        sum(r.correction.errors_fixed for r in alone.values()), 0, 1) == (3, 0, 1)
    assert total["ocr_pages"] == 2 and total["median_page_cer"] == pytest.approx(alone["a"].cer / 2, abs=1e-6)
    assert report.substitutions == (("园", "圆", 1), ("都", "部", 1), ("道", "遣", 1), ("农", "衣", 1))


def test_unpaired_pages_are_listed_and_a_lost_page_counts_whole_in_cer_all(tmp_path) -> None:
    gt, ocr, fixed = write_set(tmp_path)
    (fixed / "b.txt").unlink()
    (fixed / "c.txt").write_text("多余的一页。\n", encoding="utf-8")
    (ocr / "a.ocr.txt").unlink()
    report = evaluate_pages(pair_folders(pages_in(gt), pages_in(fixed), pages_in(ocr)), read, with_ocr=True)
    only_a = evaluate(PAGES["a"][0], PAGES["a"][2])
    assert (report.missing_hyp, report.hyp_without_gt, report.missing_ocr) == (("b",), ("c",), ("a",))
    assert report.cer == only_a.cer and report.correction is None
    lost = len(PAGES["b"][0].strip())
    assert report.cer_all == pytest.approx((only_a.counts.errors + lost) / (only_a.gt_chars + lost))


def test_two_files_of_one_page_in_a_folder_are_refused_by_name(tmp_path) -> None:
    (tmp_path / "p1.txt").write_text("甲", encoding="utf-8")
    (tmp_path / "p1.gt.txt").write_text("乙", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a page", encoding="utf-8")
    with pytest.raises(InputError, match="same page 'p1'.*--pairs"):
        pages_in(tmp_path)
    (tmp_path / "p1.gt.txt").unlink()
    assert pages_in(tmp_path) == {"p1": str(tmp_path / "p1.txt")}


def test_a_pairs_file_names_the_pages_and_a_bad_line_by_its_number(tmp_path) -> None:
    pairing = read_pairs_file(tmp_path / "pairs.tsv", "# gt\thyp\tocr\n\nx/g1.txt\ty/h1.txt\n")
    assert [tuple(p) for p in pairing.pages] == [("x/g1.txt", str(tmp_path / "x/g1.txt"), str(tmp_path / "y/h1.txt"), None)]
    with pytest.raises(InputError, match=r"pairs.tsv:2: expected GT<TAB>HYP"):
        read_pairs_file(tmp_path / "pairs.tsv", "g\th\n只有一列\n")
    with pytest.raises(InputError, match="lists no pages"):
        read_pairs_file(tmp_path / "pairs.tsv", "# nothing\n")


def test_eval_of_folders_and_of_a_pairs_file_prints_the_sets_scores(tmp_path, capsys) -> None:
    from ocrfix.cli import main

    gt, ocr, fixed = write_set(tmp_path)
    assert main(["eval", "--gt", str(gt), "--hyp", str(fixed), "--ocr", str(ocr), "--confusions", str(tmp_path / "c.tsv")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "pages: 2 scored; 0 GT without HYP, 0 HYP without GT"
    assert out[2].startswith("correction (2 pages with OCR): ") and "fixed 3, introduced 0, left 1" in out[2]
    assert out[3].startswith("highest CER: a ")
    assert (tmp_path / "c.tsv").read_text(encoding="utf-8").splitlines()[1:] == ["园\t圆\t1", "都\t部\t1", "道\t遣\t1", "农\t衣\t1"]
    (tmp_path / "pairs.tsv").write_text("".join(f"gt/{k}.gt.txt\tfixed/{k}.txt\tocr/{k}.ocr.txt\n" for k in PAGES), encoding="utf-8")
    assert main(["eval", "--pairs", str(tmp_path / "pairs.tsv"), "--json"]) == 0
    total = json.loads(capsys.readouterr().out)["total"]
    assert (total["pages"], total["errors"], total["errors_fixed"]) == (2, 1, 3)


@pytest.mark.parametrize("argv, message", [
    (["--gt", "{gt}", "--hyp", "{fixed}", "--html", "{fixed}/report"], "inside --hyp"),
    (["--gt", "{gt}", "--hyp", "{fixed}/a.txt"], "give --hyp as a directory or a pattern too, not"),
    (["--gt", "{gt}", "--hyp", "{fixed}", "--ocr", "{tmp}/nowhere"], "give --ocr as a directory or a pattern too, not"),
    (["--gt", "{gt}"], "give --hyp as a directory or a pattern too"),
    (["--pairs", "{tmp}/none.tsv", "--gt", "{gt}"], "either --pairs or"),
    (["--hyp", "{fixed}/a.txt"], "give --gt and --hyp"),
    (["--gt", "{gt}", "--hyp", "{tmp}/empty"], "no page files"),
])
def test_eval_of_a_set_refuses_what_it_cannot_do_in_one_line(tmp_path, capsys, argv: list[str], message: str) -> None:
    from ocrfix.cli import main

    gt, _, fixed = write_set(tmp_path)
    (tmp_path / "empty").mkdir()
    assert main(["eval", *(a.format(gt=gt, fixed=fixed, tmp=tmp_path) for a in argv)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_ground_truth_and_ocr_can_share_a_folder_and_a_correction_keep_the_ocrs_name(tmp_path) -> None:
    """``p.gt.txt`` beside ``p.ocr.txt`` (the way GT sets are often kept): a folder that tags files for a role
    is read by its tags (other files beside them left), a file tagged for another role is never read as
    this one's (a page with GT alone has no OCR), and the corrections ``ocrfix correct --out-dir`` writes
    under the OCR's name are the hypotheses."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("p1.gt.txt", "p1.ocr.txt", "p2.gt.txt", "p1.meta.json", "p2.txt"):
        (pages / name).write_text("甲", encoding="utf-8")
    (tmp_path / "fixed").mkdir()
    (tmp_path / "fixed" / "p1.ocr.txt").write_text("甲", encoding="utf-8")
    assert pages_in(pages, "gt") == {"p1": str(pages / "p1.gt.txt"), "p2": str(pages / "p2.gt.txt")}
    assert pages_in(pages, "ocr") == {"p1": str(pages / "p1.ocr.txt")}
    assert pages_in(tmp_path / "fixed", "hyp") == {"p1": str(tmp_path / "fixed" / "p1.ocr.txt")}
    (pages / "p1.ocr.txt").unlink()
    assert pages_in(pages, "ocr") == {"p1.meta": str(pages / "p1.meta.json"), "p2": str(pages / "p2.txt")}
    with pytest.raises(InputError, match="same page 'p2'"):
        pages_in(pages)


def test_a_glob_pattern_names_which_of_a_pages_files_are_read(tmp_path, capsys) -> None:
    """Tesseract writes a page's ``.txt``, ``.hocr`` and ``.xml`` beside its GT's ``.gt.txt`` and ``.gt.json``: a
    quoted pattern says which files are the set, a file tagged for another role is still never taken, and keys
    are taken below the pattern's directory."""
    from ocrfix.cli import main
    from ocrfix.evaluation.pagesets import is_page_set

    pages = tmp_path / "pages" / "a"
    pages.mkdir(parents=True)
    for name in ("p1.gt.txt", "p1.gt.json", "p1.txt", "p1.hocr"):
        (pages / name).write_text(PAGES["a"][0] if "gt" in name else PAGES["a"][1], encoding="utf-8")
    with pytest.raises(InputError, match="same page 'a/p1'"):
        pages_in(tmp_path / "pages", "gt")
    assert pages_in(f"{tmp_path}/pages/**/*.gt.txt", "gt") == {"a/p1": str(pages / "p1.gt.txt")}
    assert pages_in(f"{tmp_path}/pages/*/*.txt", "ocr") == {"a/p1": str(pages / "p1.txt")}
    assert is_page_set(f"{tmp_path}/pages/*/*.txt") and not is_page_set(str(pages / "p1.txt"))
    with pytest.raises(InputError, match="no page files"):
        pages_in(f"{tmp_path}/pages/*.xml")
    with pytest.raises(InputError, match="not a directory"):
        pages_in(tmp_path / "nowhere")
    assert main(["eval", "--gt", f"{tmp_path}/pages/*/*.gt.txt", "--hyp", f"{tmp_path}/pages/*/*.txt", "--json"]) == 0
    total = json.loads(capsys.readouterr().out)["total"]
    assert (total["pages"], total["errors"]) == (1, 2)


def test_html_of_a_set_is_an_index_linking_each_pages_report(tmp_path) -> None:
    """``--html DIR`` on a set of pages: DIR/index.html holds the set's figures and one row per page, highest CER
    first, each linking to that page's side-by-side report; a pairs file's page names (any path) never become
    file names."""
    import lxml.html

    from ocrfix.cli import main

    gt, ocr, fixed = write_set(tmp_path)
    assert main(["eval", "--gt", str(gt), "--hyp", str(fixed), "--ocr", str(ocr), "--html", str(tmp_path / "rep")]) == 0
    index = lxml.html.parse(str(tmp_path / "rep" / "index.html")).getroot()
    assert "2 pages; CER" in index.xpath('//p[@class="headline"]')[0].text_content()
    rows = index.xpath("//table[not(@class)]/tr[td]")
    assert [row.xpath("td[1]")[0].text_content() for row in rows] == ["a", "b"]  # a has the error left
    for row in rows:
        page = lxml.html.parse(str(tmp_path / "rep" / row.xpath("td[1]/a/@href")[0])).getroot()
        assert "Side by side" in [h.text_content() for h in page.xpath("//h2")]
    (tmp_path / "pairs.tsv").write_text(f"../{tmp_path.name}/gt/a.gt.txt\tfixed/a.txt\n", encoding="utf-8")
    assert main(["eval", "--pairs", str(tmp_path / "pairs.tsv"), "--html", str(tmp_path / "rep2")]) == 0
    assert sorted(p.name for p in (tmp_path / "rep2").rglob("*")) == ["00001.html", "index.html", "pages"]
    assert main(["eval", "--pairs", str(tmp_path / "pairs.tsv"), "--html", str(tmp_path / "pairs.tsv")]) == 2
