"""The estimator's methods and attributes: shapes and meanings, partial_fit
and warm starts against fit, sample weights against repeated rows, threads,
data layouts, feature names, random_state, verbose output and warnings."""
import warnings

import numpy as np
import pytest

from conftest import start

import gmix
from gmix import _mixture

TYPES = ("full", "tied", "diag", "spherical")
EPS = np.finfo(float).eps


def fitted(X, cov, k=3, **kw):
    params = dict(n_components=k, covariance_type=cov, random_state=0)
    params.update(kw)
    return gmix.GaussianMixture(**params).fit(X)


def n_parameters(k, d, cov):
    """scikit-learn's count of free parameters (GaussianMixture._n_parameters)."""
    cov_params = {"full": k * d * (d + 1) / 2, "tied": d * (d + 1) / 2,
                  "diag": k * d, "spherical": k}[cov]
    return int(cov_params + k * d + k - 1)


@pytest.mark.parametrize("cov", TYPES)
def test_fitted_attributes(iris, cov):
    k, d = 3, iris.shape[1]
    g = fitted(iris, cov)
    shape = {"full": (k, d, d), "tied": (d, d), "diag": (k, d),
             "spherical": (k,)}[cov]
    assert g.weights_.shape == (k,)
    assert g.means_.shape == (k, d)
    for attr in ("covariances_", "precisions_", "precisions_cholesky_"):
        assert getattr(g, attr).shape == shape
        assert getattr(g, attr).dtype == np.float64
    assert abs(g.weights_.sum() - 1.0) < 1e-12
    assert g.n_features_in_ == d
    assert not hasattr(g, "feature_names_in_")
    assert isinstance(g.converged_, bool) and g.converged_
    assert isinstance(g.n_iter_, int) and 1 <= g.n_iter_ <= 100
    assert np.isfinite(g.lower_bound_)
    # precisions are the inverses of the covariances, and U U^T = precision
    # with U upper triangular (scikit-learn's precisions_cholesky_).
    if cov in ("full", "tied"):
        covs = g.covariances_ if cov == "full" else g.covariances_[None]
        precs = g.precisions_ if cov == "full" else g.precisions_[None]
        chols = (g.precisions_cholesky_ if cov == "full"
                 else g.precisions_cholesky_[None])
        for c, p, u in zip(covs, precs, chols):
            np.testing.assert_allclose(c @ p, np.eye(d), atol=1e-9)
            np.testing.assert_allclose(u @ u.T, p, rtol=1e-12,
                                       atol=1e-12 * np.abs(p).max())
            assert np.all(np.tril(u, -1) == 0)
    else:
        np.testing.assert_allclose(g.precisions_, 1.0 / g.covariances_,
                                   rtol=1e-14)
        np.testing.assert_allclose(g.precisions_cholesky_ ** 2, g.precisions_,
                                   rtol=1e-14)


@pytest.mark.parametrize("cov", TYPES)
def test_scores_and_predictions(faithful, cov):
    X = faithful
    n, d = X.shape
    g = fitted(X, cov, k=2)
    logp = g.score_samples(X)
    assert logp.shape == (n,)
    assert g.score(X) == pytest.approx(logp.mean(), rel=1e-13)
    w = np.linspace(0.5, 2.0, n)
    assert g.score(X, sample_weight=w) == pytest.approx(
        np.sum(w * logp) / np.sum(w), rel=1e-13)
    # log p(x) of a mixture, computed here from the fitted attributes
    dens = np.zeros(n)
    for j in range(2):
        c = {"full": lambda: g.covariances_[j],
             "tied": lambda: g.covariances_,
             "diag": lambda: np.diag(g.covariances_[j]),
             "spherical": lambda: g.covariances_[j] * np.eye(d)}[cov]()
        diff = X - g.means_[j]
        q = np.einsum("ij,jk,ik->i", diff, np.linalg.inv(c), diff)
        dens += g.weights_[j] * np.exp(-0.5 * q) / np.sqrt(
            np.linalg.det(2 * np.pi * c))
    np.testing.assert_allclose(logp, np.log(dens), rtol=1e-10)
    proba = g.predict_proba(X)
    assert proba.shape == (n, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-14)
    labels = g.predict(X)
    assert labels.dtype == np.intp
    np.testing.assert_array_equal(labels, proba.argmax(axis=1))
    p = n_parameters(2, d, cov)
    assert g.bic(X) == pytest.approx(-2 * logp.sum() + p * np.log(n),
                                     rel=1e-12)
    assert g.aic(X) == pytest.approx(-2 * logp.sum() + 2 * p, rel=1e-12)


def test_fit_predict_equals_fit_then_predict(iris):
    kw = dict(n_components=3, random_state=4)
    labels = gmix.GaussianMixture(**kw).fit_predict(iris)
    np.testing.assert_array_equal(
        labels, gmix.GaussianMixture(**kw).fit(iris).predict(iris))
    assert sorted(np.bincount(labels)) == sorted(
        np.bincount(labels, minlength=3))


