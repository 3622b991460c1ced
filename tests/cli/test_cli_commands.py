"""End-to-end tests of the gmix command: manuals, every subcommand on the
bundled data sets, round trips and the data options."""
import json
import math
import os
import subprocess

import numpy as np
import pytest

from cli_helpers import (COVARIANCES, DATASETS, FAITHFUL, GMIX, IRIS,
                         WREATH, expect_error, gmix, params, run_on_terminal,
                         summary, write)


# ---------------------------------------------------------------- help

def test_version():
    rc, out, _ = gmix("--version", check=0)
    assert out.startswith("gmix ") and "0.1.0" in out


def test_main_help_lists_commands_and_exit_codes():
    _, out, _ = gmix("--help", check=0)
    for word in ["SYNOPSIS", "COMMANDS", "EXIT STATUS", "fit", "select",
                 "predict", "score", "sample", "info"]:
        assert word in out
    assert gmix("help", check=0)[1] == out


@pytest.mark.parametrize("cmd", ["fit", "select", "predict", "score",
                                 "sample", "info"])
def test_command_help(cmd):
    _, a, _ = gmix("help", cmd, check=0)
    _, b, _ = gmix(cmd, "--help", check=0)
    _, c, _ = gmix(cmd, "-h", check=0)
    assert a == b == c
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS",
                    "EXIT STATUS", "EXAMPLES", f"gmix {cmd}"]:
        assert section in a, section
    assert max(len(line) for line in a.splitlines()) <= 80


def test_fit_help_documents_every_option():
    _, out, _ = gmix("fit", "--help", check=0)
    for opt in ["--components", "--covariance", "--init", "--n-init",
                "--tol", "--max-iter", "--reg-covar", "--seed", "--threads",
                "--weights", "--weight-column", "--columns", "--init-model",
                "--verbose", "--drop-bad-rows", "--output", "--standardize",
                "--hc-max-rows"]:
        assert opt in out, opt



def test_select_help_documents_every_option():
    _, out, _ = gmix("select", "--help", check=0)
    for opt in ["--components", "--covariance", "--criterion", "--n-init",
                "--tol", "--max-iter", "--reg-covar", "--seed", "--threads",
                "--weights", "--weight-column", "--columns", "--table",
                "--drop-bad-rows", "--output", "sklearn", "all",
                "bic_mclust", "lower-is-better"]:
        assert opt in out, opt

# ------------------------------------------------ each subcommand, each data set

