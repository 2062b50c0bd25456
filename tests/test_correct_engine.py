"""The OCR engine's confidences and alternative readings as channel evidence (ocrfix.correction.engine)."""
import json
import math
from pathlib import Path

import pytest

from ocrfix.correction.corrector import Corrector
from ocrfix.correction.engine import ConfidencePrior, Reading, token_evidence
from ocrfix.errors import ModelError
from ocrfix.formats import parse_document, read_document, reflow_document
from ocrfix.formats.pipeline import engine_readings
from ocrfix.profiles import load_profile
from ocrfix.settings import PROJECT_ROOT

from test_correct_fixtures import INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa
from test_profiles import make_profile

DATA = Path(__file__).parent / "data" / "formats"
TEXT = "我们在北京工乍。"  # 乍 -> 作 (visual confusion, the LM agrees)
PRIOR = ConfidencePrior(weight=1.0, reference=0.95)
WORD_PRIOR = ConfidencePrior(weight=0.5, reference=0.9)


@pytest.fixture(scope="module")
def lm(tmp_path_factory):
    return load_lm(write_arpa(tmp_path_factory.mktemp("lm") / "tiny.arpa"))


def make(lm, tmp_path, **options) -> Corrector:
    return Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY, variants={}, **options)


def readings(text: str, at: int, reading: Reading) -> list[Reading | None]:
    return [reading if i == at else Reading(0.99) for i in range(len(text))]


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def test_a_doubted_character_is_corrected_where_the_same_text_alone_is_not(lm, tmp_path):
    (plain,) = make(lm, tmp_path, threshold=0.05).correct(TEXT, reflow=False).edits
    shift = PRIOR.shift(0.2)
    assert shift > 1
    threshold = 1 / (1 + math.exp(-(logit(plain.gain) + shift / 2)))  # between the plain and the doubted edit
    corrector = make(lm, tmp_path, threshold=threshold, confidence=PRIOR)
    assert corrector.correct(TEXT, reflow=False).text == TEXT
    doubted = corrector.correct(TEXT, reflow=False, readings=readings(TEXT, 6, Reading(0.2)))
    assert doubted.text == "我们在北京工作。"
    assert doubted.edits[0].gain == pytest.approx(1 / (1 + math.exp(-(logit(plain.gain) + shift))))


def test_a_sure_character_is_left_alone(lm, tmp_path):
    (plain,) = make(lm, tmp_path).correct(TEXT, reflow=False).edits
    unit = ConfidencePrior(1.0, 0.95).shift(0.9999)
    assert unit < 0
    corrector = make(lm, tmp_path, confidence=ConfidencePrior(weight=(logit(plain.gain) + 1) / -unit, reference=0.95))
    assert corrector.correct(TEXT, reflow=False).text == "我们在北京工作。"
    assert corrector.correct(TEXT, reflow=False, readings=readings(TEXT, 6, Reading(0.9999))).text == TEXT


def test_text_without_evidence_is_corrected_exactly_as_plain_text(lm, tmp_path):
    corrector = make(lm, tmp_path, confidence=PRIOR, threshold=0.05)
    text = "我们在北京工乍。他们在上海学习工乍。今夫天气很好。"
    plain = corrector.correct(text, reflow=False)
    for given in ([None] * len(text), [Reading()] * len(text)):
        assert corrector.correct(text, reflow=False, readings=given) == plain
    without_prior = make(lm, tmp_path, threshold=0.05)  # confidences, but no prior: nothing moves
    assert without_prior.correct(text, reflow=False, readings=[Reading(0.3)] * len(text)) == plain
    with pytest.raises(ValueError, match="per character"):
        corrector.correct(text, reflow=True, readings=[None] * len(text))


def test_alternatives_become_candidates(lm, tmp_path):
    text = "他们在上海工怎。"  # 怎 is a confusion candidate, never a seen character with candidates
    corrector = make(lm, tmp_path)
    assert corrector.correct(text, reflow=False).text == text
    result = corrector.correct(text, reflow=False, readings=readings(text, 6, Reading(0.6, (("作", 0.4), ("佐", 0.3)))))
    assert result.text == "他们在上海工作。" and result.edits[0].sources == ("engine",)
    outside = corrector.correct(text, reflow=False, readings=readings(text, 6, Reading(0.6, (("佐", 0.9),))))
    assert outside.text == text  # 佐 is not in the inventory


