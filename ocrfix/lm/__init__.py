"""Character language model: loading/querying (:class:`CharLM`) and training (:mod:`.train`)."""
from .model import CharLM

__all__ = ["CharLM"]
