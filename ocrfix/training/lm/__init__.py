"""Character-LM training: corpora (:mod:`.corpus`), KenLM tools (:mod:`.tools`), training
(:mod:`.train`) and the order x pruning sweep (:mod:`.sweep`). Querying is :mod:`ocrfix.lm`."""
