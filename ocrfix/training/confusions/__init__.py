"""Confusion-set builders: visual (glyph embeddings), pinyin, learned channel, re-ranked, external
sets, the inventory, and the coverage measurement. They write the TSV files
:class:`ocrfix.confusions.ConfusionSet` loads."""