def test_token_evidence_is_none_where_the_engine_says_nothing():
    evidence = token_evidence([Reading(0.3), None, Reading(0.99, (("作", None),))], PRIOR)
    assert evidence.shifts[1] == 0.0 and evidence.shifts[0] > 0 > evidence.shifts[2]
    assert evidence.alternatives == ((), (), (("作", None),))
    assert token_evidence([Reading(0.3)], None).empty and token_evidence([None, Reading()], PRIOR).empty


def test_a_words_confidence_goes_through_the_word_prior_only_where_the_character_has_none():
    evidence = token_evidence([Reading(0.3), Reading(word_conf=0.3), Reading(0.99, word_conf=0.1), Reading(word_conf=0.99)],
                              PRIOR, WORD_PRIOR)
    assert evidence.shifts == (PRIOR.shift(0.3), WORD_PRIOR.shift(0.3), PRIOR.shift(0.99), WORD_PRIOR.shift(0.99))
    assert evidence.shifts[1] > 0 > evidence.shifts[3] and evidence.shifts[1] != evidence.shifts[0]
    assert token_evidence([Reading(word_conf=0.3)], PRIOR).empty  # no word prior: a word's confidence is unused
    assert token_evidence([Reading(word_conf=0.3)], None, WORD_PRIOR).shifts == (WORD_PRIOR.shift(0.3),)


def test_the_word_prior_moves_a_doubted_word_up_and_a_sure_one_down(lm, tmp_path):
    (plain,) = make(lm, tmp_path, threshold=0.05).correct(TEXT, reflow=False).edits
    up, down = WORD_PRIOR.shift(0.2), WORD_PRIOR.shift(0.999)
    assert up > 0 > down
    threshold = 1 / (1 + math.exp(-(logit(plain.gain) + up / 2)))
    corrector = make(lm, tmp_path, threshold=threshold, confidence=PRIOR, word_confidence=WORD_PRIOR)
    words = [Reading(word_conf=0.99)] * len(TEXT)
    assert corrector.correct(TEXT, reflow=False, readings=words).text == TEXT
    doubted = corrector.correct(TEXT, reflow=False, readings=words[:6] + [Reading(word_conf=0.2)] + words[7:])
    assert doubted.text == "我们在北京工作。"
    assert doubted.edits[0].gain == pytest.approx(1 / (1 + math.exp(-(logit(plain.gain) + up))))
    sure = make(lm, tmp_path, threshold=0.05, word_confidence=WORD_PRIOR).correct(
        TEXT, reflow=False, readings=[Reading(word_conf=0.999)] * len(TEXT))
    assert sure.edits[0].gain == pytest.approx(1 / (1 + math.exp(-(logit(plain.gain) + down))))
    # the character prior never reads a word's confidence
    only_chars = make(lm, tmp_path, threshold=0.05, confidence=PRIOR)
    assert only_chars.correct(TEXT, reflow=False, readings=[Reading(word_conf=0.2)] * len(TEXT)) == only_chars.correct(TEXT, reflow=False)


LSTM_CHOICES = b"""<span class='ocrx_cinfo' title='x_bboxes 112 69 167 125; x_conf 93.253777'>\xe5\xad\xa3</span>
        <span class='ocrx_cinfo' id='lstm_choices_1_1_1'>
         <span class='ocrx_cinfo' id='choice_1_1_1' title='x_confs 80.5'>\xe5\xad\xa3</span>
         <span class='ocrx_cinfo' id='choice_1_1_2' title='x_confs 12'>\xe7\xa7\x8b</span>
         <span class='ocrx_cinfo' id='choice_1_1_3' title='x_confs 0'>\xe5\xad\x97</span>
        </span>"""


def test_tesseract_choice_groups_are_alternatives_not_glyphs():
    data = (DATA / "onecol-chars.hocr").read_bytes()
    old = b"<span class='ocrx_cinfo' title='x_bboxes 112 69 167 125; x_conf 93.253777'>\xe5\xad\xa3</span>"
    assert old in data
    doc = parse_document(data.replace(old, LSTM_CHOICES), "choices.hocr")
    plain = read_document(DATA / "onecol-chars.hocr")
    assert doc.text() == plain.text()
    word = next(w for w in doc.words() if w.text == "春季")
    assert len(word.glyphs) == len(word.text)
    assert word.char_alternatives(1) == (("秋", 0.12), ("字", 0.0)) and word.char_alternatives(0) == ()
    flow = reflow_document(doc)
    found = engine_readings(doc, flow)
    at = flow.text.index("季")
    assert found[at].conf == pytest.approx(0.93253777) and found[at].alternatives == (("秋", 0.12), ("字", 0.0))
    assert len(found) == len(flow.text) and all((r is None) == ch.isspace() for r, ch in zip(found, flow.text))


