"""End-to-end tests of the gmix command.

Run by ctest with GMIX set to the binary and GMIX_EXAMPLES to the folder of
bundled data sets. Every failure case checks the documented exit code
(0 ok, 1 usage, 2 data or I/O error, 3 numerical failure) and that the
message on standard error names the problem.
"""
import json
import math
import os
import subprocess

import numpy as np
import pytest

GMIX = os.environ.get("GMIX", "gmix")
EXAMPLES = os.environ.get(
    "GMIX_EXAMPLES",
    os.path.join(os.path.dirname(__file__), "..", "..", "examples"))

FAITHFUL = os.path.join(EXAMPLES, "faithful.csv")
IRIS = os.path.join(EXAMPLES, "iris.csv")
ACIDITY = os.path.join(EXAMPLES, "acidity.csv")

# (file, K, number of rows, header names)
DATASETS = {
    "faithful": (FAITHFUL, 2, 272, ["eruptions", "waiting"]),
    "iris": (IRIS, 3, 150,
             ["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"]),
    "acidity": (ACIDITY, 2, 155, ["acidity"]),
}
COVARIANCES = ["full", "tied", "diag", "spherical"]


def gmix(*args, stdin=None, check=None):
    """Run gmix; return (exit code, stdout, stderr) as text."""
    p = subprocess.run([GMIX, *map(str, args)], input=stdin,
                       capture_output=True, text=True, timeout=120)
    if check is not None:
        assert p.returncode == check, (
            f"gmix {' '.join(map(str, args))}: exit {p.returncode}, "
            f"want {check}\nstdout: {p.stdout}\nstderr: {p.stderr}")
    return p.returncode, p.stdout, p.stderr


def expect_error(code, needles, *args, stdin=None):
    """Run gmix expecting exit `code` and a 'gmix...' message on stderr
    containing every string in `needles`."""
    rc, out, err = gmix(*args, stdin=stdin)
    assert rc == code, f"exit {rc}, want {code}; stderr: {err}"
    assert err.startswith("gmix"), err
    for needle in needles:
        assert needle in err, f"{needle!r} not in message {err!r}"
    return err


def summary(text):
    """The 'key  value' lines of a fit summary, as a dict."""
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition("  ")
        out[key.strip()] = value.strip()
    return out


def params(path):
    """Weights, means and covariances of a model file, as Python floats."""
    with open(path) as f:
        m = json.load(f)
    return m["weights"], m["means"], m["covariances"]


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


@pytest.fixture(scope="module")
def faithful_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "faithful.json"
    gmix("fit", FAITHFUL, "-k", 2, "--seed", 1, "-o", path, check=0)
    return path


# ---------------------------------------------------------------- help

def test_version():
    rc, out, _ = gmix("--version", check=0)
    assert out.startswith("gmix ") and "0.1.0" in out


def test_main_help_lists_commands_and_exit_codes():
    _, out, _ = gmix("--help", check=0)
    for word in ["SYNOPSIS", "COMMANDS", "EXIT STATUS", "fit", "predict",
                 "score", "sample", "info"]:
        assert word in out
    assert gmix("help", check=0)[1] == out


@pytest.mark.parametrize("cmd", ["fit", "predict", "score", "sample", "info"])
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
                "--verbose", "--drop-bad-rows", "--output"]:
        assert opt in out, opt


# ---------------------------------------------------------------- usage

@pytest.mark.parametrize("args,needle", [
    ([], "Usage: gmix COMMAND"),
    (["bogus"], "no command 'bogus'"),
    (["help", "bogus"], "no command 'bogus'"),
    (["--bogus"], "unknown option '--bogus'"),
    (["fit"], "missing the DATA file"),
    (["fit", FAITHFUL], "missing -k K"),
    (["fit", FAITHFUL, "-k", "0"], "-k needs a whole number >= 1, not '0'"),
    (["fit", FAITHFUL, "-k", "-2"], "-k needs a whole number >= 1, not '-2'"),
    (["fit", FAITHFUL, "-k", "two"], "not 'two'"),
    (["fit", FAITHFUL, "-k", "2", "--covariance", "banana"],
     "--covariance must be full, tied, diag or spherical, not 'banana'"),
    (["fit", FAITHFUL, "-k", "2", "--init", "magic"], "--init must be"),
    (["fit", FAITHFUL, "-k", "2", "--tol", "-1"], "--tol needs"),
    (["fit", FAITHFUL, "-k", "2", "--reg-covar", "nan"], "--reg-covar needs"),
    (["fit", FAITHFUL, "-k", "2", "--n-init", "0"], "--n-init needs"),
    (["fit", FAITHFUL, "-k", "2", "--bogus"], "unrecognized option"),
    (["fit", FAITHFUL, FAITHFUL, "-k", "2"], "unexpected argument"),
    (["fit", FAITHFUL, "-k", "2", "--weights", "w", "--weight-column", "a"],
     "exclude each other"),
    (["fit", FAITHFUL, "-k", "2", "--delimiter", "x"], "--delimiter must be"),
    (["predict", "m.json"], "expected MODEL.json and DATA"),
    (["score"], "expected MODEL.json and DATA"),
    (["sample", "m.json"], "missing -n N"),
    (["sample"], "expected one MODEL.json"),
    (["info"], "expected one MODEL.json"),
])
def test_usage_errors(args, needle):
    rc, _, err = gmix(*args)
    assert rc == 1, err
    assert needle in err, err
    if args:
        assert "--help" in err


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


