"""The mark-choice model: the context of a clause mark, a context model with the engine's channel,
and the stage that settles confused marks with it."""
import json

import pytest

from ocrfix.correction.corrector import Corrector
from ocrfix.correction.edits import replay
from ocrfix.correction.mark_choice import CLASSES, READ_MARGIN_SOURCE, SOURCE, MarkModel, choice_changes, features, sites
from ocrfix.errors import ModelError
from ocrfix.profiles import Profile, load_profile
from ocrfix.segment import protected_mask

from test_correct_fixtures import CORPUS, INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa

LISTS = ["北京、上海、天津都是大城市。", "我们在北京工作，他们在上海学习。"] * 4
#: A context model by hand: '、' between two short items, '，' otherwise; no LM feature.
FEATURES = ("short both",)
COEF = tuple((0.0,) if mark != "、" else (6.0,) for mark in CLASSES)
INTERCEPT = tuple(3.0 if mark == "，" else 0.0 for mark in CLASSES)
#: ln P(read | true): marks are read right with P 0.9; '，' read for '、' with P 0.08.
CHANNEL = tuple(tuple(-0.1 if read == true else -2.5 if (read, true) == ("，", "、") else -6.0 for true in CLASSES)
                for read in CLASSES)


def model(margin=1.0, weight=1.0):
    return MarkModel(FEATURES, COEF, INTERCEPT, CHANNEL, weight, margin)


@pytest.fixture(scope="module")
def lm(tmp_path_factory):
    return load_lm(write_arpa(tmp_path_factory.mktemp("lm") / "lm.arpa", CORPUS + LISTS))


def changed(text, lm, m=None, keep=()):
    return [(offset, original, replacement) for offset, original, replacement, _, sources in
            choice_changes(text, m or model(), lm, protected_mask(text, keep)) if sources == (SOURCE,)]


def test_sites_are_clause_marks_between_running_text():
    text = "北京，上海。天津·大连;沈阳，“青岛”，2020。"
    assert [text[k] for k in sites(text, [False] * len(text))] == ["，", "。", "·", ";", "，", "，"]
    assert sites("北京，", [False] * 3) == []  # a mark at the end has no right neighbour
    assert sites("北京，上海", [False, True, True, False, False]) == []  # protected
    title = "看《走基层：国企在海外》节目，我们"
    assert [title[k] for k in sites(title, [False] * len(title))] == ["，"]  # a title's marks are its own


def test_a_clause_is_the_same_around_a_mark_and_around_the_gap_it_was_lost_from():
    from ocrfix.correction.clauses import clause

    text = "习近平指出，北京、上海都好，我们在北京工作。"
    gap = text.replace("、", "")
    at_mark, at_gap = clause(text, text.index("、"), 1), clause(gap, gap.index("上海"), 0)
    assert at_mark.values == at_gap.values
    assert at_mark.values["left ，"] == at_mark.values["right ，"] == at_mark.values["short both"] == 1.0
    assert (text[at_mark.start], text[at_mark.end]) == (gap[at_gap.start], gap[at_gap.end]) == ("，", "，")


def test_features_describe_the_spans_around_a_mark(lm):
    text = "习近平指出，北京、上海、天津都是大城市，我们在北京工作。"
    values = features(lm, text, text.index("上海") - 1)  # the '、' between 北京 and 上海
    assert values["short both"] == values["similar"] == 1.0
    assert values["left ，"] == values["right 、"] == 1.0
    assert values["comma before"] == 1.0 and values["right says"] == 0.0
    assert set(values) >= {f"lm {mark}" for mark in CLASSES}
    first = features(lm, text, text.index("北京") - 1)  # the '，' after 习近平指出
    assert first["left start"] == 1.0 and first["comma before"] == 0.0
    assert first["short before"] == 1.0 and first["log before"] == pytest.approx(1.792, abs=0.001)  # 5 characters
    says = "他们在上海学习，习近平指出，我们要努力。"
    assert features(lm, says, says.index("学习") + 2)["right says"] == 1.0
    long = features(lm, text, text.index("城市") + 2)
    assert long["short both"] == 0.0 and long["long sentence"] == 0.0
    # the characters either side, the next clause's first two, and items that start or end alike
    assert values["prev 京"] == values["next 上"] == values["next2 上海"] == 1.0
    assert values["same first"] == values["same last"] == 0.0
    items = "要求，不变形、不走样。"
    alike = features(lm, items, items.index("、"))
    assert alike["same first"] == 1.0 and alike["same last"] == 0.0 and alike["next2 不走"] == 1.0
    digits = "增长了3%，5年来"
    assert features(lm, digits, digits.index("，"))["prev other"] == features(lm, digits, digits.index("，"))["next digit"] == 1.0


