import pytest

from ocrfix.correction.corrector import Corrector
from ocrfix.correction.edits import replay
from ocrfix.correction.rules import RULES, mark_scores, rule_changes
from ocrfix.errors import ModelError

from test_correct_fixtures import INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa


def fix(text, lm=None):
    """``text`` as the rules correct it in the reflow of a page's printed lines."""
    from ocrfix.correction.edits import apply_changes

    return apply_changes(text, rule_changes(text, lm=lm, wrapped=True))[0]


@pytest.mark.parametrize("ocr, expected", [
    ("到达机场*\n时间", "到达机场。\n时间"),
    ("全面战略伙伴>近年来", "全面战略伙伴。近年来"),
    ("丁向群〈女)丁", "丁向群（女)丁"),
    ("于吉红《〈女)于", "于吉红（女)于"),
    ("石玉钢《苗族)", "石玉钢（苗族)"),
    ("人民军队为人民【人民论坛)", "人民军队为人民（人民论坛)"),
    ("230个村〔社区)党组织", "230个村（社区)党组织"),
    ("8年1]月27日", "8年11月27日"),
    ("风俗,，欢度", "风俗，欢度"),
    ("风俗,,欢度", "风俗,欢度"),  # the same folded to half width
    ("降压药厄贝沙坦片...\n2019年", "降压药厄贝沙坦片…\n2019年"),  # an ellipsis read or folded as dots
    ("他说......好", "他说……好"),
    ("认为此举“令人大是\"，著名", "认为此举“令人大是”，著名"),  # closing quote of an open quotation
    ("他说：“我们到了。\"\n随后", "他说：“我们到了。”\n随后"),
    ("双方代表亲切交流\"\n他表示", "双方代表亲切交流。\n他表示"),  # a paragraph's final period
    ("他说“好”，大家都同意\"", "他说“好”，大家都同意。"),
    ("一望无际的原野-\n在", "一望无际的原野。\n在"),  # a paragraph's final period, read as - “ or .
    ("值得深入思考“\n网络", "值得深入思考。\n网络"),
    ("缩减到43项.", "缩减到43项。"),
    ("他说，萨莫拉夫妇一直帮助他料理农务，\n他们", "他说，萨莫拉夫妇一直帮助他料理农务。\n他们"),  # '。' read as '，'
    ("经济复苏依然有很长的路要走,\n我们", "经济复苏依然有很长的路要走。\n我们"),
    ("他们所作努力，认|为没有任何势力能够阻挡两国人民友好交往的历史潮流。",
     "他们所作努力，认为没有任何势力能够阻挡两国人民友好交往的历史潮流。"),  # a stray bar in body text
    ("共同努力，.提高双方", "共同努力，提高双方"),  # specks next to a mark
    ("鱼又大又肥,.大的都有", "鱼又大又肥,大的都有"),
    ("截至目前，..成都市", "截至目前，成都市"),  # two specks
    ("今天（3月2日）.，两个", "今天（3月2日），两个"),  # after a closing bracket or percent sign
    ("占21%*。过去", "占21%。过去"),
    ("长假期间，:全国电影", "长假期间，全国电影"),
    ("党的建设,-把党的领导", "党的建设,把党的领导"),
    ("存在风险*。我们", "存在风险。我们"),
    ("等由15%6降至13%。", "等由15%降至13%。"),  # '%' read as '%6'
    ("其中90%4来自北京", "其中90%来自北京"),
    ("《2014一2019年规划》", "《2014—2019年规划》"),
    ("起到了重要的作用“。当年", "起到了重要的作用。当年"),  # a speck read as an opening quote
    ("他说“好”，是功在当代“、利在千秋", "他说“好”，是功在当代、利在千秋"),  # a range's dash read as the Han 一
])
def test_symbol_rules_fix_ocr_noise(ocr, expected):
    assert fix(ocr) == expected