def test_alto_and_page_alternatives_are_read_and_ocrfix_records_are_not():
    alto = (DATA / "onecol.xml").read_bytes()
    string = next(w for w in read_document(DATA / "onecol.xml").words() if len(w.text) == 2)
    tag = f'CONTENT="{string.text}"'.encode()
    alt = string.text[0] + "秋"
    marked = alto.replace(tag, tag + b">" + f"<ALTERNATIVE>{alt}</ALTERNATIVE><ALTERNATIVE PURPOSE='OCR'>xx</ALTERNATIVE></String".encode(), 1)
    marked = marked.replace(b"></String/>", b"></String>", 1)
    word = next(w for w in parse_document(marked, "a.xml").words() if w.text == string.text)
    assert word.alternatives == (alt,) and word.char_alternatives(1) == (("秋", None),) and word.char_alternatives(0) == ()
    page = (DATA / "small.page.xml").read_bytes()
    glyph = b'<TextEquiv conf="0.41"><Unicode>\xe6\x99\xa8</Unicode></TextEquiv>'
    assert glyph in page
    more = glyph + b'<TextEquiv index="2" conf="0.3"><Unicode>\xe6\x97\xa9</Unicode></TextEquiv>' \
                   b'<TextEquiv index="3" comments="ocrfix: original OCR reading"><Unicode>\xe6\x98\x9f</Unicode></TextEquiv>'
    word = next(w for w in parse_document(page.replace(glyph, more), "p.xml").words() if w.id == "w_1")
    assert word.char_alternatives(1) == (("早", 0.3),)


def test_plain_and_unscored_documents_give_no_readings():
    for name in ("onecol.txt",):
        doc = read_document(DATA / name)
        assert engine_readings(doc, reflow_document(doc)) is None


def test_word_confidences_are_word_evidence_and_a_characters_own_come_first():
    doc = read_document(DATA / "onecol.xml")  # ALTO with WC on every String, no CC
    assert any(w.conf is not None for w in doc.words())
    flow = reflow_document(doc)
    found = engine_readings(doc, flow)
    at = flow.text.index("春季")
    assert all(r is None or r.conf is None for r in found) and found[at].word_conf == found[at + 1].word_conf == 0.52
    src = (DATA / "onecol.xml").read_bytes().replace(b'WC="0.52" CONTENT="\xe6\x98\xa5\xe5\xad\xa3"',
                                                     b'WC="0.52" CC="09" CONTENT="\xe6\x98\xa5\xe5\xad\xa3"')
    scored = parse_document(src, "cc.xml")
    flow = reflow_document(scored)
    found = engine_readings(scored, flow)
    at = flow.text.index("春季")
    assert found is not None and found[at].conf == pytest.approx(1.0) and found[at + 1].conf == 0.0
    assert sum(r is not None and r.conf is not None for r in found) == 2
    assert found[at].word_conf is None and found[at + 1].word_conf is None  # the word's 0.52 is not used there
    assert found[at + 2].word_conf is not None


def test_a_profile_carries_its_confidence_prior(lm, tmp_path):
    directory = make_profile(tmp_path / "p", confidence={"weight": 0.5, "reference": 0.9})
    assert load_profile(directory, PROJECT_ROOT / "models").confidence == (0.5, 0.9)
    corrector = Corrector(model=lm, inventory=INVENTORY, variants={}, profile=directory)
    assert corrector.confidence == ConfidencePrior(0.5, 0.9) and corrector.word_confidence is None
    worded = make_profile(tmp_path / "w", word_confidence={"weight": 0.25, "reference": 0.95})
    assert load_profile(worded, PROJECT_ROOT / "models").word_confidence == (0.25, 0.95)
    corrector = Corrector(model=lm, inventory=INVENTORY, variants={}, profile=worded)
    assert corrector.word_confidence == ConfidencePrior(0.25, 0.95) and corrector.confidence is None
    for key in ("confidence", "word_confidence"):
        for bad in ({"weight": -1, "reference": 0.9}, {"weight": 1}, {"weight": 1, "reference": 1.0}, [1, 2]):
            (directory / "profile.json").write_text(json.dumps({"format": 1, "files": {}, key: bad}))
            with pytest.raises(ModelError, match=f": {key} must be"):
                load_profile(directory, PROJECT_ROOT / "models")