def test_the_channel_and_the_context_decide_together(lm):
    # a '，' between two short items: the context model says '、' (logit 6 over 3), the channel
    # that '，' is read for '、' often enough (-2.5 against -0.1): 3.0 - 2.4 = 0.6 nats
    text = "北京，上海、天津都是大城市。"
    assert changed(text, lm, model(margin=0.5)) == [(2, "，", "、")]
    assert changed(text, lm, model(margin=1.0)) == []
    assert changed(text, lm, model(margin=0.5, weight=2.0)) == []  # the channel weighs more: keep
    assert changed(text, lm, model(margin=0.5), keep=["北京，上海"]) == []
    # between long spans the context says '，': it stays
    assert changed("我们在北京工作，他们在上海学习。", lm, model(margin=0.0)) == []
    # a '。' between short items: the channel never reads '。' for '、' (-6.0): it stays
    assert changed("北京。上海、天津都是大城市。", lm, model(margin=0.5)) == []


def test_a_mark_read_may_have_a_margin_of_its_own(lm):
    text = "北京，上海、天津都是大城市。"  # 0.6 nats for '、' over the '，' read
    own = model(margin=1.0)._replace(read_margins=(("，", 0.5),))
    assert own.margin_for("，") == 0.5 and own.margin_for("。") == 1.0
    assert changed(text, lm, own) == []  # not the model's own source: below the model's margin
    assert [(offset, sources) for offset, *_, sources in choice_changes(text, own, lm, [False] * len(text))] \
        == [(2, (READ_MARGIN_SOURCE,))]
    assert changed(text, lm, model(margin=0.0)._replace(read_margins=(("，", 0.5),))) == [(2, "，", "、")]
    assert changed(text, lm, model(margin=1.0)._replace(read_margins=(("；", 0.5),))) == []
    assert changed(text, lm, model(margin=0.5)._replace(read_margins=(("，", 1.0),))) == []


def test_a_page_that_reads_one_mark_for_another_again_and_again_gets_a_channel_of_its_own(lm):
    """The fitted channel never reads '。' for '、' (-6.0): one such '。' between short items stays. A scanned page
    that reads it six times has the channel its own marks give (``page_prior``: the fitted one weighs 100 sites),
    and all six become '、'; a typed text (no printed line joined) keeps the fitted channel."""
    line = "我们在北京工作，北京。上海、天津，他们在上海学习。\n"
    page = line * 6
    joins = [k for k in range(len(page)) if page.startswith("他们", k)]  # each line printed as two
    adapted = model(margin=2.0)._replace(page_prior=100.0)
    assert [change[:3] for change in choice_changes(page, adapted, lm, [False] * len(page), joins=joins)] \
        == [(k + 10, "。", "、") for k in range(0, len(page), len(line))]
    assert choice_changes(page, model(margin=2.0), lm, [False] * len(page), joins=joins) == []  # the fitted channel
    assert choice_changes(page, adapted, lm, [False] * len(page)) == []  # typed text
    assert choice_changes(line, adapted, lm, [False] * len(line), joins=joins[:1]) == []  # once: too little evidence


def write_model(directory, m):
    """The model's two files in ``directory``: (context model, engine's file)."""
    context, engine = directory / "context.json", directory / "mark_choice.json"
    context.write_text(m.context_json(context=["test"]), encoding="utf-8")
    engine.write_text(m.engine_json(channel_pages=["test"]), encoding="utf-8")
    return context, engine


#: At a line's end the engine reads '，' for '、' with P 0.45.
LINE_END = tuple(tuple(-0.8 if (read, true) == ("，", "、") else value for true, value in zip(CLASSES, row))
                 for read, row in zip(CLASSES, CHANNEL))


def test_a_mark_that_ended_a_line_is_weighed_with_the_line_end_channel(lm, tmp_path):
    text = "北京，上海、天津都是大城市。"  # 0.6 nats for '、' over the '，' read inside a line
    own = model(margin=1.0)._replace(line_end_channel=LINE_END)
    assert changed(text, lm, own) == []
    assert [change[:3] for change in choice_changes(text, own, lm, [False] * len(text), joins=[3])] == [(2, "，", "、")]
    assert choice_changes(text, model(margin=1.0), lm, [False] * len(text), joins=[3]) == []  # no table of its own
    short = {"short both": 1.0}
    assert own.choice(short, "，", True)[1] - own.choice(short, "，")[1] == pytest.approx(1.7)
    context, engine = write_model(tmp_path, own)
    profile = Profile("test", tmp_path, mark_choice=engine, mark_context=context)
    corrector = Corrector(profile=profile, model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS,
                          inventory=INVENTORY, length=False)
    assert corrector.correct(text, reflow=False).text == text
    # printed as two lines, the first ending in the '，'
    assert corrector.correct(text, reflow=False, wrapped="北京，\n上海、天津都是大城市。").text == "北京、上海、天津都是大城市。"


