"""`ocrfix fit`: a profile learned from a user's pairs fixes what the base models cannot, and bad
input or a failing step never leaves a half-written profile."""
import json
from pathlib import Path

import pytest

from ocrfix.cli import main
from ocrfix.correction.corrector import Corrector
from ocrfix.errors import InputError
from ocrfix.correction.rules import RULES
from ocrfix.profiles import load_profile
from ocrfix.settings import PROJECT_ROOT, load_settings
from ocrfix.training import pairs as fit_pairs, profile_fit, profile_write, stages as fit_stages
from ocrfix.training.calibrate import THRESHOLDS
from ocrfix.training.lm import domain as fit_domain
from ocrfix.training.pairs import Pair, read_pairs, split_held_out
from ocrfix.training.profile_fit import BaseModels, fit_profile
from ocrfix.training.profile_write import write_profile

from test_correct_fixtures import CORPUS, INVENTORY, WEIGHTS, load_lm, write_arpa, write_confusions

MODELS = PROJECT_ROOT / "models"
#: The engine misreads 工 as 土: a confusion the tiny base set does not have.
SEEN, TRUE = "土", "工"
WORK_LINES = [a + b for a in dict.fromkeys(CORPUS) if TRUE in a for b in dict.fromkeys(CORPUS)]  # 28 distinct


@pytest.fixture()
def base(tmp_path) -> BaseModels:
    d = tmp_path / "base"
    d.mkdir()
    WEIGHTS.save(d / "w.json")
    return BaseModels(write_arpa(d / "lm.arpa"), (write_confusions(d / "c.tsv"),), d / "w.json",
                      inventory=INVENTORY | {SEEN})


def misread(line: str) -> str:
    return line.replace(TRUE, SEEN)


