#!/usr/bin/python3
"""Generate tests/ref/sklearn_ref.json: scikit-learn's GaussianMixture run
from fully given starts, the reference that test_sklearn_ref.c compares
gmix against.

Run from the repository root with Debian's interpreter (python3-sklearn,
python3-numpy):

    /usr/bin/python3 tests/ref/gen_sklearn_ref.py

The output is committed, so the test suite never needs scikit-learn.

For every data set (examples/faithful.csv, examples/iris.csv), covariance
type (full, tied, diag, spherical) and K = 1..6 one case is written:

  start        weights, means, covariances and precisions chosen
               deterministically from numpy RandomState(seed): K distinct
               data rows as means, uniform weights, and the data covariance
               (full, tied), its diagonal (diag) or its mean variance
               (spherical), each inflated by START_INFLATION so the start is
               not exactly a statistic of the data. The test passes
               `precisions` (the exact inverse as written) to gmix, as they
               are passed to sklearn's precisions_init.
  first_iterations
               lower_bound_ of GaussianMixture(max_iter=i, tol=0) for
               i = 1..10: the mean log-likelihood computed at the E-step of
               iteration i (sklearn computes it before that iteration's
               M-step).
  converged    a fit with tol=CONVERGED_TOL, max_iter=CONVERGED_MAX_ITER:
               n_iter_, converged_, lower_bound_, weights_, means_,
               covariances_, and the lower bound of every iteration
               (history, read through a subclass that records what
               _compute_lower_bound returns; its last value is lower_bound_
               and its first ten are the first_iterations values, both
               asserted here).

Which starts are usable. gmix and sklearn do the same arithmetic in a
different order (gmix accumulates scatter around a shift with BLAS, sklearn
from the origin with numpy), so their iterates differ by rounding, about
1e-16 relative per step. A comparison at 1e-8 is meaningful only where EM
does not amplify such differences by more than ~1e7 along the path, and
where the converged fit does not stop within rounding of the tol threshold
(then n_iter could legitimately differ by one). Each candidate start is
therefore checked before it is accepted:

  * sklearn is run again from the start perturbed by START_PERTURBATION
    (relative, random) and on the data perturbed by DATA_PERTURBATION
    (relative, random). Every recorded value of the perturbed runs must
    agree with the unperturbed run within ROBUST_TOL, measured exactly as
    the C test measures (see scaled_diff), and n_iter must be equal. With
    perturbations ~1e3..1e4 times rounding and ROBUST_TOL 100 times below
    the test's 1e-8, a start that passes leaves several orders of
    magnitude of margin for rounding differences.
  * the last change of the converged fit must be below tol, and the one
    before above it, each by at least TOL_MARGIN (absolute).
  * sklearn must not fail (a covariance that is not positive definite).

Note that sklearn does not reproduce itself bit for bit: two identical
fits in one process can differ in the last bits (numpy's SIMD reductions
depend on the alignment of the arrays they are given), so values taken from
different fits are only compared to rounding here.

A start that fails is recorded under "rejected" with the reason, and the
next seed is tried. The seed of the first candidate is 0 for every case.
"""

import json
import os
import platform
import sys
import warnings

import numpy as np
import scipy
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

DATASETS = [("faithful", "examples/faithful.csv"), ("iris", "examples/iris.csv")]
COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]
K_VALUES = range(1, 7)
N_FIRST = 10
REG_COVAR = 1e-6
CONVERGED_TOL = 1e-8
CONVERGED_MAX_ITER = 2000
START_INFLATION = 1e-2  # covariance start = (1 + this) * data covariance
START_PERTURBATION = 1e-12
DATA_PERTURBATION = 1e-13
ROBUST_TOL = 1e-10
TOL_MARGIN = 1e-12
MAX_SEEDS = 50
OUTPUT = "tests/ref/sklearn_ref.json"


class RecordingGaussianMixture(GaussianMixture):
    """GaussianMixture that records the lower bound of every iteration."""

    def _compute_lower_bound(self, log_resp, log_prob_norm):
        value = super()._compute_lower_bound(log_resp, log_prob_norm)
        self.history_.append(float(value))
        return value

    def fit(self, X, y=None):
        self.history_ = []
        return super().fit(X, y)


def read_csv(path):
    return np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)