# ------------------------------------------------------------- bad input

BAD_DATA = [
    ("empty", "", ["empty.csv", "no data rows"]),
    ("header_only", "a,b\n", ["header_only.csv", "no data rows"]),
    ("ragged", "a,b\n1,2\n3\n", ["ragged.csv:3", "1 field, expected 2"]),
    ("non_numeric", "a,b\n1,2\n3,abc\n", ["non_numeric.csv:3:2", "'abc'",
                                          "not a number"]),
    ("nan", "a,b\n1,2\n3,NaN\n", ["nan.csv:3:2", "'NaN'"]),
    ("inf", "a,b\n1,2\n-inf,4\n", ["inf.csv:3:1", "'-inf'"]),
    ("empty_cell", "a,b\n1,2\n,4\n", ["empty_cell.csv:3:1"]),
]


@pytest.mark.parametrize("name,text,needles", BAD_DATA,
                         ids=[b[0] for b in BAD_DATA])
@pytest.mark.parametrize("cmd", ["fit", "predict", "score"])
def test_bad_data(tmp_path, faithful_model, name, text, needles, cmd):
    path = write(tmp_path / f"{name}.csv", text)
    if cmd == "fit":
        expect_error(2, needles, "fit", path, "-k", 1)
    else:
        expect_error(2, needles, cmd, faithful_model, path)


def test_unknown_column(faithful_model):
    expect_error(2, ["iris.csv", "unknown column 'Petal.Size'"], "fit", IRIS,
                 "-k", 2, "--columns", "Petal.Size")
    expect_error(2, ["iris.csv", "column 9"], "score", faithful_model, IRIS,
                 "--columns", "9,1")


@pytest.mark.parametrize("cmd", ["predict", "score"])
def test_wrong_dimension(faithful_model, cmd):
    expect_error(2, ["iris.csv has 4 columns", "2 features",
                     "choose them with --columns"], cmd, faithful_model, IRIS)
    expect_error(2, ["acidity.csv has 1 column", "2 features"], cmd,
                 faithful_model, ACIDITY)


def test_k_greater_than_n(tmp_path):
    small = write(tmp_path / "small.csv", "a,b\n1,2\n3,4\n5,7\n")
    expect_error(2, ["small.csv has 3 data rows", "fewer than the 4 "
                     "components"], "fit", small, "-k", 4)


def test_missing_data_file(tmp_path):
    expect_error(2, ["nothere.csv"], "fit", tmp_path / "nothere.csv", "-k", 1)


@pytest.fixture(scope="module")
def iris_npy(tmp_path_factory):
    path = tmp_path_factory.mktemp("npy") / "iris.npy"
    np.save(path, np.loadtxt(IRIS, delimiter=",", skiprows=1))
    return path


@pytest.mark.parametrize("cut", [5, 20, 100, 200, 1000])
def test_truncated_npy(tmp_path, iris_npy, cut):
    data = open(iris_npy, "rb").read()[:cut]
    path = tmp_path / "cut.npy"
    path.write_bytes(data)
    err = expect_error(2, ["cut.npy"], "fit", path, "-k", 2)
    assert any(w in err for w in ["truncated", "header", "npy"]), err


@pytest.mark.parametrize("offset,replacement,needle", [
    (6, b"\x09", "version"),            # unsupported format version
    (10, b"{'descr': '<c16'", "descr"),  # complex numbers
    (10, b"{'dascr'", "descr"),           # a key misspelt
    (10, b"{'descr': '<f8', 'fortran_order': Maybe", "fortran_order"),
])
def test_corrupted_npy(tmp_path, iris_npy, offset, replacement, needle):
    data = bytearray(open(iris_npy, "rb").read())
    data[offset:offset + len(replacement)] = replacement
    path = tmp_path / "bad.npy"
    path.write_bytes(bytes(data))
    expect_error(2, ["bad.npy"], "fit", path, "-k", 2)


def test_npy_from_stdin_is_refused_cleanly(iris_npy):
    p = subprocess.run([GMIX, "fit", "-", "-k", "2"],
                       input=open(iris_npy, "rb").read(), capture_output=True,
                       timeout=60)
    assert p.returncode == 2
    assert p.stderr.startswith(b"gmix: ")


GOOD_MODEL = {
    "format": "gmix-model", "version": 1, "covariance_type": "full",
    "n_components": 2, "n_features": 2, "weights": [0.4, 0.6],
    "means": [[2, 55], [4.3, 80]],
    "covariances": [[[0.07, 0.4], [0.4, 34]], [[0.17, 0.9], [0.9, 36]]],
}


def model_with(**changes):
    m = dict(GOOD_MODEL)
    for key, value in changes.items():
        if value is None:
            del m[key]
        else:
            m[key] = value
    return json.dumps(m)


