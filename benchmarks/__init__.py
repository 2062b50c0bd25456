"""Benchmarks for ocrfix: a real-OCR page generator, public-set adapters and one results command.

* ``python -m benchmarks.generate`` typesets clean news text as newspaper pages, degrades them
  like scans and runs real OCR (Tesseract ``chi_sim``), writing
  ``build/bench/pages/<split>/<level>/<name>.{png,ocr.txt,gt.txt}``.
* :mod:`benchmarks.sets` reads the public sets (FASPell OCR, SIGHAN-15, LEMON news, the seed page).
* ``python -m benchmarks.run`` corrects and evaluates every set and writes ``benchmarks/RESULTS.md``.
"""
