import random

import numpy as np
import pytest

from ocrfix.training.calibrate import choose_threshold
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.edits import Edit
from ocrfix.training.fit import (Labeled, featurize, fit_weights, refuse_heldout, reverse_channel,
                                synthetic_examples)
from ocrfix.correction.score import Weights
from ocrfix.training.truth import page_truth, position_truth, tally
from ocrfix.errors import InputError

from test_correct_fixtures import CORPUS, INVENTORY, confusion_set, load_lm, write_arpa


def test_position_truth_aligns_substitutions_and_skips_length_errors():
    assert position_truth("我们 在北京工乍。x", "我们在北京工作。") == ["我", "们", None, "在", "北", "京", "工", "作", "。", None]


def test_page_truth_aligns_each_stretch_with_the_ground_truth_it_reads_in_any_block_order():
    first, second = "今天天气很好我们一起去公园散步。", "他们在上海认真工作大家都很高兴。"
    ocr = first + "\n" + second.replace("工作", "工乍") + "\n本版责任编辑张三李四\n"
    gt = second + "\n" + first + "\n"
    truth = page_truth(ocr, gt)
    misread = ocr.index("乍")
    assert truth[misread] == "作"  # the one misread character, named
    wrong = [k for k, t in enumerate(truth) if t is not None and t != ocr[k]]
    assert wrong == [misread]
    assert set(truth[ocr.index("本版"):]) == {None}  # a line the ground truth lacks: no truth
    # one alignment of the two streams pairs the blocks out of place with whatever stands there
    streamed = position_truth(ocr, gt)
    assert len([k for k, t in enumerate(streamed) if t is not None and t != ocr[k]]) > 1


def test_tally_counts_fixed_and_introduced():
    truth = position_truth("工乍工作", "工作工作")
    edits = [Edit(1, "乍", "作", 0.9, ("visual",), 1), Edit(3, "作", "做", 0.9, ("pinyin",), 3)]
    counts = tally(truth, edits)
    assert (counts.fixed, counts.introduced, counts.other) == (1, 1, 0)


def test_synthetic_errors_follow_the_reverse_channel(tmp_path):
    channel = reverse_channel(confusion_set(tmp_path))
    assert channel["作"] == (["乍"], [0.8])
    (example,) = synthetic_examples(["我们在北京工作。"], channel, rate=1.0, rng=random.Random(0))
    assert example.text == "我们在北京工乍。"
    assert "".join(example.truth) == "我们在北京工作。"