def make_start(X, cov_type, k, seed):
    rs = np.random.RandomState(seed)
    rows = np.unique(X, axis=0)
    means = rows[rs.choice(rows.shape[0], size=k, replace=False)]
    weights = np.full(k, 1.0 / k)
    S = np.cov(X, rowvar=False, bias=True) * (1.0 + START_INFLATION)
    d = X.shape[1]
    if cov_type == "full":
        P = np.linalg.inv(S)
        P = 0.5 * (P + P.T)
        precisions = np.array([P] * k)
        covariances = np.array([np.linalg.inv(P)] * k)
    elif cov_type == "tied":
        P = np.linalg.inv(S)
        precisions = 0.5 * (P + P.T)
        covariances = np.linalg.inv(precisions)
    elif cov_type == "diag":
        covariances = np.tile(np.diag(S), (k, 1))
        precisions = 1.0 / covariances
    else:
        covariances = np.full(k, np.trace(S) / d)
        precisions = 1.0 / covariances
    return {"weights": weights, "means": means, "covariances": covariances,
            "precisions": precisions}


def estimator(cls, cov_type, k, start, **kw):
    return cls(n_components=k, covariance_type=cov_type,
               weights_init=start["weights"], means_init=start["means"],
               precisions_init=start["precisions"], reg_covar=REG_COVAR,
               random_state=0, **kw)


def same(a, b):
    """Lower bounds equal to a few rounding errors."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return bool(np.all(np.abs(a - b) <= 64 * np.finfo(float).eps * np.abs(b)))


def run(X, cov_type, k, start, record_first_by_refit):
    """All recorded values for one start, as plain numpy arrays."""
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if record_first_by_refit:
            first = []
            for i in range(1, N_FIRST + 1):
                g = estimator(GaussianMixture, cov_type, k, start, max_iter=i,
                              tol=0.0).fit(X)
                first.append(float(g.lower_bound_))
            out["first"] = np.array(first)
        g10 = estimator(RecordingGaussianMixture, cov_type, k, start,
                        max_iter=N_FIRST, tol=0.0).fit(X)
        if record_first_by_refit:
            # The recorded history must be what sklearn reports (to
            # rounding: numpy's results are not bit-reproducible from run to
            # run, see the module comment).
            assert same(out["first"], g10.history_), "history != lower_bound_"
        else:
            out["first"] = np.array(g10.history_)
        g = estimator(RecordingGaussianMixture, cov_type, k, start,
                      max_iter=CONVERGED_MAX_ITER, tol=CONVERGED_TOL).fit(X)
    hist = np.array(g.history_)
    assert len(hist) == g.n_iter_ and hist[-1] == g.lower_bound_
    m = min(N_FIRST, len(hist))
    assert same(hist[:m], out["first"][:m]), "history != first iterations"
    out.update(n_iter=int(g.n_iter_), converged=bool(g.converged_),
               lower_bound=float(g.lower_bound_), history=hist,
               weights=g.weights_, means=g.means_, covariances=g.covariances_)
    return out


def scaled_diff(a, b, what, cov_type):
    """Largest difference of a and b in the units the C test uses: lower
    bounds relative to their magnitude; weights relative to the largest
    weight; means relative to the largest |mean| of the same feature;
    covariance entries relative to sqrt(c_ii c_jj) of the same matrix
    (so each variance relative to itself). b is the reference."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if what in ("first", "history", "lower_bound"):
        scale = np.abs(b)
    elif what == "weights":
        scale = np.full(b.shape, np.abs(b).max())
    elif what == "means":
        scale = np.broadcast_to(np.abs(b).max(axis=0), b.shape)
    elif cov_type in ("diag", "spherical"):
        scale = np.abs(b)
    else:
        mats = b if cov_type == "full" else b[np.newaxis]
        sd = np.sqrt(np.abs(np.diagonal(mats, axis1=1, axis2=2)))
        scale = (sd[:, :, np.newaxis] * sd[:, np.newaxis, :]).reshape(b.shape)
    return float(np.max(np.abs(a - b) / scale))


def check_robust(X, cov_type, k, start, ref, seed):
    """None if the start is safe to compare at 1e-8, else the reason."""
    rs = np.random.RandomState(10_000 + seed)
    pert = {}
    for key, v in start.items():
        e = rs.uniform(-1.0, 1.0, size=np.shape(v))
        if cov_type in ("full", "tied") and key in ("precisions", "covariances"):
            e = 0.5 * (e + np.swapaxes(e, -1, -2))
        pert[key] = v * (1.0 + START_PERTURBATION * e)
    pert["weights"] = pert["weights"] / pert["weights"].sum()
    Xp = X * (1.0 + DATA_PERTURBATION * rs.uniform(-1.0, 1.0, size=X.shape))
    for label, Xr, s in (("start", X, pert), ("data", Xp, start)):
        try:
            other = run(Xr, cov_type, k, s, record_first_by_refit=False)
        except (ValueError, np.linalg.LinAlgError) as exc:
            return "perturbed %s: sklearn failed: %s" % (label, exc)
        if other["n_iter"] != ref["n_iter"]:
            return "perturbed %s: n_iter %d instead of %d" % (
                label, other["n_iter"], ref["n_iter"])
        for key in ("first", "history", "lower_bound", "weights", "means",
                    "covariances"):
            diff = scaled_diff(other[key], ref[key], key, cov_type)
            if not diff <= ROBUST_TOL:
                return "perturbed %s: %s differs by %.3g (> %g)" % (
                    label, key, diff, ROBUST_TOL)
    hist = ref["history"]
    if ref["converged"] and len(hist) >= 2:
        last = abs(hist[-1] - hist[-2])
        if CONVERGED_TOL - last < TOL_MARGIN:
            return "last change %.17g within %g of tol" % (last, TOL_MARGIN)
    if len(hist) >= 3:
        before = abs(hist[-2] - hist[-3])
        if before - CONVERGED_TOL < TOL_MARGIN:
            return "change before the last %.17g within %g of tol" % (
                before, TOL_MARGIN)
    return None


