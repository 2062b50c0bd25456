#!/usr/bin/env bash
# Rebuild the shipped default character LM, models/lm/news.klm, and its context index
# models/lm/news.context.npz (bigram counts of the same text) from the shared data.
# Settings chosen by the sweep in benchmarks/RESULTS.md (## Language model); the corpus
# (training files and the held-out files never trained on) is listed in corpora/news-train.tsv.
# Needs the KenLM tools (bash install.sh) and OCRFIX_DATA (default ../shared/data).
# ~2 minutes, ~2 GB RAM; deterministic: the same data gives the same file.
set -euo pipefail
cd "$(dirname "$0")/.."
nice -n 5 python -m ocrfix lm train corpora/news-train.tsv -o models/lm/news.klm \
  --order 6 --prune 0 0 1 1 1 2 --memory 30%
python -m ocrfix lm eval models/lm/news.klm corpora/news-train.tsv