@pytest.mark.parametrize("clean", ["收看《新闻联播》节目", "《关于修改〈中华人民共和国保险法〉的决定》", "见文献[1]第3页", "a*b=c", "我们，他们", "3*4",
                                   '实施"十二五"规划', '他说"我们到了"\n随后', '“好”"坏"', 'say "hi"', "e.g.\n", "第1-\n", "a|b", "x | y", "读书|球员为什么爱读书", "版本1.2，共3*4。", "15%60", "5%6%", "a>b", "3>2", "比二0一0年翻一番", "第1一", "0.25%、-0.5%不变", "“新家”--加州",
                                   "下雨了。在叶剑英纪念馆，\n习近平", "萨莫拉夫妇一直帮助他料理农务，", "办“农家乐“。", "他说，...好", "(1.2)，共", "5%...好", "f(a,,b)", "1,,2", "大哥们...我是", "好....吧"])
def test_symbol_rules_leave_legitimate_text_alone(clean):
    assert rule_changes(clean) == []


def test_final_period_needs_the_lm_and_a_body_paragraph(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    body = "我们在北京工作。他们在上海工作。我们在北京学习。大家都在认真工作\n今天天气很好。"
    assert rule_changes(body, wrapped=True) == []  # no LM, no insertion
    assert [c[1:3] for c in rule_changes(body, lm=lm, wrapped=True)] == [("", "。")]
    assert rule_changes("我们在北京工作\n今天天气很好。", lm=lm, wrapped=True) == []  # short line: a headline
    assert rule_changes(body.split("\n")[0], lm=lm, wrapped=True) == []  # a lone paragraph: no page to call it body text


def test_a_typed_texts_paragraph_ends_are_its_writers(tmp_path):
    """A paragraph that ends without a '。', or with a '，', is a lost or misread mark only where the reflow
    ended it in the printed lines of a page; in a typed text (its paragraphs lines of their own) it is the writer's."""
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    body = "我们在北京工作。他们在上海工作。我们在北京学习。大家都在认真工作\n今天天气很好。"
    comma = "他说，萨莫拉夫妇一直帮助他料理农务，\n他们"
    assert rule_changes(body, lm=lm) == rule_changes(comma, lm=lm) == []
    assert [c[1:3] for c in rule_changes(body, lm=lm, wrapped=True) + rule_changes(comma, lm=lm, wrapped=True)] == [
        ("", "。"), ("，", "。")]


@pytest.mark.parametrize("gain, inserted", [(0.5, True), (-1.0, True), (-1.6, False), (-5.0, False)])
def test_final_period_goes_in_where_the_lm_mildly_prefers_none(monkeypatch, gain, inserted):
    """A 6-gram often mildly prefers a paragraph to stop without its '。'; a paragraph end the reflow
    made mid-sentence scores far lower: only that one keeps its end as it is."""
    from ocrfix.correction import rules

    monkeypatch.setattr(rules, "period_gain", lambda *args, **kwargs: gain)
    body = "我们在北京工作。他们在上海工作。我们在北京学习。大家都在认真工作\n今天天气很好。"
    final = [rule for rule in RULES if rule.name == "final-period"]
    assert [c[1:3] for c in rule_changes(body, final, lm=object(), wrapped=True)] == ([("", "。")] if inserted else [])


@pytest.mark.parametrize("paragraph, body", [
    ("我们在北京工作。他们在上海工作。我们在北京学习。大家都在认真工作", True),
    ("我们在北京工作，他们在上海工作。我们在北京学习，大家都在上海认真地工作，我们在北京工作，他们在上海工作", True),
    # run-together headline phrases of a broadcast summary: a long last "sentence" without a mark
    ("会议强调要做好经济工作。中共中央政治局召开会议分析研究当前经济形势部署下半年经济工作中共中央总书记主持会议", False),
    ("我们在北京工作。他们在上海工作。我们在北京学习。新变革", False),  # a fragment
    ("我们在北京工作他们在上海工作我们在北京学习大家都在认真工作", False),  # no sentence end at all
    # one long sentence of clauses, and a paragraph whose sentence ends the OCR garbled: commas only
    ("我们在北京工作，他们在上海工作，我们在北京学习，大家都在认真工作", True),
    ("我们在北京工作,他们在上海工作,我们在北京学习,大家都在认真工作", True),  # the same folded to half width
    ("我们在北京工作*他们在上海工作，我们在北京学习*大家都在认真工作", True),
    ("我们在北京工作、他们在上海工作、我们在北京学习、大家都在认真工作", False),  # an enumeration: no sentence
    ("，".join(["我们在北京认真地工作"] * 20), True),  # one long lead sentence (219 characters)
    ("，".join(["我们在北京认真地工作"] * 30), False),  # longer than a sentence, never a sentence end: a style
])
def test_final_period_only_ends_what_looks_like_a_sentence(paragraph, body):
    final_period = next(rule for rule in RULES if rule.name == "final-period")
    text = paragraph + "\n下一段。"
    match = final_period.pattern.search(text)
    assert match.start() == len(paragraph)
    assert final_period.guard(text, match) is body


def test_rule_and_lm_edits_share_one_replayable_log(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY)
    result = corrector.correct("风俗,，〈我们在北京工乍。", reflow=False)
    assert result.text == "风俗，（我们在北京工作。"
    assert [e.sources[0] for e in result.edits] == ["rule:double-comma", "rule:angle-paren", "visual"]
    assert replay(result.source, result.edits) == result.text
    assert result.text[result.edits[-1].offset] == "作"
    assert Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY,
                     rules=False).correct("风俗,，我们", reflow=False).edits == ()