def test_a_model_round_trips_from_its_two_files_and_a_bad_file_is_refused(tmp_path):
    context, engine = write_model(tmp_path, model())
    assert MarkModel.load(context, engine) == model()
    engine.write_text(model()._replace(line_end_channel=LINE_END).engine_json(), encoding="utf-8")
    assert MarkModel.load(context, engine) == model()._replace(line_end_channel=LINE_END)
    own = model()._replace(read_margins=(("；", 2.0), ("、", 2.5)))
    engine.write_text(own.engine_json(), encoding="utf-8")
    assert MarkModel.load(context, engine) == own
    engine.write_text(own._replace(read_margins=(("x", 2.0),)).engine_json(), encoding="utf-8")
    with pytest.raises(ModelError, match="other classes"):
        MarkModel.load(context, engine)
    engine.write_text(model().engine_json(), encoding="utf-8")
    assert "coef" not in json.loads(engine.read_text(encoding="utf-8"))  # the engine's file: no context model
    assert "channel" not in json.loads(context.read_text(encoding="utf-8"))
    other = model(margin=3.0, weight=0.5)._replace(channel=tuple(tuple(-1.0 for _ in CLASSES) for _ in CLASSES))
    (tmp_path / "other").mkdir()
    _, other_engine = write_model(tmp_path / "other", other)
    assert MarkModel.load(context, other_engine) == other  # one context model, another engine
    record = json.loads(context.read_text(encoding="utf-8"))
    record["classes"] = ["，", "。"]
    context.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ModelError, match="other classes"):
        MarkModel.load(context, engine)
    context.write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="not a mark-choice model"):
        MarkModel.load(context, engine)


def test_a_profile_names_its_model_and_the_corrector_runs_the_stage(lm, tmp_path):
    context, engine = write_model(tmp_path, model(margin=0.5))
    kwargs = dict(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY, length=False)
    text = "北京，上海、天津都是大城市。"
    profile = Profile("test", tmp_path, mark_choice=engine, mark_context=context)
    result = Corrector(profile=profile, **kwargs).correct(text, reflow=False)
    assert result.text == "北京、上海、天津都是大城市。"
    assert [e.sources for e in result.edits] == [(SOURCE,)]
    assert 0.5 < result.edits[0].gain < 1.0  # P of '、' against the '，' read
    assert replay(result.source, result.edits) == result.text
    assert Corrector(profile=Profile("test", tmp_path), **kwargs).correct(text, reflow=False).text == text
    assert Corrector(profile=profile, rules=False, **kwargs).correct(text, reflow=False).text == text
    files = {"mark_choice": "mark_choice.json", "mark_context": "context.json"}
    (tmp_path / "profile.json").write_text(json.dumps({"format": 1, "files": files}), encoding="utf-8")
    loaded = load_profile(tmp_path, tmp_path)
    assert (loaded.mark_choice, loaded.mark_context) == (engine.resolve(), context.resolve())
    (tmp_path / "profile.json").write_text(json.dumps({"format": 1, "files": {"mark_choice": "mark_choice.json"}}),
                                           encoding="utf-8")
    with pytest.raises(ModelError, match="needs the mark_context"):
        load_profile(tmp_path, tmp_path)


def test_a_change_only_a_read_margin_lets_through_is_withdrawn_in_typed_clean_print(lm, tmp_path):
    import dataclasses

    from ocrfix.correction.score import SparsePages

    text = "北京，上海、天津都是大城市。"  # 0.6 nats for '、' over the '，' read
    context, engine = write_model(tmp_path, model(margin=1.0)._replace(read_margins=(("，", 0.5),)))
    profile = Profile("test", tmp_path, mark_choice=engine, mark_context=context)

    def corrected(weights, wrapped=None):
        return Corrector(profile=profile, model=lm, confusions=confusion_set(tmp_path), weights=weights,
                         inventory=INVENTORY, length=False).correct(text, reflow=False, wrapped=wrapped)

    assert [e.sources for e in corrected(WEIGHTS).edits] == [(READ_MARGIN_SOURCE,)]
    clean = dataclasses.replace(WEIGHTS, sparse=SparsePages(density=1.0, threshold=0.99))
    assert corrected(clean).edits == ()  # the text reads like clean print: its '，' is the writer's
    # the same text as a page printed it, its lines joined by the reflow: a scan, whose misread marks are the engine's
    assert [e.sources for e in corrected(clean, wrapped="北京，上海、天津\n都是大城市。").edits] == [(READ_MARGIN_SOURCE,)]


