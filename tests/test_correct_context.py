"""Context candidates (bigram index of the LM corpus), glyph similarity, and the cached decoder."""
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from ocrfix.confusions import ConfusionSet
from ocrfix.confusions.misread import MisreadRates
from ocrfix.confusions.similarity import GlyphSpace
from ocrfix.correction.candidates import CONTEXT, CONTEXT_GATE, CandidateSource, ContextCandidates, build_table
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.decode import SentenceDecoder
from ocrfix.correction.document import DocumentBigrams
from ocrfix.correction.features import BASE_FEATURES, Featurizer, forward, mean_logp
from ocrfix.correction.score import Weights
from ocrfix.errors import ModelError
from ocrfix.lm.context import ContextIndex, context_path
from ocrfix.normalize import lm_line
from ocrfix.segment import segment

from test_correct_fixtures import CORPUS, INVENTORY, WEIGHTS, confusion_set, load_lm, write_arpa


@pytest.fixture(scope="module")
def lm(tmp_path_factory):
    return load_lm(write_arpa(tmp_path_factory.mktemp("lm") / "tiny.arpa"))


def fresh_index() -> ContextIndex:
    return ContextIndex.fit(map(lm_line, CORPUS), min_count=1)


@pytest.fixture(scope="module")
def index():
    return fresh_index()


def glyphs() -> GlyphSpace:
    chars = sorted(INVENTORY)
    return GlyphSpace(chars, np.random.default_rng(0).normal(size=(len(chars), 8)))


def test_between_ranks_what_both_neighbours_ask_for(index):
    ranked = index.between("工", "。", 3)
    assert ranked[0][0] == "作"
    assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)
    assert 0 < sum(s for _, s in ranked) <= 1.0 + 1e-9
    assert index.between(None, "们", 1)[0][0] == "我"  # "<s> 我们" is the commonest start
    assert index.between("天", "？", 5) and index.between("？", "！") == []  # "？": never seen, no constraint
    after_tian = [c for c, _ in index.between("天", "？", 5)]
    assert [c for c, _ in index.between("天", "？", 4, exclude=index.token_ids(after_tian[:1]))] == after_tian[1:5]


def test_restrict_removes_characters_from_the_proposals():
    index = fresh_index()
    index.restrict(INVENTORY - {"作"})
    assert "作" not in [c for c, _ in index.between("工", "。", 10)]


def test_save_load_roundtrip_and_bad_files(index, tmp_path):
    path = tmp_path / "x.context.npz"
    index.save(path)
    again = ContextIndex.load(path)
    assert again.vocab == index.vocab and again.between("在", "京", 4) == index.between("在", "京", 4)
    (tmp_path / "junk.npz").write_bytes(b"not numpy at all")
    for bad in (tmp_path / "junk.npz", tmp_path / "missing.npz"):
        with pytest.raises(ModelError):
            ContextIndex.load(bad)


def test_min_count_drops_rare_bigrams():
    assert ContextIndex.fit(["甲 乙", "甲 乙", "甲 丙"], min_count=2).between("甲", None, 5) == [("乙", 1.0)]


def test_context_path_sits_beside_the_lm():
    assert context_path("models/lm/news.klm") == Path("models/lm/news.context.npz")


