"""`ocrfix review --sample` and `--estimate`: a random sample of an edit log, stratified by gain band,
judged on a page, and the precision it tells of each band and of each `--min-gain` floor."""
from __future__ import annotations

import functools
import io
import json
import re

import numpy as np
import pytest

from browser_support import needs_chromium, rendered_body
from ocrfix import review, textio
from ocrfix.batch import worker
from ocrfix.cli import main
from ocrfix.errors import InputError
from ocrfix.precision import FLOORS, Judged, allocation, band, draw, estimate, read_judged, report_json
from ocrfix.review import EditFilter, read_log_records
from ocrfix.review_html import ReviewedFile, Sample, review_page
import test_review_html
from test_review_html import EDITS, SOURCE, _records, _run_options

corrected = test_review_html.corrected  # two pages and their edit log (a fixture)


def _embedded(page: str) -> dict[str, str]:
    found = re.search(r'<script type="application/json" id="log-records">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(found.group(1))


# --- the draw -------------------------------------------------------------------------------------

def test_bands_split_at_the_floors():
    assert [band(g) for g in (0.0, 0.79, 0.8, 0.9, 0.949, 0.95, 0.99, 1.0)] == [0, 0, 1, 2, 2, 3, 4, 4]


def test_allocation_is_proportional_with_one_from_every_band_that_has_edits():
    # 200 of 1,875: quotas 18.56, 14.72, 19.31, 77.12, 70.29 -> floors 18, 14, 19, 77, 70 (198); the two largest
    # remainders (.72, .56) get one more
    assert allocation([174, 138, 181, 723, 659], 200) == [19, 15, 19, 77, 70]
    # 10 of 101: quotas 0.099, 0, 0, 0, 9.9 -> 0 and 10 by remainders; the band of one edit takes one from the largest
    assert allocation([1, 0, 0, 0, 100], 10) == [1, 0, 0, 0, 9]
    assert allocation([1, 0, 1, 0, 100], 1) == [0, 0, 0, 0, 1]  # too small for one a band: proportional only
    assert allocation([3, 0, 2, 0, 1], 50) == [3, 0, 2, 0, 1]  # more than the log has: all of it
    assert allocation([0, 0, 0, 0, 0], 5) == [0, 0, 0, 0, 0]


def _draw_over_edits(gains: list[float], size: int, seed: int) -> list[int]:
    """The draw as it chooses among the edits themselves, all held: each band's positions in a list,
    one ``Generator.choice`` of them per band (what :func:`draw` must give from the counts alone)."""
    members: list[list[int]] = [[] for _ in FLOORS]
    for position, gain in enumerate(gains):
        members[band(gain)].append(position)
    rng = np.random.default_rng(seed)
    return sorted(int(k) for m, n in zip(members, allocation([len(m) for m in members], size)) if n
                  for k in rng.choice(m, size=n, replace=False))


def _positions(groups: list[list[float]], picks: list[tuple[int, int, int]]) -> list[int]:
    """The positions, in the groups' gains laid end to end, of the picks (group, band, rank in the group's band)."""
    starts = np.cumsum([0] + [len(g) for g in groups])
    return sorted(int(starts[g]) + [k for k, gain in enumerate(groups[g]) if band(gain) == b][rank] for g, b, rank in picks)


def test_the_draw_is_stratified_and_the_same_for_the_same_seed():
    gains = [0.5] * 40 + [0.85] * 10 + [0.999] * 50
    sample = draw([[40, 10, 0, 0, 50]], 20, seed=3)
    assert len(sample) == len(set(sample)) == 20 and sample == sorted(sample) and {g for g, _, _ in sample} == {0}
    assert [sum(b == band_ for _, b, _ in sample) for band_ in range(5)] == [8, 2, 0, 0, 10]
    assert draw([[40, 10, 0, 0, 50]], 20, seed=3) == sample
    assert draw([[40, 10, 0, 0, 50]], 20, seed=4) != sample
    assert _positions([gains], draw([[40, 10, 0, 0, 50]], 500)) == list(range(100))
    assert draw([], 20) == [] and draw([[0] * 5], 20) == []


@pytest.mark.parametrize("seed", range(4))
def test_the_draw_from_the_counts_picks_the_edits_that_choosing_among_them_picks(seed):
    rng = np.random.default_rng(100 + seed)
    groups = [list(rng.choice([0.3, 0.85, 0.92, 0.97, 0.995], size=int(rng.integers(0, 30)))) for _ in range(40)]
    gains = [gain for group in groups for gain in group]
    counts = [[sum(band(gain) == b for gain in group) for b in range(5)] for group in groups]
    for size in (1, 7, 50, 200, len(gains), len(gains) + 5):
        assert _positions(groups, draw(counts, size, seed)) == _draw_over_edits(gains, size, seed)


# --- the estimate ---------------------------------------------------------------------------------

#: Band [0, .8): 1 of 2 right; [.95, .99): 4 of 4; [.99, 1]: 3 of 4.
JUDGED = [Judged(0.5, True), Judged(0.6, False), *[Judged(0.97, True)] * 4, *[Judged(1.0, True)] * 3, Judged(0.995, False)]
#: The whole log: 10, 20 and 30 edits in those bands.
LOG_GAINS = [0.3] * 10 + [0.96] * 20 + [0.999] * 30


def test_the_estimate_by_hand():
    """Wilson 95 % (z = 1.96): 1 of 2 -> [0.0945, 0.9055]; 4 of 4 -> [0.5101, 1]; 3 of 4 -> [0.3006, 0.9544];
    8 of 10 (all judged) -> [0.4902, 0.9433]. Wrong edits: 10 x 0.5 = 5, 20 x 0 = 0, 30 x 0.25 = 7.5.
    --min-gain 0 keeps 60: (10 x 0.5 + 20 x 1 + 30 x 0.75) / 60 = 47.5 / 60 = 0.7917, its range
    (10 x 0.0945 + 20 x 0.5101 + 30 x 0.3006) / 60 = 0.3361 to (10 x 0.9055 + 20 + 30 x 0.9544) / 60 = 0.9615;
    0.8, 0.9 and 0.95 keep 50: (20 + 22.5) / 50 = 0.85; 0.99 keeps 30 at 0.75."""
    found = estimate(JUDGED, LOG_GAINS)
    assert [(b.low, b.high, b.judged, b.right, b.edits) for b in found.bands] == [
        (0.0, 0.8, 2, 1, 10), (0.95, 0.99, 4, 4, 20), (0.99, 1.0, 4, 3, 30)]
    assert [b.precision for b in found.bands] == [0.5, 1.0, 0.75]
    assert [tuple(round(x, 4) for x in b.interval) for b in found.bands] == [(0.0945, 0.9055), (0.5101, 1.0), (0.3006, 0.9544)]
    assert [b.wrong_edits for b in found.bands] == [5.0, 0.0, 7.5]
    assert (found.total.judged, found.total.right) == (10, 8)
    assert tuple(round(x, 4) for x in found.total.interval) == (0.4902, 0.9433)
    assert [(f.gain, f.edits) for f in found.floors] == [(0.0, 60), (0.8, 50), (0.9, 50), (0.95, 50), (0.99, 30)]
    assert [f.precision for f in found.floors] == pytest.approx([47.5 / 60, 0.85, 0.85, 0.85, 0.75])
    assert found.floors[0].interval == pytest.approx((0.3361, 0.9615), abs=2e-4)


def test_a_band_with_edits_but_none_judged_leaves_its_floors_unknown():
    found = estimate(JUDGED, [*LOG_GAINS, 0.85, 0.85])
    assert [(b.low, b.judged, b.edits, b.precision) for b in found.bands][1] == (0.8, 0, 2, None)
    assert [f.precision is None for f in found.floors] == [True, True, False, False, False]
    assert estimate(JUDGED).floors == () and [b.edits for b in estimate(JUDGED).bands] == [None] * 3


# --- the command line -----------------------------------------------------------------------------

def _judged_file(tmp_path, records: list[tuple[float, str]], name: str = "judged.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps({"file": "a.txt", "offset": k, "input_offset": k, "original": "乍", "replacement": "作",
                                        "gain": gain, "sources": ["visual"], "judged": verdict}, ensure_ascii=False) + "\n"
                            for k, (gain, verdict) in enumerate(records)), encoding="utf-8")
    return path


