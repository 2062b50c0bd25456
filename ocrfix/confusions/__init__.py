"""Confusion sets: which true characters an OCR'd character may stand for.

See :mod:`ocrfix.confusions.model` for the data model and TSV format.
"""
from .inventory import charfreq, inventory
from .model import Confusion, ConfusionSet, merge

__all__ = ["Confusion", "ConfusionSet", "charfreq", "inventory", "merge"]
