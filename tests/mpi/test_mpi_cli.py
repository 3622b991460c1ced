"""End-to-end tests of `mpiexec -n P gmix-mpi fit`.

ctest runs them with GMIX and GMIX_MPI set to the two programs, MPIEXEC to
mpiexec and GMIX_EXAMPLES to the bundled data. Every comparison with
`gmix fit` starts both from the same --init-model; the brief of the
distributed fit is the same model to 1e-12 relative (the ranks change only
the order of each iteration's sums; tests/mpi/test_mpi_fit.c says more).
"""
import ctypes
import json
import os
import subprocess
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cli"))
from cli_helpers import COVARIANCES, DATASETS, FAITHFUL, IRIS, gmix  # noqa

GMIX_MPI = os.environ.get("GMIX_MPI", "gmix-mpi")
MPIEXEC = os.environ.get("MPIEXEC", "mpiexec")
SAME_FIT_REL = 1e-12
# A failure must end every rank within seconds, not at a collective's
# timeout; MPI start-up alone takes about one second here.
FAILURE_SECONDS = 30


def registry_covariances():
    """Every covariance model libgmix knows (GMIX_LIB), so that models
    added later are covered; the CLI helpers' list without it."""
    path = os.environ.get("GMIX_LIB")
    if not path:
        return COVARIANCES
    name = ctypes.CDLL(path).gmix_covariance_type_name
    name.restype = ctypes.c_char_p
    name.argtypes = [ctypes.c_int]
    names = []
    while name(len(names)) is not None:
        names.append(name(len(names)).decode())
    return names


MODELS = registry_covariances()


def synthetic_csv(path):
    """600 rows from three Gaussians in 3 dimensions with a fixed seed,
    one far from the others, as CSV with a header."""
    rng = np.random.default_rng(17)
    means = np.array([[0.0, 0.0, 0.0], [4.0, -3.0, 1.0], [40.0, 35.0, -20.0]])
    x = np.concatenate([rng.normal(m, 1.0 + i, size=(200, 3))
                        for i, m in enumerate(means)])
    x = x[rng.permutation(len(x))]
    np.savetxt(path, x, delimiter=",", header="a,b,c", comments="")
    return path


