"""Everything that builds the models the runtime loads: weight fitting (:mod:`.fit`), threshold
calibration (:mod:`.calibrate`), cross-fitting (:mod:`.crossfit`), measurement on page pairs
(:mod:`.measure`, :mod:`.truth`), confusion-set builders and learners (:mod:`.confusions`) and
language-model training (:mod:`.lm`).

The runtime (reflow, segment, correct, the confusion and LM models, formats, evaluate, batch)
never imports this package; its third-party dependencies (scikit-learn, Pillow, matplotlib) are
the ``train`` extra.
"""
