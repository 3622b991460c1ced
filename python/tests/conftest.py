"""Shared data and paths for the tests of the Python package.

ctest runs them with PYTHONPATH=python, GMIX_LIBRARY set to the library
just built, GMIX to the gmix command and GMIX_EXAMPLES to examples/. Run by
hand from the checkout, the package finds build/src/libgmix.so* itself:

    PYTHONPATH=python /usr/bin/python3 -m pytest python/tests
"""
import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLES = os.environ.get("GMIX_EXAMPLES", os.path.join(ROOT, "examples"))
PYTHON_DIR = os.path.dirname(HERE)
if PYTHON_DIR not in sys.path:  # run as `pytest python/tests` without PYTHONPATH
    sys.path.insert(0, PYTHON_DIR)


def read_csv(name):
    """An examples/ CSV file (one header line) as a float64 array."""
    return np.loadtxt(os.path.join(EXAMPLES, name), delimiter=",",
                      skiprows=1, dtype=np.float64)


def cli_path():
    """The gmix command: $GMIX, else the checkout's build/cli/gmix."""
    path = os.environ.get("GMIX") or os.path.join(ROOT, "build", "cli", "gmix")
    return path if os.access(path, os.X_OK) else None


@pytest.fixture(scope="session")
def faithful():
    return read_csv("faithful.csv")


@pytest.fixture(scope="session")
def iris():
    return read_csv("iris.csv")


def start(X, k, cov="full", seed=0):
    """A whole deterministic start, so that EM's path depends on nothing
    else: k distinct rows as means, equal weights, and the precision of
    the data's covariance (its diagonal for diag, its mean variance for
    spherical)."""
    rs = np.random.RandomState(seed)
    means = np.unique(X, axis=0)
    means = means[rs.choice(means.shape[0], size=k, replace=False)]
    S = np.atleast_2d(np.cov(X, rowvar=False, bias=True))
    P = {"full": lambda: np.array([np.linalg.inv(S)] * k),
         "tied": lambda: np.linalg.inv(S),
         "diag": lambda: np.tile(1.0 / np.diag(S), (k, 1)),
         "spherical": lambda: np.full(k, S.shape[0] / np.trace(S))}[cov]()
    return dict(weights_init=np.full(k, 1.0 / k), means_init=means,
                precisions_init=P)


def subprocess_env():
    """The environment for a child Python that imports this package."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [PYTHON_DIR] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep)
                        if p])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env