def test_lm_context_cli_writes_an_index_and_rejects_bad_input(tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(CORPUS) + "\n", encoding="utf-8")
    out = tmp_path / "tiny.context.npz"
    cmd = [sys.executable, "-m", "ocrfix", "lm", "context", str(corpus), "-o", str(out), "--min-count", "1"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert ContextIndex.load(out).between("工", "。", 1)[0][0] == "作"
    missing = subprocess.run(cmd[:5] + [str(tmp_path / "nope.txt"), "-o", str(out)], capture_output=True, text=True)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr


def test_glyph_space_similarity_and_roundtrip(tmp_path):
    space = GlyphSpace(["甲", "乙", "丙"], np.array([[1.0, 0.0], [1.0, 1.0], [0.0, -2.0]]))
    assert space.similarity("甲", "乙") == pytest.approx(2 ** -0.5, abs=1e-6)
    assert space.similarity("甲", "丙") == pytest.approx(0.0, abs=1e-6)
    assert space.similarity("甲", "丁") == 0.0  # unknown characters carry no evidence
    space.save(tmp_path / "g.npz")
    assert GlyphSpace.load(tmp_path / "g.npz").similarity("甲", "乙") == pytest.approx(2 ** -0.5, abs=1e-3)
    with pytest.raises(ModelError):
        GlyphSpace.load(tmp_path / "missing.npz")
    with pytest.raises(ModelError):
        GlyphSpace(["甲"], np.zeros((2, 2)))


def test_context_candidates_only_at_improbable_sites(lm, index):
    source = CandidateSource(build_table(ConfusionSet.from_scores({"乍": {"怎": 0.3}}, "visual"), 5, INVENTORY),
                             [ContextCandidates(index)])
    (sentence,) = segment("我们在北京工乍。", INVENTORY)
    lattice = source.lattice(sentence)
    fwd = forward(lm, sentence.tokens)
    sites = source.with_context(lattice, fwd.tokens, fwd.logps)
    for i, (plain, full) in enumerate(zip(lattice, sites)):
        if plain is None:
            assert full is None
            continue
        added = full[len(plain):]
        if fwd.logps[i] >= CONTEXT_GATE:
            assert added == ()
        assert all(entry[3] == (CONTEXT,) for entry in added)
        assert not {e[0] for e in added} & ({e[0] for e in plain} | {sentence.tokens[i]})
    assert fwd.logps[6] < CONTEXT_GATE and "作" in [e[0] for e in sites[6]]  # 乍


def test_static_columns_of_confusion_and_context_candidates(lm, index):
    table = build_table(ConfusionSet.from_scores({"乍": {"怎": 0.3, "夫": 0.1}}, "visual"), 5, INVENTORY)
    source = CandidateSource(table, [ContextCandidates(index)])  # 作 fits between 工 and 。: a context candidate
    space, misread = glyphs(), MisreadRates({"乍": 4, "作": 9}, {"乍": 3})
    featurizer = Featurizer(lm, ("visual", CONTEXT), space, misread, prune=None, reject=None)  # every candidate
    (sentence,) = segment("我们在北京工乍。", INVENTORY)
    fwd = forward(lm, sentence.tokens)
    sites = source.with_context(source.lattice(sentence), fwd.tokens, fwd.logps)
    cands, rows = featurizer.rows(fwd, sites, DocumentBigrams([sentence.tokens]))
    column = {name: k for k, name in enumerate(featurizer.names)}
    null = lm.null_state()
    assert any(CONTEXT in c.sources for c in cands) and any(CONTEXT not in c.sources for c in cands)
    for cand, row in zip(cands, rows):
        orig = sentence.tokens[cand.index]
        cos = space.similarity(orig, cand.char)
        expected = {"orig_oov": 0.0 if lm.has_token(orig) else 1.0, "uni_orig": lm.score_token(null, orig)[0],
                    "orig_misread": misread.log_rate(orig), "n_cands": math.log1p(len(table.get(orig, ()))),
                    "channel": math.log10(cand.score), "rank": math.log1p(cand.rank),
                    "uni_cand": lm.score_token(null, cand.char)[0], "glyph_cos": cos,
                    "context_glyph": cos if CONTEXT in cand.sources else 0.0,
                    "src:visual": float("visual" in cand.sources), f"src:{CONTEXT}": float(CONTEXT in cand.sources)}
        assert {name: row[column[name]] for name in expected} == pytest.approx(expected, abs=1e-6), (orig, cand)


def context_weights() -> Weights:
    coef = {"lm_gain": 4.0, "channel": 2.0, f"src:{CONTEXT}": 8.0}
    names = BASE_FEATURES + (f"src:{CONTEXT}",)
    return Weights(tuple(coef.get(n, 0.0) for n in names), -3.0, (CONTEXT,), threshold=0.5, k=5)


def test_context_fixes_an_error_no_confusion_set_knows(lm, index):
    empty = ConfusionSet.from_scores({"京": {"景": 0.4}}, "pinyin")
    plain = Corrector(model=lm, confusions=empty, weights=WEIGHTS, inventory=INVENTORY, glyphs=glyphs())
    assert plain.correct("我们在北京工乍。", reflow=False).edits == ()
    with_context = Corrector(model=lm, confusions=empty, weights=context_weights(), inventory=INVENTORY,
                             context=index, glyphs=glyphs())
    result = with_context.correct("我们在北京工乍。", reflow=False)
    assert result.text == "我们在北京工作。" and result.edits[0].sources == (CONTEXT,)
    assert with_context.correct("我们在北京工作。", reflow=False).edits == ()


def test_weights_with_context_candidates_need_the_index(lm, tmp_path):
    with pytest.raises(ModelError):
        Corrector(model=lm, confusions=confusion_set(tmp_path), weights=context_weights(), inventory=INVENTORY)
    with pytest.raises(ModelError):
        Corrector(model=lm, confusions=confusion_set(tmp_path), weights=context_weights(), inventory=INVENTORY,
                  context=tmp_path / "missing.context.npz")


def naive_decode(featurizer, weights, source, sentence, threshold, document, max_edits):
    """The decoder without its row cache: every site rescored after every edit."""
    lattice = source.lattice(sentence)
    current = list(sentence.tokens)
    sent_logp = mean_logp(forward(featurizer.lm, current))
    chosen = []
    while len(chosen) < max_edits:
        fwd = forward(featurizer.lm, current)
        cands, rows = [], []
        for i, site in enumerate(source.with_context(lattice, current, fwd.logps)):
            c, r = featurizer.site_rows(fwd, i, site, sent_logp, document)
            cands += c
            rows += list(r)
        if not cands:
            break
        probs = weights.probability(np.array(rows))
        best = int(probs.argmax())
        if probs[best] < threshold:
            break
        chosen.append((cands[best].index, cands[best].char))
        current[cands[best].index] = cands[best].char
        lattice[cands[best].index] = None
    return chosen


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(CORPUS[:7]), st.lists(st.tuples(st.integers(0, 9), st.sampled_from("乍夫每字做怎")), max_size=3))
def test_cached_decoder_matches_full_rescoring(lm, index, sentence_text, damage):
    chars = list(sentence_text)
    for pos, ch in damage:
        chars[pos % (len(chars) - 1)] = ch
    table = build_table(ConfusionSet.from_scores({"乍": {"作": 0.8}, "夫": {"天": 0.6}, "做": {"作": 0.5}}, "visual"),
                        5, INVENTORY)
    source = CandidateSource(table, [ContextCandidates(index)])
    weights = context_weights()
    featurizer = Featurizer(lm, weights.sources, glyphs(), MisreadRates({"乍": 4, "作": 9}, {"乍": 3}), prune=None)
    sentences = segment("".join(chars), INVENTORY)
    document = DocumentBigrams(s.tokens for s in sentences)
    for sentence in sentences:
        got = [(c.candidate.index, c.candidate.char)
               for c in SentenceDecoder(featurizer, weights, source, sentence, document).run(0.5, 4)]
        assert got == naive_decode(featurizer, weights, source, sentence, 0.5, document, 4)