@pytest.mark.parametrize("name", sorted(DATASETS))
@pytest.mark.parametrize("cov", COVARIANCES)
def test_fit_predict_score_sample_info(tmp_path, name, cov):
    path, k, n, names = DATASETS[name]
    d = len(names)
    model = tmp_path / "m.json"
    _, out, _ = gmix("fit", path, "-k", k, "-c", cov, "--seed", 7, "-o", model,
                     check=0)
    s = summary(out)
    assert s["n"] == str(n) and s["d"] == str(d) and s["K"] == str(k)
    assert s["covariance"] == cov
    assert s["converged"] in ("yes", "no")
    assert int(s["iterations"]) >= 1
    for key in ["log-likelihood", "BIC", "AIC", "seconds"]:
        assert math.isfinite(float(s[key].split()[0])), key
    loglik = float(s["log-likelihood"].split()[0])

    m = json.loads(model.read_text())
    assert m["format"] == "gmix-model" and m["version"] == 1
    assert m["covariance_type"] == cov
    assert (m["n_components"], m["n_features"]) == (k, d)
    assert m["feature_names"] == names
    assert len(m["weights"]) == k and abs(sum(m["weights"]) - 1) < 1e-12
    assert np.shape(m["means"]) == (k, d)
    cov_shape = {"full": (k, d, d), "tied": (d, d), "diag": (k, d),
                 "spherical": (k,)}[cov]
    assert np.shape(m["covariances"]) == cov_shape
    assert m["fit"]["n_samples"] == n
    assert len(m["fit"]["history"]) == m["fit"]["n_iter"]

    # BIC and AIC agree with their definitions.
    p = (k - 1) + k * d + {"full": k * d * (d + 1) // 2,
                           "tied": d * (d + 1) // 2, "diag": k * d,
                           "spherical": k}[cov]
    assert float(s["BIC"]) == pytest.approx(-2 * n * loglik + p * math.log(n),
                                            rel=1e-8)
    assert float(s["AIC"]) == pytest.approx(-2 * n * loglik + 2 * p, rel=1e-8)

    _, out, _ = gmix("predict", model, path, check=0)
    lines = out.splitlines()
    assert lines[0] == "label" and len(lines) == n + 1
    labels = [int(x) for x in lines[1:]]
    assert all(0 <= x < k for x in labels)

    _, out, _ = gmix("predict", model, path, "--proba", check=0)
    lines = out.splitlines()
    assert lines[0] == ",".join(f"p{c}" for c in range(k))
    proba = np.array([[float(v) for v in line.split(",")]
                      for line in lines[1:]])
    assert proba.shape == (n, k)
    assert np.allclose(proba.sum(axis=1), 1, rtol=0, atol=1e-12)
    assert list(proba.argmax(axis=1)) == labels

    _, out, _ = gmix("score", model, path, check=0)
    score = float(out)
    assert out == repr(score) + "\n" or float(out.strip()) == score
    assert score == pytest.approx(loglik, rel=1e-9)

    _, out, _ = gmix("score", model, path, "--per-sample", check=0)
    logp = [float(x) for x in out.split()]
    assert len(logp) == n
    assert math.fsum(logp) / n == pytest.approx(score, rel=1e-12)

    _, out, _ = gmix("sample", model, "-n", 50, "--seed", 3, "--labels",
                     check=0)
    lines = out.splitlines()
    assert lines[0] == ",".join(names + ["label"]) and len(lines) == 51
    rows = [line.split(",") for line in lines[1:]]
    assert all(len(r) == d + 1 and 0 <= int(r[-1]) < k for r in rows)

    _, out, _ = gmix("info", model, check=0)
    assert f"covariance     {cov}" in out
    assert f"components     {k}" in out
    assert "component 0: weight" in out
    assert ", ".join(names) in out


def test_sample_is_deterministic(faithful_model):
    a = gmix("sample", faithful_model, "-n", 20, "--seed", 5, check=0)[1]
    b = gmix("sample", faithful_model, "-n", 20, "--seed", 5, check=0)[1]
    c = gmix("sample", faithful_model, "-n", 20, "--seed", 6, check=0)[1]
    assert a == b and a != c
    out = gmix("sample", faithful_model, "-n", 0, check=0)[1]
    assert out == "eruptions,waiting\n"
    out = gmix("sample", faithful_model, "-n", 2, "--no-header", check=0)[1]
    assert len(out.splitlines()) == 2


def test_sampled_data_fits_back(tmp_path, faithful_model):
    """Rows drawn from a model, fitted again, give back its parameters."""
    data = tmp_path / "s.csv"
    gmix("sample", faithful_model, "-n", 20000, "--seed", 9, "-o", data,
         check=0)
    refit = tmp_path / "r.json"
    gmix("fit", data, "-k", 2, "--seed", 2, "-o", refit, check=0)
    w0, mu0, _ = params(faithful_model)
    w1, mu1, _ = params(refit)
    order0, order1 = np.argsort(np.array(mu0)[:, 0]), np.argsort(
        np.array(mu1)[:, 0])
    assert np.allclose(np.array(w0)[order0], np.array(w1)[order1], atol=0.02)
    assert np.allclose(np.array(mu0)[order0], np.array(mu1)[order1],
                       rtol=0.02)


def test_info_history(faithful_model):
    _, out, _ = gmix("info", faithful_model, "--history", check=0)
    assert "iteration  log-likelihood" in out
    n_iter = json.loads(faithful_model.read_text())["fit"]["n_iter"]
    assert f"\n{n_iter:9d}  " in out