def test_fitted_weights_prefer_lm_gain_and_separate_the_tiny_data(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    confusions = confusion_set(tmp_path)
    placeholder = Weights((0.0,) * len(Weights((), 0.0, ("pinyin", "visual")).names), 0.0, ("pinyin", "visual"), k=5, prune=None)
    corrector = Corrector(model=lm, confusions=confusions, weights=placeholder, inventory=INVENTORY)
    examples = synthetic_examples(CORPUS * 4, reverse_channel(confusions), rate=0.3, rng=random.Random(1))
    matrix, labels, kinds, misread = featurize(corrector, examples)
    assert labels.any() and not labels.all() and set(kinds) == {"synthetic"}
    assert misread[labels].all()  # a true candidate differs from the original: its site was misread
    noisy = examples[0]
    clean = Labeled(noisy.text, tuple(noisy.text), "clean", "clean")  # the same text taken as right
    _, clean_labels, _, clean_misread = featurize(corrector, [clean])
    assert len(clean_misread) and not clean_misread.any() and not clean_labels.any()
    weights = fit_weights(matrix, labels, ("pinyin", "visual"), k=5, prune=None)
    assert weights.coef[weights.names.index("lm_gain")] > 0
    probs = weights.probability(matrix)
    assert probs[labels].mean() > probs[~labels].mean() + 0.3


def test_a_feature_constant_in_fitting_does_not_explode_at_run_time():
    # n_cands is constant when every fitted site had k candidates; its std is float noise.
    rng = random.Random(3)
    rows = [[rng.gauss(0, 1), 3.044522437730644] for _ in range(200)]
    labels = np.array([r[0] > 0 for r in rows])
    matrix = np.array(rows)
    matrix[::2, 1] = np.nextafter(matrix[0, 1], 4.0)  # float noise, as np.mean/std leave it
    weights = fit_weights(matrix, labels, (), k=5, prune=None)
    # a site with more candidates than ever seen in fitting: lm_gain still decides
    assert weights.probability(np.array([[-3.0, 3.7]]))[0] < 0.2
    assert weights.probability(np.array([[3.0, 3.7]]))[0] > 0.8


@pytest.mark.parametrize("path", ["data/rmrb_2020-05.txt.xz", "x/xwlb_2026.txt.xz", "faspell/ocr_test_1000.txt", "pages/eval/l1",
                                  "pages/eval", "build/bench/pages/rapid-eval/"])
def test_heldout_data_is_refused(path):
    with pytest.raises(InputError, match="held-out"):
        refuse_heldout(path)


def curve(*rows):
    """(threshold, fixed, introduced, clean_changed) tuples -> curve rows over 10,000 clean chars."""
    return [{"threshold": t, "fixed": f, "introduced": i, "clean_changed": c, "clean_chars": 10000} for t, f, i, c in rows]


@pytest.mark.parametrize("rows, keep_fixes, expected", [
    # lowest meeting both targets: 0.5 has too many introduced, 0.7 too many clean changes
    (curve((0.5, 30, 5, 0), (0.7, 25, 2, 3), (0.9, 20, 2, 1), (0.95, 10, 0, 0)), 0.99, 0.9),
    # a passing threshold below a failing one does not count
    (curve((0.5, 30, 1, 0), (0.7, 25, 3, 0), (0.9, 20, 0, 0)), 0.99, 0.9),
    # moved up a flat stretch of the curve, unless asked to keep every fix
    (curve((0.5, 100, 0, 0), (0.6, 99, 0, 0), (0.7, 90, 0, 0)), 0.99, 0.6),
    (curve((0.5, 100, 0, 0), (0.6, 99, 0, 0), (0.7, 90, 0, 0)), 1.0, 0.5),
])
def test_choose_threshold(rows, keep_fixes, expected):
    assert choose_threshold(rows, min_ratio=10, clean_chars_per_change=5000, keep_fixes=keep_fixes) == expected


def test_choose_threshold_charges_rule_changes_of_clean_text_to_the_same_budget():
    rows = curve((0.5, 30, 0, 2), (0.7, 25, 0, 0), (0.9, 20, 0, 0))  # 2 changes allowed
    assert choose_threshold(rows, min_ratio=10, clean_chars_per_change=5000, keep_fixes=1.0) == 0.5
    for row in rows:
        row["clean_rule_changed"] = 1  # a rule edit of the clean chars: one LM change left
    assert choose_threshold(rows, min_ratio=10, clean_chars_per_change=5000, keep_fixes=1.0) == 0.7


def test_crossfit_drops_an_option_with_all_its_values():
    from ocrfix.training.crossfit import _without

    args = ["--pages", "a", "b", "--min-count", "1", "-o", "x.tsv"]
    assert _without(args, "--pages") == ["--min-count", "1", "-o", "x.tsv"]
    assert _without(_without(args, "--pages"), "-o") == ["--min-count", "1"]


def test_page_pairs_joins_directories_and_refuses_heldout(tmp_path):
    from ocrfix.training.fit import page_pairs

    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.ocr.txt").write_text("甲", encoding="utf-8")
        (tmp_path / name / f"{name}.gt.txt").write_text("甲", encoding="utf-8")
    assert [o.name for o, _ in page_pairs(tmp_path / "one", tmp_path / "two")] == ["one.ocr.txt", "two.ocr.txt"]
    with pytest.raises(InputError):
        page_pairs(tmp_path / "one", tmp_path / "eval" / "l1")


def test_build_manifests_record_the_command_and_refuse_another(tmp_path):
    from ocrfix.training.manifest import manifest_path, read_manifest, write_manifest

    model = tmp_path / "set.tsv"
    write_manifest(model, ["confusions", "rerank", "--pages", "a b", "--k", "40"], [tmp_path / "a b"])
    assert manifest_path(model).name == "set.tsv.build.json"
    built = read_manifest(model)
    assert built.arguments("confusions", "rerank") == ["--pages", "a b", "--k", "40"]  # no shell quoting to undo
    assert built.inputs == (str(tmp_path / "a b"),) and built.date.endswith("Z")
    with pytest.raises(InputError, match="not by 'ocrfix confusions merge'"):
        built.arguments("confusions", "merge")
    with pytest.raises(InputError, match="no build manifest"):
        read_manifest(tmp_path / "other.tsv")


def test_the_shipped_sets_crossfit_rebuilds_have_their_build_manifests():
    from ocrfix.settings import load_settings
    from ocrfix.training.crossfit import DEFAULT, MERGED, PAGE_LEARNED
    from ocrfix.training.manifest import read_manifest

    d = load_settings().confusions_dir
    assert "--misread-rates" in read_manifest(d / PAGE_LEARNED).arguments("confusions", "learn")
    assert "--pages" in read_manifest(d / DEFAULT).arguments("confusions", "rerank")
    assert any(arg.startswith(f"models/confusions/{PAGE_LEARNED}:") for arg in read_manifest(d / MERGED).arguments("confusions", "merge"))


def test_confusions_merge_writes_its_build_manifest(tmp_path):
    from ocrfix.cli import main
    from ocrfix.training.manifest import read_manifest

    a, b = tmp_path / "a.tsv", tmp_path / "b.tsv"
    a.write_text("乍\t作\t0.5\tvisual\n", encoding="utf-8")
    b.write_text("乍\t昨\t0.4\tpinyin\n", encoding="utf-8")
    assert main(["confusions", "merge", f"{a}:1", f"{b}:2", "-o", str(tmp_path / "m.tsv")]) == 0
    built = read_manifest(tmp_path / "m.tsv")
    assert built.arguments("confusions", "merge") == [f"{a}:1", f"{b}:2"] and built.inputs == (str(a), str(b))


def test_crossfit_links_the_other_pages(tmp_path):
    from ocrfix.training.crossfit import link_pages

    for name in ("p1", "p2"):
        for suffix in (".ocr.txt", ".gt.txt", ".meta.json"):
            (tmp_path / f"{name}{suffix}").write_text(name, encoding="utf-8")
    pairs = [(tmp_path / "p1.ocr.txt", tmp_path / "p1.gt.txt")]
    links = link_pages(pairs, tmp_path / "links")
    assert sorted(p.name for p in links.iterdir()) == ["p1.gt.txt", "p1.meta.json", "p1.ocr.txt"]
    link_pages([(tmp_path / "p2.ocr.txt", tmp_path / "p2.gt.txt")], links)  # replaces, not adds
    assert sorted(p.name for p in links.iterdir()) == ["p2.gt.txt", "p2.meta.json", "p2.ocr.txt"]
    assert (links / "p2.gt.txt").read_text(encoding="utf-8") == "p2"


def test_fitting_and_calibration_news_come_from_disjoint_halves(tmp_path):
    import lzma

    from ocrfix.training.fit import news_pages, news_sentences

    path = tmp_path / "rmrb_2019-02.txt.xz"
    lines = [f"第{i:03d}句新闻内容在这里。" for i in range(200)]
    with lzma.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    fitting = news_sentences([path], 10_000, random.Random(0))
    pages = news_pages([path], 10_000, random.Random(0), page_chars=60, sentences_per_paragraph=2)
    assert fitting and set(fitting) <= set(lines[:100])
    page_lines = {s + "。" for page in pages for paragraph in page.split("\n") for s in paragraph.split("。") if s}
    assert pages and page_lines <= set(lines[100:])
    first = pages[0].split("\n")[0]
    start = lines.index(first[: first.index("。") + 1])
    assert first == lines[start] + lines[start + 1]  # consecutive sentences, two per paragraph
    with pytest.raises(InputError):
        news_pages([tmp_path / "rmrb_2020-05.txt.xz"], 100, random.Random(0))


def test_calibration_news_pages_keep_headlines_on_lines_of_their_own(tmp_path):
    import lzma

    from ocrfix.training.fit import news_pages

    path = tmp_path / "xwlb_2024.txt.xz"
    lines = ["甲"] * 10 + ["第一句。", "第二句。", "小标题在这里", "第三句。", "第四句。"]
    with lzma.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines + ["乙"] * 5) + "\n")
    rng = random.Random(0)
    rng.randrange = lambda n: 0  # start at the first line of the second half
    (page,) = news_pages([path], 10, rng, page_chars=20, sentences_per_paragraph=3)
    assert page.split("\n") == ["第一句。第二句。", "小标题在这里", "第三句。第四句。"]


