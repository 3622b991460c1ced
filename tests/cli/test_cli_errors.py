"""End-to-end tests of the gmix command on bad command lines and bad input.

Every case checks the documented exit code (0 ok, 1 usage, 2 data or I/O
error, 3 numerical failure) and that the message on standard error names
the problem.
"""
import json
import os
import subprocess

import numpy as np
import pytest

from cli_helpers import (ACIDITY, FAITHFUL, GMIX, IRIS, expect_error, gmix,
                         write)


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
     "--covariance: unknown covariance type 'banana' (EII, spherical (VII), "
     "EEI"),
    (["fit", FAITHFUL, "-k", "2", "--mstep-tol", "-1"], "--mstep-tol needs"),
    (["fit", FAITHFUL, "-k", "2", "--mstep-max-iter", "0"],
     "--mstep-max-iter needs"),
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
    (["select"], "missing the DATA file"),
    (["select", FAITHFUL, FAITHFUL], "unexpected argument"),
    (["select", FAITHFUL, "-k", "0"], "-k needs a whole number >= 1"),
    (["select", FAITHFUL, "-k", "3..2"], "-k 3..2: KMAX is below KMIN"),
    (["select", FAITHFUL, "-k", "..4"], "-k needs K or KMIN..KMAX"),
    (["select", FAITHFUL, "-k", "1..x"], "not 'x'"),
    (["select", FAITHFUL, "-c", "banana"],
     "--covariance: unknown covariance type 'banana'"),
    (["select", FAITHFUL, "-c", "full,diag,full"],
     "--covariance lists 'full' twice"),
    (["select", FAITHFUL, "-c", ","], "--covariance needs at least one"),
    (["select", FAITHFUL, "--criterion", "bic2"],
     "--criterion: unknown criterion 'bic2' (bic, aic, icl)"),
    (["select", FAITHFUL, "--n-init", "0"], "--n-init needs"),
    (["select", FAITHFUL, "--tol", "x"], "--tol needs"),
    (["select", FAITHFUL, "-o", "-", "--table", "-"],
     "-o and --table cannot both be standard output"),
    (["select", FAITHFUL, "--weights", "w", "--weight-column", "a"],
     "exclude each other"),
    (["select", FAITHFUL, "--bogus"], "unrecognized option"),
])
def test_usage_errors(args, needle):
    rc, _, err = gmix(*args)
    assert rc == 1, err
    assert needle in err, err
    if args:
        assert "--help" in err



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
@pytest.mark.parametrize("cmd", ["fit", "select", "predict", "score"])
def test_bad_data(tmp_path, faithful_model, name, text, needles, cmd):
    path = write(tmp_path / f"{name}.csv", text)
    if cmd in ("fit", "select"):
        expect_error(2, needles, cmd, path, "-k", 1)
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
    # Cut inside the magic string it is not recognised as .npy at all.
    assert "truncated" in err or (cut < 6 and "npy" in err), err


@pytest.mark.parametrize("offset,replacement,needle", [
    (6, b"\x09", "unsupported .npy format version 9"),
    (21, b"<c8", "<c8"),                  # complex numbers
    (10, b"{'dascr'", "'descr' is missing"),
    (10, b"{'descr': '<f8', 'fortran_order': Maybe", "'fortran_order'"),
])
def test_corrupted_npy(tmp_path, iris_npy, offset, replacement, needle):
    data = bytearray(open(iris_npy, "rb").read())
    data[offset:offset + len(replacement)] = replacement
    path = tmp_path / "bad.npy"
    path.write_bytes(bytes(data))
    expect_error(2, ["bad.npy", needle], "fit", path, "-k", 2)


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
    ("cov_type", model_with(covariance_type="VVX"), ["'covariance_type'"]),
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


@pytest.mark.parametrize("option,what", [("-o", "model file"),
                                         ("--table", "table")])
def test_select_unwritable_paths(tmp_path, option, what):
    target = "/nonexistent-gmix-dir/out"
    expect_error(2, [f"cannot write {what} '{target}'", "No such file"],
                 "select", FAITHFUL, "-k", 1, option, target)


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



def test_select_every_candidate_failed(tmp_path):
    """The table is still printed; the exit status is that of the first
    failure: numerical (3) for a covariance that cannot be positive
    definite, data (2) for too few rows."""
    same = write(tmp_path / "same.csv", "a,b\n" + "1,2\n" * 10)
    rc, out, err = gmix("select", same, "-k", 1, "-c", "full,diag",
                        "--reg-covar", 0)
    assert rc == 3, err
    assert "failed: full, K = 1: " in out and "not positive definite" in out
    assert "best: none" in out
    assert "no candidate could be fitted" in err
    rc, out, err = gmix("select", same, "-k", "6..7", "-c", "full")
    assert rc == 2, err
    assert "more rows than parameters" in err
