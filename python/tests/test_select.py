"""gmix.select: the library's model-selection sweep from Python. Its table
is the one `gmix select --table` writes, its best estimator is the
library's best model, failed candidates are rows with their reason."""
import csv
import math
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

from conftest import EXAMPLES, cli_path

import gmix
from gmix import _lib

FAITHFUL = os.path.join(EXAMPLES, "faithful.csv")
COLUMNS = ["covariance_type", "n_components", "bic", "aic", "icl",
           "bic_mclust", "log_likelihood", "n_parameters", "converged",
           "n_iter", "start", "status", "message"]
FLOATS = ("bic", "aic", "icl", "bic_mclust", "log_likelihood")


def rows(table):
    """The table, DataFrame or structured array, as a list of dicts of
    plain Python values."""
    if isinstance(table, np.ndarray):
        names = table.dtype.names
        return [{c: r[c].item() for c in names} for r in table]
    return [{c: (v.item() if hasattr(v, "item") else v)
             for c, v in r.items()} for r in table.to_dict("records")]


def three_clusters(n=200, seed=0):
    rs = np.random.RandomState(seed)
    centres = np.array([[0.0, 0.0], [8.0, 0.0], [0.0, 8.0]])
    return np.vstack([rs.normal(c, 1.0, size=(n, 2)) for c in centres])


def test_three_clusters_select_three():
    X = three_clusters()
    table, best = gmix.select(X, k=range(1, 7), random_state=0, n_threads=2)
    assert isinstance(best, gmix.GaussianMixture)
    assert best.n_components == 3 and best.means_.shape == (3, 2)
    # each true centre has a fitted mean near it
    for c in ([0, 0], [8, 0], [0, 8]):
        assert np.min(np.linalg.norm(best.means_ - c, axis=1)) < 0.3
    r = rows(table)
    assert len(r) == 6 * 4
    bics = [x["bic"] for x in r]
    i = int(np.argmin(bics))
    assert (r[i]["covariance_type"], r[i]["n_components"]) == (
        best.covariance_type, 3)
    assert all(x["status"] == "success" and x["message"] == "" for x in r)


def test_table_layout_and_order(faithful):
    table, best = gmix.select(faithful, k=[2, 3], covariance_types=["diag",
                                                                   "full"],
                              random_state=1)
    assert list(table.columns) == COLUMNS
    r = rows(table)
    assert [(x["n_components"], x["covariance_type"]) for x in r] == [
        (2, "diag"), (2, "full"), (3, "diag"), (3, "full")]
    for x in r:
        # the criteria and mclust's sign, from the log-likelihood
        n, p, ll = len(faithful), x["n_parameters"], x["log_likelihood"]
        assert x["bic"] == pytest.approx(-2 * ll + p * math.log(n), rel=1e-12)
        assert x["aic"] == pytest.approx(-2 * ll + 2 * p, rel=1e-12)
        assert x["bic_mclust"] == -x["bic"]
        assert x["icl"] >= x["bic"]
        assert x["start"] in ("hc", "kmeans")
        assert isinstance(x["converged"], bool)