def test_a_fold_uses_the_misread_rates_beside_its_confusions(tmp_path):
    from ocrfix.training.fit import parse_fold

    fold = parse_fold(f"{tmp_path}/lm.klm=rmrb_2019-02={tmp_path}/confusions.tsv")
    assert fold.misread is None  # not built: the shipped rates
    (tmp_path / "misread.tsv").write_text("己\t3\t1\n", encoding="utf-8")
    assert fold.misread == tmp_path / "misread.tsv"
    assert parse_fold(f"{tmp_path}/lm.klm=rmrb_2019-02").misread is None


def test_fit_command_end_to_end_and_recalibrate_reproduces_it(tmp_path, capsys):
    """`ocrfix train weights` on tiny pages (one fold: the tiny LM, no corpus files):
    fitted weights that load, a calibrated threshold, the record of how; then `--recalibrate`
    on the same options decodes the same calibration pages and chooses the same thresholds."""
    from ocrfix.training.fit import main as fit_main

    pages = tmp_path / "pages"
    pages.mkdir()
    examples = synthetic_examples(CORPUS * 4, reverse_channel(confusion_set(tmp_path)), rate=0.3, rng=random.Random(1))
    for k in range(8):
        chunk = examples[k::8]
        (pages / f"p{k}.ocr.txt").write_text("".join(ex.text for ex in chunk) + "\n", encoding="utf-8")
        (pages / f"p{k}.gt.txt").write_text("".join("".join(ex.truth) for ex in chunk) + "\n", encoding="utf-8")
    lm = write_arpa(tmp_path / "lm.arpa")
    options = ["--pages", str(pages), "--fold", f"{lm}=", "--confusions", str(tmp_path / "conf.tsv"),
               "--trees", "0", "--no-pairs", "-k", "5", "--prune", "0"]
    assert fit_main(options + ["-o", str(tmp_path / "w.json")]) == 0
    weights = Weights.load(tmp_path / "w.json")
    assert weights.coef[weights.names.index("lm_gain")] > 0 and weights.k == 5
    assert weights.sources == ("pinyin", "visual") and weights.trees is None and weights.pairs is None
    fitted = weights.fitted
    assert fitted["command"].startswith("python -m ocrfix train weights --pages ")
    assert fitted["examples"]["page"]["positives"] > 0  # clean texts: no positive (on this tiny LM, no row even)
    assert fitted["examples"].get("clean", {"positives": 0})["positives"] == 0
    assert fitted["calibration_pages"] == 4  # every second page calibrates
    assert weights.threshold in [row["threshold"] for row in fitted["curve"]]
    assert f"wrote {tmp_path / 'w.json'}: threshold {weights.threshold}" in capsys.readouterr().err
    assert fit_main(options + ["--recalibrate", str(tmp_path / "w.json"), "-o", str(tmp_path / "w2.json")]) == 0
    again = Weights.load(tmp_path / "w2.json")
    assert (again.coef, again.threshold, again.noisy, again.sparse) == (weights.coef, weights.threshold, weights.noisy, weights.sparse)
    assert again.fitted["curve"] == fitted["curve"] and "--recalibrate" in again.fitted["recalibrated"]["command"]