def test_build_glyphs_cli_embeds_the_given_characters(tmp_path):
    chars = tmp_path / "chars.txt"
    chars.write_text("未 末 木 人", encoding="utf-8")
    out = tmp_path / "g.npz"
    done = subprocess.run([sys.executable, "-m", "ocrfix", "confusions", "build", "glyphs", "--chars", str(chars),
                           "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    space = GlyphSpace.load(out)
    assert set(space.chars) == set("未末木人")
    assert space.similarity("未", "末") > space.similarity("未", "人")


ALPHABET = [chr(0x4E00 + k) for k in range(90)]  # more than 64 tokens: pairs span several bit words


@given(st.lists(st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=12), min_size=1, max_size=40),
       st.integers(min_value=1, max_value=2), st.randoms(use_true_random=False))
@settings(max_examples=40, deadline=None)
def test_block_lookups_and_rankings_equal_plain_bigram_counting(lines, min_count, rnd):
    index = ContextIndex.fit((" ".join(line) for line in lines), min_count=min_count)
    counts: dict[tuple[str, str], int] = {}
    for line in lines:
        for pair in zip(["<s>", *line], [*line, "</s>"]):
            counts[pair] = counts.get(pair, 0) + 1
    counts = {pair: n for pair, n in counts.items() if n >= min_count}
    total = {a: sum(n for (x, _), n in counts.items() if x == a) for a in index.vocab}
    left = [rnd.randrange(len(index.vocab)) for _ in range(rnd.randint(1, 8))]
    right = [rnd.randrange(len(index.vocab)) for _ in range(rnd.randint(1, 8))]
    block = index.log_transitions(np.array(left), np.array(right))
    for r, a in enumerate(left):
        for c, b in enumerate(right):
            n = counts.get((index.vocab[a], index.vocab[b]), 0)
            assert block[r, c] == (math.log(n / total[index.vocab[a]]) if n else -math.inf), (index.vocab[a], index.vocab[b])
    # between: P(c | left) P(right | c), normalized, best first, ties in id order
    a, b = rnd.choice(index.vocab), rnd.choice(index.vocab)
    score = {c: (counts.get((a, c), 0) / max(total[a], 1)) * (counts.get((c, b), 0) / max(total[c], 1)) for c in index.vocab}
    positive = {c: s for c, s in score.items() if s > 0}
    expected = sorted(positive, key=lambda c: (-positive[c], index.ids[c]))[:5]
    ranked = index.between(a, b, 5)
    assert [c for c, _ in ranked] == expected
    assert [p for _, p in ranked] == pytest.approx([positive[c] / sum(positive.values()) for c in expected])
    # excluded tokens are left out, the rest keep their order, normalized among themselves
    exclude = expected[::2] + ["?never seen?"]
    rest = {c: s for c, s in positive.items() if c not in exclude}
    best_rest = sorted(rest, key=lambda c: (-rest[c], index.ids[c]))[:3]
    assert index.between(a, b, 3, exclude=index.token_ids(exclude)) == \
        [(c, pytest.approx(rest[c] / sum(rest.values()))) for c in best_rest]
    assert index.between(a, b, 5) == ranked  # the exclusion left nothing behind


def test_glyph_similarities_of_many_equal_the_pairwise_ones():
    space = GlyphSpace(["甲", "乙", "丙"], np.array([[1.0, 0.0], [1.0, 1.0], [0.0, -2.0]]))
    others = ["乙", "丁", "丙", "甲"]
    assert space.similarities("甲", others).tolist() == pytest.approx([space.similarity("甲", o) for o in others], abs=1e-6)
    assert space.similarities("丁", others).tolist() == [0.0] * 4 and len(space.similarities("甲", [])) == 0
    assert space.rows(others).tolist() == [1, -1, 2, 0]


def test_site_generators_add_their_proposals_in_order_and_only_at_edit_sites():
    class Fixed:
        def __init__(self, char: str) -> None:
            self.char = char

        def propose(self, entries, tokens, logps, i):
            return ((self.char, 1e-4, 0, ("fixed",)),) if logps[i] < -1 else ()

    base = (("怎", 0.3, 0, ("visual",)),)
    source = CandidateSource({"乍": base}, [Fixed("作"), Fixed("昨")])
    assert source.site(base, ["工", "乍"], [0.0, -2.0], 1) == base + (("作", 1e-4, 0, ("fixed",)), ("昨", 1e-4, 0, ("fixed",)))
    assert source.site(base, ["工", "乍"], [0.0, -0.5], 1) is base
    assert source.site(None, ["工", "乍"], [0.0, -2.0], 1) is None
    assert CandidateSource({"乍": base}).site(base, ["工", "乍"], [0.0, -2.0], 1) is base
    # a withheld candidate (a regional form's other standard) is neither in the table nor generated
    table = {"乍": base + (("作", 0.2, 1, ("visual",)),)}
    source = CandidateSource(table, [Fixed("作"), Fixed("昨")], withheld={"乍": "作"})
    assert source.table["乍"] == base and len(table["乍"]) == 2
    assert source.site(base, ["工", "乍"], [0.0, -2.0], 1) == base + (("昨", 1e-4, 0, ("fixed",)),)


def test_the_corrector_runs_the_generators_of_its_weights_sources(lm, tmp_path):
    from ocrfix.correction.candidates import GENERATORS

    assert set(GENERATORS) == {CONTEXT}
    plain = Corrector(model=lm, confusions=confusion_set(tmp_path), weights=WEIGHTS, inventory=INVENTORY)
    assert plain.candidates.generators == () and plain.context is None



def test_the_candidate_table_holds_each_character_and_source_tuple_once():
    """Equal candidate characters and source tuples are one object across the table (330,000 of each in
    the shipped one), and stay so through the cache's pickle."""
    import pickle

    cset = ConfusionSet.from_scores({"乍": {"作": 0.8, "怎": 0.3}, "夫": {"天": 0.6, "作": 0.2}, "做": {"作": 0.5}}, "visual")
    table = build_table(cset, 5, INVENTORY)
    firsts = [entries[0] for entries in table.values()]
    assert {e[0] for e in firsts} == {"作", "天"}
    made = [e for entries in table.values() for e in entries if e[0] == "作"]
    assert len(made) == 3 and all(e[0] is made[0][0] and e[3] is made[0][3] for e in made)
    again = pickle.loads(pickle.dumps(table))
    kept = [e for entries in again.values() for e in entries if e[0] == "作"]
    assert all(e[0] is kept[0][0] and e[3] is kept[0][3] for e in kept)