def test_estimate_prints_the_bands_and_the_floors(tmp_path, capsys):
    judged = _judged_file(tmp_path, [(j.gain, "right" if j.right else "wrong") for j in JUDGED])
    log = _judged_file(tmp_path, [(gain, "right") for gain in LOG_GAINS], "edits.jsonl")
    assert main(["review", "--estimate", str(judged), "--edits", str(log)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["[0.00,", "0.80)", "2", "1", "0.500", "[0.095,", "0.905]", "10", "5.0"]
    assert lines[3].split() == ["[0.99,", "1.00]", "4", "3", "0.750", "[0.301,", "0.954]", "30", "7.5"]
    assert lines[4].split()[:5] == ["all", "judged", "10", "8", "0.800"]
    assert lines[7].split() == ["0.00", "60", "0.792", "[0.336,", "0.961]"]
    assert lines[11].split()[:3] == ["0.99", "30", "0.750"]
    # --min-gain counts only the log's edits it keeps; --json the same figures
    assert main(["review", "--estimate", str(judged), "--edits", str(log), "--min-gain", "0.9", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [f["edits"] for f in data["floors"]] == [50, 50, 50, 50, 30]
    assert data["floors"][0]["precision"] == pytest.approx(0.85)
    assert [b["edits"] for b in data["bands"]] == [0, 20, 30] and data["all_judged"]["right"] == 8


@pytest.mark.parametrize("content, message", [
    (None, "judged.jsonl"),
    ("not json\n", "line 1 is not an edit record"),
    ('{"file": "a.txt", "offset": 0, "input_offset": 0, "original": "乍", "replacement": "作", "gain": 0.9, '
     '"sources": []}\n', 'record 1 has no "judged": "right" or "wrong"'),
    ('{"file": "a.txt", "offset": 0, "input_offset": 0, "original": "乍", "replacement": "作", "gain": 0.9, '
     '"sources": [], "judged": "maybe"}\n', 'record 1 has no "judged"'),
    ("\n\n", "empty file"),
])
def test_a_bad_judged_file_is_one_error_line(tmp_path, capsys, content, message):
    path = tmp_path / "judged.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["review", "--estimate", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("ocrfix: error:") and message in err


def test_estimate_takes_no_inputs_and_a_page_needs_its_log_and_output(tmp_path, capsys):
    judged = _judged_file(tmp_path, [(0.9, "right")])
    for argv in (["review", "a.txt", "--estimate", str(judged)], ["review", "--estimate", str(judged), "-o", "x.html"],
                 ["review", "a.txt", "--edits", str(judged)], ["review", "a.txt", "-o", "x.html"],
                 ["review", "a.txt", "--edits", str(judged), "-o", "x.html", "--sample", "0"]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and err.startswith("ocrfix: error:")
    assert not (tmp_path / "x.html").exists()


def test_review_sample_shows_that_many_edits_to_judge(corrected, models, tmp_path):
    pages, log = corrected
    records = read_log_records(str(log))
    out = [tmp_path / f"s{k}.html" for k in range(6)]
    for path, seed in zip(out, ("0", "0", "1", "2", "3", "4")):
        assert main(["review", *map(str, pages), "--edits", str(log), "-o", str(path), "--sample", "2", "--seed", seed,
                     *_run_options(models)]) == 0
    page = out[0].read_text(encoding="utf-8")
    assert out[1].read_bytes() == out[0].read_bytes()
    shown = sorted(map(int, _embedded(page)))
    assert len(shown) == 2 and {records[k].line for k in shown} == set(_embedded(page).values())
    assert sorted({int(k) for k in re.findall(r'data-record="(\d+)"', page)}) == shown
    assert page.count('type="radio"') == 4 and " checked" not in page and 'type="checkbox"' not in page
    assert "A sample: 2 of 4 edits drawn at random" in page and 'data-name="edits.judged.jsonl"' in page
    assert len({tuple(sorted(map(int, _embedded(path.read_text(encoding="utf-8"))))) for path in out}) > 1  # other seeds


# --- the page's script, run by a browser ----------------------------------------------------------

#: Run after the page's own script: judges the first row right, the second wrong, leaves the third
#: undecided, presses the download button and writes what it would save onto the page's body.
JUDGE = """<script>
URL.createObjectURL = blob => { blob.text().then(text => document.body.setAttribute("data-download", text)); return "blob:judged"; };
URL.revokeObjectURL = () => {};
HTMLAnchorElement.prototype.click = function () { document.body.setAttribute("data-name", this.download); };
const rows = document.querySelectorAll("tr");
for (const [row, value] of [[rows[1], "right"], [rows[2], "wrong"]]) {
  const radio = row.querySelector(`input[value="${value}"]`);
  radio.checked = true;
  radio.dispatchEvent(new Event("change", {bubbles: true}));
}
document.getElementById("download").click();
document.body.setAttribute("data-judged", document.getElementById("judged").textContent);
</script>"""


@needs_chromium
def test_the_download_in_a_browser_holds_the_judged_records(tmp_path):
    log = _records("a.txt", EDITS) + _records("other.txt", [])
    page = tmp_path / "sample.html"
    page.write_text(review_page(log, [ReviewedFile("a.txt", SOURCE, (0, 1, 2))], log_name="edits.jsonl", sample=Sample(9, 0))
                    .replace("</body>", JUDGE + "</body>"), encoding="utf-8")
    body = rendered_body(page, "--virtual-time-budget=5000")
    # rows least confident first: record 1 (gain 0.42) right, record 2 (0.88) wrong, record 0 (0.97) undecided
    assert body.get("data-download") == "".join(
        log[k].line[:-1] + f', "judged": "{verdict}"}}\n' for k, verdict in ((1, "right"), (2, "wrong")))
    assert body.get("data-name") == "edits.judged.jsonl" and body.get("data-judged") == "2"
    downloaded = tmp_path / "edits.judged.jsonl"
    downloaded.write_text(body.get("data-download"), encoding="utf-8")
    found = estimate(read_judged(str(downloaded)))
    assert [(b.low, b.judged, b.right) for b in found.bands] == [(0.0, 1, 1), (0.8, 1, 0)]


# --- a log of any size ----------------------------------------------------------------------------

@pytest.fixture()
def archive(corrected, tmp_path):
    """Twelve copies of the two pages and a log of their edits with gains in every band, one file's records
    spread over the log between blank lines (a log concatenated by hand), and the inputs in order."""
    pages, log = corrected
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    sources, records = [], []
    for i in range(12):
        copy = tmp_path / f"c{i:02d}"
        copy.mkdir()
        for page in pages:
            (copy / page.name).write_bytes(page.read_bytes())
            sources.append(str(copy / page.name))
            records.append([{**line, "file": sources[-1], "gain": (0.5, 0.85, 0.93, 0.97, 0.995)[(i + k) % 5]}
                            for k, line in enumerate(lines) if line["file"] == str(page)])
    big = tmp_path / "archive.jsonl"
    dealt = [group[k] for k in range(max(map(len, records))) for group in records if k < len(group)]
    big.write_text("\n\n".join(json.dumps(record, ensure_ascii=False) for record in dealt) + "\n", encoding="utf-8")
    return sources, big


read_input = worker.read_input


def _stdin(data: bytes) -> io.TextIOWrapper:
    """Standard input holding ``data`` (buffered, as a process's is)."""
    return io.TextIOWrapper(io.BufferedReader(io.BytesIO(data)))


def _limited(monkeypatch, log) -> None:
    """The input limit lowered below the log's size: a log that could not be read whole."""
    monkeypatch.setattr(review, "read_text", functools.partial(textio.read_text, max_bytes=log.stat().st_size // 2))
    with pytest.raises(InputError, match="limit"):
        read_log_records(str(log))


@pytest.mark.parametrize("size, seed, extra", [(5, 0, []), (17, 3, ["--min-gain", "0.9"]), (500, 1, [])])
def test_a_sample_of_a_log_over_the_input_limit_draws_as_over_the_whole_log(archive, models, tmp_path, monkeypatch,
                                                                          size, seed, extra):
    sources, log = archive
    records = read_log_records(str(log))
    keep = EditFilter(0.9 if extra else None)
    eligible = [k for source in sources for k, record in enumerate(records) if record.file == source and keep.keeps(record.edit)]
    expected = sorted(eligible[i] for i in _draw_over_edits([records[k].edit.gain for k in eligible], size, seed))
    _limited(monkeypatch, log)
    read = []
    monkeypatch.setattr(worker, "read_input", lambda source: read.append(source) or read_input(source))
    page = tmp_path / "sample.html"
    assert main(["review", *sources, "--edits", str(log), "-o", str(page), "--sample", str(size), "--seed", str(seed),
                 *_run_options(models), *extra]) == 0
    embedded = _embedded(page.read_text(encoding="utf-8"))
    assert sorted(map(int, embedded)) == expected and all(embedded[str(k)] == records[k].line for k in expected)
    assert f"A sample: {len(expected):,} of {len(eligible):,} edits" in page.read_text(encoding="utf-8")
    assert read == [source for source in sources if any(records[k].file == source for k in expected)]  # only those drawn


def test_the_estimate_counts_a_log_over_the_input_limit(archive, tmp_path, monkeypatch, capsys):
    _, log = archive
    judged = _judged_file(tmp_path, [(j.gain, "right" if j.right else "wrong") for j in JUDGED])
    gains = [record.edit.gain for record in read_log_records(str(log))]
    _limited(monkeypatch, log)
    assert main(["review", "--estimate", str(judged), "--edits", str(log), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == report_json(estimate(JUDGED, gains))
    assert main(["review", "--estimate", str(judged), "--edits", str(log), "--json", "--min-gain", "0.9"]) == 0
    assert json.loads(capsys.readouterr().out)["floors"][0]["edits"] == sum(gain >= 0.9 for gain in gains)
    monkeypatch.setattr("sys.stdin", _stdin(log.read_bytes()))  # streamed from stdin too
    assert main(["review", "--estimate", str(judged), "--edits", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == report_json(estimate(JUDGED, gains))


@pytest.mark.parametrize("bad, reason", [(b"{not json", "Expecting property name"), (b'{"offset": "\xff"}', "not valid UTF-8"),
                                         (b'{"file": "x", "offset": 1}', "no 'original'")])
def test_a_bad_line_of_a_log_sampled_or_counted_is_one_error_line_naming_it(archive, models, tmp_path, capsys, bad, reason):
    sources, log = archive
    data = log.read_bytes()
    middle = data.index(b"\n\n", len(data) // 2) + 2
    log.write_bytes(data[:middle] + bad + b"\n" + data[middle:])
    number = data[:middle].count(b"\n") + 1
    judged = _judged_file(tmp_path, [(0.9, "right")])
    page = tmp_path / "sample.html"
    for argv in (["review", *sources, "--edits", str(log), "-o", str(page), "--sample", "5", *_run_options(models)],
                 ["review", "--estimate", str(judged), "--edits", str(log)]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and f"{log}: line {number} is not an edit record" in err and reason in err
    assert not page.exists()


def test_a_log_on_stdin_which_cannot_be_read_back_is_sampled_as_the_same_log_from_a_file(archive, models, tmp_path,
                                                                                         monkeypatch):
    sources, log = archive
    pages = [tmp_path / "file.html", tmp_path / "stdin.html"]
    assert main(["review", *sources, "--edits", str(log), "-o", str(pages[0]), "--sample", "9", *_run_options(models)]) == 0
    monkeypatch.setattr("sys.stdin", _stdin(log.read_bytes()))
    assert main(["review", *sources, "--edits", "-", "-o", str(pages[1]), "--sample", "9", *_run_options(models)]) == 0
    assert _embedded(pages[1].read_text(encoding="utf-8")) == _embedded(pages[0].read_text(encoding="utf-8"))
    assert len(_embedded(pages[0].read_text(encoding="utf-8"))) == 9