def test_crossfit_commands_leave_the_fold_out_of_every_model(tmp_path, monkeypatch):
    """`ocrfix train crossfit NAME STEM...` with its commands recorded, not run: the
    LM trains on every training corpus but the left-out ones, and the channel is learned, merged
    and re-ranked from the pages of the other corpus files only, with the shipped sets' recipes."""
    import json

    from ocrfix.training import crossfit

    pages = tmp_path / "pages"
    pages.mkdir()
    for name, source in (("p1", "rmrb_2019-02"), ("p2", "xwlb_2024"), ("p3", "xwlb_2024")):
        for suffix in (".ocr.txt", ".gt.txt"):
            (pages / f"{name}{suffix}").write_text("甲", encoding="utf-8")
        (pages / f"{name}.meta.json").write_text(json.dumps({"source": f"data/{source}.txt.xz"}), encoding="utf-8")
    commands: list[list[str]] = []
    monkeypatch.setattr(crossfit, "_run", commands.append)
    out = tmp_path / "fold"  # an absolute NAME: the fold's directory is there, not under build/
    assert crossfit.main([str(out), "rmrb_2019-02", "--pages", str(pages)]) == 0
    train, learn, merge, rerank = (c[3:] for c in commands)  # after: python -m ocrfix
    assert train[:4] == ["lm", "train", "-o", str(out / "lm.klm")] and train[4:4 + len(crossfit.LM_OPTIONS)] == list(crossfit.LM_OPTIONS)
    assert not any("rmrb_2019-02" in a for a in train) and any(a.endswith("xwlb_2024.txt.xz") for a in train)
    assert not any("2020-05" in a or "2026" in a for a in train)  # held out: not in the training manifest rows
    assert learn[:2] == ["confusions", "learn"]
    assert learn[learn.index("--ocr") + 1:learn.index("--gt")] == [str(pages / "p2.ocr.txt"), str(pages / "p3.ocr.txt")]
    assert learn[learn.index("-o") + 1] == str(out / "tesseract.tsv") and str(out / "misread.tsv") in learn
    assert merge[:2] == ["confusions", "merge"] and f"{out / 'tesseract.tsv'}:1000" in merge
    assert not any(a.startswith("models/confusions/tesseract.tsv") for a in merge)
    assert rerank[:2] == ["confusions", "rerank"] and rerank[rerank.index("--pages") + 1] == str(out / "pages")
    assert rerank[rerank.index("--fallback") + 1] == str(out / "merged.tsv") and rerank[-1] == str(out / "confusions.tsv")
    assert sorted(p.name for p in (out / "pages").iterdir()) == sorted(
        f"{n}{s}" for n in ("p2", "p3") for s in (".ocr.txt", ".gt.txt", ".meta.json"))
    with pytest.raises(InputError):
        crossfit.main([str(out), "rmrb_2020-05", "--pages", str(pages)])  # a held-out file cannot be a fold