def test_info_of_a_model_without_fit(tmp_path):
    model = write(tmp_path / "bare.json", json.dumps({
        "format": "gmix-model", "version": 1, "covariance_type": "diag",
        "n_components": 1, "n_features": 2, "weights": [1],
        "means": [[0, 1]], "covariances": [[1, 2]]}))
    _, out, _ = gmix("info", model, check=0)
    assert "fit            none" in out


# ------------------------------------------------------------- round trips

def test_save_load_score_round_trip_is_exact(tmp_path, faithful_model):
    """Scores from a saved model, and from that model saved again (by gmix
    through --init-model --max-iter 0, and by Python's json), are the same
    bytes."""
    s1 = gmix("score", faithful_model, FAITHFUL, check=0)[1]
    p1 = gmix("score", faithful_model, FAITHFUL, "--per-sample", check=0)[1]
    r1 = gmix("predict", faithful_model, FAITHFUL, "--proba", check=0)[1]

    again = tmp_path / "again.json"
    gmix("fit", FAITHFUL, "--init-model", faithful_model, "--max-iter", 0,
         "-o", again, check=0)
    assert params(again) == params(faithful_model)
    assert gmix("score", again, FAITHFUL, check=0)[1] == s1
    assert gmix("score", again, FAITHFUL, "--per-sample", check=0)[1] == p1
    assert gmix("predict", again, FAITHFUL, "--proba", check=0)[1] == r1

    # Python writes the shortest repr of each double: a different text for
    # the same bits, which must load to the same model.
    m = json.loads(faithful_model.read_text())
    py = write(tmp_path / "python.json", json.dumps(m, indent=1))
    assert gmix("score", py, FAITHFUL, check=0)[1] == s1
    assert gmix("score", py, FAITHFUL, "--per-sample", check=0)[1] == p1


def test_init_model_with_only_required_keys(tmp_path, faithful_model):
    m = json.loads(faithful_model.read_text())
    start = {key: m[key] for key in ["format", "version", "covariance_type",
                                     "n_components", "n_features", "weights",
                                     "means", "covariances"]}
    path = write(tmp_path / "start.json", json.dumps(start))
    out_path = tmp_path / "m.json"
    _, out, _ = gmix("fit", FAITHFUL, "--init-model", path, "-o", out_path,
                     check=0)
    assert summary(out)["K"] == "2"
    # Starting from a converged fit (to tol 1e-3), EM stays near it.
    assert np.allclose(params(out_path)[1], m["means"], rtol=1e-3)
    # The names come from the data header.
    assert json.loads(out_path.read_text())["feature_names"] == [
        "eruptions", "waiting"]


def test_init_model_must_agree(tmp_path, faithful_model):
    expect_error(1, ["-k 3 disagrees with", "2 components"], "fit", FAITHFUL,
                 "--init-model", faithful_model, "-k", 3)
    expect_error(1, ["--covariance diag disagrees with", "full"], "fit",
                 FAITHFUL, "--init-model", faithful_model, "-c", "diag")
    expect_error(2, ["has 4 columns but the model", "2 features"], "fit", IRIS,
                 "--init-model", faithful_model)
    expect_error(2, ["missing.json", "No such file"], "fit", FAITHFUL,
                 "--init-model", tmp_path / "missing.json")


def test_stdin_input(tmp_path, faithful_model):
    text = open(FAITHFUL).read()
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    gmix("fit", FAITHFUL, "-k", 2, "--seed", 4, "-o", a, check=0)
    gmix("fit", "-", "-k", 2, "--seed", 4, "-o", b, stdin=text, check=0)
    assert params(a) == params(b)
    assert json.loads(b.read_text())["feature_names"] == [
        "eruptions", "waiting"]
    assert (gmix("predict", faithful_model, "-", stdin=text, check=0)[1] ==
            gmix("predict", faithful_model, FAITHFUL, check=0)[1])
    assert (gmix("score", faithful_model, "-", stdin=text, check=0)[1] ==
            gmix("score", faithful_model, FAITHFUL, check=0)[1])