def test_the_shipped_profiles_share_one_context_model():
    from ocrfix.settings import load_settings

    models = load_settings().models_dir
    ppocr, tesseract, generic = (load_profile(name, models) for name in ("ppocr", "tesseract", "generic"))
    assert ppocr.mark_context == tesseract.mark_context == generic.mark_context
    assert len({ppocr.mark_choice, tesseract.mark_choice, generic.mark_choice}) == 3
    channels = [MarkModel.load(p.mark_context, p.mark_choice).channel for p in (ppocr, tesseract, generic)]
    assert channels[0] != channels[1] and channels[2] not in channels[:2]  # generic's: counted on both engines' pages
    assert generic.line_end_mark_choice and generic.mark_page_prior == ppocr.mark_page_prior


def test_the_context_model_picks_the_mark_a_line_end_gets_back_with_every_inserted_mark_in_place(lm):
    from ocrfix.correction.line_marks import SOURCE as LINE_END_SOURCE
    from ocrfix.correction.mark_choice import line_end_picks

    def picked(text, *inserts):
        return [(offset, mark) for offset, _, mark, _, sources in
                line_end_picks(text, [(offset, "", mark, 1.0, (LINE_END_SOURCE,)) for offset, mark in inserts], model(), lm)
                if sources == (LINE_END_SOURCE,)]

    assert picked("北京上海、天津都是大城市。", (2, "，")) == [(2, "、")]  # two short items
    assert picked("我们在北京工作他们在上海学习。", (7, "。")) == [(7, "，")]
    # alone, the span after the first line end runs to the '。': long; with the second mark in place it is 上海
    assert picked("北京上海天津都是我们的大城市。", (2, "，")) == [(2, "，")]
    assert picked("北京上海天津都是我们的大城市。", (4, "，"), (2, "，")) == [(2, "、"), (4, "，")]
    assert picked("他说“北京上海都好", (9, "”")) == [(9, "”")]  # no class of the model: as the LM put it
    # a name's middle dot: the model weighs clauses, not names, and leaves it as the LM put it; nor does it pick it
    dots = model()._replace(intercept=tuple(9.0 if mark == "·" else 0.0 for mark in CLASSES))
    assert [mark for _, _, mark, *_ in line_end_picks("伊丽莎白沃伦认为", [(4, "", "·", 1.0, (LINE_END_SOURCE,))], model(), lm)] == ["·"]
    assert [mark for _, _, mark, *_ in line_end_picks("北京上海天津", [(2, "", "，", 1.0, (LINE_END_SOURCE,))], dots, lm)] != ["·"]


def test_a_profile_may_have_the_mark_choice_model_pick_the_line_end_marks(tmp_path):
    import dataclasses

    raw = "我们在北京工作\n他们在上海工\n作。\n\n大家都在认真\n工作。\n"  # a '。' gains 1.4 after 工作
    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["他们今天在北京开会。", "他们都在认真学习。"] * 3))
    semicolons = model()._replace(intercept=tuple(9.0 if mark == "；" else 0.0 for mark in CLASSES))
    context, engine = write_model(tmp_path, semicolons)
    profile = Profile("test", tmp_path, mark_choice=engine, mark_context=context, line_end_margin=1.0)
    kwargs = dict(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY, length=False,
                  variants={})
    assert Corrector(profile=profile, **kwargs).correct(raw).text.splitlines()[0] == "我们在北京工作。他们在上海工作。"
    picking = dataclasses.replace(profile, line_end_mark_choice=True)
    result = Corrector(profile=picking, **kwargs).correct(raw)
    assert result.text.splitlines()[0] == "我们在北京工作；他们在上海工作。"
    assert replay(result.source, result.edits) == result.text
    files = {"mark_choice": "mark_choice.json", "mark_context": "context.json"}
    (tmp_path / "profile.json").write_text(json.dumps({"format": 1, "files": files, "line_end_mark_choice": True}),
                                           encoding="utf-8")
    assert load_profile(tmp_path, tmp_path).line_end_mark_choice and not profile.line_end_mark_choice
    (tmp_path / "profile.json").write_text(json.dumps({"format": 1, "line_end_mark_choice": True}), encoding="utf-8")
    with pytest.raises(ModelError, match="line_end_mark_choice needs a mark_choice"):
        load_profile(tmp_path, tmp_path)
