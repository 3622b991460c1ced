"""Ctrl-C during a long fit: the fit stops after the EM iteration under way
(through the library's callback) and KeyboardInterrupt is raised, with
Python's own SIGINT handler back in place."""
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import subprocess_env

CHILD = textwrap.dedent("""
    import signal, sys, time
    import numpy as np
    import gmix
    X = np.random.RandomState(0).rand(100000, 8)
    # tol = 0 and 100000 iterations: minutes of work unless interrupted
    g = gmix.GaussianMixture(8, covariance_type="full", tol=0.0,
                             max_iter=100000, init_params="random_from_data",
                             random_state=0, n_threads={threads})
    print("fitting", flush=True)
    t0 = time.monotonic()
    try:
        g.fit(X)
    except KeyboardInterrupt:
        restored = signal.getsignal(signal.SIGINT) is signal.default_int_handler
        print("interrupted after %.3f s, handler restored: %s, fitted: %s"
              % (time.monotonic() - t0, restored, hasattr(g, "weights_")),
              flush=True)
        sys.exit(7)
    print("finished", flush=True)
""")


@pytest.mark.parametrize("threads", [1, 2])
def test_ctrl_c_stops_a_long_fit(threads):
    p = subprocess.Popen([sys.executable, "-c", CHILD.format(threads=threads)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=subprocess_env())
    try:
        assert p.stdout.readline() == "fitting\n"
        time.sleep(1.0)  # well into the EM iterations
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
        waited = time.monotonic() - sent
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 7, (out, err)
    assert "handler restored: True, fitted: False" in out, out
    # One iteration here takes a few tens of milliseconds; "promptly" is
    # asserted with room for a loaded machine and the interpreter's exit.
    assert waited < 5.0, (waited, out)


def test_fit_outside_the_main_thread_leaves_sigint_alone():
    # Only the main thread may install a handler: a fit from another thread
    # runs without one and leaves Python's handler as it was.
    code = textwrap.dedent("""
        import signal, threading
        import numpy as np
        import gmix
        X = np.random.RandomState(0).rand(2000, 3)
        seen = []
        def run():
            gmix.GaussianMixture(3, max_iter=5, tol=0.0).fit(X)
            seen.append(signal.getsignal(signal.SIGINT))
        t = threading.Thread(target=run)
        t.start(); t.join()
        print(seen[0] is signal.default_int_handler)
    """)
    p = subprocess.run([sys.executable, "-W", "ignore", "-c", code],
                       capture_output=True, text=True, timeout=60,
                       env=subprocess_env())
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "True"
