"""The examples shown under each command's --help (argparse epilogs), by command path."""
from __future__ import annotations

EXAMPLES: dict[tuple[str, ...], str] = {
    (): """examples:
  ocrfix correct examples/news.ocr.txt                   # print the reflowed, corrected page
  ocrfix correct scans/ -r --out-dir fixed/ --jobs 2     # a directory tree, two worker processes
  ocrfix eval --gt examples/news.gt.txt --hyp fixed.txt --ocr examples/news.ocr.txt
  ocrfix COMMAND --help                                  # a command's options and examples""",
    ("reflow",): """examples:
  ocrfix reflow examples/news.ocr.txt -o out/news.reflow.txt
  ocrfix reflow page.hocr --format hocr                  # paragraphs from the hOCR line geometry""",
    ("correct",): """examples:
  ocrfix correct examples/news.ocr.txt -o out/news.fixed.txt --edits out/news.edits.jsonl
  ocrfix correct scans/ -r --out-dir fixed/ --jobs 2 --resume   # skip files already written
  ocrfix correct scans/ -r --out-dir fixed/ --stats stats.jsonl  # each file's edits and estimated OCR CER
  ocrfix correct page.xml --output-format alto -o page.fixed.xml  # ALTO in, corrected ALTO out
  ocrfix correct paddle-page.txt --profile ppocr -o out/page.fixed.txt   # PaddleOCR/RapidOCR text
  ocrfix correct other-page.txt --profile generic -o out/page.fixed.txt  # another engine's OCR, fewest edits""",
    ("apply",): """examples:
  ocrfix correct scans/ -r --out-dir fixed/ --edits edits.jsonl   # the run, its edit log
  ocrfix apply scans/ -r --out-dir reviewed/ --edits reviewed.jsonl  # the log after review, put back
  ocrfix apply scans/ -r --out-dir sure/ --edits edits.jsonl --min-gain 0.95 --drop-source context
  ocrfix apply --manifest pages.lst --out-dir reviewed/ --edits reviewed.jsonl --jobs 4 --resume  # an archive""",
    ("review",): """examples:
  ocrfix correct scans/ -r --out-dir fixed/ --edits edits.jsonl   # the run, its edit log
  ocrfix review scans/ -r --edits edits.jsonl -o review.html    # open it, uncheck, download the reviewed log
  ocrfix review scans/ -r --edits edits.jsonl -o review.html --min-gain 0.95  # weaker edits start unchecked
  ocrfix apply scans/ -r --out-dir reviewed/ --edits edits.reviewed.jsonl
  ocrfix review scans/ -r --edits edits.jsonl -o sample.html --sample 200  # judge 200 edits right or wrong
  ocrfix review --estimate edits.judged.jsonl --edits edits.jsonl  # precision by gain band, by --min-gain floor""",
    ("eval",): """examples:
  ocrfix eval --gt examples/news.gt.txt --hyp out/news.fixed.txt --ocr examples/news.ocr.txt
  ocrfix eval --gt gt.txt --hyp fixed.txt --ocr ocr.txt --html out/report.html --json
  ocrfix eval --gt gt/ --hyp fixed/ --ocr ocr/                      # a set of pages, paired by name
  ocrfix eval --gt 'pages/*.gt.txt' --hyp out/ --ocr 'pages/*.xml'  # patterns say which files are the pages""",
    ("fit",): """examples:
  ocrfix fit my-pages/ -o profiles/mine                  # NAME.ocr.txt + NAME.gt.txt pairs (20 pages will do)
  ocrfix fit corrected-lines.tsv -o profiles/lines       # n<TAB>ocr<TAB>gt or ocr<TAB>gt lines
  ocrfix fit --pairs err.txt gold.txt -o profiles/typing --clean my-clean-text/
  ocrfix fit captions.tsv --domain-lm -o profiles/capts  # text unlike news: an LM of your own text too
  ocrfix correct scans/ -r --out-dir fixed/ --profile profiles/mine""",
    ("lm",): """examples:
  ocrfix lm train my-corpus.txt.xz -o my.klm
  ocrfix lm eval models/lm/news.klm held-out.txt""",
    ("lm", "train"): """examples:
  ocrfix lm train my-corpus.txt.xz -o my.klm                  # the shipped recipe: order 6, pruned
  ocrfix lm train corpora/news-train.tsv -o news.klm --memory 2G""",
    ("train",): """examples:
  ocrfix train crossfit a rmrb_2019-02 rmrb_2020-02 xwlb_2024 xwlb_2025 --pages build/bench/pages/train
  ocrfix train weights --pages build/bench/pages/train --fold build/corrector/a/lm.klm=rmrb_2019-02,rmrb_2020-02,xwlb_2024,xwlb_2025=build/corrector/a/confusions.tsv --context -o w.json
  ocrfix train weights --help                            # an action's own options""",
    ("train", "weights"): """examples:
  ocrfix train weights --pages build/bench/pages/train --fold build/corrector/a/lm.klm=rmrb_2019-02,rmrb_2020-02,xwlb_2024,xwlb_2025=build/corrector/a/confusions.tsv --context -o w.json
  ocrfix train weights --pages build/bench/pages/train --recalibrate models/corrector.json -o w.json  # thresholds only""",
    ("train", "crossfit"): """examples:
  ocrfix train crossfit a rmrb_2019-02 rmrb_2020-02 xwlb_2024 xwlb_2025 --pages build/bench/pages/train --skip-lm""",
    ("train", "measure"): """examples:
  ocrfix train measure build/bench/pages/train --model build/corrector/a/lm.klm --threshold 0.5 0.8 0.95
  ocrfix train measure build/bench/pages/train --per-rule   # each symbol rule alone""",
    ("train", "quality"): """examples:
  ocrfix train quality my-pages/ -o my-quality.json --profile profiles/mine   # then: ocrfix correct --quality my-quality.json
  ocrfix train quality --fold foldA.klm pages/foldA --fold foldB.klm pages/foldB -o models/quality.json""",
    ("train", "lm-sweep"): """examples:
  ocrfix train lm-sweep corpora/news-train.tsv --setting 6:0,0,1,1,2,2 --setting 5:0,0,0,1,2""",
    ("lm", "context"): """examples:
  ocrfix lm context my-corpus.txt.xz -o my.context.npz        # for my.klm trained elsewhere""",
    ("lm", "eval"): """examples:
  ocrfix lm eval models/lm/news.klm held-out.txt --limit 10000
  ocrfix lm eval my.klm corpora/news-train.tsv --json         # the manifest's held-out rows""",
    ("lm", "checksums"): """examples:
  ocrfix lm checksums                                         # after replacing a shipped model on purpose
  ocrfix lm checksums my-models/""",
    ("confusions",): """examples:
  ocrfix confusions show 己 -k 5
  ocrfix confusions coverage --pairs pairs.tsv --set models/confusions/default.tsv --k 1 20""",
    ("confusions", "build"): """examples:
  ocrfix confusions build pinyin -o pinyin.tsv
  ocrfix confusions build visual --method cosine -o visual.tsv""",
    ("confusions", "learn"): """examples:
  ocrfix confusions learn --pages build/bench/pages/train -o learned.tsv
  ocrfix confusions learn --ocr a.ocr.txt --gt a.gt.txt -o learned.tsv --misread-rates misread.tsv""",
    ("confusions", "length"): """examples:
  ocrfix confusions length --pages build/bench/pages/train -o models/confusions/length.tsv
  ocrfix confusions length --pages my-pages/ -o my-profile/length.tsv   # another engine's pages""",
    ("confusions", "marks"): """examples:
  ocrfix confusions marks --pages build/bench/pages/rapid-train -o ppocr-marks.tsv   # a profile's 'marks' file
  ocrfix confusions marks --pages my-pages/ -o my-profile/marks.tsv   # another engine's pages""",
    ("confusions", "merge"): """examples:
  ocrfix confusions merge visual.tsv:1 learned.tsv:3 -o merged.tsv --k 40""",
    ("confusions", "rerank"): """examples:
  ocrfix confusions rerank --pages build/bench/pages/train --set pinyin=models/confusions/pinyin.tsv -o rerank.tsv""",
    ("confusions", "show"): """examples:
  ocrfix confusions show 己 -k 5
  ocrfix confusions show 未 --set models/confusions/visual.tsv --set models/confusions/pinyin.tsv""",
    ("confusions", "coverage"): """examples:
  ocrfix eval --gt gt.txt --hyp ocr.txt --confusions pairs.tsv   # the OCR's error pairs
  ocrfix confusions coverage --pairs pairs.tsv --set models/confusions/default.tsv --k 1 5 20""",
}
