from ocrfix.segment import protected_mask, segment, sentence_tokens


def flags(sentence):
    return "".join("1" if e else "0" for e in sentence.editable)


def test_sentences_split_after_final_punctuation_and_lines():
    text = "今天天气很好。我们在北京\n他说：“走！”大家"
    got = [text[s.start:s.end] for s in segment(text)]
    assert got == ["今天天气很好。", "我们在北京\n", "他说：“走！”", "大家"]


def test_offsets_point_at_the_characters_and_whitespace_has_no_token():
    text = "本报讯 市委\u3000会议"
    (sentence,) = segment(text)
    assert "".join(sentence.tokens) == "本报讯市委会议"
    assert [text[o] for o in sentence.offsets] == list("本报讯市委会议")


def test_only_han_in_inventory_outside_protected_spans_is_editable():
    text = "共236件ABC字，见www.example.cn/天。乍"
    (first, second) = segment(text, inventory=set("共件字见乍"))
    assert flags(first) == "1" + "000" + "1" + "000" + "1" + "0" + "1" + "0" * len("www.example.cn/") + "00"
    assert flags(second) == "1"


def test_keep_list_words_are_protected():
    text = "龚正出席会议"
    (sentence,) = segment(text, keep={"龚正"})
    assert flags(sentence) == "001111"


def test_protected_mask_covers_urls_and_emails():
    text = "邮箱a.b@example.com与https://x.cn/p?q=1完"
    mask = protected_mask(text)
    assert "".join(ch for ch, m in zip(text, mask) if m) == "a.b@example.comhttps://x.cn/p?q=1"


def test_runs_of_one_character_are_protected():
    text = "表格一一一一一线，哈哈哈好"
    mask = protected_mask(text)
    assert "".join(ch if m else "." for ch, m in zip(text, mask)) == "..一一一一一......"


def test_long_runs_take_linear_time():
    """200,000 x 'a' (an e-mail's local part without '@') once took minutes; now ~0.03 s."""
    import time

    for text in ("a" * 200_000, "a." * 100_000, "的" * 200_000, "a@" + "a" * 200_000):
        started = time.perf_counter()
        protected_mask(text)
        segment(text)
        assert time.perf_counter() - started < 5, text[:4]


def test_overlong_sentences_are_cut_preferably_after_a_comma():
    from ocrfix.segment import MAX_SENTENCE

    clause = "我们在北京工作" * 10 + "，"  # 71 characters
    text = clause * 10 + "完。"
    spans = [(s.start, s.end) for s in segment(text)]
    assert all(end - start <= MAX_SENTENCE for start, end in spans)
    assert [text[end - 1] for _, end in spans[:-1]] == ["，"] * (len(spans) - 1)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))  # contiguous, nothing lost
    hard = [(s.start, s.end) for s in segment("字" * 1000)]
    assert [end - start for start, end in hard] == [MAX_SENTENCE] * 3 + [1000 - 3 * MAX_SENTENCE]


def test_sentence_tokens_are_the_tokens_of_the_sentences():
    text = "本报讯 市委\u3000会议。\n\n  \n共236件ABC字，见www.example.cn/天。乍" + "的" * 600
    assert [tokens for tokens in sentence_tokens(text) if tokens] == [s.tokens for s in segment(text)]
