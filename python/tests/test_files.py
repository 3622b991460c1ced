"""Pickling, model files, and round trips between Python and the gmix
command: a model carried either way scores every row identically."""
import io
import json
import os
import pickle
import subprocess

import numpy as np
import pytest

from conftest import EXAMPLES, cli_path

import gmix

TYPES = ("full", "tied", "diag", "spherical")
FAITHFUL = os.path.join(EXAMPLES, "faithful.csv")
ATTRIBUTES = ("weights_", "means_", "covariances_", "precisions_",
              "precisions_cholesky_", "converged_", "n_iter_", "lower_bound_",
              "n_features_in_")


def assert_same_model(a, b, X):
    for attr in ATTRIBUTES:
        np.testing.assert_array_equal(getattr(a, attr), getattr(b, attr),
                                      err_msg=attr)
    np.testing.assert_array_equal(a.score_samples(X), b.score_samples(X))
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


@pytest.mark.parametrize("cov", TYPES)
def test_pickle_round_trip(faithful, cov):
    g = gmix.GaussianMixture(2, covariance_type=cov, random_state=0,
                             n_threads=1).fit(faithful)
    text = pickle.dumps(g)
    assert b"gmix-model" in text  # the model travels as its JSON
    h = pickle.loads(text)
    assert h.get_params() == g.get_params()
    assert_same_model(g, h, faithful)
    # and it stays a working estimator: both continue identically
    g.partial_fit(faithful)
    h.partial_fit(faithful)
    assert_same_model(g, h, faithful)


def test_pickle_unfitted_and_partial(faithful):
    g = pickle.loads(pickle.dumps(gmix.GaussianMixture(3, tol=0.5)))
    assert g.tol == 0.5 and not hasattr(g, "weights_")
    with pytest.raises(gmix.NotFittedError):
        g.predict(faithful)
    g = gmix.GaussianMixture(2, random_state=0).partial_fit(faithful)
    h = pickle.loads(pickle.dumps(g))
    assert_same_model(g, h, faithful)


@pytest.mark.parametrize("cov", TYPES)
def test_save_and_load(tmp_path, faithful, cov):
    g = gmix.GaussianMixture(2, covariance_type=cov, random_state=0).fit(
        faithful)
    path = tmp_path / "m.json"
    g.save(path)
    with open(path) as f:
        doc = json.load(f)
    assert doc["format"] == "gmix-model"
    assert doc["covariance_type"] == cov
    np.testing.assert_array_equal(np.array(doc["means"]), g.means_)
    np.testing.assert_array_equal(np.array(doc["covariances"]),
                                  g.covariances_)
    h = gmix.load(str(path))
    assert (h.n_components, h.covariance_type) == (2, cov)
    assert_same_model(g, h, faithful)


def test_loaded_model_without_fit_report(tmp_path, faithful):
    path = tmp_path / "bare.json"
    path.write_text(json.dumps({
        "format": "gmix-model", "version": 1, "covariance_type": "diag",
        "n_components": 2, "n_features": 2, "weights": [0.25, 0.75],
        "means": [[2, 55], [4.3, 80]], "covariances": [[0.1, 30], [0.2, 35]]}))
    g = gmix.load(path)
    assert g.converged_ is False and g.n_iter_ == 0
    assert np.isnan(g.lower_bound_)
    np.testing.assert_array_equal(g.weights_, [0.25, 0.75])
    assert g.predict(faithful).shape == (272,)


# ---- the gmix command --------------------------------------------------------

GMIX = cli_path()
needs_cli = pytest.mark.skipif(GMIX is None, reason="the gmix command is "
                               "not built (set GMIX or build build/cli/gmix)")


def cli(*args):
    p = subprocess.run([GMIX, *map(str, args)], capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout


def cli_numbers(*args):
    return np.loadtxt(io.StringIO(cli(*args)), ndmin=1)


@needs_cli
@pytest.mark.parametrize("cov", TYPES)
def test_cli_model_loads_in_python(tmp_path, faithful, cov):
    path = tmp_path / "cli.json"
    cli("fit", FAITHFUL, "-k", 2, "-c", cov, "--seed", 3, "-o", path)
    g = gmix.load(path)
    assert g.covariance_type == cov and g.n_features_in_ == 2
    assert g.feature_names_in_.tolist() == ["eruptions", "waiting"]
    with open(path) as f:
        report = json.load(f)["fit"]
    assert g.converged_ == report["converged"]
    assert g.n_iter_ == report["n_iter"]
    assert g.lower_bound_ == report["lower_bound"]
    # The model file was fitted on the CSV's named columns; plain arrays
    # draw scikit-learn's feature-name warning, a DataFrame does not.
    with pytest.warns(UserWarning, match="feature names"):
        mine = g.score_samples(faithful)
    np.testing.assert_array_equal(
        mine, cli_numbers("score", path, FAITHFUL, "--per-sample"))
    with pytest.warns(UserWarning, match="feature names"):
        labels = g.predict(faithful)
    np.testing.assert_array_equal(
        labels, np.loadtxt(io.StringIO(cli("predict", path, FAITHFUL)),
                           skiprows=1))
    with pytest.warns(UserWarning, match="feature names"):
        mean = g.score(faithful)
    assert mean == float(cli("score", path, FAITHFUL))


@needs_cli
@pytest.mark.parametrize("cov", TYPES)
def test_python_model_loads_in_cli(tmp_path, faithful, cov):
    g = gmix.GaussianMixture(2, covariance_type=cov, random_state=1).fit(
        faithful)
    path = tmp_path / "py.json"
    g.save(path)
    np.testing.assert_array_equal(
        g.score_samples(faithful),
        cli_numbers("score", path, FAITHFUL, "--per-sample"))
    assert g.score(faithful) == float(cli("score", path, FAITHFUL))
    proba = np.loadtxt(io.StringIO(cli("predict", path, FAITHFUL, "--proba")),
                       delimiter=",", skiprows=1)
    np.testing.assert_array_equal(g.predict_proba(faithful), proba)
    # and the command can start EM from it: with max_iter 0 it keeps it
    again = tmp_path / "again.json"
    cli("fit", FAITHFUL, "-k", 2, "-c", cov, "--init-model", path,
        "--max-iter", 0, "-o", again)
    np.testing.assert_array_equal(gmix.load(again).means_, g.means_)