def tolist(a):
    return np.asarray(a, dtype=float).tolist()


def make_case(name, X, cov_type, k):
    rejected = []
    for seed in range(MAX_SEEDS):
        start = make_start(X, cov_type, k, seed)
        try:
            ref = run(X, cov_type, k, start, record_first_by_refit=True)
        except (ValueError, np.linalg.LinAlgError) as exc:
            rejected.append({"seed": seed, "reason": "sklearn failed: %s" % exc})
            continue
        reason = check_robust(X, cov_type, k, start, ref, seed)
        if reason is not None:
            rejected.append({"seed": seed, "reason": reason})
            continue
        print("%-22s seed %2d  n_iter %4d  lower_bound %.17g%s" % (
            name, seed, ref["n_iter"], ref["lower_bound"],
            "" if not rejected else "  (%d rejected)" % len(rejected)),
            file=sys.stderr)
        return {
            "name": name,
            "covariance_type": cov_type,
            "n_components": k,
            "seed": seed,
            "rejected": rejected,
            "start": {key: tolist(v) for key, v in start.items()},
            "first_iterations": {"tol": 0.0, "lower_bounds": tolist(ref["first"])},
            "converged": {
                "tol": CONVERGED_TOL,
                "max_iter": CONVERGED_MAX_ITER,
                "n_iter": ref["n_iter"],
                "converged": ref["converged"],
                "lower_bound": ref["lower_bound"],
                "history": tolist(ref["history"]),
                "weights": tolist(ref["weights"]),
                "means": tolist(ref["means"]),
                "covariances": tolist(ref["covariances"]),
            },
        }
    raise SystemExit("%s: no usable start in %d seeds: %s" % (
        name, MAX_SEEDS, rejected))


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.chdir(root)
    doc = {
        "format": "gmix-sklearn-reference",
        "version": 1,
        "generator": "/usr/bin/python3 tests/ref/gen_sklearn_ref.py",
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "python_version": platform.python_version(),
        "reg_covar": REG_COVAR,
        "n_first_iterations": N_FIRST,
        "notes": [
            "Each case starts sklearn's GaussianMixture from start.weights, "
            "start.means and start.precisions (weights_init, means_init, "
            "precisions_init), reg_covar as above, random_state=0.",
            "first_iterations.lower_bounds[i-1] is lower_bound_ after a fit "
            "with max_iter=i, tol=0: the mean log-likelihood at the E-step "
            "of iteration i, before its M-step.",
            "converged.history[i-1] is the same quantity for iteration i of "
            "the converged fit; its last entry is lower_bound_.",
            "Starts are chosen by seed; a seed is rejected (listed with the "
            "reason) when perturbing the start by %g or the data by %g "
            "(relative) moves any recorded value by more than %g in the "
            "test's units, or when the converged fit stops within %g of tol, "
            "so that rounding differences between implementations cannot "
            "grow to the test's 1e-8." % (START_PERTURBATION,
                                          DATA_PERTURBATION, ROBUST_TOL,
                                          TOL_MARGIN),
        ],
        "datasets": {},
        "cases": [],
    }
    for dname, path in DATASETS:
        X = read_csv(path)
        doc["datasets"][dname] = {"file": path, "n_samples": X.shape[0],
                                  "n_features": X.shape[1]}
        for cov_type in COVARIANCE_TYPES:
            for k in K_VALUES:
                name = "%s/%s/K%d" % (dname, cov_type, k)
                case = make_case(name, X, cov_type, k)
                case["dataset"] = dname
                doc["cases"].append(case)
    with open(OUTPUT + ".tmp", "w") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    os.replace(OUTPUT + ".tmp", OUTPUT)
    print("wrote %s: %d cases" % (OUTPUT, len(doc["cases"])), file=sys.stderr)


if __name__ == "__main__":
    main()
