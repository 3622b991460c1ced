"""Ctrl-C during a long library call (a fit, a selection sweep).

While the library computes, Python only notes a SIGINT: its handler runs
the next time Python code runs in the main thread, which may be minutes
later. So for the length of the call SIGINT gets a handler of ours, and
the call gets a cancellation flag (gmix_options.cancel) that the library
reads between blocks of rows. A thread woken by the signal through
signal.set_wakeup_fd sets the flag at once, so the call returns
GMIX_ECANCELLED within milliseconds, even in the middle of an EM
iteration, and the caller then raises KeyboardInterrupt.

The handler is installed only from the main thread and only over Python's
default one: a handler of the program's own stays, and the call is then
not cancelled by the signal. The wake-up thread is used only when no
other wake-up descriptor is set (asyncio sets one); without it the flag is
set when our handler runs, which during a fit is at the next iteration's
callback.
"""

import ctypes
import os
import signal
import threading


class Interrupt:
    """A context manager around one library call: `cancel` is the value
    for gmix_options.cancel (NULL when no handler was installed), and
    `requested` says whether a SIGINT came during the call."""

    def __init__(self):
        # sig_atomic_t is an int on the platforms gmix supports.
        self.flag = ctypes.c_int(0)
        self.interrupted = False
        self.previous = None
        self._wakeup = None  # (read end, write end, thread)

    def __enter__(self):
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self.previous = signal.signal(signal.SIGINT, self._on_sigint)
            self._watch_wakeups()
        return self

    def __exit__(self, *exc):
        if self._wakeup is not None:
            r, w, thread = self._wakeup
            self._wakeup = None
            signal.set_wakeup_fd(-1)
            os.close(w)  # ends the thread's read
            thread.join()
            os.close(r)
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
            self.previous = None
        return False

    @property
    def active(self):
        """Whether a SIGINT during the call cancels it."""
        return self.previous is not None

    @property
    def cancel(self):
        """The cancellation flag for gmix_options.cancel, or None."""
        return ctypes.pointer(self.flag) if self.active else None

    @property
    def requested(self):
        return self.interrupted or self.flag.value != 0

    def _on_sigint(self, signum, frame):
        self.interrupted = True
        self.flag.value = 1

    def _watch_wakeups(self):
        r, w = os.pipe()
        os.set_blocking(w, False)
        try:
            old = signal.set_wakeup_fd(w, warn_on_full_buffer=False)
        except (ValueError, OSError):
            old = None
        if old != -1:  # someone else's descriptor, or none possible
            if old is not None:
                signal.set_wakeup_fd(old)
            os.close(r)
            os.close(w)
            return
        thread = threading.Thread(target=self._read_wakeups, args=(r,),
                                  name="gmix-sigint", daemon=True)
        thread.start()
        self._wakeup = (r, w, thread)

    def _read_wakeups(self, r):
        # The signal numbers that arrived, one byte each; EOF at __exit__.
        while True:
            data = os.read(r, 64)
            if not data:
                return
            if signal.SIGINT in data:
                self.flag.value = 1