def test_table_matches_the_command_line(tmp_path, faithful):
    cli = cli_path()
    if cli is None:
        pytest.skip("the gmix command is not built")
    out = tmp_path / "table.csv"
    p = subprocess.run([cli, "select", FAITHFUL, "-k", "1..6", "-c", "all",
                        "--n-init", "2", "--seed", "7", "--criterion", "icl",
                        "--table", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    with open(out, newline="") as f:
        expected = list(csv.DictReader(f))
    table, best = gmix.select(faithful, k=range(1, 7), covariance_types="all",
                              n_init=2, random_state=7, criterion="icl")
    got = rows(table)
    assert len(got) == len(expected) == 6 * len(_lib.covariance_types())
    for g, e in zip(got, expected):
        assert g["covariance_type"] == e["covariance"]
        assert g["n_components"] == int(e["k"])
        for c in FLOATS:  # the CSV has every digit (%.17g): the same doubles
            assert g[c] == float(e[c]), c
        assert g["n_parameters"] == int(e["n_parameters"])
        assert g["converged"] == bool(int(e["converged"]))
        assert g["n_iter"] == int(e["n_iter"])
        assert (g["start"], g["status"], g["message"]) == (
            e["start"], e["status"], e["message"])
    # the command's choice (the line "best: TYPE, K = k") is the estimator
    assert "best: %s, K = %d " % (best.covariance_type,
                                  best.n_components) in p.stdout
    icl = [g["icl"] for g in got]
    assert got[int(np.argmin(icl))]["n_components"] == best.n_components


def test_best_estimator_is_the_best_cell(faithful):
    table, best = gmix.select(faithful, k=range(1, 5), random_state=3)
    r = rows(table)
    i = int(np.argmin([x["bic"] for x in r]))
    cell = r[i]
    assert (best.covariance_type, best.n_components) == (
        cell["covariance_type"], cell["n_components"])
    assert best.score(faithful) == pytest.approx(
        cell["log_likelihood"] / len(faithful), rel=1e-12, abs=0)
    assert best.bic(faithful) == pytest.approx(cell["bic"], rel=1e-12)
    assert best.aic(faithful) == pytest.approx(cell["aic"], rel=1e-12)
    assert best.converged_ == cell["converged"]
    assert best.n_iter_ == cell["n_iter"]
    assert best.init_params == cell["start"] and best.random_state == 3
    assert best.lower_bound_ == pytest.approx(best.score(faithful), abs=1e-3)
    # its parameters refit the same model (gmix.h: gmix_fit with the cell's
    # best start reproduces it)
    again = gmix.GaussianMixture(**best.get_params()).fit(faithful)
    np.testing.assert_array_equal(again.means_, best.means_)
    np.testing.assert_array_equal(again.covariances_, best.covariances_)
    np.testing.assert_array_equal(again.weights_, best.weights_)


def test_failed_cells_carry_their_status():
    # 12 rows in 2 dimensions: a full model of K components has
    # 6 K - 1 parameters, so K >= 3 (17 > 12) cannot be fitted
    X = three_clusters(n=4, seed=2)
    table, best = gmix.select(X, k=range(1, 5), covariance_types=["full",
                                                                  "spherical"],
                              random_state=0)
    r = {(x["covariance_type"], x["n_components"]): x for x in rows(table)}
    for k in (3, 4):
        x = r[("full", k)]
        assert x["status"] == "too few samples for the model"
        assert "12 rows" in x["message"] and x["start"] == ""
        assert x["n_parameters"] == 6 * k - 1
        assert all(math.isnan(x[c]) for c in FLOATS)
    for k in (1, 2):
        assert r[("full", k)]["status"] == "success"
    assert r[("spherical", 3)]["status"] == "success"
    assert best.n_components in (1, 2, 3)


def test_no_cell_fitted_raises_with_the_table():
    X = np.array([[0.0, 1.0], [2.0, 3.0]])
    with pytest.raises(gmix.GmixValueError) as e:
        gmix.select(X, k=[1, 2], random_state=0)
    assert e.value.status == _lib.ETOOFEW
    assert "no candidate could be fitted" in str(e.value)
    assert "2 rows" in str(e.value)
    r = rows(e.value.table)
    assert len(r) == 8
    assert {x["status"] for x in r} == {"too few samples for the model"}


def test_structured_array_without_pandas(monkeypatch, faithful):
    with_pandas, _ = gmix.select(faithful, k=range(1, 3), random_state=0)
    monkeypatch.setitem(sys.modules, "pandas", None)  # import fails
    table, best = gmix.select(faithful, k=range(1, 3), random_state=0)
    assert isinstance(table, np.ndarray) and table.dtype.names == tuple(
        COLUMNS)
    assert table.shape == (8,)
    assert table["n_components"].tolist() == [1] * 4 + [2] * 4
    assert table["converged"].dtype == np.bool_
    assert rows(table) == rows(with_pandas)


def test_dataframe_with_pandas(faithful):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(faithful, columns=["eruptions", "waiting"])
    table, best = gmix.select(df, k=range(1, 3), random_state=0)
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == COLUMNS and len(table) == 8
    assert table["bic"].dtype == np.float64
    # the estimator remembers the data's column names
    assert list(best.feature_names_in_) == ["eruptions", "waiting"]
    assert best.predict(df).shape == (len(df),)


def test_sample_weight_equals_repeated_rows(faithful):
    rs = np.random.RandomState(0)
    w = rs.randint(1, 3, size=len(faithful))
    X = np.repeat(faithful, w, axis=0)
    a, best_a = gmix.select(faithful, k=range(1, 4), sample_weight=w,
                            random_state=0, starts="kmeans")
    b, best_b = gmix.select(X, k=range(1, 4), random_state=0, starts="kmeans")
    ra, rb = rows(a), rows(b)
    for x, y in zip(ra, rb):
        assert x["log_likelihood"] == pytest.approx(y["log_likelihood"],
                                                    rel=1e-6)
        assert x["start"] == y["start"] == "kmeans"
    assert (best_a.covariance_type, best_a.n_components) == (
        best_b.covariance_type, best_b.n_components)


def test_same_table_for_any_thread_count(faithful):
    one, _ = gmix.select(faithful, k=range(1, 4), random_state=5, n_threads=1)
    two, _ = gmix.select(faithful, k=range(1, 4), random_state=5, n_threads=2)
    assert rows(one) == rows(two)


@pytest.mark.parametrize("kwargs, text", [
    (dict(criterion="bicc"), "bic"),
    (dict(covariance_types=["full", "ful"]), "full"),
    (dict(covariance_types=["full", "full"]), "covariance"),
    (dict(starts=["nope"]), "kmeans"),
    (dict(k=0), "k must be"),
    (dict(k=[1, 3]), "consecutive"),
    (dict(k=[]), "k must be"),
    (dict(k="12"), "k must be"),
    (dict(n_init=0), "n_init"),
    (dict(tol=-1.0), "tol"),
    (dict(max_iter=1.5), "max_iter"),
    (dict(sample_weight=np.ones(3)), "sample_weight"),
])
def test_bad_arguments_are_value_errors(faithful, kwargs, text):
    with pytest.raises(ValueError, match=text):
        gmix.select(faithful, **kwargs)


def test_library_errors_carry_its_message(faithful):
    X = faithful.copy()
    X[4, 1] = np.nan
    with pytest.raises(gmix.GmixValueError) as e:
        gmix.select(X, k=2)
    assert e.value.status == _lib.ENONFINITE
    assert "row 5, column 2" in str(e.value)
    w = np.ones(len(faithful))
    w[0] = -1.0
    with pytest.raises(gmix.GmixValueError) as e:
        gmix.select(faithful, k=2, sample_weight=w)
    assert e.value.status == _lib.EWEIGHTS


def test_convergence_warning_for_an_unconverged_best(faithful):
    with pytest.warns(gmix.ConvergenceWarning):
        table, best = gmix.select(faithful, k=[2], covariance_types="full",
                                  max_iter=1, tol=0.0, random_state=0)
    assert not best.converged_ and best.n_iter_ == 1
    assert not rows(table)[0]["converged"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gmix.select(faithful, k=[2], covariance_types="full", random_state=0)