def test_sample(faithful):
    g = fitted(faithful, "full", k=2, random_state=7)
    x, y = g.sample(20000)
    assert x.shape == (20000, 2) and y.shape == (20000,)
    assert set(np.unique(y)) == {0, 1}
    # an int random_state gives the same draws on every call
    x2, y2 = g.sample(20000)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    # the draws follow the model: component shares and means
    np.testing.assert_allclose(np.bincount(y) / 20000, g.weights_, atol=0.02)
    for j in range(2):
        sd = np.sqrt(np.diag(g.covariances_[j]))
        assert np.all(np.abs(x[y == j].mean(axis=0) - g.means_[j]) < 0.1 * sd)
    g.random_state = None
    np.random.seed(3)
    a = g.sample(5)[0]
    np.random.seed(3)
    np.testing.assert_array_equal(a, g.sample(5)[0])
    with pytest.raises(ValueError):
        g.sample(0)


@pytest.mark.parametrize("cov", TYPES)
def test_partial_fit_steps_are_fit_iterations(iris, cov):
    """t calls of partial_fit on X make the model of fit(max_iter=t, tol=0),
    bit for bit: the same start (the first call initialises as fit does)
    and the same engine through the statistics API."""
    kw = dict(n_components=3, covariance_type=cov, random_state=5)
    online = gmix.GaussianMixture(**kw)
    previous = None
    for t in range(1, 6):
        online.partial_fit(iris)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", gmix.ConvergenceWarning)
            batch = gmix.GaussianMixture(max_iter=t, tol=0.0, **kw).fit(iris)
        assert online.n_iter_ == batch.n_iter_ == t
        assert online.lower_bound_ == batch.lower_bound_
        for attr in ("weights_", "means_", "covariances_",
                     "precisions_cholesky_"):
            np.testing.assert_array_equal(getattr(online, attr),
                                          getattr(batch, attr))
        # converged_: the bound moved by less than tol since the last step
        assert online.converged_ is (t > 1 and abs(online.lower_bound_ -
                                                   previous) < 1e-3)
        previous = online.lower_bound_
    for _ in range(200):
        if online.converged_:
            break
        online.partial_fit(iris)
    assert online.converged_


def test_partial_fit_batches(faithful):
    """Batches: each step is the M-step of its batch alone; the bound is the
    batch's mean log-likelihood under the parameters before the step."""
    g = gmix.GaussianMixture(2, random_state=0).fit(faithful)
    n_iter = g.n_iter_
    previous = g.score(faithful[:100])
    g.partial_fit(faithful[:100])
    assert g.lower_bound_ == pytest.approx(previous, rel=1e-14)
    assert g.n_iter_ == n_iter + 1  # counted on from fit's
    with pytest.raises(ValueError, match="features"):
        g.partial_fit(faithful[:, :1])
    # weighted batches: integer weights are repeated rows
    w = np.arange(100) % 3
    a = gmix.GaussianMixture(2, **start(faithful, 2))
    b = gmix.GaussianMixture(2, **start(faithful, 2))
    assert a.partial_fit(faithful[:100], sample_weight=w) is a
    b.partial_fit(np.repeat(faithful[:100], w, axis=0))
    np.testing.assert_allclose(a.means_, b.means_, rtol=1e-12)
    np.testing.assert_allclose(a.covariances_, b.covariances_, rtol=1e-11)


def test_warm_start_continues(iris):
    kw = dict(n_components=3, random_state=1, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gmix.ConvergenceWarning)
        five = gmix.GaussianMixture(max_iter=5, **kw).fit(iris)
        g = gmix.GaussianMixture(max_iter=3, warm_start=True, **kw).fit(iris)
        g.set_params(max_iter=2).fit(iris)
    np.testing.assert_array_equal(g.means_, five.means_)
    np.testing.assert_array_equal(g.covariances_, five.covariances_)
    assert g.lower_bound_ == five.lower_bound_
    assert g.n_iter_ == 2


@pytest.mark.parametrize("cov", TYPES)
def test_integer_weights_are_repeated_rows(iris, cov):
    w = np.random.RandomState(2).randint(0, 4, size=iris.shape[0])
    kw = dict(n_components=3, covariance_type=cov, tol=1e-6, max_iter=500,
              **start(iris, 3, cov, seed=1))
    weighted = gmix.GaussianMixture(**kw).fit(iris, sample_weight=w)
    repeated = gmix.GaussianMixture(**kw).fit(np.repeat(iris, w, axis=0))
    assert weighted.n_iter_ == repeated.n_iter_
    # The same sums taken in another order: agreement to rounding, scaled
    # by the number of iterations.
    rtol = 1e4 * EPS * weighted.n_iter_
    assert weighted.lower_bound_ == pytest.approx(repeated.lower_bound_,
                                                  rel=rtol)
    for attr in ("weights_", "means_", "covariances_"):
        a, b = getattr(weighted, attr), getattr(repeated, attr)
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * np.abs(b).max())
    # and the scores agree too
    np.testing.assert_allclose(weighted.score_samples(iris),
                               repeated.score_samples(iris), rtol=rtol)


