"""The documented fits' commands (benchmarks/refit.py): what each fits on, without fitting."""
from benchmarks.refit import RAPID20, fits, report_lines


def test_the_documented_fits_name_their_data_and_rapid20_links_the_first_pages_of_each_level(tmp_path):
    pages = tmp_path / "pages"
    for level in RAPID20:
        (pages / "rapid-train" / level).mkdir(parents=True)
        for i in range(9):
            for kind in ("ocr", "gt"):
                (pages / "rapid-train" / level / f"rapid-train-{level}-{i:03d}.{kind}.txt").write_text("我", encoding="utf-8")
    data = tmp_path / "data"
    chosen = {fit.name: fit for fit in fits(data, pages, tmp_path / "out")}
    assert chosen["faspell"].args == (str(data / "faspell_ocr" / "ocr_train_3575.txt"), "--domain-lm")
    assert chosen["sighan"].args.count("--pairs") == 3 and chosen["sighan"].args[-1] == "--domain-lm"
    linked = sorted(p.name for p in (tmp_path / "out" / "rapid20-pages").iterdir())
    assert len(linked) == 2 * sum(RAPID20.values()) and "rapid-train-l3-005.ocr.txt" in linked
    assert "rapid-train-l3-006.ocr.txt" not in linked and "rapid-train-l1-006.gt.txt" in linked
    assert chosen["unsup-rapid"].args == ("--unsupervised", str(pages / "rapid-train"))
    fits(data, pages, tmp_path / "out")  # again: the links stand


def test_a_fits_log_gives_its_held_out_line_and_warnings():
    log = ("reflow: 3/3\rheld out (715 pairs, 7,336 chars): CER 0.1202 -> 0.1202 (0.0% fewer errors), fixed 0\n"
           "weights shipped: threshold 0.998\nocrfix: warning: fit: no threshold below 0.998 passes the calibration\n")
    assert report_lines(log) == ["held out (715 pairs, 7,336 chars): CER 0.1202 -> 0.1202 (0.0% fewer errors), fixed 0",
                                 "ocrfix: warning: fit: no threshold below 0.998 passes the calibration"]