def test_every_rule_has_a_unique_name():
    assert len({r.name for r in RULES}) == len(RULES)


def test_misread_marks_between_han_text_are_chosen_by_the_lm(tmp_path):
    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    assert fix("我们在北京工作.他们在上海工作。", lm) == "我们在北京工作。他们在上海工作。"
    assert fix("我们在北京工作-他们在上海工作。", lm) == "我们在北京工作。他们在上海工作。"
    assert rule_changes("我们在北-京工作。", lm=lm) == []  # a '-' where the LM sees no sentence end stays
    assert rule_changes("我们在北京工作.他们在上海工作。") == []  # no LM, no choice
    assert rule_changes("版本3.5和2.0-beta", lm=lm) == []  # not between Han characters


def test_dash_and_hyphen_misreadings_are_decided_by_the_lm(tmp_path):
    from test_correct_fixtures import CORPUS

    lines = CORPUS + ["他说——我们在北京工作。", "大家一一握手。", "我们统一思想。", "中国—东盟关系发展。"] * 3
    lm = load_lm(write_arpa(tmp_path / "lm.arpa", lines))
    assert fix("中国一东盟关系发展。", lm) == "中国—东盟关系发展。"  # a dash between two names
    assert fix("我们统一思想。", lm) == "我们统一思想。"
    assert fix("他说一一我们在北京工作。", lm) == "他说——我们在北京工作。"
    assert fix("大家一一握手。", lm) == "大家一一握手。"  # the word 一一 stays
    assert fix("他说—一我们在北京工作。", lm) == fix("他说一—我们在北京工作。", lm) == "他说——我们在北京工作。"  # half of it
    assert fix("大家一—握手。", lm) == "大家一—握手。"  # the LM prefers what is there
    assert fix("他说—一我们在北京工作。") == "他说—一我们在北京工作。"  # no LM, no decision
    assert fix("我们统-思想。", lm) == "我们统一思想。"
    assert fix("我们统-思想。") == "我们统-思想。"  # no LM, no decision


def test_percent_read_as_96_is_decided_by_the_lm(tmp_path):
    from test_correct_fixtures import CORPUS

    lines = CORPUS + ["今年增长了20%，明年增长30%。", "去年增长4.2%。", "我们在1996年到北京工作。", "他们有296户人家。"] * 3
    lm = load_lm(write_arpa(tmp_path / "lm.arpa", lines))
    assert fix("今年增长了2096，明年增长3.596。", lm) == "今年增长了20%，明年增长3.5%。"
    assert fix("我们在1996年到北京工作。", lm) == "我们在1996年到北京工作。"  # a year stays
    assert fix("他们有296户人家。", lm) == "他们有296户人家。"  # so does a count
    assert fix("今年增长了2096，", None) == "今年增长了2096，"  # no LM, no decision
    assert rule_changes("今年增长了1960，", lm=lm) == []  # '96' inside a number is never a '%'


def test_select_rules_keeps_their_order_and_refuses_unknown_names():
    from ocrfix.correction.rules import select_rules

    assert [rule.name for rule in select_rules(["stray-dot", "star-period"])] == ["star-period", "stray-dot"]
    with pytest.raises(ModelError):
        select_rules(["stray-dot", "no-such-rule"])


