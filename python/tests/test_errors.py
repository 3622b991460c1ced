"""Failures become Python exceptions carrying the library's message:
ValueError for bad input, MemoryError when the library runs out of memory,
OSError for files; and the status each came from."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import start, subprocess_env

import gmix
from gmix import _lib


def raises(exc_type, status, match=None):
    """pytest.raises for a gmix exception of this type and status."""
    class Checker:
        def __enter__(self):
            self.ctx = pytest.raises(exc_type, match=match)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            handled = self.ctx.__exit__(*exc)
            assert isinstance(self.info.value, gmix.GmixError)
            assert self.info.value.status == status, self.info.value
            return handled
    return Checker()


def test_non_finite_data_names_row_and_column(iris):
    X = iris.copy()
    X[4, 2] = np.nan
    with raises(ValueError, _lib.ENONFINITE, match=r"row 5, column 3.*NaN"):
        gmix.GaussianMixture(2).fit(X)
    g = gmix.GaussianMixture(2, random_state=0).fit(iris)
    X[4, 2] = -np.inf
    for method in (g.predict, g.predict_proba, g.score_samples, g.score,
                   g.bic, g.partial_fit):
        with raises(ValueError, _lib.ENONFINITE, match="row 5, column 3"):
            method(X)


def test_too_few_rows(iris):
    with raises(ValueError, _lib.ETOOFEW, match="3 rows .* 4 components"):
        gmix.GaussianMixture(4).fit(iris[:3])


def test_bad_names_list_the_known_ones(iris):
    with raises(ValueError, _lib.EINVAL, match="spherical"):
        gmix.GaussianMixture(covariance_type="VVX").fit(iris)
    with raises(ValueError, _lib.EINVAL, match="random_from_data"):
        gmix.GaussianMixture(init_params="kmeans++").fit(iris)


def test_bad_sample_weights(iris):
    w = np.ones(len(iris))
    w[7] = -1
    with raises(ValueError, _lib.EWEIGHTS, match="8"):
        gmix.GaussianMixture(2).fit(iris, sample_weight=w)
    with raises(ValueError, _lib.EWEIGHTS):
        gmix.GaussianMixture(2).fit(iris, sample_weight=np.zeros(len(iris)))
    with pytest.raises(ValueError, match="shape"):
        gmix.GaussianMixture(2).fit(iris, sample_weight=np.ones(3))


def test_bad_initial_parameters(iris):
    s = start(iris, 3)
    with pytest.raises(ValueError, match="'means' should have the shape"):
        gmix.GaussianMixture(3, means_init=s["means_init"][:2]).fit(iris)
    with pytest.raises(ValueError, match="'precisions' should have the shape"):
        gmix.GaussianMixture(3, covariance_type="diag",
                             precisions_init=s["precisions_init"]).fit(iris)
    bad = s["precisions_init"].copy()
    bad[1] = -np.eye(4)
    with raises(ValueError, _lib.ENOTPD, match="component 1"):
        gmix.GaussianMixture(3, precisions_init=bad).fit(iris)
    with raises(ValueError, _lib.EINVAL, match="sum"):
        gmix.GaussianMixture(3, weights_init=[0.5, 0.5, 0.5]).fit(iris)


def test_unfitted_and_mismatched_use(iris):
    g = gmix.GaussianMixture(2)
    for method in (g.predict, g.score, g.score_samples, g.predict_proba):
        with pytest.raises(gmix.NotFittedError):
            method(iris)
    with pytest.raises(gmix.NotFittedError):
        g.sample(3)
    with pytest.raises(gmix.NotFittedError):
        g.save("unused.json")
    g.fit(iris)
    with pytest.raises(ValueError, match="X has 3 features, but "
                       "GaussianMixture is expecting 4 features"):
        g.predict(iris[:, :3])
    with pytest.raises(ValueError, match="2D array"):
        g.predict(iris[0])
    with pytest.raises(ValueError, match="0 sample"):
        g.predict(iris[:0])


def test_model_files(tmp_path):
    missing = tmp_path / "nothing.json"
    with raises(OSError, _lib.EIO, match="nothing.json"):
        gmix.load(missing)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "gmix-model", "version": 1, '
                   '"covariance_type": "full", "n_components": 2}')
    with raises(ValueError, _lib.EFORMAT, match="bad.json"):
        gmix.load(bad)
    bad.write_text("{")
    with raises(ValueError, _lib.EFORMAT):
        gmix.load(bad)
    fitted = gmix.GaussianMixture().fit(np.eye(3))
    with raises(OSError, _lib.EIO, match="no_such_dir"):
        fitted.save(tmp_path / "no_such_dir" / "m.json")


def test_out_of_memory_is_memory_error():
    # A child process whose address space is capped: the fit's work space
    # (2000 full 200 x 200 covariances, 640 MB each copy) cannot be had.
    code = textwrap.dedent("""
        import resource
        import numpy as np
        import gmix
        X = np.random.RandomState(0).rand(2000, 200)
        gmix.GaussianMixture(2).fit(X[:50, :3])  # BLAS and OpenMP loaded
        with open("/proc/self/status") as f:
            vm = [int(l.split()[1]) for l in f if l.startswith("VmSize")][0]
        limit = vm * 1024 + 256 * 2 ** 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            gmix.GaussianMixture(2000, init_params="random_from_data").fit(X)
        except MemoryError as e:
            print(type(e).__name__, e.status, e)
    """)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True,
                       text=True, timeout=120, env=subprocess_env())
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("GmixMemoryError %d " % _lib.ENOMEM), p.stdout
    assert "out of memory" in p.stdout


def test_exception_classes():
    assert issubclass(gmix.GmixValueError, ValueError)
    assert issubclass(gmix.GmixMemoryError, MemoryError)
    assert issubclass(gmix.GmixOSError, OSError)
    err = _lib.Error()
    err.message = b"what and where"
    e = _lib.exception(_lib.EOVERFLOW, err)
    assert isinstance(e, MemoryError)
    assert str(e) == "what and where (size overflow)"
    assert e.status_name == "size overflow"
    assert isinstance(_lib.exception(_lib.ECANCELLED, None), RuntimeError)
    assert str(_lib.exception(_lib.EPARSE, _lib.Error())) == "malformed input"
