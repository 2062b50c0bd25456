"""What print had at a joined line end, placed by the text either side, and a put-back mark checked against it."""
from benchmarks.line_reach import line_end_truths, put_back_right

GT = "我们在北京工作，他们在上海工作。大家都在认真学习今天的课程。\n"


def test_a_line_end_is_a_dropped_hung_mark_nothing_or_left_out():
    wrapped = "我们在北京工作\n他们在上海工作。\n大家都在认真学\n习今天的课程。\n"
    truths = line_end_truths(wrapped, GT)
    assert [(wrapped[last - 1:last + 1], truth) for last, truth in truths] == [("工作", "dropped"), ("真学", "none")]
    # a line ending in a mark, a misread next line and a tail that occurs twice are left out
    assert line_end_truths("我们在北京工作\n她们在上海工作。\n", GT) == []
    assert line_end_truths("在上海工作。\n大家\n", GT) == []
    assert line_end_truths("上海工作\n大家都在\n", GT + "上海工作大家") == []


def test_a_put_back_mark_is_right_where_print_has_it_after_the_same_characters():
    source = "我们在北京工作他们在上海工作。"
    offset = source.index("他们")
    assert put_back_right(source, offset, "，", GT)
    assert not put_back_right(source, offset, "。", GT)
    assert not put_back_right(source, source.index("北京"), "，", GT)


def test_turned_pages_keep_their_truth_and_turn_each_way_in_turn(tmp_path, monkeypatch):
    import json

    from PIL import Image

    import benchmarks.line_reach as line_reach

    monkeypatch.setattr(line_reach, "PAGES", tmp_path)
    level = tmp_path / "s" / "l2"
    level.mkdir(parents=True)
    for k in range(2):
        Image.new("L", (40, 20), 255).save(level / f"s-l2-00{k}.png")
        (level / f"s-l2-00{k}.gt.txt").write_text(f"正文{k}\n", encoding="utf-8")
        (level / f"s-l2-00{k}.meta.json").write_text(json.dumps({"name": f"s-l2-00{k}", "source": "x"}), encoding="utf-8")
    assert line_reach.turn_pages("s", ["l2"], 0.5, "t") == 2
    turned = tmp_path / "t" / "l2"
    assert [json.loads((turned / f"t-l2-00{k}.meta.json").read_text())["turned"] for k in range(2)] == [0.5, -0.5]
    assert (turned / "t-l2-001.gt.txt").read_text(encoding="utf-8") == "正文1\n"
    assert Image.open(turned / "t-l2-000.png").size > (40, 20)  # turned, the canvas grown to hold it


def test_fit_pairs_are_the_pages_whose_text_came_from_the_sources_asked(tmp_path, monkeypatch):
    import json

    import benchmarks.line_reach as line_reach

    monkeypatch.setattr(line_reach, "PAGES", tmp_path)
    level = tmp_path / "s" / "l1"
    level.mkdir(parents=True)
    for k, source in enumerate(["corpora/xwlb_2013.txt", "corpora/rmrb_2019-02.txt"]):
        (level / f"s-l1-00{k}.gt.txt").write_text(f"正文{k}\n", encoding="utf-8")
        (level / f"s-l1-00{k}.meta.json").write_text(json.dumps({"source": source}), encoding="utf-8")
    monkeypatch.setattr(line_reach, "page_names", lambda split, levels: [(f"s-l1-00{k}", "l1", None) for k in range(2)])
    monkeypatch.setattr(line_reach, "page_json", lambda split, level, name: json.dumps({"input_path": name}).encode())
    out = tmp_path / "pairs"
    assert line_reach.write_pairs(["s"], {"xwlb_2013"}, out) == 1
    assert sorted(p.name for p in out.iterdir()) == ["s-l1-000.gt.txt", "s-l1-000.ocr.json"]
    assert json.loads((out / "s-l1-000.ocr.json").read_text())["input_path"] == "s-l1-000"
    assert (out / "s-l1-000.gt.txt").read_text(encoding="utf-8") == "正文0\n"