def test_specks_read_as_dots_go_and_a_middot_between_sentences_becomes_a_stop(tmp_path):
    from ocrfix.correction.edits import apply_changes
    from ocrfix.correction.rules import select_rules

    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    ppocr = select_rules(["stray-dot", "middot-period"])
    for noisy, expected in (("我们在北京工作。.\n他们在上海工作。", "我们在北京工作。\n他们在上海工作。"),
                            ("我们在北京工作，·他们在上海工作。", "我们在北京工作，他们在上海工作。"),
                            ("·我们在北京工作。", "我们在北京工作。"),
                            ("我们在北京工作·他们在上海工作。", "我们在北京工作。他们在上海工作。")):
        assert apply_changes(noisy, rule_changes(noisy, ppocr, lm))[0] == expected
        assert apply_changes(noisy, rule_changes(noisy, lm=lm))[0] == expected  # among the default rules
    for clean in ("“第一”·生活篇", "我们在北京工作。", "约翰·史密斯在北京工作。"):
        assert rule_changes(clean, ppocr, lm) == []
    assert rule_changes("我们在北京工作·他们在上海工作。", ppocr) == []  # no LM, no sentence break


def test_a_middot_between_two_clauses_becomes_the_mark_the_lm_prefers_there(tmp_path):
    """A '·' the LM reads as a break between two clauses stood for the '，' it prefers there as well
    as for a '。' (faces no profile was fitted on: PP-OCR reads a Kaiti '，' as '·')."""
    from ocrfix.correction.edits import apply_changes
    from ocrfix.correction.rules import select_rules
    from test_correct_fixtures import CORPUS

    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["他们指出，我们在北京工作。"] * 6))
    (rule,) = select_rules(["middot-period"])
    assert apply_changes("他们指出·我们在北京工作。", rule_changes("他们指出·我们在北京工作。", (rule,), lm))[0] \
        == "他们指出，我们在北京工作。"
    noisy = "我们在北京工作·他们在上海工作。"
    assert apply_changes(noisy, rule_changes(noisy, (rule,), lm))[0] == "我们在北京工作。他们在上海工作。"


def test_a_period_becomes_a_comma_only_where_the_lm_prefers_it_by_the_margin(tmp_path):
    import dataclasses

    from ocrfix.correction.edits import apply_changes
    from ocrfix.correction.rules import MIN_STYLE_MATCHES, select_rules
    from test_correct_fixtures import CORPUS

    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["我们在北京工作，他们在上海工作。"] * 6))
    (shipped,) = select_rules(["period-comma"])
    loose = (dataclasses.replace(shipped, min_margin=0.1),)
    news = "今天天气很好。我们今天在北京开会。" * MIN_STYLE_MATCHES  # a text whose breaks read like news
    noisy = "我们在北京工作。他们在上海工作。" + news
    assert apply_changes(noisy, rule_changes(noisy, loose, lm))[0] == "我们在北京工作，他们在上海工作。" + news
    assert rule_changes(noisy, (dataclasses.replace(shipped, min_margin=50.0),), lm) == []  # not by far enough
    assert rule_changes(news, loose, lm) == []  # the LM prefers the sentence break
    assert rule_changes(noisy, loose) == []  # no LM, no choice


def test_a_dot_between_han_characters_is_deleted_or_made_a_mark_as_the_lm_prefers(tmp_path):
    from ocrfix.correction.edits import apply_changes
    from ocrfix.correction.rules import select_rules
    from test_correct_fixtures import CORPUS

    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["我们在北京工作，他们在上海工作。"] * 6))
    speck = select_rules(["speck-or-mark"])
    assert apply_changes("我们在北.京工作。", rule_changes("我们在北.京工作。", speck, lm))[0] == "我们在北京工作。"
    noisy = "我们在北京工作.他们在上海工作。"
    assert apply_changes(noisy, rule_changes(noisy, speck, lm))[0] == "我们在北京工作，他们在上海工作。"
    assert [c[2] for c in rule_changes("我们在北.京工作。", select_rules(["misread-mark"]), lm)] != [""]  # never deletes
    full_width = "我们在北京工作．他们在上海工作。"  # as an engine that writes full-width marks reads a '，'
    assert apply_changes(full_width, rule_changes(full_width, speck, lm))[0] == "我们在北京工作，他们在上海工作。"
    assert apply_changes("我们在北.京工作。", rule_changes("我们在北.京工作。", lm=lm))[0] == "我们在北京工作。"  # it runs first
    assert rule_changes("版本3.5发布", speck, lm) == [] and rule_changes("我们在北.京工作。", speck) == []  # digits; no LM
    assert rule_changes("我们在北..京工作。", speck, lm) == []  # two or three: an ellipsis typed
    double = select_rules(["double-speck"])  # ... or PP-OCR's specks: opt-in, on a scanned page
    assert apply_changes("我们在北..京工作。", rule_changes("我们在北..京工作。", double, lm, wrapped=True))[0] == "我们在北京工作。"
    assert rule_changes("我们在北..京工作。", double, lm) == []  # a typed text's ellipsis
    assert rule_changes("我们在北..京工作。", lm=lm, wrapped=True) == [] and rule_changes("我们在北...京工作。", double, lm, wrapped=True) == []