def test_zero_weight_rows_are_ignored(faithful):
    w = np.ones(len(faithful))
    w[::3] = 0
    kw = dict(n_components=2, **start(faithful[w > 0], 2))
    a = gmix.GaussianMixture(**kw).fit(faithful, sample_weight=w)
    b = gmix.GaussianMixture(**kw).fit(faithful[w > 0])
    np.testing.assert_allclose(a.means_, b.means_, rtol=1e-12)
    assert a.lower_bound_ == pytest.approx(b.lower_bound_, rel=1e-12)


def test_thread_counts_give_identical_results(iris):
    fits = [fitted(iris, "full", n_threads=t) for t in (1, 2, None)]
    for g in fits[1:]:
        np.testing.assert_array_equal(g.means_, fits[0].means_)
        assert g.lower_bound_ == fits[0].lower_bound_
        np.testing.assert_array_equal(g.score_samples(iris),
                                      fits[0].score_samples(iris))
    with pytest.raises(ValueError, match="n_threads"):
        fitted(iris, "full", n_threads=-1)


def test_data_passed_without_copies_when_possible(iris):
    x = np.ascontiguousarray(iris)
    assert _mixture._as_data(x) is x
    for other in (iris.astype(np.float32), np.asfortranarray(iris),
                  iris[:, ::-1][:, ::-1], iris.tolist()):
        a = _mixture._as_data(other)
        assert a.flags.c_contiguous and a.dtype == np.float64
        np.testing.assert_array_equal(a, np.asarray(other, dtype=np.float64))
    ref = fitted(iris, "diag")
    for other in (np.asfortranarray(iris), iris.tolist()):
        np.testing.assert_array_equal(fitted(other, "diag").means_, ref.means_)
    # float32 data are converted once: the same fit as their float64 values
    x32 = iris.astype(np.float32)
    np.testing.assert_array_equal(fitted(x32, "diag").means_,
                                  fitted(x32.astype(np.float64), "diag").means_)


def test_feature_names_from_dataframes(faithful, tmp_path):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(faithful, columns=["eruptions", "waiting"])
    g = gmix.GaussianMixture(2, random_state=0).fit(df)
    np.testing.assert_array_equal(g.feature_names_in_, ["eruptions", "waiting"])
    assert g.feature_names_in_.dtype == object
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        plain = g.predict(faithful)
    np.testing.assert_array_equal(g.predict(df), plain)
    with pytest.raises(ValueError, match="feature names should match"):
        g.predict(df[["waiting", "eruptions"]])
    g.save(tmp_path / "m.json")
    assert gmix.load(tmp_path / "m.json").feature_names_in_.tolist() == [
        "eruptions", "waiting"]
    # refitting on a plain array forgets the names
    g.fit(faithful)
    assert not hasattr(g, "feature_names_in_")
    with pytest.warns(UserWarning, match="fitted without feature names"):
        g.predict(df)


def test_random_state_forms(iris):
    kw = dict(n_components=3, init_params="random_from_data")
    a = gmix.GaussianMixture(random_state=11, **kw).fit(iris)
    b = gmix.GaussianMixture(random_state=11, **kw).fit(iris)
    np.testing.assert_array_equal(a.means_, b.means_)
    # a RandomState draws the seed from itself: equal states, equal fits
    c = gmix.GaussianMixture(random_state=np.random.RandomState(5), **kw)
    d = gmix.GaussianMixture(random_state=np.random.RandomState(5), **kw)
    np.testing.assert_array_equal(c.fit(iris).means_, d.fit(iris).means_)
    # None draws from numpy's global RandomState, as in scikit-learn
    np.random.seed(0)
    e = gmix.GaussianMixture(**kw).fit(iris)
    np.random.seed(0)
    f = gmix.GaussianMixture(**kw).fit(iris)
    np.testing.assert_array_equal(e.means_, f.means_)
    with pytest.raises(ValueError, match="seed"):
        gmix.GaussianMixture(random_state="x").fit(iris)
    with pytest.raises(ValueError):
        gmix.GaussianMixture(random_state=-1).fit(iris)


@pytest.mark.parametrize("init", ["kmeans", "k-means++", "random",
                                  "random_from_data"])
def test_init_params_names(iris, init):
    g = fitted(iris, "full", init_params=init)
    assert g.converged_


