#!/usr/bin/python3
"""The Python binding's side of the gmix benchmark (`make bench`).

    python_bench.py em DIR TYPE ITERS THREADS REPEATS

times ITERS EM iterations (tol 0) of gmix.GaussianMixture from the start
in DIR (weights.npy, means.npy, prec_TYPE.npy, as bench_gmix gen writes
them) on DIR/x.npy, and prints one JSON object, as bench_gmix and
sklearn_em.py do. run_bench.py runs it with PYTHONPATH=python and
GMIX_LIBRARY set to the library it benchmarks.

Two timings alternate (in the order ABBA ABBA ...), REPEATS times each,
in this one process so that a burst of other work on the machine hits both
alike:

  * the estimator: GaussianMixture(...).fit(X), everything a user pays for
    (parameter checks, the options struct, the library's fit, the Ctrl-C
    callback, reading the fitted attributes back);
  * the bare call: gmix_fit through ctypes with the same options, which is
    what bench_gmix's C program times.

The binding's own cost is reported three ways:

  * own_seconds: in each estimator fit, its whole time minus the time
    spent inside gmix_fit (timed around the library call itself), so the
    load of the machine cancels out; own_fraction = own / inside;
  * overhead_best: best estimator fit / best bare call - 1;
  * overhead: median estimator fit / median bare call - 1.

run_bench.py also sets it against bench_gmix's time for the same case, run
in its own process.
"""

import ctypes
import json
import os
import resource
import statistics
import sys
import time
import warnings

import numpy as np

import gmix
from gmix import _lib


def load(directory, name):
    return np.ascontiguousarray(np.load(os.path.join(directory, name)),
                                dtype=np.float64)


def cmd_em(args):
    directory, cov, iters, threads, repeats = (args[0], args[1], int(args[2]),
                                               int(args[3]), int(args[4]))
    x = load(directory, "x.npy")
    weights = load(directory, "weights.npy")
    means = load(directory, "means.npy")
    precisions = load(directory, "prec_%s.npy" % cov)
    n, d = x.shape
    k = weights.shape[0]
    params = dict(n_components=k, covariance_type=cov, tol=0.0, max_iter=iters,
                  init_params="random_from_data", weights_init=weights,
                  means_init=means, precisions_init=precisions,
                  random_state=0, n_threads=threads)
    warnings.simplefilter("ignore", gmix.ConvergenceWarning)

    # The estimator's call of gmix_fit, timed from the inside.
    library_fit = _lib.lib.gmix_fit
    inside = []

    def timed_fit(*a):
        t0 = time.perf_counter()
        try:
            return library_fit(*a)
        finally:
            inside.append(time.perf_counter() - t0)

    def estimator():
        _lib.lib.gmix_fit = timed_fit
        try:
            t0 = time.perf_counter()
            gm = gmix.GaussianMixture(**params).fit(x)
            t = time.perf_counter() - t0
        finally:
            _lib.lib.gmix_fit = library_fit
        own.append(t - inside[-1])
        return t, gm.lower_bound_, gm.n_iter_

    opt, buf = _lib.new_options()
    opt.n_components = k
    opt.covariance_type = _lib.parse_name(_lib.lib.gmix_covariance_type_parse,
                                          cov, "covariance_type")
    opt.tol = 0.0
    opt.max_iter = iters
    opt.init = _lib.parse_name(_lib.lib.gmix_init_method_parse,
                               "random_from_data", "init")
    opt.threads = threads
    opt.weights_init = weights.ctypes.data
    opt.means_init = means.ctypes.data
    opt.precisions_init = precisions.ctypes.data

    def bare():
        out = ctypes.c_void_p()
        err = _lib.Error()
        t0 = time.perf_counter()
        status = _lib.lib.gmix_fit(x.ctypes.data, n, d, None,
                                   ctypes.byref(opt), ctypes.byref(out),
                                   ctypes.byref(err))
        t = time.perf_counter() - t0
        _lib.check(status, err)
        model = _lib.Model(out.value)
        return t, model.report().lower_bound, model.report().n_iter

    est_seconds, bare_seconds, own = [], [], []
    lower_bounds = set()
    n_iter = None
    for i in range(repeats):
        for which in ((estimator, bare) if i % 2 == 0 else (bare, estimator)):
            t, lb, it = which()
            (est_seconds if which is estimator else bare_seconds).append(t)
            lower_bounds.add(lb)
            n_iter = it
    est, bare_median = (statistics.median(est_seconds),
                        statistics.median(bare_seconds))
    print(json.dumps({
        "tool": "gmix-python", "n": n, "d": d, "k": k, "cov": cov,
        "threads": threads, "iters": iters, "n_iter": n_iter,
        "fit_seconds": est_seconds, "bare_fit_seconds": bare_seconds,
        "sec_per_iter": est / n_iter,
        "bare_sec_per_iter": bare_median / n_iter,
        "overhead": est / bare_median - 1.0,
        "overhead_best": min(est_seconds) / min(bare_seconds) - 1.0,
        "own_seconds": own,
        "own_fraction": statistics.median(
            o / (t - o) for o, t in zip(own, est_seconds)),
        "lower_bound": lower_bounds.pop(),
        "same_lower_bound": not lower_bounds,
        "peak_rss_mib": resource.getrusage(
            resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "library": gmix.library_path,
    }))


def main():
    if len(sys.argv) < 2 or sys.argv[1] != "em" or len(sys.argv) != 7:
        sys.exit(__doc__)
    cmd_em(sys.argv[2:])


if __name__ == "__main__":
    main()