def test_deleting_a_dot_must_beat_the_best_mark_by_the_rules_margin(tmp_path):
    import dataclasses

    from ocrfix.correction.rules import SPECK_DELETE_MARGIN, SPECK_SPAN, mark_scores, select_rules
    from test_correct_fixtures import CORPUS

    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["我们在北京工作，他们在上海工作。"] * 6))
    (speck,) = select_rules(["speck-or-mark"])
    assert (speck.span, speck.delete_margin) == (SPECK_SPAN, SPECK_DELETE_MARGIN) and SPECK_DELETE_MARGIN > 0
    text = "我们在北.京工作。"
    scores = mark_scores(lm, text, 4, 1, speck.options, speck.span)
    lead = scores[""] - max(v for k, v in scores.items() if k)  # deleting the speck: the LM's favourite
    assert lead > 0
    kept = dataclasses.replace(speck, delete_margin=lead + 0.01)
    best = max((k for k in speck.options if k), key=scores.__getitem__)
    assert [c[2] for c in rule_changes(text, (kept,), lm)] == [best]
    assert [c[2] for c in rule_changes(text, (dataclasses.replace(speck, delete_margin=lead - 0.01),), lm)] == [""]


def test_a_dot_before_an_opening_quote_is_weighed_too(tmp_path):
    from ocrfix.correction.edits import apply_changes
    from ocrfix.correction.rules import select_rules
    from test_correct_fixtures import CORPUS

    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["他说“我们在北京”。"] * 6))
    speck = select_rules(["speck-or-mark"])
    for noisy in ("他说.“我们在北京”。", "他说·“我们在北京”。"):
        assert apply_changes(noisy, rule_changes(noisy, speck, lm))[0] == "他说“我们在北京”。"
        assert all(change[2] for change in rule_changes(noisy, select_rules(["misread-mark"]), lm))  # never deleted
    assert rule_changes("他说3.“我们在北京”。", speck, lm) == []  # after a digit: a list's number


def test_text_that_writes_half_width_commas_keeps_its_own_marks():
    from ocrfix.correction.rules import MIN_STYLE_COMMAS, writes_half_width

    clauses = ["我们在北京工作", "他们在上海工作", "大家都很忙", "今天天气很好", "明天还要开会", "会议很重要"]
    typed = ",".join(clauses) + "。|下一篇研究报告\n双方代表亲切交流\""
    assert writes_half_width(typed)
    assert rule_changes(typed) == []  # the '|', '.' and straight quotes are the writer's own
    printed = typed.replace(",", "，")
    assert not writes_half_width(printed)
    assert fix(printed) != printed  # the same marks in print's style are OCR noise
    few = ",".join(clauses[:MIN_STYLE_COMMAS - 1]) + "，".join(clauses)
    assert not writes_half_width(few)  # a stray ',' or two among '，' is not a style
    # rules that do not read marks still apply: a number's '96', a bracket read for '（'
    numbers = typed + "\n增长2596，" + "石玉钢《苗族)"
    assert fix(numbers).endswith("石玉钢（苗族)")


