"""SIGINT and SIGTERM in a run: the main process stops as on Ctrl-C, keeping every finished file,
and a pool's locks are never left taken (signals noted while it runs, raised between its calls)."""
from __future__ import annotations

import contextlib
import os
import signal
import threading
from types import FrameType
from typing import Callable, Iterator


class Terminated(KeyboardInterrupt):
    """SIGTERM: the run stops as on Ctrl-C (finished files are kept, nothing is half-written)."""


#: the process that imported this module: a forked worker inherits the value, not the pid
_MAIN_PID = os.getpid()


def terminate(signum: int, frame: FrameType | None) -> None:
    """The SIGTERM handler of a run. A worker forked with it, that SIGTERM reaches before its own
    handler is set (:func:`worker_signals`), leaves quietly: raising there would print the
    traceback of its start-up, and the run stops anyway. A SIGTERM that strikes while a finalizer
    runs is sent again once it has returned (:func:`_stop`)."""
    if os.getpid() != _MAIN_PID:
        os._exit(128 + signum)
    _stop(signum, frame, Terminated)


def interrupt(signum: int, frame: FrameType | None) -> None:
    """The SIGINT handler of a run: Ctrl-C as Python's own handler raises it (``KeyboardInterrupt``),
    but sent again once a finalizer it strikes in has returned (:func:`_stop`). A worker forked with it,
    that SIGINT reaches before its own handler is set (:func:`worker_signals`), ignores it: the run
    stops through the main process."""
    if os.getpid() != _MAIN_PID:
        return
    _stop(signum, frame, KeyboardInterrupt)


def _stop(signum: int, frame: FrameType | None, error: type[KeyboardInterrupt]) -> None:
    """Raise ``error`` for the signal ``signum`` where it struck (``frame``), unless that is inside a
    finalizer (a progress bar's ``__del__`` as the run winds down): a finalizer cannot raise — Python
    prints the exception's traceback and carries on — so the signal is sent again once it has returned."""
    if _in_finalizer(frame):
        resend = threading.Timer(RESEND_DELAY, os.kill, (os.getpid(), signum))
        resend.daemon = True
        resend.start()
        return
    raise error


#: How long after a finalizer a SIGTERM that struck inside it is sent again (seconds).
RESEND_DELAY = 0.05


def _in_finalizer(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


#: How often a waiting pool run looks for a noted signal (seconds).
SIGNAL_POLL = 0.2


@contextlib.contextmanager
def deferred_signals() -> Iterator[Callable[[], None]]:
    """SIGINT and SIGTERM, while a process pool runs, are only noted; the check this yields raises
    them (``KeyboardInterrupt``, :class:`Terminated`) where the caller is not inside the pool. Raised
    at any moment they could strike inside ``submit`` or ``wait`` with one of their locks taken,
    and the pool's shutdown would then wait for that lock for ever. A worker forked before its own
    handlers are set (:func:`worker_signals`) leaves on SIGTERM and ignores SIGINT, as before."""
    received: list[int] = []

    def note(signum: int, frame: object) -> None:
        if os.getpid() != _MAIN_PID:
            if signum == signal.SIGTERM:
                terminate(signum, frame)  # leaves quietly
            return
        received.append(signum)

    def check() -> None:
        if received:
            raise Terminated if received[0] == signal.SIGTERM else KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():  # handlers belong to the main thread
        yield check
        return
    previous = {signum: signal.signal(signum, note) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield check
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