@pytest.mark.parametrize("variant", ["c", "fortran", "big-endian"])
def test_npy_and_csv_give_the_same_model(tmp_path, variant):
    x = np.loadtxt(IRIS, delimiter=",", skiprows=1)
    if variant == "fortran":
        x = np.asfortranarray(x)
    elif variant == "big-endian":
        x = x.astype(">f8")
    npy = tmp_path / "iris.npy"
    np.save(npy, x)
    a, b = tmp_path / "csv.json", tmp_path / "npy.json"
    gmix("fit", IRIS, "-k", 3, "--seed", 11, "-o", a, check=0)
    gmix("fit", npy, "-k", 3, "--seed", 11, "-o", b, check=0)
    assert params(a) == params(b)
    assert "feature_names" not in json.loads(b.read_text())
    assert (gmix("score", a, npy, check=0)[1] ==
            gmix("score", a, IRIS, check=0)[1])


def test_float32_npy(tmp_path):
    x = np.loadtxt(FAITHFUL, delimiter=",", skiprows=1).astype(np.float32)
    npy = tmp_path / "f32.npy"
    np.save(npy, x)
    csv = write(tmp_path / "f32.csv", "\n".join(
        ",".join(repr(float(v)) for v in row) for row in x) + "\n")
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    gmix("fit", npy, "-k", 2, "--seed", 1, "-o", a, check=0)
    gmix("fit", csv, "-k", 2, "--seed", 1, "-o", b, check=0)
    assert params(a) == params(b)


def test_output_to_stdout(tmp_path):
    _, out, err = gmix("fit", FAITHFUL, "-k", 2, "-o", "-", check=0)
    m = json.loads(out)
    assert m["n_components"] == 2
    assert summary(err)["n"] == "272"


def test_verbose_prints_each_iteration():
    _, out, err = gmix("fit", FAITHFUL, "-k", 2, "--verbose", check=0)
    lines = [l for l in err.splitlines() if "iteration" in l]
    assert len(lines) == int(summary(out)["iterations"])
    assert all(l.startswith("gmix: init 1/1") for l in lines)
    assert "log-likelihood" in lines[0] and "change" in lines[0]