def test_a_middle_dot_the_lm_finds_far_likelier_gone_is_deleted_and_a_name_keeps_its_own(tmp_path):
    import dataclasses

    from ocrfix.correction.edits import apply_changes
    from ocrfix.correction.rules import STRAY_MIDDOT_MIN_MARGIN, select_rules
    from test_correct_fixtures import CORPUS

    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["约翰·史密斯在北京工作。"] * 6))
    (shipped,) = select_rules(["stray-middot"])
    noisy = "我们在北·京工作。"
    gain = mark_scores(lm, noisy, 4, 1, ("", "·"))
    assert gain[""] - gain["·"] < STRAY_MIDDOT_MIN_MARGIN  # the tiny bigram LM is never that sure
    loose = (dataclasses.replace(shipped, min_margin=gain[""] - gain["·"] - 0.1),)
    assert apply_changes(noisy, rule_changes(noisy, loose, lm))[0] == "我们在北京工作。"
    assert rule_changes(noisy, (shipped,), lm) == []
    assert rule_changes("约翰·史密斯在北京工作。", loose, lm) == []  # the LM knows the name with its dot
    assert rule_changes(noisy, loose) == []  # no LM, no choice


def test_a_period_stays_in_a_text_whose_own_sentence_breaks_the_lm_would_rather_run_on(tmp_path):
    import dataclasses

    from ocrfix.correction.edits import apply_changes
    from ocrfix.correction.rules import MIN_STYLE_MATCHES, select_rules
    from test_correct_fixtures import CORPUS

    lm = load_lm(write_arpa(tmp_path / "lm.arpa", CORPUS + ["我们在北京工作，他们在上海工作。"] * 6))
    rule = (dataclasses.replace(select_rules(["period-comma"])[0], min_margin=0.1),)
    noisy = "我们在北京工作。他们在上海工作。"
    news = noisy + "今天天气很好。我们今天在北京开会。" * (MIN_STYLE_MATCHES - 1)  # breaks where the LM expects them
    assert apply_changes(news, rule_changes(news, rule, lm))[0].startswith("我们在北京工作，他们")
    essay = noisy * MIN_STYLE_MATCHES  # the writer ends every such sentence: the LM prefers a comma at most breaks
    assert rule_changes(essay, rule, lm) == []
    assert rule_changes(noisy * (MIN_STYLE_MATCHES // 2), rule, lm) == []  # too few breaks to tell a style
    assert rule_changes(noisy, rule, lm) == []  # one sentence alone


def test_a_bar_that_separates_typed_items_stays():
    for typed in ("他们所作努力都很好。|认为没有任何势力能够阻挡两国人民友好交往的历史潮流。",  # after a sentence end
                  "宝马5系(图片|配置|询价)认为没有任何势力能够阻挡两国人民友好交往的历史潮流。"):  # a list of items
        assert fix(typed) == typed
    noisy = "他们所作努力，认|为没有任何势力能够阻挡两国人民友好交往的历史潮流。|下一篇"
    assert fix(noisy) == noisy.replace("认|为", "认为")


def test_a_bar_in_a_typed_text_is_the_writers():
    """A bar is the engine's at a column's edge, in a text whose printed lines the reflow joined; a
    typed text (paragraphs on lines of their own) runs web headlines together with their bars."""
    from ocrfix.correction.edits import apply_changes

    typed = "他们所作努力，心里都有一个读书|球员为什么那么喜欢纹身？骑车不让导致事故。\n投资界快讯|齐家网向港交所提交申请。"
    assert apply_changes(typed, rule_changes(typed))[0] == typed
    assert fix(typed) == typed.replace("读书|", "读书")  # the headline line is no body text: its bar stays


def test_a_lone_rule_match_in_clean_print_is_the_writers_and_several_are_the_engines(tmp_path):
    import dataclasses

    from ocrfix.correction.corrector import CLEAN_PRINT_MIN_CHANGES
    from ocrfix.correction.score import SparsePages

    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    clean_print = dataclasses.replace(WEIGHTS, sparse=SparsePages(density=1.0, threshold=0.99))

    def corrected(text, weights):
        return Corrector(model=lm, confusions=confusion_set(tmp_path), weights=weights, inventory=INVENTORY,
                         variants={}).correct(text, reflow=False).text

    typed = "他们所作努力，.认为没有任何势力能够阻挡两国人民友好交往的历史潮流。"  # one speck: the writer's?
    assert corrected(typed, clean_print) == typed
    assert corrected(typed, WEIGHTS) == typed.replace("，.", "，")  # no clean-print pass: every rule applies
    specks = ["，.认为", "风险*。我们", "收入*。今年"][:CLEAN_PRINT_MIN_CHANGES]
    noisy = typed.replace("，.认为", "".join(specks))
    assert corrected(noisy, clean_print) == noisy.replace("，.", "，").replace("*。", "。")


def test_a_lone_rule_match_stands_in_a_block_the_reflow_joined_from_column_lines(tmp_path):
    import dataclasses

    from ocrfix.correction.score import SparsePages

    lm = load_lm(write_arpa(tmp_path / "lm.arpa"))
    clean_print = dataclasses.replace(WEIGHTS, sparse=SparsePages(density=1.0, threshold=0.99))
    corrector = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=clean_print, inventory=INVENTORY,
                          variants={})
    typed = "他们所作努力，认|为没有任何势力能够阻挡两国人民友好交往的历史潮流。"
    columns = "他们所作努力，认|为没有任\n何势力能够阻挡两国人民友\n好交往的历史潮流。\n"  # scanned print: wrapped lines
    assert corrector.correct(typed).text.strip() == typed  # typed in print's style: the writer's bar
    assert corrector.correct(columns).text.strip() == typed.replace("|", "")


@pytest.mark.parametrize("ocr, expected", [
    ("他说：“要讲好“鼓浪屿”故事。”\n", "他说：“要讲好‘鼓浪屿’故事。”\n"),  # print's ‘’ read as “”
    ("“甲“乙”丙”，“丁”\n“戊”", "“甲‘乙’丙”，“丁”\n“戊”"),  # only the second level, paragraph by paragraph
])
def test_nested_quotes_read_as_double_become_single(ocr, expected):
    assert fix(ocr) == expected


@pytest.mark.parametrize("clean", ["“甲”“乙”“丙”", "他说：“要讲好‘鼓浪屿’故事。”",
                                   "“甲“乙“丙”乙”甲”",  # three deep: the nesting is unknown
                                   "“甲“乙”丙", "甲“乙”丙”"])  # a mark lost or extra
def test_nested_quote_rules_leave_other_quotations_alone(clean):
    assert [c for c in rule_changes(clean) if c[4][0].startswith("rule:nested")] == []


def test_a_paragraph_of_many_quotations_is_read_once_for_its_nesting():
    """Both nested-quote rules look up each paragraph's levels once, not once per quotation mark
    (a long paragraph of many quotations took seconds per ten thousand characters)."""
    from ocrfix.correction.rules import _second_level_quotes

    text = "他说“我们要“坚持”发展”，大家认为“这很好”。" * 200 + "\n“甲“乙”丙”"
    _second_level_quotes.cache_clear()
    changes = [c for c in rule_changes(text) if c[4][0].startswith("rule:nested")]
    assert len(changes) == 2 * 200 + 2
    assert _second_level_quotes.cache_info().misses == 2  # one per paragraph


@pytest.mark.parametrize("ocr, expected", [
    ("共建”一带一路”合作，”双创”平台\n", "共建“一带一路”合作，“双创”平台\n"),  # the opening marks read as closing ones
    ("她说”好\"。\n", "她说“好”。\n"),  # ... closed by a straight quote, which then closes
    ("“甲”，”乙”\n”丙”", "“甲”，“乙”\n“丙”"),  # paragraph by paragraph
])
def test_an_opening_quote_read_as_a_closing_one_is_turned(ocr, expected):
    assert fix(ocr) == expected


@pytest.mark.parametrize("text", ["“甲”“乙”", "他说：“要讲好‘鼓浪屿’故事。”", "甲”乙“丙”",  # a closing mark, then “
                                  "“甲”乙”",  # a quotation open: the second closes twice (nested, or extra)
                                  "甲乙”"])  # nothing after it
def test_a_closing_quote_that_may_close_stays(text):
    assert [c for c in rule_changes(text) if c[4] == ("rule:reversed-open-quote",)] == []


@pytest.mark.parametrize("ocr, expected", [
    ("以邓小平理论、『三个代表]重要思想为指导。\n", "以邓小平理论、“三个代表”重要思想为指导。\n"),  # vertical “ ” read
    ("他说：『好。]她说：“是。]\n", "他说：“好。”她说：“是。”\n"),
    ("书中『甲』一节，见[注]。\n", "书中『甲』一节，见[注]。\n"),  # a paired corner mark, a bracket opened
    ("甲乙]。\n", "甲乙]。\n"),  # no quotation open
])
def test_the_vertical_quote_forms_read_as_corner_and_bracket_marks_are_quotes(ocr, expected):
    assert fix(ocr) == expected


def test_a_lone_closing_single_quote_between_han_text_is_the_mark_the_lm_likes(tmp_path):
    from ocrfix.correction.rules import select_rules

    lm = load_lm(write_arpa(tmp_path / "lm.arpa", ["我们在北京，他们在上海。"] * 5))
    rules = select_rules(["lone-close-single-quote"])
    assert rule_changes("我们在北京’他们在上海。", rules, lm=lm) == [(5, "’", "，", 1.0, ("rule:lone-close-single-quote",))]
    for text in ("他说‘我们在北京’他们在上海。", "他说“我们在北京’他们在上海。"):  # a quotation open: it may close it
        assert rule_changes(text, rules, lm=lm) == []


def test_scanned_print_keeps_the_rules_of_print_marks_whatever_width_its_commas_were_read_in():
    from ocrfix.correction.rules import reflowed_from_columns, writes_half_width

    clauses = ["我们在北京工作", "他们在上海工作", "大家都很忙", "今天天气很好", "明天还要开会", "会议很重要"]
    read = ",".join(clauses) + "。|下一篇研究报告\n双方代表亲切交流\""  # a face whose '，' the engine reads ','
    assert writes_half_width(read) and rule_changes(read) == []
    assert rule_changes(read, scanned=True) != []
    assert reflowed_from_columns(read, [5, 12, 30])  # three printed lines joined into two paragraphs
    assert not reflowed_from_columns(read, [5]) and not reflowed_from_columns(read, [])  # typed: lines of their own


def test_a_mark_read_as_a_han_character_goes_back_only_where_the_lm_prefers_it_by_far(tmp_path):
    import dataclasses

    from ocrfix.correction.edits import apply_changes
    from ocrfix.correction.rules import HAN_MARK_MIN_MARGIN, select_rules

    lm = load_lm(write_arpa(tmp_path / "lm.arpa", ["我们在北京，他们在上海。", "第二届会议在北京召开。"] * 5))
    (shipped,) = select_rules(["han-read-for-mark"])
    noisy = "我们在北京二他们在上海。"
    scores = mark_scores(lm, noisy, 5, 1, ("二", "，"))
    margin = scores["，"] - scores["二"]
    assert 0 < margin  # the LM prefers the comma ...
    loose = (dataclasses.replace(shipped, min_margin=margin - 0.1),)
    strict = (dataclasses.replace(shipped, min_margin=margin + 0.1),)
    assert apply_changes(noisy, rule_changes(noisy, loose, lm))[0] == "我们在北京，他们在上海。"
    assert rule_changes(noisy, strict, lm) == []  # ... but not by the margin
    assert (rule_changes(noisy, (shipped,), lm) == []) == (margin <= HAN_MARK_MIN_MARGIN)
    assert rule_changes("第二届会议在北京召开。", loose, lm) == []  # the numeral where it belongs
    assert rule_changes("我们在北京三他们在上海。", loose, lm) == []  # not a shape a mark is read as
    assert rule_changes(noisy, loose) == []  # no LM, no choice


def test_an_opening_quote_that_opens_nothing_is_the_mark_the_lm_likes(tmp_path):
    from ocrfix.correction.rules import QUOTE_MARK_MIN_MARGIN, select_rules

    lm = load_lm(write_arpa(tmp_path / "lm.arpa", ["我们在北京，他们在上海。", "工业、能源、投资、高技术。"] * 5))
    rules = select_rules(["unclosed-open-quote"])
    noisy = "我们在北京“他们在上海。"
    scores = mark_scores(lm, noisy, 5, 1, ("“", "，"))
    assert scores["，"] - scores["“"] > QUOTE_MARK_MIN_MARGIN
    assert rule_changes(noisy, rules, lm=lm) == [(5, "“", "，", 1.0, ("rule:unclosed-open-quote",))]
    # a '“' before another '“' opens nothing either; the one a '”' closes is a quotation
    assert [c[:3] for c in rule_changes("工业“能源、投资“高技术”。", rules, lm=lm)] == [(2, "“", "、")]
    assert rule_changes("我们在北京“他们在上海”。", rules, lm=lm) == []
    assert rule_changes('我们在北京“他们在上海"。', rules, lm=lm) == []