def write_tsv(path: Path, n: int) -> Path:
    rows = [f"{i}\t{misread(WORK_LINES[i % len(WORK_LINES)])}\t{WORK_LINES[i % len(WORK_LINES)]}" for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def quiet(_line: str) -> None:
    pass


def test_fit_learns_a_confusion_the_base_lacks_and_the_profile_fixes_it(tmp_path, base):
    lm = load_lm(base.lm)
    page = misread("他们在上海工作。")
    before = Corrector(model=lm, confusions=base.confusions, weights=WEIGHTS, inventory=base.inventory, variants={})
    assert before.correct(page, reflow=False).text == page  # 土 has no candidate in the base set

    fitted, figures = fit_profile([write_tsv(tmp_path / "pairs.tsv", 60)], base=base, log=quiet, name="mine")
    assert [c.char for c in fitted.learned.candidates(SEEN)] == [TRUE]
    assert figures.pairs == 10 and figures.errors_before == figures.fixed == 14 and figures.introduced == 0
    out = write_profile(fitted, tmp_path / "profile")
    profile = load_profile(out, MODELS)  # checksums verified
    assert profile.name == "mine" and profile.card["held_out"]["cer_after"] == 0.0
    assert profile.card["mark_choice"] == "off" and profile.mark_choice is None  # line pairs, no context model
    assert json.loads((out / "checksums.json").read_text())["files"].keys() >= {"profile.json", "learned.tsv", "misread.tsv"}
    after = Corrector(model=lm, inventory=base.inventory, profile=out)
    assert after.correct(page, reflow=False).text == "他们在上海工作。"
    assert after.correct("他们在上海工作。", reflow=False).edits == ()  # the right text stays as it is


def test_pairs_come_from_tsv_lines_directories_and_line_aligned_files(tmp_path):
    tsv = tmp_path / "a.tsv"
    tsv.write_text("1\t土作\t工作\n土地\t土地\nbroken line\n", encoding="utf-8")
    pages = tmp_path / "pages"
    (pages / "sub").mkdir(parents=True)
    (pages / "sub" / "p1.ocr.txt").write_text("土作\n", encoding="utf-8")
    (pages / "sub" / "p1.gt.txt").write_text("工作\n", encoding="utf-8")
    (pages / "p2.ocr.txt").write_text("lonely\n", encoding="utf-8")
    (pages / "p3.gt.txt").write_text("lonely\n", encoding="utf-8")
    err, gold = tmp_path / "err.txt", tmp_path / "gold.txt"
    err.write_text("土作\n\n", encoding="utf-8")
    gold.write_text("工作\n\n", encoding="utf-8")
    warnings: list[str] = []
    pairs = read_pairs([tsv, pages], [(err, gold)], warn=warnings.append)
    assert [(p.ocr, p.gt, p.page) for p in pairs] == [("土作", "工作", False), ("土地", "土地", False),
                                                      ("土作\n", "工作\n", True), ("土作", "工作", False)]
    assert any("a.tsv: skipped 1 lines" in w and "(3)" in w for w in warnings)
    assert any("skipped 1 OCR files without a NAME.gt.txt (p2.ocr.txt)" in w for w in warnings)
    assert any("skipped 1 ground-truth files without a NAME.ocr.txt (p3.gt.txt)" in w for w in warnings)
    gold.write_text("工作\n", encoding="utf-8")
    err.write_text("土作\n土作\n", encoding="utf-8")
    with pytest.raises(InputError, match="not line-aligned"):
        read_pairs([], [(err, gold)], warn=quiet)


def test_structured_ocr_files_pair_with_their_ground_truth_through_the_geometry_reflow(tmp_path):
    from ocrfix.training.self_train import read_ocr_texts

    lines = [("土作很好，天气晴", [80, 40, 400, 80]), ("朗，我们去公园散步", [0, 100, 400, 140]), ("也好。", [0, 160, 120, 200])]
    result = {"rec_texts": [t for t, _ in lines], "rec_scores": [0.9] * 3, "rec_boxes": [b for _, b in lines]}
    (tmp_path / "p1.ocr.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "p1.gt.txt").write_text("工作很好，天气晴朗，我们去公园散步也好。\n", encoding="utf-8")
    (tmp_path / "p2.ocr.xml").write_text("<alto/>", encoding="utf-8")  # no partner: skipped, never read
    warnings: list[str] = []
    (pair,) = read_pairs([tmp_path], warn=warnings.append)
    assert (pair.name, pair.ocr.splitlines(), pair.page) == ("p1.ocr.json", ["土作很好，天气晴", "朗，我们去公园散步", "也好。"], True)
    assert pair.source.split() == ["土作很好，天气晴朗，我们去公园散步也好。"]  # the printed lines, read as one paragraph
    assert any("skipped 1 OCR files without a NAME.gt.txt (p2.ocr.xml)" in w for w in warnings)
    (tmp_path / "p2.ocr.xml").unlink()
    (text,) = read_ocr_texts([tmp_path])
    assert (text.name, text.text, text.reaching, text.source, text.path) == \
        ("p1.ocr.json", pair.ocr, pair.reaching, pair.source, pair.path)  # read as the supervised fit reads it


def test_a_structured_pair_keeps_the_printed_lines_whose_box_reaches_past_the_columns_measure(tmp_path):
    texts = ["土作很好天气晴朗我们去", "公园散步也好大家都很高", "兴地走在路上看见了花", "开得正好。"]
    rights = [400, 420, 400, 160]  # the second line's box holds the ink of a mark the engine dropped
    result = {"rec_texts": texts, "rec_scores": [0.9] * 4, "rec_boxes": [[0, 60 * k, r, 60 * k + 40] for k, r in enumerate(rights)]}
    (tmp_path / "p1.ocr.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "p1.gt.txt").write_text("工作很好天气晴朗我们去公园散步也好，大家都很高兴地走在路上看见了花开得正好。\n", encoding="utf-8")
    (tmp_path / "p2.ocr.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    (tmp_path / "p2.gt.txt").write_text("工作很好。\n", encoding="utf-8")
    json_pair, text_pair = read_pairs([tmp_path], warn=quiet)
    assert [json_pair.ocr[end] for end in json_pair.reaching] == ["高"]
    assert text_pair.reaching is None  # plain text: no geometry
    # the fit reads and corrects the file as `ocrfix correct` does: the geometry reflow's text, story by story
    from ocrfix.formats import read_document, reflow_document

    doc = read_document(tmp_path / "p1.ocr.json")
    assert json_pair.source == reflow_document(doc).text and json_pair.path == tmp_path / "p1.ocr.json"

    class Recorder:
        def __init__(self) -> None:
            self.told: list[tuple] = []

        def correct(self, text, reflow=True, wrapped=None, reaching=None, **_evidence):
            self.told.append((text, reflow, wrapped, reaching))
            return type("Result", (), {"text": text.replace(SEEN, TRUE), "edits": [], "source": text})()

    recorder = Recorder()
    assert json_pair.corrected(recorder) == json_pair.source.replace(SEEN, TRUE)
    assert recorder.told == [(json_pair.source, False, json_pair.ocr, json_pair.reaching)]  # as correct_document tells it
    recorder.told.clear()
    text_pair.corrected(recorder)
    assert recorder.told == [(text_pair.ocr, True, None, None)] and text_pair.path is None
    # the unsupervised fit corrects an archive's structured file the same way
    from ocrfix.training.self_train import read_ocr_texts

    recorder.told.clear()
    (archived,) = [t for t in read_ocr_texts([tmp_path]) if t.name == "p1.ocr.json"]
    assert archived.corrected(recorder).text == json_pair.source.replace(SEEN, TRUE)
    assert recorder.told == [(json_pair.source, False, json_pair.ocr, json_pair.reaching)]


def test_a_plain_page_is_read_in_column_order_as_the_corrector_reads_it(tmp_path):
    from test_column_order import HEADLINE, across, columns

    from ocrfix.training.pairs import read_with_lm

    cols = columns((6, 6, 6))
    body = "".join(line for col in cols for line in col)
    lm = load_lm(write_arpa(tmp_path / "lm.arpa", [body]))
    page = Pair("p.ocr.txt", "\n".join([HEADLINE, *across(cols)]) + "\n", HEADLINE + "\n" + body + "\n", True)
    read = read_with_lm(page, lm)
    assert read.ocr.split() == [HEADLINE, *(line for col in cols for line in col)]  # the lines in column order
    assert read.source.split() == [HEADLINE, body] and page.source.split() != read.source.split()
    line = Pair("l:1", "我们在北京土作。", "我们在北京工作。", False)
    assert read_with_lm(line, lm) is line and read_with_lm(read, lm) is read


def test_a_file_that_cannot_be_read_is_skipped_with_a_warning_not_the_whole_fit(tmp_path):
    from ocrfix.training.self_train import read_ocr_texts

    (tmp_path / "good.ocr.txt").write_text("我们在北京土作。\n", encoding="utf-8")
    (tmp_path / "good.gt.txt").write_text("我们在北京工作。\n", encoding="utf-8")
    (tmp_path / "bad.ocr.json").write_text('{"rec_texts": [', encoding="utf-8")
    (tmp_path / "bad.gt.txt").write_text("他们在上海工作。\n", encoding="utf-8")
    (tmp_path / "worse.ocr.txt").write_bytes(b"\x00\x01\x02binary\xff\xfe" * 20)
    (tmp_path / "worse.gt.txt").write_text("大家都很高兴。\n", encoding="utf-8")
    warnings: list[str] = []
    assert [p.name for p in read_pairs([tmp_path], warn=warnings.append)] == ["good.ocr.txt"]
    assert len(warnings) == 1 and "skipped 2 files that cannot be read" in warnings[0] and "bad.ocr.json" in warnings[0]
    warnings.clear()
    assert [t.name for t in read_ocr_texts([tmp_path], warnings.append)] == ["good.ocr.txt"]
    assert len(warnings) == 1 and "worse.ocr.txt" in warnings[0]


def test_a_tesseract_tsv_pairs_like_its_hocr(tmp_path):
    from shutil import copyfile

    data = Path(__file__).parent / "data" / "formats"
    copyfile(data / "onecol.tsv", tmp_path / "p1.ocr.tsv")
    copyfile(data / "onecol.hocr", tmp_path / "p2.ocr.hocr")
    for name in ("p1", "p2"):
        (tmp_path / f"{name}.gt.txt").write_text((data / "onecol.txt").read_text(encoding="utf-8"), encoding="utf-8")
    tsv, hocr = read_pairs([tmp_path], warn=lambda message: None)
    assert (tsv.name, hocr.name) == ("p1.ocr.tsv", "p2.ocr.hocr") and tsv.ocr == hocr.ocr


def test_every_fifth_text_is_held_out_with_all_its_copies():
    pairs = [Pair(str(i), "x", gt, False) for i, gt in enumerate("abcdeabcdefghij")]
    train, held = split_held_out(pairs)
    assert [p.name for p in held] == ["4", "9", "14"] and len(train) == 12


def test_too_little_data_is_refused_with_what_was_found(tmp_path, base):
    with pytest.raises(InputError, match="too little data: 3 pair"):
        fit_profile([write_tsv(tmp_path / "three.tsv", 3)], base=base, log=quiet)
    with pytest.raises(InputError, match=r"too little data: 14 misread characters in 8 training pairs \(need at least 30\)"):
        fit_profile([write_tsv(tmp_path / "ten.tsv", 10)], base=base, log=quiet)


def test_a_failing_step_leaves_no_profile_and_no_temporary_directory(tmp_path, base, monkeypatch):
    fitted, _ = fit_profile([write_tsv(tmp_path / "pairs.tsv", 40)], base=base, log=quiet)
    out = tmp_path / "out" / "profile"

    def broken(_directory):
        raise OSError("disk full")

    monkeypatch.setattr(profile_write, "write_checksums", broken)
    with pytest.raises(OSError, match="disk full"):
        write_profile(fitted, out)
    assert list(out.parent.iterdir()) == []
    monkeypatch.undo()
    write_profile(fitted, out)
    stamp = (out / "profile.json").read_bytes()
    with pytest.raises(InputError, match="already exists"):
        write_profile(fitted, out)
    monkeypatch.setattr(profile_write, "write_checksums", broken)
    with pytest.raises(OSError):
        write_profile(fitted, out, force=True)
    assert (out / "profile.json").read_bytes() == stamp and sorted(p.name for p in out.parent.iterdir()) == ["profile"]
    monkeypatch.undo()
    write_profile(fitted, out, force=True)
    assert load_profile(out, MODELS).name == "fitted"
    with pytest.raises(InputError, match="over or into an input"):
        write_profile(fitted, tmp_path / "pairs.tsv", inputs=[tmp_path / "pairs.tsv"], force=True)
    with pytest.raises(InputError, match="over or into an input"):
        write_profile(fitted, tmp_path / "p", inputs=[tmp_path], force=True)


def test_the_command_line_reports_bad_pairs_in_one_line(tmp_path, capsys):
    (tmp_path / "p.ocr.txt").write_text("土作\n", encoding="utf-8")
    assert main(["fit", str(tmp_path), "-o", str(tmp_path.parent / "out-profile")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("ocrfix: warning:") and "p.ocr.txt" in err[0]
    assert err[-1].startswith("ocrfix: error: no OCR / ground-truth pairs") and len(err) == 2
    assert not (tmp_path.parent / "out-profile").exists()
    assert main(["fit", "-o", str(tmp_path / "x")]) == 2
    assert main(["fit", "--unsupervised", "--domain-lm", str(tmp_path), "-o", str(tmp_path / "x")]) == 2
    assert capsys.readouterr().err.strip().endswith("--domain-lm trains on ground truth, which --unsupervised has none of")
    assert not (tmp_path / "x").exists()


def test_unsupervised_rounds_learn_from_confident_edits_and_leave_clean_text_alone(tmp_path, base):
    from ocrfix.training.self_train import fit_unsupervised

    archive = tmp_path / "archive"
    archive.mkdir()
    lines = [line for line in dict.fromkeys(CORPUS) if "作" in line]
    for i in range(10):  # the engine reads 作 as 乍 (the base set has the pair; the generic profile finds it)
        (archive / f"p{i}.txt").write_text("\n".join(line.replace("作", "乍") for line in lines) + "\n", encoding="utf-8")
    fitted = fit_unsupervised([archive], base=base, log=quiet, rounds=2)
    assert [(c.char, c.sources) for c in fitted.learned.candidates("乍")] == [("作", ("learned",))]
    assert fitted.card["rounds"][0]["confident_edits"] == 10 * len(lines)
    assert fitted.misread.log_rate("乍") > fitted.misread.log_rate("我")
    # no mark habit in this archive, yet the rules the generic profile runs for any engine stay
    generic = load_profile("generic", load_settings().models_dir).rules
    assert generic and fitted.stages.rules == tuple(r.name for r in RULES if r.name in generic)
    out = write_profile(fitted, tmp_path / "self")
    assert load_profile(out, tmp_path).garbled_marks  # judged text by text, no ground truth needed
    corrector = Corrector(model=load_lm(base.lm), inventory=base.inventory, profile=out)
    clean = "\n".join(dict.fromkeys(CORPUS))
    assert corrector.correct(clean, reflow=False).edits == ()
    assert corrector.correct("他们在上海工乍。", reflow=False).text == "他们在上海工作。"
    with pytest.raises(InputError, match="too little data"):
        fit_unsupervised([archive / "p0.txt"], base=base, log=quiet)
    assert fitted.stages.mark_choice is None and fitted.card["mark_choice"] == "off"  # no context model in the base


def test_unsupervised_fits_carry_the_generic_profiles_mark_choice_model_by_its_shipped_context(tmp_path, base):
    from types import SimpleNamespace

    from ocrfix.correction.mark_choice import MarkModel
    from ocrfix.training.self_train import generic_mark_choice

    generic = load_profile("generic", load_settings().models_dir)
    model, picks = generic_mark_choice(SimpleNamespace(mark_context=generic.mark_context))
    assert model == MarkModel.load(generic.mark_context, generic.mark_choice)._replace(page_prior=generic.mark_page_prior)
    assert model.page_prior > 0 and picks == generic.line_end_mark_choice
    assert generic_mark_choice(SimpleNamespace(mark_context=None)) == (None, False)
    fitted, _ = fit_profile([write_tsv(tmp_path / "pairs.tsv", 60)], base=base, log=quiet)
    stages = profile_fit.dataclasses.replace(fitted.stages, mark_choice=model)
    out = write_profile(profile_fit.dataclasses.replace(fitted, stages=stages, mark_context=generic.mark_context),
                        tmp_path / "self")
    record = json.loads((out / "profile.json").read_text(encoding="utf-8"))
    assert record["files"]["mark_context"] == "models:mark_choice/context.json"  # the shipped one, not a copy
    assert not (out / "mark_context.json").exists()
    assert Corrector(model=load_lm(base.lm), inventory=base.inventory, profile=out).mark_choice == model


def test_the_drift_guard_raises_the_threshold_until_clean_text_stays_unchanged(tmp_path):
    from ocrfix.training.fit import Labeled
    from ocrfix.training.self_train import guarded_threshold

    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    corrector = Corrector(model=lm, confusions=write_confusions(tmp_path / "c.tsv"), weights=WEIGHTS, inventory=INVENTORY,
                          variants={}, rules=False)
    clean = "\n".join(dict.fromkeys(CORPUS))
    assert guarded_threshold(corrector, [Labeled(clean, tuple(clean), "clean", "c")], 15000.0, 0.85)[0] == 0.85
    odd = clean + "\n我们在北京工乍。"  # a 'clean' text the corrector does change: no threshold is safe
    threshold, record = guarded_threshold(corrector, [Labeled(odd, tuple(odd), "clean", "c")], 15000.0, 0.85)
    assert threshold == 0.998 and record["clean_changed"] == 1


def test_pairs_whose_texts_do_not_align_are_skipped_with_a_warning():
    from ocrfix.training.pairs import alignable

    good = Pair("a:1", "我们在北京土作。", "我们在北京工作。", False)
    other = Pair("a:2", "今天天气很好。", "他在上海学习工作。", False)
    page = Pair("p.ocr.txt", "我们在北京工作。\n他们在上海工作。\n", "今天天气很好。大家都在认真工作。\n", True)
    warnings: list[str] = []
    assert alignable([good, other, page], warn=warnings.append) == [good]
    assert warnings == ["ocrfix: warning: fit: skipped 2 pairs whose OCR and ground truth do not align (another text, or rows read across a page's columns?) (a:2, p.ocr.txt)"]


# ---- the pattern stages a fit chooses (symbol rules, line-end marks, deletions) ----------------------------

LINES = list(dict.fromkeys(CORPUS))


def page(name: str, ocr: str, gt: str) -> Pair:
    return Pair(name, ocr, gt, True)


def sources(pairs):
    return [p.source for p in pairs]


def test_a_rule_is_kept_where_it_fixes_and_dropped_where_it_would_introduce(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    ocr = "我们在北京工作。·他们在上海工作。\n"  # stray-dot: a speck after a mark
    specks = [page(f"d{i}", ocr, ocr.replace("·", "")) for i in range(3)]
    assert fit_stages.choose_rules(specks, sources(specks), lm, quiet) == ["stray-dot"]
    printed = [page(f"e{i}", ocr, ocr) for i in range(3)]  # the same dot is in print: deleting it is wrong
    assert fit_stages.choose_rules(printed, sources(printed), lm, quiet) == []
    # one fix against one error introduced is not enough; four fixes against one are
    assert fit_stages.choose_rules(specks[:1] + printed[:1], sources(specks[:1] + printed[:1]), lm, quiet) == []
    mixed = specks + specks[:1] + printed[:1]
    assert fit_stages.choose_rules(mixed, sources(mixed), lm, quiet) == ["stray-dot"]


def test_a_rule_for_any_engine_is_kept_where_the_pairs_show_no_match_and_judged_where_they_do(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    ocr = "我们在北京工作。·他们在上海工作。\n"
    specks = [page(f"d{i}", ocr, ocr.replace("·", "")) for i in range(3)]
    printed = [page(f"e{i}", ocr, ocr) for i in range(3)]
    logged: list[str] = []
    # no range on the pages: digit-dash has nothing to show, and print never has the Han 一 between digits
    assert fit_stages.choose_rules(specks, sources(specks), lm, logged.append, always=("digit-dash", "stray-dot")) == [
        "digit-dash", "stray-dot"]
    assert "  rule digit-dash: no match on the pairs -> kept (a rule for any engine)" in logged
    # where it matches it earns its place as any other rule: here each deletion is an error
    assert fit_stages.choose_rules(printed, sources(printed), lm, quiet, always=("stray-dot",)) == []


def test_line_end_marks_get_the_highest_margin_that_fixes_most_and_stay_off_where_nothing_was_lost(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    lost = [page(f"p{i}", "我们在北京工作\n他们在上海工作。\n", "我们在北京工作。他们在上海工作。\n") for i in range(4)]
    logged: list[str] = []
    margin = fit_stages.choose_line_end_marks(lost, sources(lost), lm, logged.append)
    assert margin == (1.0, None)  # the gain of 。 there is 1.38 (tiny LM): every margin up to 1.0 fixes all four
    assert "  line-end marks at margin 1.0: fixed 4, introduced 0" in logged
    wrapped = [page(f"q{i}", "我们在北\n京工作。\n", "我们在北京工作。\n") for i in range(4)]
    assert fit_stages.choose_line_end_marks(wrapped, sources(wrapped), lm, quiet) == (None, None)


def test_margins_that_tie_on_the_pages_go_to_the_one_nearest_the_stages_own(tmp_path, monkeypatch):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    lost = [page(f"p{i}", "我们在北京工作\n他们在上海工作。\n", "我们在北京工作。他们在上海工作。\n") for i in range(4)]
    monkeypatch.setattr(fit_stages, "LINE_END_MARGINS", (0.5, 1.0))  # both fix all four
    monkeypatch.setattr(fit_stages, "LINE_END_GAIN", 0.5)
    assert fit_stages.choose_line_end_marks(lost, sources(lost), lm, quiet) == (0.5, None)
    monkeypatch.setattr(fit_stages, "LINE_END_GAIN", 3.0)
    assert fit_stages.choose_line_end_marks(lost, sources(lost), lm, quiet) == (1.0, None)


LOST_AT_A_LINE_END = "我们在北京工作\n他们在上海工作。\n"  # the line end after 作 (offset 6); gain of 。 there 1.38


def test_line_end_margins_by_the_line_box_are_learned_where_the_pages_geometry_tells_lost_marks_from_none(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    gt_lost, gt_none = "我们在北京工作。他们在上海工作。\n", "我们在北京工作他们在上海工作。\n"
    reached = [Pair(f"r{i}", LOST_AT_A_LINE_END, gt_lost, True, frozenset({6})) for i in range(8)]
    inside = [Pair(f"n{i}", LOST_AT_A_LINE_END, gt_none, True, frozenset()) for i in range(2)]
    logged: list[str] = []
    pairs = reached + inside
    # one margin for all: 8 fixed, 2 introduced; by the box: the 8 past the measure fixed, the 2 within left alone
    assert fit_stages.choose_line_end_marks(pairs, sources(pairs), lm, logged.append) == (1.0, (1.0, 3.0))
    assert "  line-end marks at margin 1.0 past the measure, 3.0 within it: fixed +0, introduced -2 against 1.0 at every line end" in logged
    # the box tells nothing where it marks the line ends that lost nothing as often as those that did
    mixed = [Pair(f"m{i}", LOST_AT_A_LINE_END, gt_lost if i % 5 else gt_none, True, frozenset({6} if i < 5 else ()))
             for i in range(10)]
    assert fit_stages.choose_line_end_marks(mixed, sources(mixed), lm, quiet) == (1.0, None)
    # pages without geometry keep the margin
    plain = [Pair(p.name, p.ocr, p.gt, True) for p in pairs]
    assert fit_stages.choose_line_end_marks(plain, sources(plain), lm, quiet) == (1.0, None)


def test_garbled_marks_are_on_where_they_fix_pages_whose_marks_the_engine_garbled(tmp_path, monkeypatch):
    clauses = ["我们在北京，他们在上海。", "我们在北京工作，他们在上海学习。", "大家都在北京，我们在上海。"] * 4
    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + clauses))
    gt = "我们在北京，他们在上海。\n" * 8
    garbled = [Pair(f"g{i}", gt.replace("，", "。"), gt, False) for i in range(2)]  # lines: not reflowed
    logged: list[str] = []
    assert fit_stages.choose_garbled_marks(garbled, sources(garbled), lm, [], logged.append)
    assert logged == ["  garbled marks: fixed +16, introduced +0 -> on"]
    # the same pages read right: the stage never fires, so it stays off
    right = [Pair(f"r{i}", gt, gt, False) for i in range(2)]
    assert not fit_stages.choose_garbled_marks(right, sources(right), lm, [], quiet)
    # judged on what the rules leave: where they make the same fixes first, the stage adds nothing
    monkeypatch.setattr(fit_stages, "rule_changes", lambda source, rules, lm, wrapped: [
        (k, "。", "，", 1.0, ("rule:period-comma",)) for k in range(len(source)) if source[k - 1:k + 2] == "京。他"])
    assert not fit_stages.choose_garbled_marks(garbled, sources(garbled), lm, ["period-comma"], logged.append)
    assert logged[-1] == "  garbled marks: fixed +0, introduced +0 -> off"


def test_the_length_channel_is_learned_cross_fit_and_written_into_the_profile(tmp_path, base):
    lm = load_lm(base.lm)
    # the engine adds a 夫 after the third character of every page (seven distinct texts)
    pairs = [page(f"f{i}", a[:3] + "夫" + a[3:] + b + "\n", a + b + "\n")
             for i, (a, b) in enumerate(zip(LINES, LINES[1:] + LINES[:1]))]
    logged: list[str] = []
    rates = fit_stages.choose_length(pairs, sources(pairs), lm, logged.append)
    assert rates is not None and rates.counts["夫"].extra == 7
    assert logged == ["  deletions (length channel, cross-fit): fixed 7, introduced 0 -> on"]
    one_text = [page(f"g{i}", "我们在夫北京工作。\n", "我们在北京工作。\n") for i in range(7)]  # no other half to learn on
    assert fit_stages.choose_length(one_text, sources(one_text), lm, quiet) is None

    fitted, _ = fit_profile([write_tsv(tmp_path / "pairs.tsv", 60)], base=base, log=quiet)
    stages = fit_stages.Stages(("stray-dot",), True, False, 2.5, rates, True, line_end_reach=(0.5, 3.0))
    out = write_profile(profile_fit.dataclasses.replace(fitted, stages=stages), tmp_path / "profile")
    profile = load_profile(out, MODELS)
    assert (profile.rules, profile.line_end_margin, profile.line_end_marks_in_clean_print, profile.line_end_reach) == \
        (("stray-dot",), 2.5, True, (0.5, 3.0))
    assert profile.length == (out / "length.tsv").resolve()
    corrector = Corrector(model=lm, inventory=base.inventory | {"夫"}, profile=out)
    assert corrector.correct("他们在夫上海工作。", reflow=False).text == "他们在上海工作。"


def test_unsupervised_line_end_marks_are_on_only_where_line_ends_want_marks_more_than_the_lines_inside():
    from ocrfix.training.self_train import line_end_margin

    inside = [-3.0] * 95 + [0.8] * 5  # the LM wants a mark (gain 0.8) at 5 % of the positions inside lines
    ends = [2.2] * 20 + [1.2] * 20 + [-3.0] * 10  # ... and at 80 % of the line ends
    margin, notes = line_end_margin(ends, inside)
    assert margin == 1.0  # all 40 wanted at no estimated cost; at 0.5 ~2.5 of 40 would be wrong
    assert "2.0: 20 wanted, ~0.0 wrong" in notes and "0.5: 40 wanted, ~2.5 wrong" in notes
    # the LM wants marks inside the lines as often as at their ends: the engine lost none
    assert line_end_margin([2.2] * 30 + [-3.0] * 20, [-3.0] * 60 + [2.5] * 40)[0] is None
    assert line_end_margin([], inside)[0] is None


def test_unsupervised_margins_by_the_line_box_where_the_ends_past_the_measure_want_marks_more_than_the_others():
    from ocrfix.training.self_train import LineEndGains, choose_line_end_reach

    inside = [-3.0] * 95 + [0.8] * 5  # the LM wants a mark (gain 0.8) at 5 % of the positions inside lines
    past = [2.2] * 10 + [0.7] * 10  # line ends past the measure: all 20 lost a mark, 10 of them weakly wanted
    within = [2.2] * 20 + [-3.0] * 80  # the others: 20 of 100 lost one, all strongly wanted
    gains = [LineEndGains(past + within, inside, [True] * 20 + [False] * 100)]
    logged: list[str] = []
    assert choose_line_end_reach(gains, logged.append) == (0.5, 1.5)
    assert "0.5: 20 wanted, ~1.0 wrong" in logged[0]
    # the box tells nothing: the ends past the measure want marks no more than the others
    alike = [LineEndGains(within[:20] + within, inside, [True] * 20 + [False] * 100)]
    assert choose_line_end_reach(alike, quiet) is None
    # line ends within the measure that want no more marks than the lines inside: the highest margin there
    apart = [LineEndGains(past + [-3.0] * 100, inside, [True] * 20 + [False] * 100)]
    assert choose_line_end_reach(apart, quiet) == (0.5, max(fit_stages.LINE_END_MARGINS))


def test_unsupervised_rules_need_a_steady_rate_and_the_lms_confirmation(tmp_path, monkeypatch):
    from ocrfix.training import self_train
    from ocrfix.training.self_train import choose_rules

    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    logged: list[str] = []
    assert choose_rules(["我们在北京工作。·他们在上海工作。"] * 3, lm, logged.append) == ("stray-dot",)
    assert logged == ["  rule stray-dot: 3 edits in 3 texts, 3 confirmed by the LM -> kept"]
    monkeypatch.setattr(self_train, "CONFIRM_GAIN", 50.0)  # the LM would have to like the edit far better
    assert choose_rules(["我们在北京工作。·他们在上海工作。"] * 3, lm, quiet) == ()
    monkeypatch.undo()
    assert choose_rules(["我们在北京工作。·他们在上海工作。·大家都在认真工作。·今天天气很好。"], lm, quiet) == ()  # one text
    assert choose_rules(["我们在北京工作。·他们在上海工作。"] * 2, lm, quiet) == ()  # two edits: no steady rate


def test_unsupervised_rules_keep_the_rules_for_any_engine_whatever_their_evidence(tmp_path, monkeypatch):
    """The generic profile's rules (marks print never has where they stand) are no engine's habit:
    the LM's lukewarm confirmation does not drop them (PP-OCRv4: final-period's edits were all right)."""
    from ocrfix.training import self_train

    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    texts = ["我们在北京工作。·他们在上海工作。"] * 4
    monkeypatch.setattr(self_train, "edit_gain", lambda *args: 0.5)  # unopposed, never confirmed
    logged: list[str] = []
    assert self_train.choose_rules(texts, lm, logged.append) == ()
    assert self_train.choose_rules(texts, lm, logged.append, always=("stray-dot",)) == ("stray-dot",)
    assert logged[-1] == "  rule stray-dot: 4 edits in 4 texts, 0 confirmed by the LM -> kept (a rule for any engine)"
    assert self_train.choose_rules(texts, lm, quiet, always=("final-period",)) == ("final-period",)  # no edits, kept


def test_unsupervised_rules_leave_the_edits_the_lm_opposes_out_of_its_confirmation(tmp_path, monkeypatch):
    """A rule whose own floor is below zero (final-period) makes edits the LM mildly opposes: they
    neither confirm nor refute the engine's habit, so the share counts the others."""
    from ocrfix.training import self_train

    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    texts = ["我们在北京工作。·他们在上海工作。"] * 6
    gains = iter([-1.0, 2.0] * 3)  # three edits opposed, three confirmed
    monkeypatch.setattr(self_train, "edit_gain", lambda *args: next(gains))
    logged: list[str] = []
    assert self_train.choose_rules(texts, lm, logged.append) == ("stray-dot",)
    assert logged == ["  rule stray-dot: 6 edits in 6 texts, 3 confirmed by the LM (3 opposed) -> kept"]
    gains = iter([-1.0, 0.5] * 3)  # the three the LM does not oppose, it does not confirm either
    assert self_train.choose_rules(texts, lm, quiet) == ()
    gains = iter([-1.0, -1.0, 2.0] * 2)  # two unopposed edits: no steady rate
    assert self_train.choose_rules(texts, lm, quiet) == ()


def test_a_period_at_the_end_of_the_text_is_weighed_as_the_end_it_is(tmp_path):
    from ocrfix.correction.rules import mark_scores
    from ocrfix.training.self_train import edit_gain

    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    text = "我们在北京工作"
    plain = mark_scores(lm, text, len(text), 0, ("", "。"))
    assert plain["。"] - plain[""] < 0  # running on past the end costs nothing: no mark would look right
    assert edit_gain(lm, text, len(text), "", "。") > 1.0  # both readings end the text: 。 is far likelier
    inside = "我们在北京工作\n他们在上海工作"
    assert edit_gain(lm, inside, 7, "", "。") == pytest.approx(mark_scores(lm, inside, 7, 0, ("", "。"))["。"]
                                                               - mark_scores(lm, inside, 7, 0, ("", "。"))[""])


def test_the_base_weights_stricter_pass_on_clean_print_is_kept(tmp_path):
    from dataclasses import replace

    from ocrfix.correction.score import SparsePages

    d = tmp_path / "base"
    d.mkdir()
    replace(WEIGHTS, sparse=SparsePages(1.0, 0.99)).save(d / "w.json")
    base = BaseModels(write_arpa(d / "lm.arpa"), (write_confusions(d / "c.tsv"),), d / "w.json", inventory=INVENTORY | {SEEN})
    fitted, _ = fit_profile([write_tsv(tmp_path / "pairs.tsv", 60)], base=base, log=quiet)
    assert fitted.card["weights"] == "shipped" and fitted.weights.sparse == SparsePages(1.0, 0.99)
    out = write_profile(fitted, tmp_path / "profile")
    assert Corrector(model=load_lm(base.lm), inventory=base.inventory, profile=out).sparse == SparsePages(1.0, 0.99)


def test_unsupervised_margins_within_the_estimates_noise_go_to_the_stages_own():
    from ocrfix.training.self_train import line_end_margin

    inside = [-3.0] * 960 + [1.2] * 40  # 4 % of the positions inside lines want a mark, weakly
    # margin 1.0: 50 wanted, ~4 wrong (net ~42); 1.5: 40 wanted, none wrong (net 40): within the noise
    assert line_end_margin([1.7] * 40 + [1.2] * 10 + [-3.0] * 50, inside)[0] == 1.5
    # margin 1.0: 70 wanted, ~4 wrong (net ~62), far above 1.5's 40
    assert line_end_margin([1.7] * 40 + [1.2] * 30 + [-3.0] * 30, inside)[0] == 1.0


TOOLS = profile_fit.load_settings().kenlm_bin
needs_tools = pytest.mark.skipif(not (TOOLS / "lmplz").exists() or not (TOOLS / "build_binary").exists(),
                                 reason="KenLM tools not built (bash install.sh)")


@needs_tools
def test_each_folds_domain_lm_learns_from_the_other_folds_text_only(tmp_path, base):
    captions = ["你说他像窝瓜吧。", "你说我们吃什么。", "他说你像什么吧。", "我们说你吃窝瓜吧。"]
    news_like = list(dict.fromkeys(CORPUS))
    pairs = [Pair(str(i), line, line, False) for i, line in enumerate(captions + news_like)]
    halves = [list(range(len(captions))), list(range(len(captions), len(pairs)))]
    logged: list[str] = []
    mixtures, weights = fit_domain.fold_domains(pairs, halves, [], load_lm(base.lm), logged.append)
    assert len(mixtures) == 2 and 0.0 < mixtures[0].weight == mixtures[1].weight == sum(weights) / 2 < 1.0
    assert logged[0].startswith("domain LM, cross-fit: interpolation weight")
    # fold 0 (the captions) is decoded with a domain LM of fold 1's news-like lines, and the reverse
    assert mixtures[1].domain.score_text(captions[0]) > mixtures[0].domain.score_text(captions[0]) + 1.0
    assert mixtures[0].domain.score_text(news_like[0]) > mixtures[1].domain.score_text(news_like[0]) + 1.0


@needs_tools
def test_a_fit_with_a_domain_lm_writes_it_into_the_profile(tmp_path, base):
    from ocrfix.lm.mixed import MixedLM

    options = profile_fit.Options(domain_lm=True)
    logged: list[str] = []
    fitted, figures = fit_profile([write_tsv(tmp_path / "pairs.tsv", 60)], base=base, log=logged.append, options=options)
    warning, = [line for line in logged if "no clean text" in line]
    assert "the domain gate holds it on text unlike the pairs'" in warning and warning.endswith("give --clean DIR")
    assert fitted.domain is not None and 0.0 < fitted.domain.weight < 1.0
    assert fitted.domain.lines == len(set(WORK_LINES[i % len(WORK_LINES)] for i in range(60)) - {p.gt for p in split_held_out(
        read_pairs([tmp_path / "pairs.tsv"], warn=quiet))[1]})  # the training pairs' distinct ground truths
    assert figures.fixed == 14 and figures.introduced == 0
    out = write_profile(fitted, tmp_path / "profile")
    profile = load_profile(out, MODELS)
    assert profile.domain_lm == (out / "domain.klm").resolve() and profile.domain_weight == fitted.domain.weight
    assert profile.card["domain_lm"]["lines"] == fitted.domain.lines and len(profile.card["domain_lm"]["fold_weights"]) == 2
    corrector = Corrector(model=base.lm, inventory=base.inventory, profile=out)
    assert isinstance(corrector.lm, MixedLM)
    assert corrector.correct(misread("他们在上海工作。"), reflow=False).text == "他们在上海工作。"
    # the gate on text unlike the domain, from the cross-fit's shares and the twins' changes: these twins change
    # nothing at any threshold, so it is no stricter than the threshold and the weights carry none
    gate = fitted.card["calibration"]["domain_gate"]
    assert 0.0 < gate["share"] < 1.0 and gate["threshold"] == min(THRESHOLDS) < fitted.weights.threshold
    assert gate["texts_below"] >= 1 and fitted.weights.domain_gate is None and corrector.domain_gate is None


@needs_tools
def test_clean_text_given_with_a_domain_lm_is_no_missing_clean_text(tmp_path, base):
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "a.txt").write_text("\n".join(WORK_LINES * 4) + "\n", encoding="utf-8")
    logged: list[str] = []
    fit_profile([write_tsv(tmp_path / "pairs.tsv", 60)], clean=[clean], base=base, log=logged.append,
                options=profile_fit.Options(domain_lm=True))
    assert logged and not any("no clean text" in line for line in logged)


def test_the_learned_channel_is_boosted_where_its_pairs_fall_below_the_top_k():
    from ocrfix.confusions import ConfusionSet

    base = ConfusionSet.from_scores({"土": {"士": 0.9, "上": 0.8, "王": 0.7}}, "visual")
    lines = [f"工人{i}做工工作" for i in range(40)]  # 工 is frequent in the truth, misread as 土 in one line in three
    pairs = [Pair(str(i), line.replace("工", "土", 1) if i % 3 == 0 else line, line, False) for i, line in enumerate(lines)]
    halves = [pairs[0::2], pairs[1::2]]
    half_counts = [fit_pairs.channel_counts(half, [p.ocr for p in half]) for half in halves]
    logged: list[str] = []
    assert profile_fit.choose_boost(half_counts, base, 2, None, logged.append) == 10.0  # the smallest that reaches the top 2
    assert logged == ["learned channel, cross-fit coverage of the Han errors at k=2 by factor on its scores: "
                      "1: 0.000, 3: 0.000, 10: 1.000, 30: 1.000, 100: 1.000 -> 10"]
    channel = profile_fit.learn_channel(half_counts[0], base, 10.0)
    assert "工" in [c.char for c in channel.confusions.candidates("土")][:2]
    assert "工" not in [c.char for c in profile_fit.learn_channel(half_counts[0], base).confusions.candidates("土")][:2]
    assert profile_fit.choose_boost(half_counts, base, 4, None, quiet) == 1.0  # in the top 4 anyway: no boost


def test_a_domain_lm_without_kenlms_tools_is_refused_before_the_fit(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("OCRFIX_KENLM_BIN", str(tmp_path / "no-tools"))
    (tmp_path / "p.ocr.txt").write_text("土作\n", encoding="utf-8")  # not even read: the tools come first
    assert main(["fit", str(tmp_path), "--domain-lm", "-o", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("ocrfix: error: KenLM lmplz and build_binary not found")
    assert not (tmp_path / "x").exists()


def test_the_right_versions_of_line_pairs_are_calibrated_as_lines_without_errors(tmp_path, base):
    import dataclasses

    wrong = Pair("a", "我们在北京乍。", "我们在北京作。", page=False)
    twins = fit_pairs.twin_lines([wrong, Pair("b", "今天天气很好。", "今天天气很好。", page=False),  # no error: already a line as it is
                                  Pair("c", "我们在北京工乍。", "我们在北京工作。", page=True)])  # a page's GT is clean text already
    assert [(t.text, t.truth, t.kind) for t in twins] == [("我们在北京作。", tuple("我们在北京作。"), "twin")]

    soft = dataclasses.replace(WEIGHTS, coef=tuple(0.3 * c for c in WEIGHTS.coef), intercept=0.3 * WEIGHTS.intercept)
    corrector = Corrector(model=load_lm(base.lm), confusions=base.confusions, weights=soft, inventory=base.inventory,
                          variants={}, threshold=0.3)
    right = fit_pairs.twin_lines([Pair("d", "他们在上海土乍。", "他们在上海工乍。", page=False)])  # 乍 is right here
    (false_edit,) = corrector.correct(right[0].text, reflow=False).edits
    (fix,) = corrector.correct(wrong.ocr, reflow=False).edits
    assert fix.gain < false_edit.gain  # the LM is surer of the false edit than of the fix

    def threshold(twins):
        fold = profile_fit.Fold([fit_pairs.labeled(wrong, wrong.ocr)], [], corrector, twins=twins)
        return profile_fit.calibrate(soft, [fold], [], profile_fit.Options()).weights.threshold

    assert threshold([]) <= fix.gain < false_edit.gain < threshold(right)  # the twin's change counts as introduced


def test_with_a_domain_lm_text_unlike_the_domain_gets_the_threshold_its_twins_allow(tmp_path, base):
    import dataclasses

    from ocrfix.lm import CharLM
    from ocrfix.lm.mixed import MixedLM

    wrong = Pair("a", "我们在北京乍。", "我们在北京作。", page=False)
    right = fit_pairs.twin_lines([Pair("d", "他们在上海土乍。", "他们在上海工乍。", page=False)])
    soft = dataclasses.replace(WEIGHTS, coef=tuple(0.3 * c for c in WEIGHTS.coef), intercept=0.3 * WEIGHTS.intercept)
    mixed = MixedLM(load_lm(base.lm), CharLM(write_arpa(tmp_path / "domain.arpa", ["我们在北京工作。"] * 3), cache_size=0), 0.5)
    corrector = Corrector(model=mixed, confusions=base.confusions, weights=soft, inventory=base.inventory,
                          variants={}, threshold=0.3)
    (false_edit,) = corrector.correct(right[0].text, reflow=False).edits
    (fix,) = corrector.correct(wrong.ocr, reflow=False).edits
    fold = profile_fit.Fold([fit_pairs.labeled(wrong, wrong.ocr)], [], corrector, twins=right)
    calibrated = profile_fit.calibrate(soft, [fold], [], profile_fit.Options(min_ratio=1.0))
    gate = calibrated.weights.domain_gate
    # one fix per false edit passes the ratio, so the threshold stays below the fix; the twin may not change at all
    assert calibrated.weights.threshold <= fix.gain < false_edit.gain < gate.threshold
    twin_share, wrong_share = (corrector.domain_share(text) for text in (right[0].text, wrong.ocr))
    assert twin_share < gate.share < wrong_share  # the twin reads least like the domain: it is the one held to the gate
    assert calibrated.record["domain_gate"] == {"share": gate.share, "quantile": 0.05, "block_share": None,
                                                "threshold": gate.threshold, "texts_below": 1}  # two short lines: no whole block
    # without a domain LM there is no gate
    plain = Corrector(model=load_lm(base.lm), confusions=base.confusions, weights=soft, inventory=base.inventory,
                      variants={}, threshold=0.3)
    fold = profile_fit.Fold([fit_pairs.labeled(wrong, wrong.ocr)], [], plain, twins=right)
    assert profile_fit.calibrate(soft, [fold], [], profile_fit.Options(min_ratio=1.0)).weights.domain_gate is None


def test_a_fit_measures_its_correctors_as_the_profile_it_writes_runs_them(base):
    """A fitted profile leaves the Han insertion stage off (profile_write never names it), so the fit's own
    correctors, whose figures it reports, run without it, also where the context index is loaded."""
    from ocrfix.correction.corrector import load_confusions
    from ocrfix.lm.context import ContextIndex
    from test_correct_han_insertions import context_weights

    models = profile_fit.Models(base)
    models.context = ContextIndex.fit(CORPUS, min_count=1)
    confusions = load_confusions(base.confusions)
    corrector = models.corrector(profile_fit.Channel(confusions, confusions, None), context_weights(),
                                 fit_stages.Stages((), False, False))
    assert corrector.context is models.context
    assert not corrector.stages.han_insertions


def test_a_fit_whose_calibration_finds_no_threshold_below_the_top_says_so():
    from ocrfix.training.calibrate import THRESHOLDS
    from ocrfix.training.profile_fit import Calibrated, Options, _warn_if_top_threshold

    logged: list[str] = []
    _warn_if_top_threshold(Calibrated(None, 13, 12, {"threshold": max(THRESHOLDS)}), Options(), logged.append)
    assert logged == [f"ocrfix: warning: fit: no threshold below {max(THRESHOLDS)} passes the calibration (15 errors fixed "
                      f"per error introduced on the cross-fit, at most one change per 15,000 characters of clean text; at "
                      f"{max(THRESHOLDS)}: 13 fixed, 12 introduced): the profile will change next to nothing. More pairs, "
                      "--domain-lm, or a lower --min-ratio may help"]
    _warn_if_top_threshold(Calibrated(None, 264, 11, {"threshold": 0.95}), Options(), logged.append)
    assert len(logged) == 1  # a threshold the calibration could choose: nothing to say


def test_a_fit_on_line_pairs_without_a_domain_lm_is_told_of_it():
    from ocrfix.training.profile_fit import _log_calibration_texts

    logged: list[str] = []
    _log_calibration_texts(120, clean=False, pages=False, domain_lm=False, log=logged.append)
    assert any(line.startswith("ocrfix: warning: fit: line pairs without --domain-lm") for line in logged)
    for twins, domain_lm in ((120, True), (0, False)):  # with the domain LM, or pages (no line pairs): not a word
        logged.clear()
        _log_calibration_texts(twins, clean=False, pages=not twins, domain_lm=domain_lm, log=logged.append)
        assert not any("--domain-lm" in line for line in logged)


def test_the_mark_choice_channel_is_counted_cross_fit_and_written_into_the_profile(tmp_path, base):
    from ocrfix.correction.mark_choice import CLASSES, MarkModel

    lm = load_lm(base.lm)
    # a context model by hand: '、' between two short items (logit 10), '，' otherwise (3)
    context = MarkModel(("short both",), tuple((10.0,) if mark == "、" else (0.0,) for mark in CLASSES),
                        tuple(3.0 if mark == "，" else 0.0 for mark in CLASSES), (), 1.0, 0.0)
    lists = "北京、上海、天津。"
    # the engine reads every '、' as '，' (six distinct texts, each list after a long sentence: not an item itself)
    long = [line for line in LINES if len(line) > 7]
    pairs = [page(f"m{i}", line + lists.replace("、", "，") + "\n", line + lists + "\n") for i, line in enumerate(long)]
    logged: list[str] = []
    model = fit_stages.choose_mark_choice(pairs, sources(pairs), lm, context, logged.append)
    assert logged == ["  confused marks (mark-choice model, channel counted cross-fit): fixed 12, introduced 0 -> on"]
    assert model is not None and model.page_prior == fit_stages.MARK_PAGE_PRIOR
    assert (model.weight, model.margin) == (fit_stages.MARK_CHOICE_WEIGHT, fit_stages.MARK_CHOICE_MARGIN)
    read, true = CLASSES.index("，"), CLASSES.index("、")
    assert model.channel[read][true] > model.channel[true][true]  # '、' is read as '，' more often than right
    right = [page(f"r{i}", line + lists + "\n", line + lists + "\n") for i, line in enumerate(long)]
    # marks read right: the stage introduces no error there and stays; one that changes right marks goes
    assert fit_stages.choose_mark_choice(right, sources(right), lm, context, logged.append) is not None
    assert logged[-1] == "  confused marks (mark-choice model, channel counted cross-fit): fixed 0, introduced 0 -> on"
    commas = [page(f"c{i}", line + lists.replace("、", "，") + "\n", line + lists.replace("、", "，") + "\n")
              for i, line in enumerate(long)]
    assert fit_stages.choose_mark_choice(pairs[:3] + commas[3:], sources(pairs[:3] + commas[3:]), lm, context, logged.append) is None
    assert logged[-1] == "  confused marks (mark-choice model, channel counted cross-fit): fixed 6, introduced 6 -> off"

    fitted, _ = fit_profile([write_tsv(tmp_path / "pairs.tsv", 60)], base=base, log=quiet)
    assert fitted.stages.mark_choice is None  # no context model in the base models, and line pairs only
    stages = profile_fit.dataclasses.replace(fitted.stages, mark_choice=model)
    (tmp_path / "context.json").write_text(context.context_json(), encoding="utf-8")
    out = write_profile(profile_fit.dataclasses.replace(fitted, stages=stages, mark_context=tmp_path / "context.json"),
                        tmp_path / "profile")
    profile = load_profile(out, MODELS)
    assert (profile.mark_choice, profile.mark_context) == ((out / "mark_choice.json").resolve(), (out / "mark_context.json").resolve())
    assert (profile.mark_page_prior, profile.line_end_mark_choice) == (fit_stages.MARK_PAGE_PRIOR, False)
    corrector = Corrector(model=lm, inventory=base.inventory, profile=out)
    assert corrector.mark_choice == model
    assert corrector.correct(lists.replace("、", "，"), reflow=False).text == lists


def test_the_mark_choice_model_picks_the_line_end_marks_only_where_its_picks_fix_more_on_the_pages(tmp_path):
    from ocrfix.correction.mark_choice import CLASSES, MarkModel

    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["他们今天在北京开会。", "他们都在认真学习。"] * 3))
    # a context model by hand that always says '；'; the LM puts a '。' back after 工作 (gain 1.4)
    semicolons = MarkModel(("short both",), tuple((0.0,) for _ in CLASSES),
                           tuple(9.0 if mark == "；" else 0.0 for mark in CLASSES), (), 1.0, 0.0)
    raw = "我们在北京工作\n他们在上海工\n作。\n\n大家都在认真\n工作。\n"
    printed_with = {mark: f"我们在北京工作{mark}他们在上海工作。\n\n大家都在认真工作。\n" for mark in "；。"}
    logged: list[str] = []
    semicolon_pages = [page(f"s{i}", raw, printed_with["；"]) for i in range(3)]
    assert fit_stages.choose_line_end_picks(semicolon_pages, sources(semicolon_pages), lm, semicolons, 1.0, logged.append)
    assert logged[-1] == "  line-end marks picked by the mark-choice model: fixed +3, introduced +0 -> on"
    period_pages = [page(f"p{i}", raw, printed_with["。"]) for i in range(3)]
    assert not fit_stages.choose_line_end_picks(period_pages, sources(period_pages), lm, semicolons, 1.0, logged.append)
    assert logged[-1] == "  line-end marks picked by the mark-choice model: fixed -3, introduced +0 -> off"


def test_mark_truths_pair_no_mark_with_another_texts_where_the_ground_truth_has_other_blocks():
    from ocrfix.training.confusions.marks import mark_truths

    ocr = "我们在北京工作，他们在上海学习。\n\n今天天气很好；大家都在认真工作：\n"
    other = "我们在北京工作，他们在上海学习。\n\n他在上海开会工作。北京也在修路啊，\n"  # a web page's other story
    assert mark_truths(ocr, other) == {7: "，", 15: "。"}  # not '：' read for the other story's '。'
    moved = "今天天气很好；大家都在认真工作：\n\n我们在北京工作，他们在上海学习。\n"  # the blocks in another order
    assert mark_truths(ocr, moved) == {7: "，", 15: "。", 24: "；", 33: "："}