def mpi(p, *args, timeout=120):
    """Run gmix-mpi on p ranks: (exit code, stdout, stderr)."""
    cmd = [MPIEXEC, "-n", str(p), GMIX_MPI, *map(str, args)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return r.returncode, r.stdout, r.stderr


def mpi_ok(p, *args):
    rc, out, err = mpi(p, *args)
    assert rc == 0, f"{p} ranks: exit {rc}\nstdout: {out}\nstderr: {err}"
    return out


def load(path):
    with open(path) as f:
        return json.load(f)


def assert_same_fit(got, want, what):
    """Parameters to SAME_FIT_REL relative (each array against its largest
    value, so that entries near zero are judged on the array's scale), and
    the same path: iterations and convergence."""
    a, b = load(got), load(want)
    for key in ("weights", "means", "covariances"):
        x, y = np.asarray(a[key], float), np.asarray(b[key], float)
        scale = np.maximum(np.abs(y), np.abs(y).max() if key != "weights"
                           else 0.0)
        err = np.abs(x - y) / scale
        assert err.max() <= SAME_FIT_REL, (
            f"{what} {key}: worst relative difference {err.max():.3g}\n"
            f"gmix-mpi {x.ravel()}\ngmix fit {y.ravel()}")
    for key in ("n_iter", "converged"):
        assert a["fit"][key] == b["fit"][key], (what, key)
    ll_a, ll_b = a["fit"]["log_likelihood"], b["fit"]["log_likelihood"]
    assert abs(ll_a - ll_b) <= SAME_FIT_REL * abs(ll_b), (what, ll_a, ll_b)


def without_timing(model):
    """A model file's content but the wall time, which differs by run."""
    model["fit"].pop("seconds", None)
    return model


@pytest.fixture(scope="module")
def data_files(tmp_path_factory):
    """(file, K) per data set: the bundled ones and a synthetic one."""
    files = {name: (DATASETS[name][0], DATASETS[name][1])
             for name in ("faithful", "iris")}
    files["synthetic"] = (synthetic_csv(
        tmp_path_factory.mktemp("synthetic") / "synthetic.csv"), 3)
    return files


@pytest.fixture(scope="module")
def start_and_reference(tmp_path_factory, data_files):
    """(start, reference) model files per (data set, covariance): a rough
    start (two EM iterations from k-means) and gmix fit from it."""
    cache = {}

    def get(name, cov):
        if (name, cov) not in cache:
            path, k = data_files[name]
            d = tmp_path_factory.mktemp(f"{name}_{cov}")
            start, ref = d / "start.json", d / "ref.json"
            gmix("fit", path, "-k", k, "-c", cov, "--max-iter", 2, "-o",
                 start, check=0)
            gmix("fit", path, "--init-model", start, "--tol", "1e-8", "-o",
                 ref, check=0)
            cache[name, cov] = (start, ref)
        return cache[name, cov]
    return get


# ------------------------------------------------- the same model as gmix fit

RANKS = (1, 2, 3, 4)


@pytest.mark.parametrize("name", ["faithful", "iris", "synthetic"])
@pytest.mark.parametrize("cov", MODELS)
def test_equals_gmix_fit(name, cov, tmp_path, start_and_reference,
                         data_files):
    """Every model of the registry on every data set, on a number of
    ranks that turns with the model: each data set sees 1 to 4 ranks and
    each model as many counts as there are data sets, without running
    every pair (test_mpi_fit.c runs every pair in one process). On 4 ranks
    a second run gives the same file but the wall time."""
    start, ref = start_and_reference(name, cov)
    shift = ["faithful", "iris", "synthetic"].index(name)
    p = RANKS[(MODELS.index(cov) + shift) % len(RANKS)]
    out = tmp_path / f"mpi{p}.json"
    mpi_ok(p, "fit", data_files[name][0], "--init-model", start, "--tol",
           "1e-8", "-o", out)
    assert_same_fit(out, ref, f"{name} {cov} on {p} ranks")
    if p == 4:
        again = tmp_path / "again.json"
        mpi_ok(p, "fit", data_files[name][0], "--init-model", start, "--tol",
               "1e-8", "-o", again)
        assert without_timing(load(out)) == without_timing(load(again))


def test_npy_rows_and_weights(tmp_path):
    """One .npy file split by rows, and sample weights from a file, a column
    and none: each as gmix fit, on 3 ranks."""
    x = np.loadtxt(IRIS, delimiter=",", skiprows=1)
    npy, wfile, wcol = (tmp_path / "iris.npy", tmp_path / "w.csv",
                        tmp_path / "iris_w.csv")
    np.save(npy, x)
    w = 0.5 + (np.arange(len(x)) % 5) / 4.0
    np.savetxt(wfile, w)
    np.savetxt(wcol, np.column_stack([x, w]), delimiter=",")
    start = tmp_path / "start.json"
    gmix("fit", IRIS, "-k", 3, "-c", "diag", "--max-iter", 2, "-o", start,
         check=0)
    cases = {"npy": ([npy], []),
             "weights": ([npy], ["--weights", wfile]),
             "column": ([wcol], ["--weight-column", 5])}
    for what, (data, extra) in cases.items():
        ref, out = tmp_path / f"{what}_ref.json", tmp_path / f"{what}.json"
        gmix("fit", *data, "--init-model", start, *extra, "-o", ref, check=0)
        mpi_ok(3, "fit", *data, "--init-model", start, *extra, "-o", out)
        assert_same_fit(out, ref, what)


def test_shards(tmp_path):
    """Shard files of uneven sizes, given as files or as a pattern: several
    whole files per rank, and a one-row file split between two ranks, one
    of which then holds no row. The model is that of their rows in
    order."""
    lines = open(FAITHFUL).read().splitlines()
    header, rows = lines[0], lines[1:]

    def shards(name, cuts):
        paths = []
        for i in range(len(cuts) - 1):
            path = tmp_path / f"{name}{i}.csv"
            path.write_text("\n".join([header] + rows[cuts[i]:cuts[i + 1]])
                            + "\n")
            paths.append(path)
        return paths
    five = shards("part", [0, 30, 31, 140, 200, 272])
    two = shards("last", [0, 271, 272])
    start, ref = tmp_path / "start.json", tmp_path / "ref.json"
    gmix("fit", FAITHFUL, "-k", 2, "--max-iter", 2, "-o", start, check=0)
    gmix("fit", FAITHFUL, "--init-model", start, "-o", ref, check=0)
    # 5 files on 2 ranks: 2 and 3 whole files; on 3 ranks, by pattern: 1,
    # 2 and 2; 2 files on 3 ranks: the first whole on rank 0, the second
    # (one row) split between ranks 1 and 2.
    four = shards("rank", [0, 10, 150, 151, 272])
    # ... and 4 files on 4 ranks, one each, of 10, 140, 1 and 121 rows.
    for p, data in ((2, five), (3, [tmp_path / "part*.csv"]), (3, two),
                    (4, four)):
        out = tmp_path / "shards.json"
        mpi_ok(p, "fit", *data, "--init-model", start, "-o", out)
        assert_same_fit(out, ref, f"{len(data)} DATA on {p} ranks")


# ------------------------------------------------------ the same bits again

def test_repeatable_bits(tmp_path):
    """Two runs on the same number of ranks give the same model file, bit
    for bit but the wall time, here through restarts from k-means."""
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for out in (a, b):
        mpi_ok(3, "fit", IRIS, "-k", 3, "--n-init", 2, "--seed", 7, "-o", out)
    assert without_timing(load(a)) == without_timing(load(b))


def test_kmeans_start(tmp_path):
    """The k-means start is fixed by the seed: the same model in two runs;
    and since its sample and seeding do not depend on the number of ranks
    (only Lloyd's sums do, in the last bits), the same model to rounding on
    1, 2 and 3 ranks. Another seed, another start."""
    models = {}
    for p in (1, 2, 3, 2):
        out = tmp_path / f"k{p}.json"
        mpi_ok(p, "fit", IRIS, "-k", 3, "--seed", 11, "--max-iter", 0, "-o",
               out)
        model = without_timing(load(out))
        if p in models:
            assert model == models[p], f"two runs on {p} ranks differ"
        models[p] = model
    for p in (2, 3):
        got, want = (np.asarray(models[p]["means"]),
                     np.asarray(models[1]["means"]))
        assert np.abs(got - want).max() <= SAME_FIT_REL * np.abs(want).max()
    other = tmp_path / "other.json"
    mpi_ok(2, "fit", IRIS, "-k", 3, "--seed", 12, "--max-iter", 0, "-o",
           other)
    assert load(other)["means"] != models[2]["means"]


# -------------------------------------------------------------- failures

def expect_failure(p, needle, *args):
    """A failing run ends every rank quickly with exit 2 and the message
    once, from rank 0."""
    rc, out, err = mpi(p, *args, timeout=FAILURE_SECONDS)
    assert rc == 2, f"exit {rc}; stderr: {err}"
    assert err.count(needle) == 1, f"{needle!r} once in {err!r}"
    assert err.startswith("gmix-mpi: "), err
    return err


def test_bad_cell_on_the_last_rank(tmp_path):
    """A bad cell in the share of the last rank (of 3, then of 4; the last
    part of the file): the message names the file and the line counted in
    the whole file."""
    lines = open(FAITHFUL).read().splitlines()
    lines[250] = "3.1,abc"  # line 251 of the file
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    out = tmp_path / "m.json"
    for p in (3, 4):
        expect_failure(p, f"{bad}:251:2: 'abc' is not a number", "fit", bad,
                       "-k", 2, "-o", out)
        assert not out.exists()
    x = np.loadtxt(FAITHFUL, delimiter=",", skiprows=1)
    x[249, 1] = np.nan
    npy = tmp_path / "bad.npy"
    np.save(npy, x)
    expect_failure(3, f"{npy}: row 250, column 2 is nan", "fit", npy, "-k", 2)


def test_missing_shard(tmp_path):
    """A shard that does not exist (the last of four files on four ranks,
    one each, and with a file each on two ranks), and a pattern that
    matches nothing."""
    missing = tmp_path / "missing.csv"
    for p in (4, 2):
        expect_failure(p, f"{missing}: No such file or directory", "fit",
                       FAITHFUL, FAITHFUL, FAITHFUL, missing, "-k", 2)
    expect_failure(2, f"no file matches '{tmp_path}/*.npy'", "fit",
                   tmp_path / "*.npy", "-k", 2)


def test_weights_file_of_the_wrong_length(tmp_path):
    """--weights must hold a value per row of all the DATA: the ranks that
    find too few, or too many, say so."""
    for rows in (271, 273):
        w = tmp_path / f"w{rows}.csv"
        w.write_text("1\n" * rows)
        expect_failure(3, f"{w}: a weights file must hold 272 values (one per "
                       f"data row), not {rows}", "fit", FAITHFUL, "-k", 2,
                       "--weights", w)


def test_shards_disagree_on_columns(tmp_path):
    expect_failure(2, f"{IRIS} has 4 columns but {FAITHFUL} has 2", "fit",
                   FAITHFUL, IRIS, "-k", 2)


def test_usage_once():
    rc, _, err = mpi(2, "fit", FAITHFUL)
    assert rc == 1
    assert err.count("missing -k K") == 1, err
    assert "Try 'gmix-mpi fit --help'" in err
    rc, out, _ = mpi(2, "fit", "--help")
    assert rc == 0 and out.count("gmix-mpi fit - fit") == 1


def test_hc_and_standardize(tmp_path, start_and_reference):
    """The distributed starts run on the data as given: --init hc and
    --standardize are usage errors, said once, unless --init-model gives
    the start, where they change nothing; --hc-max-rows alone is accepted
    and leaves a k-means start as it is."""
    for opt in (("--init", "hc"), ("--standardize",)):
        rc, _, err = mpi(2, "fit", FAITHFUL, "-k", 2, *opt)
        assert rc == 1, err
        assert err.count("not available in a distributed fit") == 1, err
    start, ref = start_and_reference("faithful", "full")
    out = tmp_path / "hc.json"
    mpi_ok(2, "fit", FAITHFUL, "--init-model", start, "--tol", "1e-8",
           "--init", "hc", "--standardize", "-o", out)
    assert_same_fit(out, ref, "--init hc --standardize from --init-model")
    plain, capped = tmp_path / "plain.json", tmp_path / "capped.json"
    mpi_ok(2, "fit", FAITHFUL, "-k", 2, "--seed", 3, "-o", plain)
    mpi_ok(2, "fit", FAITHFUL, "-k", 2, "--seed", 3, "--hc-max-rows", 10,
           "-o", capped)
    assert without_timing(load(plain)) == without_timing(load(capped))