def test_columns_by_name_and_index(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    gmix("fit", IRIS, "-k", 2, "--columns", "Petal.Length,Petal.Width",
         "--seed", 3, "-o", a, check=0)
    gmix("fit", IRIS, "-k", 2, "--columns", "3,4", "--seed", 3, "-o", b,
         check=0)
    assert params(a) == params(b)
    assert json.loads(a.read_text())["feature_names"] == [
        "Petal.Length", "Petal.Width"]
    out = gmix("score", a, IRIS, "--columns", "Petal.Length,Petal.Width",
               check=0)[1]
    assert math.isfinite(float(out))
    # Columns in another order than the model's: a warning, not an error.
    _, _, err = gmix("score", a, IRIS, "--columns", "Petal.Width,Petal.Length",
                     check=0)
    assert "warning" in err and "Petal.Width" in err


def test_weights(tmp_path):
    """Weights of 2 for every row fit the same model as no weights; a
    weight column equal to 1 likewise; the weight column is not a
    feature."""
    x = np.loadtxt(FAITHFUL, delimiter=",", skiprows=1)
    plain = tmp_path / "plain.json"
    gmix("fit", FAITHFUL, "-k", 2, "--seed", 1, "-o", plain, check=0)

    wfile = write(tmp_path / "w.txt", "2\n" * len(x))
    weighted = tmp_path / "weighted.json"
    _, out, _ = gmix("fit", FAITHFUL, "-k", 2, "--seed", 1, "--weights",
                     wfile, "-o", weighted, check=0)
    assert "unit weight" in summary(out)["log-likelihood"]
    for p, q in zip(params(plain), params(weighted)):
        assert np.allclose(p, q, rtol=1e-9, atol=0)
    assert json.loads(weighted.read_text())["fit"]["sum_weights"] == 2 * len(x)

    with_col = write(tmp_path / "wc.csv", "eruptions,w,waiting\n" + "".join(
        f"{a!r},1,{b!r}\n" for a, b in x))
    col = tmp_path / "col.json"
    gmix("fit", with_col, "-k", 2, "--seed", 1, "--weight-column", "w", "-o",
         col, check=0)
    for p, q in zip(params(plain), params(col)):
        assert np.allclose(p, q, rtol=1e-9, atol=0)
    assert json.loads(col.read_text())["feature_names"] == [
        "eruptions", "waiting"]

    # Weighted score: the same weights everywhere leave the mean unchanged.
    s1 = float(gmix("score", plain, FAITHFUL, check=0)[1])
    s2 = float(gmix("score", plain, FAITHFUL, "--weights", wfile, check=0)[1])
    assert s1 == pytest.approx(s2, rel=1e-12)

    short = write(tmp_path / "short.txt", "1\n1\n")
    expect_error(2, ["short.txt", "one column of 272 values", "of 2"], "fit",
                 FAITHFUL, "-k", 2, "--weights", short)
    neg = write(tmp_path / "neg.txt", "-1\n" + "1\n" * (len(x) - 1))
    expect_error(2, ["weight"], "fit", FAITHFUL, "-k", 2, "--weights", neg)
    expect_error(2, ["unknown column 'nope'"], "fit", with_col, "-k", 2,
                 "--weight-column", "nope")


def test_init_hc_standardize(tmp_path):
    """--init hc --standardize on a feature in the thousands and one in
    hundredths: two clusters differ only in the second, which k-means on
    the raw data cannot see. The hierarchical start finds all three, the
    fit ends far higher than from raw k-means, and the model is in the
    data's units. Restarts of hc on every row are identical."""
    rng = np.random.default_rng(5)
    n, lab = 300, np.arange(300) % 3
    big, small = np.array([5000.0, 5000, 7000]), np.array([0.0, 0.1, 0.05])
    x = np.c_[big[lab] + rng.normal(0, 300, n),
              small[lab] + rng.normal(0, 0.01, n)]
    data = tmp_path / "scales.csv"
    np.savetxt(data, x, delimiter=",", header="big,small", comments="")
    model = tmp_path / "hc.json"
    _, out, _ = gmix("fit", data, "-k", 3, "--init", "hc", "--standardize",
                     "-o", model, check=0)
    ll_hc = float(summary(out)["log-likelihood"].split()[0])
    _, out, _ = gmix("fit", data, "-k", 3, "--init", "kmeans", "--seed", 1,
                     check=0)
    ll_raw = float(summary(out)["log-likelihood"].split()[0])
    assert ll_hc > ll_raw + 0.3, (ll_hc, ll_raw)

    weights, means, _ = params(model)
    truth = np.array([x[lab == c].mean(axis=0) for c in range(3)])
    means = np.array(means)
    for c in range(3):  # each true cluster has its component
        near = np.abs(means - truth[c]) <= 1e-6 * np.abs(truth).max(axis=0)
        assert near.all(axis=1).any(), (c, means, truth)
    assert sum(weights) == pytest.approx(1, abs=1e-12)

    _, out, _ = gmix("fit", data, "-k", 3, "--init", "hc", "--n-init", 3,
                     check=0)
    assert "best init       1 of 3" in out
    # A subsample of 60 rows extended by one E-step reaches the same fit.
    _, out, _ = gmix("fit", data, "-k", 3, "--init", "hc", "--hc-max-rows",
                     60, "--standardize", check=0)
    assert float(summary(out)["log-likelihood"].split()[0]) == \
        pytest.approx(ll_hc, abs=1e-2)
    expect_error(1, ["hc_max_rows 2", "n_components 3"], "fit", data, "-k", 3,
                 "--init", "hc", "--hc-max-rows", 2)
    expect_error(1, ["--init", "hc"], "fit", data, "-k", 3, "--init", "hcc")


def test_drop_bad_rows(tmp_path):
    bad = write(tmp_path / "bad.csv",
                "a,b\n1,2\n3,x\n5,6\n7\n9,10\n11,nan\n13,14\n")
    expect_error(2, ["bad.csv:3:2", "'x'"], "fit", bad, "-k", 1)
    _, out, err = gmix("fit", bad, "-k", 1, "--drop-bad-rows", check=0)
    assert summary(out)["n"] == "4"
    assert "dropped 3 bad rows" in err
    expect_error(2, ["--drop-bad-rows"], "fit", bad, "-k", 1,
                 "--drop-bad-rows", "--weights",
                 write(tmp_path / "w", "1\n" * 7))


def test_tsv_and_whitespace_and_no_header(tmp_path, faithful_model):
    x = np.loadtxt(FAITHFUL, delimiter=",", skiprows=1)
    tsv = write(tmp_path / "f.tsv", "eruptions\twaiting\n" + "".join(
        f"{a!r}\t{b!r}\n" for a, b in x))
    ws = write(tmp_path / "f.txt", "".join(f"  {a!r}   {b!r}\n" for a, b in x))
    ref = gmix("score", faithful_model, FAITHFUL, check=0)[1]
    assert gmix("score", faithful_model, tsv, check=0)[1] == ref
    assert gmix("score", faithful_model, ws, check=0)[1] == ref
    assert gmix("score", faithful_model, ws, "--no-header", "--delimiter",
                "space", check=0)[1] == ref


def test_atomic_model_write_keeps_old_file(tmp_path):
    model = write(tmp_path / "keep.json", "precious")
    expect_error(2, ["fewer than the 500 components"], "fit", FAITHFUL, "-k",
                 500, "-o", model)
    assert open(model).read() == "precious"
    gmix("fit", FAITHFUL, "-k", 1, "-o", model, check=0)
    assert json.loads(open(model).read())["n_components"] == 1
    assert os.listdir(tmp_path) == ["keep.json"]


def test_progress_line_on_a_terminal():
    """With standard error on a terminal, a fit that runs longer than a
    moment redraws a progress line in place and clears it at the end."""
    # wreath (1000 rows) with 14 components: long enough (seconds) that the
    # progress line appears even on a fast, idle machine.
    rc, out, err, seconds = run_on_terminal(
        "fit", WREATH, "-k", "14", "--tol", "0", "--max-iter", "20000")
    assert rc == 0
    if seconds < 1.0:
        pytest.skip("the fit was too quick to show progress")
    assert "\rgmix: init 1/1, iteration " in err
    assert "/20000, log-likelihood" in err
    assert err.endswith("\r\x1b[K")  # the line is cleared afterwards
    assert summary(out)["iterations"] == "20000"


# ------------------------------------------------------------------ select

CSV_COLUMNS = ["covariance", "k", "bic", "aic", "icl", "bic_mclust",
               "log_likelihood", "n_parameters", "converged", "n_iter",
               "start", "status", "message"]


def read_table(path):
    """The CSV table of gmix select as a list of dicts, numbers as such."""
    import csv
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for key in ["bic", "aic", "icl", "bic_mclust", "log_likelihood"]:
            r[key] = float(r[key])
        for key in ["k", "n_parameters", "converged", "n_iter"]:
            r[key] = int(r[key])
    return rows


def grid(out):
    """The printed table: {(K, covariance): text} and the column names."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.split() and line.split()[0] == "K")
    types = lines[start].split()[1:]
    cells = {}
    for line in lines[start + 1:]:
        words = line.split()
        if not words or not words[0].isdigit():
            break
        for t, text in zip(types, words[1:]):
            cells[(int(words[0]), t)] = text
    return cells, types


def test_select_faithful(tmp_path):
    best = tmp_path / "best.json"
    table = tmp_path / "table.csv"
    _, out, err = gmix("select", FAITHFUL, "-o", best, "--table", table,
                       check=0)
    assert err == ""  # no progress line when standard error is no terminal
    assert out.startswith("272 rows, 2 columns\nBIC (lower is better)\n")
    cells, types = grid(out)
    assert types == COVARIANCES
    assert len(cells) == 36
    assert sum(text.endswith("*") for text in cells.values()) == 1

    with open(table) as f:
        assert f.readline().rstrip("\n").split(",") == CSV_COLUMNS
    rows = read_table(table)
    assert [(r["k"], r["covariance"]) for r in rows] == [
        (k, c) for k in range(1, 10) for c in COVARIANCES]
    n = 272
    for r in rows:
        assert r["status"] == "success" and r["message"] == ""
        p, ll = r["n_parameters"], r["log_likelihood"]
        assert r["bic"] == pytest.approx(-2 * ll + p * math.log(n), rel=1e-12)
        assert r["aic"] == pytest.approx(-2 * ll + 2 * p, rel=1e-12)
        assert r["bic_mclust"] == -r["bic"]
        assert r["icl"] >= r["bic"] - 1e-9 * abs(r["bic"])
        # The printed table shows the same number, rounded.
        assert float(cells[(r["k"], r["covariance"])].rstrip("*")) == \
            pytest.approx(r["bic"], abs=1e-3)
    low = min(rows, key=lambda r: r["bic"])
    assert cells[(low["k"], low["covariance"])].endswith("*")
    assert f"best: {low['covariance']}, K = {low['k']} (marked *)" in out
    assert f"model: {best}" in out

    # The model saved is the best cell's, with the data's column names.
    m = json.loads(best.read_text())
    assert (m["covariance_type"], m["n_components"]) == (low["covariance"],
                                                        low["k"])
    assert m["feature_names"] == ["eruptions", "waiting"]
    score = float(gmix("score", best, FAITHFUL, check=0)[1])
    assert score * n == pytest.approx(low["log_likelihood"], rel=1e-12)


def test_select_cell_is_gmix_fit(tmp_path):
    """Any cell is refitted by gmix fit with its K, type, start, the seed
    and the sweep's tol."""
    best, table = tmp_path / "best.json", tmp_path / "t.csv"
    _, out, _ = gmix("select", IRIS, "-k", "1..4", "--seed", 3, "--n-init", 2,
                     "-o", best, "--table", table, check=0)
    m = json.loads(best.read_text())
    cell, = [r for r in read_table(table)
             if (r["k"], r["covariance"]) == (m["n_components"],
                                              m["covariance_type"])]
    fit = tmp_path / "fit.json"
    gmix("fit", IRIS, "-k", m["n_components"], "-c", m["covariance_type"],
         "--init", cell["start"], "--seed", 3, "--n-init", 2, "--tol", "1e-5",
         "-o", fit, check=0)
    assert params(best) == params(fit)


def test_select_threads_give_the_same_table(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    gmix("select", IRIS, "--threads", 1, "--table", a, check=0)
    gmix("select", IRIS, "--threads", 2, "--table", b, check=0)
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("criterion", ["bic", "aic", "icl"])
def test_select_criterion(tmp_path, criterion):
    table = tmp_path / "t.csv"
    _, out, _ = gmix("select", FAITHFUL, "-k", "1..4", "--criterion",
                     criterion, "--table", table, check=0)
    assert f"{criterion.upper()} (lower is better)" in out
    rows = read_table(table)
    low = min(rows, key=lambda r: r[criterion])
    cells, _ = grid(out)
    assert cells[(low["k"], low["covariance"])].endswith("*")
    for r in rows:
        assert float(cells[(r["k"], r["covariance"])].rstrip("*")) == \
            pytest.approx(r[criterion], abs=1e-3)


def test_select_covariance_lists():
    _, out, _ = gmix("select", FAITHFUL, "-k", 2, "-c", "diag,full", check=0)
    cells, types = grid(out)
    assert types == ["diag", "full"] and len(cells) == 2
    default = gmix("select", FAITHFUL, "-k", 2, check=0)[1]
    assert gmix("select", FAITHFUL, "-k", 2, "-c", "sklearn", check=0)[1] == \
        default
    _, out, _ = gmix("select", FAITHFUL, "-k", 2, "-c", "all", check=0)
    _, types = grid(out)
    assert set(COVARIANCES) <= set(types)


def test_select_failed_cells(tmp_path):
    """Candidates with more parameters than rows fail; the others are
    fitted and the best is among them."""
    small = write(tmp_path / "small.csv", "a,b\n" + "".join(
        f"{i % 5},{(i * 7) % 11}\n" for i in range(12)))
    table = tmp_path / "t.csv"
    _, out, _ = gmix("select", small, "-k", "1..3", "--table", table, check=0)
    cells, _ = grid(out)
    assert cells[(3, "full")] == "failed"
    assert "failed: full, K = 3: 3 full components have 17 free " \
        "parameters but the data have only 12 rows" in out
    rows = {(r["k"], r["covariance"]): r for r in read_table(table)}
    bad = rows[(3, "full")]
    assert bad["status"] == "too few samples for the model"
    assert "17 free parameters" in bad["message"]
    assert math.isnan(bad["bic"]) and math.isnan(bad["log_likelihood"])
    assert rows[(1, "full")]["status"] == "success"


def test_select_weights(tmp_path):
    """Weights of 2 for every row: the same choice, about twice the
    log-likelihood. Not exactly twice: the hierarchical start merges a
    row of weight 2 as two coincident points, which changes its early
    merges, so a cell may end at a slightly different optimum."""
    plain, weighted = tmp_path / "p.csv", tmp_path / "w.csv"
    wfile = write(tmp_path / "w.txt", "2\n" * 272)
    _, out_p, _ = gmix("select", FAITHFUL, "-k", "1..3", "--table", plain,
                       check=0)
    _, out_w, _ = gmix("select", FAITHFUL, "-k", "1..3", "--weights", wfile,
                       "--table", weighted, check=0)
    chosen = [o[o.index("best:"):].split(",")[:2] for o in (out_p, out_w)]
    assert chosen[0] == chosen[1]
    for p, w in zip(read_table(plain), read_table(weighted)):
        assert w["log_likelihood"] == pytest.approx(2 * p["log_likelihood"],
                                                    rel=1e-3)


def test_select_to_standard_output(tmp_path):
    _, out, err = gmix("select", FAITHFUL, "-k", 2, "-o", "-", check=0)
    assert json.loads(out)["n_components"] == 2
    assert "BIC (lower is better)" in err
    _, out, err = gmix("select", FAITHFUL, "-k", 2, "--table", "-", check=0)
    assert out.splitlines()[0].split(",") == CSV_COLUMNS
    assert len(out.splitlines()) == 5
    assert "BIC (lower is better)" in err


def test_select_progress_line_on_a_terminal():
    """On a terminal, a sweep that runs longer than a moment counts the
    candidates done on one line, cleared at the end; the table is on
    standard output as usual."""
    rc, out, err, seconds = run_on_terminal(
        "select", WREATH, "-k", "1..16", "--n-init", 4, "--tol", "1e-6",
        "--max-iter", 1000)
    assert rc == 0
    assert "BIC (lower is better)" in out
    if seconds < 1.0:
        pytest.skip("the sweep was too quick to show progress")
    assert "\rgmix: select: " in err and " of 64 candidates done" in err
    assert err.endswith("\r\x1b[K")


MCLUST_REF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                          "ref", "mclust", "mclust_ref.json")


@pytest.mark.parametrize("name,path", [("faithful", FAITHFUL),
                                       ("iris", IRIS), ("wreath", WREATH)])
def test_select_at_least_mclust(tmp_path, name, path):
    """gmix select (K = 1..9, the four scikit-learn types, its default
    starts and stopping rule) chooses a model whose BIC is at least as good
    as the best that R's mclust finds over the same models (VVV, EEE, VVI,
    VII), from mclust's reference table (tests/ref/mclust, generated by
    gen_mclust_ref.R); mclust's BIC has the opposite sign. The 1e-9
    relative allowance covers gmix's reg_covar (1e-6 on the diagonal),
    which mclust does not add."""
    with open(MCLUST_REF) as f:
        ref = json.load(f)["datasets"][name]["best_sklearn"]
    table = tmp_path / "t.csv"
    gmix("select", path, "--table", table, check=0)
    best = min(r["bic"] for r in read_table(table) if r["status"] == "success")
    assert best <= -ref["bic"] * (1 + 1e-9), (best, ref)