def test_parameters(iris):
    g = gmix.GaussianMixture()
    params = g.get_params()
    assert params == dict(
        n_components=1, covariance_type="full", tol=1e-3, reg_covar=1e-6,
        max_iter=100, n_init=1, init_params="kmeans", weights_init=None,
        means_init=None, precisions_init=None, random_state=None,
        warm_start=False, verbose=0, verbose_interval=10, n_threads=None)
    g.set_params(n_components=3, n_threads=1)
    assert g.n_components == 3 and g.n_threads == 1
    assert "n_components=3" in repr(g)
    for bad in (dict(n_components=0), dict(tol=-1.0), dict(reg_covar="x"),
                dict(max_iter=-1), dict(n_init=0), dict(verbose_interval=0),
                dict(n_components=1.5), dict(covariance_type="VVX"),
                dict(init_params="kmeans++")):
        with pytest.raises(ValueError):
            gmix.GaussianMixture(**bad).fit(iris)


def test_max_iter_zero_evaluates_the_start(iris):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning either
        g = gmix.GaussianMixture(3, max_iter=0, **start(iris, 3)).fit(iris)
    np.testing.assert_array_equal(g.means_, start(iris, 3)["means_init"])
    assert g.n_iter_ == 0 and not g.converged_
    assert g.lower_bound_ == pytest.approx(g.score(iris), rel=1e-14)


def test_convergence_warning(iris):
    with pytest.warns(gmix.ConvergenceWarning, match="did not converge"):
        g = gmix.GaussianMixture(3, max_iter=2, random_state=0).fit(iris)
    assert not g.converged_ and g.n_iter_ == 2
    import sklearn.exceptions
    assert gmix.ConvergenceWarning is sklearn.exceptions.ConvergenceWarning


def test_verbose_output(iris, capsys):
    gmix.GaussianMixture(3, n_init=2, verbose=2, verbose_interval=1,
                         random_state=0).fit(iris)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Initialization 1"
    assert out[1].startswith("  Iteration 1\t time lapse ")
    assert "Initialization 2" in out
    ends = [line for line in out if line.startswith("Initialization converged")]
    assert len(ends) == 2 and all("True" in line for line in ends)
    gmix.GaussianMixture(3, verbose=1, random_state=0).fit(iris)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Initialization 1"
    assert out[-1] == "Initialization converged: True"
    gmix.GaussianMixture(3, random_state=0).fit(iris)
    assert capsys.readouterr().out == ""


MCLUST = ("EII", "VII", "EEI", "VEI", "EVI", "VVI", "EEE", "VEE", "EVE",
          "VVE", "EEV", "VEV", "EVV", "VVV")
SKLEARN_OF = {"VVV": "full", "EEE": "tied", "VVI": "diag", "VII": "spherical"}


@pytest.mark.parametrize("cov", MCLUST)
def test_mclust_names(iris, cov):
    """mclust's fourteen names are covariance types: its names of the four
    of scikit-learn give the same fit as those names, the other ten store
    [K][d][d] matrices whose decomposition satisfies the model's
    constraint, and a model file round trip keeps the type."""
    k, d = 3, iris.shape[1]
    g = fitted(iris, cov)
    if cov in SKLEARN_OF:
        h = fitted(iris, SKLEARN_OF[cov])
        np.testing.assert_array_equal(g.covariances_, h.covariances_)
        assert g.lower_bound_ == h.lower_bound_
        return
    assert g.covariances_.shape == (k, d, d)
    np.testing.assert_allclose(np.einsum("kij,kjl->kil", g.covariances_,
                                         g.precisions_),
                               np.broadcast_to(np.eye(d), (k, d, d)),
                               atol=1e-9)
    # The constraint, from the matrices alone: det^(1/d) is the volume,
    # the eigenvalues over it the shape, the eigenvectors the orientation.
    vals, vecs = np.linalg.eigh(g.covariances_)
    vol = np.exp(np.log(vals).mean(axis=1))
    shape = np.sort(vals / vol[:, None], axis=1)
    rtol = 1e-6
    if cov[0] == "E":
        np.testing.assert_allclose(vol, vol[0], rtol=rtol)
    if cov[1] == "E":
        np.testing.assert_allclose(shape, np.broadcast_to(shape[0], shape.shape),
                                   rtol=rtol)
    if cov[1] == "I":
        np.testing.assert_allclose(shape, 1.0, rtol=rtol)
    if cov[2] == "I":
        off = g.covariances_ - np.einsum("kii->ki", g.covariances_)[:, :, None] \
            * np.eye(d)
        assert np.abs(off).max() == 0.0
    if cov[2] == "E":
        # One orientation: the matrices commute.
        for a in g.covariances_[1:]:
            c0 = g.covariances_[0]
            np.testing.assert_allclose(a @ c0, c0 @ a,
                                       atol=1e-6 * np.abs(a @ c0).max())