BAD_MODELS = [
    ("empty", "", ["bad.json", "empty model file"]),
    ("garbage", "hello", ["bad.json", "invalid JSON near byte 0"]),
    ("truncated", model_with()[:70], ["bad.json", "truncated"]),
    ("not_object", "[1, 2]", ["not a gmix model"]),
    ("format", model_with(format="xyz"),
     ["not a gmix model: format is 'xyz'"]),
    ("newer", model_with(version=2),
     ["model version 2 is newer than this gmix reads (1)"]),
    ("no_means", model_with(means=None), ["missing 'means'"]),
    ("means_shape", model_with(means=[[1, 2], [3, 4, 5]]),
     ["'means' must be an array of 2 arrays of 2 numbers"]),
    ("hostile_k", model_with(n_components=10**15),
     ["'weights' must be an array of 1000000000000000 numbers"]),
    ("huge_k", model_with(n_components=1e18),
     ["'n_components' is too large (1e+18)"]),
    ("weights_sum", model_with(weights=[0.5, 0.6]), ["weights sum to"]),
    ("cov_type", model_with(covariance_type="VVV"), ["'covariance_type'"]),
    ("not_pd", model_with(covariances=[[[1, 0], [0, 1]], [[1, 3], [3, 1]]]),
     ["component 1", "not positive definite"]),
    ("names", model_with(feature_names=["a"]),
     ["'feature_names' must be an array of 2 strings"]),
]


@pytest.mark.parametrize("name,text,needles", BAD_MODELS,
                         ids=[b[0] for b in BAD_MODELS])
@pytest.mark.parametrize("cmd", ["info", "predict", "score", "sample", "fit"])
def test_bad_model_file(tmp_path, name, text, needles, cmd):
    model = write(tmp_path / "bad.json", text)
    args = {"info": ["info", model],
            "predict": ["predict", model, FAITHFUL],
            "score": ["score", model, FAITHFUL],
            "sample": ["sample", model, "-n", 3],
            "fit": ["fit", FAITHFUL, "--init-model", model]}[cmd]
    expect_error(2, needles, *args)


def test_good_model_file_is_accepted(tmp_path):
    """The model the bad ones above are made from is itself valid."""
    model = write(tmp_path / "good.json", model_with())
    gmix("info", model, check=0)
    gmix("score", model, FAITHFUL, check=0)


def test_missing_model_file(tmp_path):
    expect_error(2, ["nope.json", "No such file"], "info",
                 tmp_path / "nope.json")


@pytest.mark.parametrize("where", ["/nonexistent-gmix-dir/m.json",
                                   "FILE/m.json"])
def test_unwritable_model_path(tmp_path, where):
    target = where.replace("FILE", FAITHFUL)
    reason = "Not a directory" if "FILE" in where else "No such file"
    expect_error(2, [f"cannot write model file '{target}'", reason], "fit",
                 FAITHFUL, "-k", 2, "-o", target)


@pytest.mark.parametrize("cmd", ["predict", "score", "sample"])
def test_unwritable_output_path(faithful_model, cmd):
    target = "/nonexistent-gmix-dir/out.csv"
    args = {"predict": ["predict", faithful_model, FAITHFUL],
            "score": ["score", faithful_model, FAITHFUL],
            "sample": ["sample", faithful_model, "-n", 3]}[cmd]
    expect_error(2, [f"cannot write '{target}'", "No such file"], *args, "-o",
                 target)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_full_disk_is_an_error(faithful_model):
    with open("/dev/full", "w") as full:
        p = subprocess.run([GMIX, "sample", str(faithful_model), "-n", "5000"],
                           stdout=full, stderr=subprocess.PIPE, text=True,
                           timeout=60)
    assert p.returncode == 2
    assert "error writing standard output" in p.stderr


def test_numerical_failure_exit_code(tmp_path):
    same = write(tmp_path / "same.csv", "a,b\n" + "1,2\n" * 10)
    expect_error(3, ["component 0", "not positive definite"], "fit", same,
                 "-k", 1, "--reg-covar", 0)


def test_progress_line_on_a_terminal():
    """With standard error on a terminal, a fit that runs longer than a
    moment redraws a progress line in place and clears it at the end."""
    import pty
    import time
    master, slave = pty.openpty()
    start = time.monotonic()
    p = subprocess.Popen([GMIX, "fit", FAITHFUL, "-k", "2", "--tol", "0",
                          "--max-iter", "20000"], stdout=subprocess.PIPE,
                         stderr=slave, text=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the terminal closes when gmix exits
            break
        if not data:
            break
        chunks.append(data)
    out, _ = p.communicate(timeout=300)
    os.close(master)
    assert p.returncode == 0
    err = b"".join(chunks).decode()
    if time.monotonic() - start < 1.0:
        pytest.skip("the fit was too quick to show progress")
    assert "\rgmix: init 1/1, iteration " in err
    assert "/20000, log-likelihood" in err
    assert err.endswith("\r\x1b[K")  # the line is cleared afterwards
    assert summary(out)["iterations"] == "20000"
