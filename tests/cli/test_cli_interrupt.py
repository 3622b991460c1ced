"""Ctrl-C (SIGINT) and SIGTERM during `gmix fit` and `gmix select`: the
command stops in the middle of an EM iteration, exits with 128 + the
signal number and one line on standard error, leaves no temporary file
and leaves the files it would have replaced byte for byte as they were.
And a data file cut short by another process while a fit runs does not
kill it (no SIGBUS from a mapping): the rows were read into memory.

The data are large enough that one EM iteration takes seconds on one
thread, so that "in the middle of an iteration" and the bound on the stop
time mean something; the bound is generous, for a loaded machine.
"""
import json
import os
import re
import signal
import subprocess
import time

import numpy as np
import pytest

from cli_helpers import FAITHFUL, GMIX, gmix

# One iteration of a 32-component full-covariance fit of these rows costs
# about 1.5 N K d^2 = 3.5e10 multiply-adds: seconds on one thread.
N, D, K = 200000, 48, 32

SIGNALS = [(signal.SIGINT, "SIGINT", 130), (signal.SIGTERM, "SIGTERM", 143)]


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "big.npy"
    rng = np.random.default_rng(0)
    np.save(path, rng.standard_normal((N, D)))
    return path


@pytest.fixture
def folder(tmp_path, big):
    """A folder holding the data and the files a run would replace: a
    real model and a table, whose bytes must survive the interrupt."""
    os.symlink(big, tmp_path / "big.npy")
    gmix("fit", FAITHFUL, "-k", 2, "-o", tmp_path / "model.json", check=0)
    (tmp_path / "table.csv").write_text("an older table\n")
    before = {p: (tmp_path / p).read_bytes() for p in os.listdir(tmp_path)
              if p != "big.npy"}
    return tmp_path, before


def assert_nothing_written(path, before):
    assert sorted(os.listdir(path)) == sorted(["big.npy", *before]), \
        os.listdir(path)
    for name, data in before.items():
        assert (path / name).read_bytes() == data, name


def start(*args, **kwargs):
    return subprocess.Popen([GMIX, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def stop(p, sig):
    """Send sig and wait for the exit: (exit code, rest of stderr, seconds
    from the signal to the exit)."""
    sent = time.monotonic()
    p.send_signal(sig)
    try:
        _, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return p.returncode, err, time.monotonic() - sent


def start_fit(data, *more):
    """The long fit, with a line per iteration on standard error."""
    return start("fit", data, "-k", K, "--init", "random", "--threads", 1,
                 "--tol", 0, "-v", *more)


def first_iteration(p):
    """Wait for the line of iteration 1 of start_fit: its seconds."""
    line = p.stderr.readline()
    m = re.search(r"iteration +1 .* ([0-9.]+) s$", line)
    assert m, line
    ITERATION_SECONDS.append(float(m.group(1)))
    return ITERATION_SECONDS[-1]


# Seconds of one iteration of start_fit, as last measured: how fast this
# machine is now, for the bound on the stop time of select.
ITERATION_SECONDS = []


def iteration_seconds(data):
    if not ITERATION_SECONDS:
        p = start_fit(data)
        first_iteration(p)
        p.kill()
        p.communicate()
    return ITERATION_SECONDS[-1]


@pytest.mark.parametrize("sig,name,code", SIGNALS)
def test_fit_stops_in_the_middle_of_an_iteration(folder, sig, name, code):
    path, before = folder
    p = start_fit(path / "big.npy", "--max-iter", 1000,
                  "-o", path / "model.json")
    seconds = first_iteration(p)
    # A quarter into the second iteration, which takes about as long.
    time.sleep(seconds / 4)
    rc, err, waited = stop(p, sig)
    assert rc == code, err
    assert err == f"gmix: interrupted by {name}; nothing was written\n", err
    assert_nothing_written(path, before)
    # Stopped before the second iteration ended (no line for it), and
    # long before it would have: the flag is read between blocks of rows.
    assert "iteration   2" not in err
    assert waited < max(1.0, seconds / 2), (waited, seconds)


@pytest.mark.parametrize("sig,name,code", SIGNALS)
def test_select_stops_promptly(folder, sig, name, code):
    path, before = folder
    # The sweep's first start, hierarchical clustering of 2000 rows in 48
    # dimensions, then EM with tol 0: minutes of work.
    p = start("select", path / "big.npy", "-k", f"{K}..{K}", "-c", "full",
              "--threads", 1, "--tol", 0, "--max-iter", 1000,
              "-o", path / "model.json", "--table", path / "table.csv")
    time.sleep(3.0)
    assert p.poll() is None
    rc, err, waited = stop(p, sig)
    assert rc == code, err
    assert err == f"gmix: interrupted by {name}; nothing was written\n", err
    assert_nothing_written(path, before)
    # The bound of the fit test: on a loaded machine even the exit is slow.
    seconds = iteration_seconds(path / "big.npy")
    assert waited < max(1.0, seconds / 2), (waited, seconds)


def test_interrupt_while_reading_ends_at_once(tmp_path):
    # Before the fit starts (here: waiting for more rows on standard
    # input) a signal ends the command at once: nothing has been written.
    p = start("fit", "-", "-k", 2, "-o", tmp_path / "model.json",
              stdin=subprocess.PIPE)
    p.stdin.write("x,y\n1,2\n3,4\n")
    p.stdin.flush()
    time.sleep(0.5)
    rc, err, waited = stop(p, signal.SIGINT)
    assert rc == 130, err
    assert err == "gmix: interrupted by SIGINT; nothing was written\n", err
    assert os.listdir(tmp_path) == []


def test_data_truncated_during_the_fit(tmp_path, big):
    data = tmp_path / "data.npy"
    data.write_bytes(big.read_bytes())
    p = start_fit(data, "--max-iter", 2, "-o", tmp_path / "m.json")
    first_iteration(p)
    # Cut the file to its first page while iteration 2 runs over the rows.
    os.truncate(data, 4096)
    out, err = p.communicate(timeout=600)
    assert p.returncode == 0, err
    assert "iteration   2" in err
    assert json.loads((tmp_path / "m.json").read_text())["n_components"] == K
