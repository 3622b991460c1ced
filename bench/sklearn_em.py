#!/usr/bin/python3
"""scikit-learn's side of the gmix benchmark (`make bench`).

Run by Debian's /usr/bin/python3 with Debian's python3-sklearn. Each call
prints one JSON object on standard output; run_bench.py starts one process
per case so that the peak RSS it reports belongs to that case alone.

    sklearn_em.py info
        library versions, the BLAS that numpy loaded (threadpoolctl) and
        numpy's DGEMM rate in this environment.
    sklearn_em.py em DIR TYPE ITERS REPEATS
        time ITERS EM iterations of GaussianMixture (tol 0) from the start
        in DIR (weights.npy, means.npy, prec_TYPE.npy) on DIR/x.npy.
    sklearn_em.py init DIR K REPEATS
        time GaussianMixture's k-means initialisation on DIR/x.npy.

Timing: GaussianMixture.fit always runs an initialisation first (k-means by
default) even when weights_init, means_init and precisions_init are all
given, and then overrides its result with them. That work is not part of
an EM iteration, so it is timed separately (by wrapping the estimator's
_initialize_parameters) and subtracted: seconds per iteration =
(fit seconds - initialisation seconds) / n_iter_. We use
init_params="random_from_data" to keep that initialisation cheap; with all
three *_init given, the choice does not change the result.
"""

import json
import os
import resource
import statistics
import sys
import time
import warnings

import numpy as np  # noqa: E402  (imported before threadpoolctl looks)
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture


def peak_rss_mib():
    """Peak resident set size of this process so far (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def blas_info():
    """Which BLAS numpy (and scipy) loaded, and which kernels it runs."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keep = ("filepath", "internal_api", "version", "threading_layer",
            "architecture", "num_threads")
    return [{k: lib.get(k) for k in keep} for lib in threadpool_info()
            if lib.get("user_api") == "blas"]


def blas_architecture():
    """Short label of the active OpenBLAS kernel set, e.g. 'Haswell'."""
    archs = sorted({str(lib.get("architecture")) for lib in blas_info()})
    return "/".join(archs) if archs else "unknown"


def numpy_dgemm_gflops(size=4000, repeats=3):
    """Median DGEMM rate of numpy's BLAS on size x size squares."""
    rng = np.random.default_rng(42)
    a = rng.random((size, size))
    b = rng.random((size, size))
    a @ b  # start the threads, touch the pages
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        rates.append(2.0 * size ** 3 / (time.perf_counter() - t0) / 1e9)
    return statistics.median(rates)


def cmd_info(args):
    import scipy
    import threadpoolctl
    size = int(args[0]) if args else 4000
    scipy.linalg  # noqa: B018  (make sure scipy's BLAS is loaded too)
    out = {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "threadpoolctl": threadpoolctl.__version__,
        "env": {k: os.environ[k] for k in sorted(os.environ)
                if k.startswith("OPENBLAS_") or k == "OMP_NUM_THREADS"},
        "blas": blas_info(),
        "dgemm_gflops": numpy_dgemm_gflops(size),
    }
    print(json.dumps(out))


def load(directory, name):
    return np.load(os.path.join(directory, name))


def cmd_em(args):
    directory, cov, iters, repeats = args[0], args[1], int(args[2]), int(args[3])
    x = load(directory, "x.npy")
    weights = load(directory, "weights.npy")
    means = load(directory, "means.npy")
    precisions = load(directory, "prec_%s.npy" % cov)
    n, d = x.shape
    k = weights.shape[0]
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

    per_iter, fit_seconds, init_seconds = [], [], []
    gm = None
    for _ in range(repeats):
        gm = GaussianMixture(n_components=k, covariance_type=cov, tol=0.0,
                             max_iter=iters, n_init=1,
                             init_params="random_from_data",
                             weights_init=weights, means_init=means,
                             precisions_init=precisions, random_state=0)
        spent = []
        original = gm._initialize_parameters

        def timed_init(*a, _original=original, _spent=spent, **kw):
            t = time.perf_counter()
            _original(*a, **kw)
            _spent.append(time.perf_counter() - t)

        gm._initialize_parameters = timed_init
        t0 = time.perf_counter()
        gm.fit(x)
        total = time.perf_counter() - t0
        fit_seconds.append(total)
        init_seconds.append(sum(spent))
        per_iter.append((total - sum(spent)) / gm.n_iter_)

    print(json.dumps({
        "tool": "sklearn", "n": n, "d": d, "k": k, "cov": cov,
        "iters": iters, "n_iter": int(gm.n_iter_),
        "fit_seconds": fit_seconds, "init_seconds_in_fit": init_seconds,
        "sec_per_iter": statistics.median(per_iter),
        "lower_bound": float(gm.lower_bound_),
        "converged": bool(gm.converged_),
        "peak_rss_mib": peak_rss_mib(),
        "blas_architecture": blas_architecture(),
        "openblas_coretype_env": os.environ.get("OPENBLAS_CORETYPE"),
    }))


def cmd_init(args):
    directory, k, repeats = args[0], int(args[1]), int(args[2])
    x = load(directory, "x.npy")
    seconds = []
    for _ in range(repeats):
        # Exactly what GaussianMixture.fit does first with the default
        # init_params="kmeans": KMeans(n_clusters=K, n_init=1) on the data,
        # then parameters estimated from its hard assignments.
        gm = GaussianMixture(n_components=k, covariance_type="full",
                             init_params="kmeans", random_state=0)
        t0 = time.perf_counter()
        gm._initialize_parameters(x, np.random.RandomState(0))
        seconds.append(time.perf_counter() - t0)
    # Quality of the start it found (not timed): the mean log-likelihood of
    # the initial parameters, as gmix reports for max_iter = 0.
    log_likelihood = float(gm.score(x))
    print(json.dumps({
        "tool": "sklearn", "n": x.shape[0], "d": x.shape[1], "k": k,
        "init_seconds_runs": seconds,
        "init_seconds": statistics.median(seconds),
        "log_likelihood": log_likelihood,
        "peak_rss_mib": peak_rss_mib(),
        "blas_architecture": blas_architecture(),
    }))


def main():
    commands = {"info": cmd_info, "em": cmd_em, "init": cmd_init}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
