#!/usr/bin/python3
"""Run the gmix benchmark and print its tables (the `run-bench` target).

For every case this script generates a seeded synthetic data set and a
starting point with `bench_gmix gen` (written as .npy files to a temporary
folder), then times, from that same start and in the same environment:

  * gmix              `bench_gmix em`    (2 threads; 1 thread on large cases)
  * scikit-learn      `sklearn_em.py em` (Debian's python3-sklearn)
  * scikit-learn with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset in that
    command only (numpy's OpenBLAS then picks its own kernels), main cases
  * VLFeat's vl_gmm   `vlfeat_em`        (diag cases; 2 threads and 1)
  * gmix from Python  `python_bench.py em` (gmix.GaussianMixture through
    ctypes, 2 threads; the cases marked python), with the binding's
    overhead over the bare gmix_fit call and over bench_gmix

and the k-means initialisation of gmix and scikit-learn. A model-selection
section then times `gmix select` (K = 1..9, the four covariance types) beside
R mclust's mclustBIC (bench/mclust_select.R, same K and models) on
examples/faithful.csv and two seeded synthetic sets. When libgmix_mpi is
built, a last section runs the distributed fit (bench/mpi_bench.c) on
(1,000,000, 32, 32), full covariances, on 1 and 2 ranks: time per
iteration, time in the rank-order reduction and bytes reduced per
iteration. Each measurement is
a separate process, so each peak RSS belongs to one case. It prints one
Markdown table row per case and writes the tables, with the machine and
library versions, to RESULTS.md (full runs only).

Environment:
  BENCH_QUICK=1        only the small cases (a minute or two); model
                       selection on faithful and the 9000 x 4 set only
  BENCH_ONLY=select    only the model-selection section (tables go to
                       BIN_DIR/RESULTS-select.md)
  BENCH_ONLY=mpi       only the distributed fit's section (gmix-mpi's
                       mpi_bench on 1 and 2 ranks; tables go to
                       BIN_DIR/RESULTS-mpi.md)
  BENCH_SELECT_SETS=L  only these model-selection data sets (comma-
                       separated: faithful, 9000x4, 100000x8)
  BENCH_CASES=LIST     only data sets named NxDxK (comma-separated), e.g.
                       BENCH_CASES=1000000x32x32
  BENCH_TYPES=LIST     only these covariance types, e.g. BENCH_TYPES=diag
  BENCH_NATIVE=0       skip the scikit-learn column with native kernels
  BENCH_TMPDIR=DIR     where the data sets are written (default: system tmp)
  BENCH_TIMEOUT=SEC    give up on one measurement after SEC seconds
                       (default 1200); the table then says "timeout"
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"  # Debian's, where python3-sklearn lives
TYPES = ("full", "tied", "diag", "spherical")
REL_TOL = 1e-6  # gmix and scikit-learn lower bounds must agree this closely


# ---------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------

def case(n, d, k, covs, iters, repeats, large=False, group="main",
         sklearn_init=True, python=()):
    """One data set and what to run on it; `python` lists the covariance
    types also timed through the Python package."""
    return dict(n=int(n), d=d, k=k, covs=covs, iters=iters, repeats=repeats,
                large=large, group=group, sklearn_init=sklearn_init,
                python=python)


def all_cases(quick):
    """The benchmark's cases. Iteration counts keep a full run near 40
    minutes on 2 cores: scikit-learn needs ~16 s per full-covariance
    iteration at (1e6, 32, 32), so the large cases run 3 iterations."""
    if quick:
        return [
            case(1e4, 2, 3, TYPES, 20, 5, python=("full",)),
            case(1e4, 8, 8, ("diag",), 20, 5, group="scaling"),
            case(1e5, 8, 8, ("diag",), 10, 3, group="scaling"),
        ]
    return [
        case(1e4, 2, 3, TYPES, 20, 5),
        case(2e5, 16, 16, TYPES, 10, 3, python=("full",)),
        case(1e6, 32, 32, TYPES, 3, 3, large=True),
        case(2e5, 128, 8, ("full",), 3, 3, large=True),
        # Linear growth in N at d = 8, K = 8, diag. scikit-learn's k-means
        # on 1e7 rows would take minutes, so its init is skipped there.
        case(1e4, 8, 8, ("diag",), 20, 5, group="scaling"),
        case(1e5, 8, 8, ("diag",), 10, 3, group="scaling"),
        case(1e6, 8, 8, ("diag",), 5, 3, group="scaling"),
        case(1e7, 8, 8, ("diag",), 3, 3, large=True, group="scaling",
             sklearn_init=False),
    ]


def flops_per_iteration(cov, n, d, k):
    """Floating-point operations of one EM iteration (2 per multiply-add),
    counting only the dense linear algebra of DESIGN.md's speed model."""
    if cov == "full":    # E: N K d^2 (x U_k), M: N K d^2 / 2 (SYRK)
        return 3.0 * n * k * d * d
    if cov == "tied":    # E: N d^2 (x U) + N K d (distances); M: N d^2/2 + N K d
        return 2.0 * (1.5 * n * d * d + 2.0 * n * k * d)
    if cov == "diag":    # E: two N x d x K GEMMs; M: r^T x and r^T x^2
        return 2.0 * 4.0 * n * k * d
    return 2.0 * 2.0 * n * k * d  # spherical: x mu^T in E, r^T x in M


# ---------------------------------------------------------------------------
# Running the programs
# ---------------------------------------------------------------------------

class Runner:
    def __init__(self, bin_dir, timeout, source_dir=None, gmix_library=None,
                 gmix_cli=None):
        self.bin_dir = bin_dir
        self.gmix_cli = gmix_cli or os.path.join(bin_dir, os.pardir, "cli",
                                                 "gmix")
        self.timeout = timeout
        self.source_dir = source_dir or os.path.dirname(HERE)
        self.gmix_library = gmix_library
        self.t0 = time.monotonic()
        self.mpi_bench = self.mpiexec = None  # set when MPI is built
        self.vlfeat = os.path.join(bin_dir, "vlfeat_em")
        if not os.access(self.vlfeat, os.X_OK):
            self.vlfeat = None

    def log(self, text):
        print("[%7.1fs] %s" % (time.monotonic() - self.t0, text),
              file=sys.stderr, flush=True)

    def run(self, argv, env=None, whole=False):
        """Run one program; return its JSON answer (its last line, or all
        its output if `whole`), or {"error": ...}."""
        self.log(" ".join(os.path.basename(a) if i == 0 else a
                          for i, a in enumerate(argv)))
        try:
            proc = subprocess.run(argv, capture_output=True, text=True,
                                  env=env, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.log("  timeout after %g s" % self.timeout)
            return {"error": "timeout"}
        lines = proc.stdout.strip().splitlines()
        if proc.returncode != 0 or not lines:
            msg = (proc.stderr.strip().splitlines() or ["exit %d"
                                                        % proc.returncode])
            self.log("  failed: " + msg[-1])
            return {"error": msg[-1]}
        return json.loads(proc.stdout if whole else lines[-1])

    def gmix(self, *args):
        return self.run([os.path.join(self.bin_dir, "bench_gmix")]
                        + [str(a) for a in args])

    def sklearn(self, *args, native=False):
        env = dict(os.environ)
        if native:  # numpy's OpenBLAS chooses its kernels itself
            env.pop("OPENBLAS_CORETYPE", None)
            env.pop("OPENBLAS_L2_SIZE", None)
        return self.run([PYTHON, os.path.join(HERE, "sklearn_em.py")]
                        + [str(a) for a in args], env=env)

    def python(self, *args):
        """gmix.GaussianMixture from the checkout's python/ folder, on the
        library under test."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.path.join(self.source_dir, "python")
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        if self.gmix_library:
            env["GMIX_LIBRARY"] = self.gmix_library
        return self.run([PYTHON, os.path.join(HERE, "python_bench.py")]
                        + [str(a) for a in args], env=env)

    def vl(self, *args):
        if not self.vlfeat:
            return {"error": "vlfeat_em not built"}
        return self.run([self.vlfeat] + [str(a) for a in args])


def run_case(runner, c, workdir, native):
    """Generate one data set, run every tool on it, delete it."""
    name = "%dx%dx%d" % (c["n"], c["d"], c["k"])
    data = os.path.join(workdir, name)
    os.makedirs(data, exist_ok=True)
    seed = 1000003 * c["d"] + 1009 * c["k"] + c["n"] % 1000003
    rows = []
    try:
        gen = runner.gmix("gen", data, c["n"], c["d"], c["k"], seed)
        if "error" in gen:
            return [dict(case=c, cov=cov, error=gen["error"])
                    for cov in c["covs"]]
        init_reps = 1 if c["large"] else 3
        init = {"gmix": runner.gmix("init", data, c["k"], 2, init_reps)}
        init["sklearn"] = (runner.sklearn("init", data, c["k"], init_reps)
                           if c["sklearn_init"] else {"skipped": True})
        for cov in c["covs"]:
            it, rep = c["iters"], c["repeats"]
            r = dict(case=c, cov=cov, init=init)
            r["gmix2"] = runner.gmix("em", data, cov, it, 2, rep)
            if c["large"]:
                r["gmix1"] = runner.gmix("em", data, cov, it, 1, rep)
            r["sklearn"] = runner.sklearn("em", data, cov, it, rep)
            if native and c["group"] == "main":
                r["sklearn_native"] = runner.sklearn("em", data, cov, it, rep,
                                                     native=True)
            if cov in c["python"]:
                r["python2"] = runner.python("em", data, cov, it, 2,
                                             max(rep, 5))
            if cov == "diag":
                r["vlfeat2"] = runner.vl(data, it, 2, rep)
                if c["large"]:
                    r["vlfeat1"] = runner.vl(data, it, 1, rep)
            rows.append(r)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    return rows


# ---------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------

def has_error(obj):
    """True if a result, or any result nested in it, failed."""
    if isinstance(obj, dict):
        return "error" in obj or any(has_error(v) for v in obj.values())
    return False


def ok(res):
    return isinstance(res, dict) and "error" not in res and "skipped" not in res


def val(res, key):
    return res[key] if ok(res) and key in res else None


def fmt(x, spec="%.3g"):
    return "-" if x is None else spec % x


def ratio(peer, mine):
    if peer is None or mine is None or mine <= 0:
        return "-"
    return "%.1fx" % (peer / mine)


def rel_diff(a, b):
    if a is None or b is None:
        return None
    return abs(a - b) / max(abs(b), 1e-300)


def cell_error(res):
    if isinstance(res, dict) and "error" in res:
        return "timeout" if res["error"] == "timeout" else "error"
    if isinstance(res, dict) and "skipped" in res:
        return "skipped"
    return "-"


def seconds_cell(res):
    v = val(res, "sec_per_iter")
    return fmt(v) if v is not None else cell_error(res)


def main_table(rows, dgemm):
    head = ["N", "d", "K", "cov", "thr", "iters", "gmix s/iter",
            "sklearn s/iter", "vs sklearn", "sklearn* s/iter", "vs sklearn*",
            "VLFeat s/iter", "vs VLFeat", "GFLOP/s", "% DGEMM",
            "init gmix s", "init sklearn s", "RSS gmix MiB",
            "RSS sklearn MiB", "LL gmix", "LL sklearn", "LL check"]
    out = [head]
    for r in rows:
        c, cov = r["case"], r["cov"]
        g = r.get("gmix2", {"error": r.get("error", "not run")})
        sk, skn = r.get("sklearn"), r.get("sklearn_native")
        vl = r.get("vlfeat2")
        gs = val(g, "sec_per_iter")
        gflops = (flops_per_iteration(cov, c["n"], c["d"], c["k"]) / gs / 1e9
                  if gs else None)
        peak = dgemm.get(2)
        lg, ls = val(g, "lower_bound"), val(sk, "lower_bound")
        rd = rel_diff(lg, ls)
        check = "-" if rd is None else ("OK" if rd <= REL_TOL
                                        else "MISMATCH (%.1e)" % rd)
        init = r.get("init", {})
        vl_cell = seconds_cell(vl) if vl is not None else "-"
        if ok(vl) and vl["n_iter"] != vl["iters"]:
            vl_cell += " (%d it)" % vl["n_iter"]
        out.append([
            "%d" % c["n"], str(c["d"]), str(c["k"]), cov, "2",
            str(c["iters"]), seconds_cell(g),
            seconds_cell(sk), ratio(val(sk, "sec_per_iter"), gs),
            seconds_cell(skn) if skn is not None else "-",
            ratio(val(skn, "sec_per_iter"), gs),
            vl_cell, ratio(val(vl, "sec_per_iter"), gs),
            fmt(gflops, "%.3g"),
            fmt(100.0 * gflops / peak if gflops and peak else None, "%.0f%%"),
            fmt(val(init.get("gmix"), "init_seconds")),
            (fmt(val(init.get("sklearn"), "init_seconds"))
             if ok(init.get("sklearn")) else cell_error(init.get("sklearn"))),
            fmt(val(g, "peak_rss_mib"), "%.0f"),
            fmt(val(sk, "peak_rss_mib"), "%.0f"),
            fmt(lg, "%.10g"), fmt(ls, "%.10g"), check])
    return out


def thread_table(rows, dgemm):
    head = ["N", "d", "K", "cov", "gmix 1T s/iter", "gmix 2T s/iter",
            "2T vs 1T", "GFLOP/s 1T", "% DGEMM 1T", "same LL 1T/2T",
            "VLFeat 1T s/iter", "VLFeat 2T s/iter", "gmix 1T vs VLFeat 1T"]
    out = [head]
    for r in rows:
        if "gmix1" not in r:
            continue
        c, cov = r["case"], r["cov"]
        g1, g2 = r["gmix1"], r["gmix2"]
        s1, s2 = val(g1, "sec_per_iter"), val(g2, "sec_per_iter")
        gf = (flops_per_iteration(cov, c["n"], c["d"], c["k"]) / s1 / 1e9
              if s1 else None)
        same = "-"
        if ok(g1) and ok(g2):
            same = "bit-identical" if (g1["lower_bound"] == g2["lower_bound"]
                                       and g1["log_likelihood"]
                                       == g2["log_likelihood"]) else "DIFFER"
        v1, v2 = r.get("vlfeat1"), r.get("vlfeat2")
        out.append([
            "%d" % c["n"], str(c["d"]), str(c["k"]), cov, fmt(s1), fmt(s2),
            ratio(s1, s2), fmt(gf, "%.3g"),
            fmt(100.0 * gf / dgemm[1] if gf and dgemm.get(1) else None,
                "%.0f%%"),
            same, seconds_cell(v1) if v1 else "-",
            seconds_cell(v2) if v2 else "-",
            ratio(val(v1, "sec_per_iter"), s1)])
    return out


def python_table(rows):
    """gmix.GaussianMixture against bench_gmix (C) and scikit-learn."""
    head = ["N", "d", "K", "cov", "thr", "iters", "gmix C s/iter",
            "gmix Python s/iter", "bare gmix_fit s/iter",
            "binding's own time", "vs bare call: best", "vs bare call: median",
            "vs bench_gmix", "sklearn s/iter", "vs sklearn", "LL same as C"]
    out = [head]
    for r in rows:
        if "python2" not in r:
            continue
        c, cov = r["case"], r["cov"]
        g, p, sk = r.get("gmix2"), r["python2"], r.get("sklearn")
        gs, ps = val(g, "sec_per_iter"), val(p, "sec_per_iter")
        same = "-"
        if ok(g) and ok(p):
            same = "yes" if g["lower_bound"] == p["lower_bound"] else "NO"
        out.append([
            "%d" % c["n"], str(c["d"]), str(c["k"]), cov, "2",
            str(c["iters"]), fmt(gs), seconds_cell(p),
            fmt(val(p, "bare_sec_per_iter")),
            fmt(100.0 * p["own_fraction"] if ok(p) else None, "%.2f%%"),
            fmt(100.0 * p["overhead_best"] if ok(p) else None, "%+.1f%%"),
            fmt(100.0 * p["overhead"] if ok(p) else None, "%+.1f%%"),
            fmt(100.0 * (ps / gs - 1.0) if ps and gs else None, "%+.1f%%"),
            seconds_cell(sk), ratio(val(sk, "sec_per_iter"), ps), same])
    return out


def detail_table(rows):
    """What is behind the main table: iteration-only time from gmix's
    callback, repeat determinism, re-seeds, and VLFeat's likelihoods."""
    head = ["N", "d", "K", "cov", "gmix fit s/iter", "gmix callback s/iter",
            "repeats identical", "re-seeds", "LL start gmix",
            "LL start VLFeat", "LL final gmix", "LL final VLFeat",
            "VLFeat vs gmix", "init LL gmix", "init LL sklearn"]
    out = [head]
    for r in rows:
        c, cov, g = r["case"], r["cov"], r.get("gmix2", {})
        vl = r.get("vlfeat2")
        out.append([
            "%d" % c["n"], str(c["d"]), str(c["k"]), cov,
            seconds_cell(g), fmt(val(g, "callback_sec_per_iter")),
            {True: "yes", False: "NO"}.get(val(g, "repeat_identical"), "-"),
            fmt(val(g, "n_reseeds"), "%d"),
            fmt(val(g, "first_lower_bound"), "%.8g"),
            fmt(val(vl, "first_lower_bound"), "%.8g"),
            fmt(val(g, "log_likelihood"), "%.8g"),
            fmt(val(vl, "log_likelihood"), "%.8g"),
            fmt(rel_diff(val(vl, "log_likelihood"),
                         val(g, "log_likelihood")), "%.1e"),
            fmt(val(r.get("init", {}).get("gmix"), "log_likelihood"), "%.8g"),
            fmt(val(r.get("init", {}).get("sklearn"), "log_likelihood"),
                "%.8g")])
    return out


def failures(rows):
    """One line per measurement that failed, with the program's message."""
    out = []
    for r in rows:
        c = r["case"]
        where = "%dx%dx%d %s" % (c["n"], c["d"], c["k"], r["cov"])
        found = dict(r.get("init", {}))
        found.update({k: v for k, v in r.items()
                      if k not in ("case", "init", "cov")})
        for tool, res in sorted(found.items()):
            if isinstance(res, dict) and "error" in res:
                out.append("- %s, %s: %s" % (where, tool, res["error"]))
            elif tool == "error":
                out.append("- %s: %s" % (where, res))
    return sorted(set(out))


def markdown(table):
    lines = ["| " + " | ".join(table[0]) + " |",
             "|" + "|".join("---" for _ in table[0]) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in table[1:]]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Model selection: gmix select against R mclust's mclustBIC
# ---------------------------------------------------------------------------

SELECT_K = "1..9"
MCLUST_NAMES = {"full": "VVV", "tied": "EEE", "diag": "VVI",
                "spherical": "VII"}
BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def select_sets(quick):
    """The model-selection data sets: (name, n, d, true K, seed, gmix
    repeats, mclust repeats, models); n = 0 is examples/faithful.csv.
    models is "sklearn" (the four types both have) or "all" (mclust's
    14 x 9 sweep, EII ... VVV)."""
    sets = [("faithful", 0, 2, 0, 0, 3, 3, "sklearn"),
            ("9000x4", 9000, 4, 5, 9004, 3, 3, "sklearn"),
            ("100000x8", 100000, 8, 6, 100008, 3, 1, "sklearn"),
            ("9000x4", 9000, 4, 5, 9004, 3, 3, "all"),
            ("100000x8", 100000, 8, 6, 100008, 3, 1, "all")]
    if quick:
        return [s for s in sets if s[1] <= 9000 and s[7] == "sklearn"]
    return sets


def make_select_set(path, n, d, k, seed):
    """A seeded mixture of k full-covariance Gaussians written as CSV with a
    header: Dirichlet(4) weights, means N(0, 6^2), each cluster a random
    rotation with axis variances in [0.3, 1.5] times its own scale, drawn
    log-uniformly in [0.3, 3] (so clusters differ tenfold in size)."""
    import numpy as np
    rng = np.random.default_rng(seed)
    w = rng.dirichlet(np.full(k, 4.0))
    scale = np.exp(rng.uniform(np.log(0.3), np.log(3.0), k))
    means = rng.normal(0.0, 6.0, (k, d))
    z = rng.choice(k, size=n, p=w)
    x = np.empty((n, d))
    for j in range(k):
        q, _ = np.linalg.qr(rng.normal(size=(d, d)))
        factor = scale[j] * q * np.sqrt(rng.uniform(0.3, 1.5, d))
        idx = np.flatnonzero(z == j)
        x[idx] = means[j] + rng.normal(size=(idx.size, d)) @ factor.T
    np.savetxt(path, x, fmt="%.7g", delimiter=",", comments="",
               header=",".join("x%d" % (i + 1) for i in range(d)))


def gmix_select_once(runner, gmix, data, table, env, models):
    """One `gmix select` run: wall seconds and the best cell of its CSV
    table (lowest BIC among the cells fitted)."""
    import csv
    argv = [gmix, "select", data, "-k", SELECT_K, "-c", models,
            "--threads", "2", "--table", table]
    runner.log(" ".join(["gmix"] + argv[1:]))
    t0 = time.monotonic()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, env=env,
                              timeout=runner.timeout)
    except subprocess.TimeoutExpired:
        runner.log("  timeout after %g s" % runner.timeout)
        return {"error": "timeout"}
    seconds = time.monotonic() - t0
    if proc.returncode != 0:
        msg = (proc.stderr.strip().splitlines()
               or ["exit %d" % proc.returncode])[-1]
        runner.log("  failed: " + msg)
        return {"error": msg}
    with open(table, newline="") as f:
        cells = list(csv.DictReader(f))
    done = [c for c in cells if c["status"] == "success"]
    if not done:
        return {"error": "no cell fitted"}
    best = min(done, key=lambda c: float(c["bic"]))
    return dict(seconds=seconds, best_model=best["covariance"],
                best_K=int(best["k"]), best_bic=float(best["bic_mclust"]),
                best_loglik=float(best["log_likelihood"]),
                failed_cells=len(cells) - len(done))


def median_run(results):
    """The run of median seconds, with every run's seconds attached."""
    good = [r for r in results if ok(r)]
    if not good:
        return results[-1] if results else {"error": "not run"}
    good.sort(key=lambda r: r["seconds"])
    out = dict(good[(len(good) - 1) // 2])
    out["all_seconds"] = [r["seconds"] for r in results if ok(r)]
    out["same_best"] = len({(r["best_model"], r["best_K"], r["best_bic"])
                            for r in good}) == 1
    return out


def run_select(runner, workdir, quick, only=()):
    """Time gmix select and mclust's mclustBIC on every selection set."""
    gmix = runner.gmix_cli
    rscript = shutil.which("Rscript")
    env_unset = {k: v for k, v in os.environ.items() if k not in BLAS_VARS}
    rows = []
    for name, n, d, k, seed, g_reps, r_reps, models in select_sets(quick):
        if only and name not in only:
            continue
        row = dict(name=name, n=n, d=d, gmix_repeats=g_reps,
                   mclust_repeats=r_reps, models=models)
        if n == 0:
            data = os.path.join(runner.source_dir, "examples", "faithful.csv")
            with open(data) as f:
                row["n"] = sum(1 for _ in f) - 1
        else:
            data = os.path.join(workdir, "select-%s.csv" % name)
            runner.log("generating %s (seed %d, %d clusters)" % (name, seed, k))
            make_select_set(data, n, d, k, seed)
        table = os.path.join(workdir, "select-table.csv")
        try:
            for key, env in (("gmix", None), ("gmix_unset", env_unset)):
                row[key] = median_run([gmix_select_once(runner, gmix, data,
                                                        table, env, models)
                                       for _ in range(g_reps)])
            if not rscript:
                row["mclust"] = {"skipped": "Rscript not found"}
            else:
                runs = [runner.run([rscript, os.path.join(HERE,
                                                          "mclust_select.R"),
                                    data, "--models", models], whole=True)
                        for _ in range(r_reps)]
                row["mclust"] = median_run(runs)
                if "no package called" in row["mclust"].get("error", ""):
                    row["mclust"] = {"skipped": "R package mclust not "
                                                "installed"}
        finally:
            if n:
                os.remove(data)
        rows.append(row)
    return rows


def select_table(rows):
    head = ["data", "N", "d", "models", "gmix s", "gmix* s", "mclust s",
            "vs mclust", "vs mclust (gmix*)", "best gmix", "best mclust",
            "BIC gmix", "BIC mclust", "gmix BIC at least as good",
            "gmix* same best", "goal met"]
    out = [head]
    for r in rows:
        g, gu, m = r["gmix"], r["gmix_unset"], r["mclust"]
        gs, gus, ms = val(g, "seconds"), val(gu, "seconds"), val(m, "seconds")
        gb, mb = val(g, "best_bic"), val(m, "best_bic")
        better = None
        if gb is not None and mb is not None:
            better = gb >= mb - 1e-9 * abs(mb)

        def sec(res, reps):
            v = val(res, "seconds")
            if v is None:
                return "-" if isinstance(res, dict) and "skipped" in res \
                    else cell_error(res)
            return fmt(v) + ("" if reps > 1 else " (1 run)")

        def best(res, mclust):
            if not ok(res):
                return "-"
            model = res["best_model"]
            if not mclust and model in MCLUST_NAMES:
                model = "%s (%s)" % (model, MCLUST_NAMES[model])
            return "%s, K = %d" % (model, res["best_K"])
        same = "-"
        if ok(g) and ok(gu):
            same = "NO"
            if (g["best_model"], g["best_K"]) == (gu["best_model"],
                                                  gu["best_K"]):
                d = gu["best_bic"] - g["best_bic"]
                same = ("yes" if abs(d) <= 1e-9 * abs(g["best_bic"])
                        else "same cell, BIC %+.3g" % d)
        goal = "-"
        if better is not None and gs and ms:
            goal = "yes" if better and ms / gs >= 10 else "no"
        out.append([
            r["name"], "%d" % r["n"], str(r["d"]),
            "4 x 9" if r.get("models") == "sklearn" else "14 x 9",
            sec(g, r["gmix_repeats"]), sec(gu, r["gmix_repeats"]),
            sec(m, r["mclust_repeats"]), ratio(ms, gs), ratio(ms, gus),
            best(g, False), best(m, True), fmt(gb, "%.10g"),
            fmt(mb, "%.10g"),
            "-" if better is None else ("yes (%+.4g)" % (gb - mb) if better
                                        else "NO (%+.4g)" % (gb - mb)),
            same, goal])
    return out


def select_section(rows):
    """The model-selection section of the report, as Markdown lines."""
    mc = next((r["mclust"] for r in rows if ok(r["mclust"])), {})
    missing = sorted({"- %s: mclust %s" % (r["name"],
                                            r["mclust"].get("skipped")
                                            or r["mclust"].get("error"))
                      for r in rows if not ok(r["mclust"])})
    return [
        "### Model selection (gmix select against mclust)",
        "",
        "The K = %s sweep over the four covariance types (gmix's full, "
        "tied, diag, spherical = mclust's VVV, EEE, VVI, VII; models 4 x 9) "
        "and over mclust's fourteen (EII ... VVV; models 14 x 9, `-c all` "
        "and `--models all`), each tool "
        "with its default starts and stopping rules: `gmix select DATA -k "
        "%s -c sklearn|all --threads 2 --table T.csv` (its default tol 1e-5 "
        "on the mean log-likelihood per row, reg_covar 1e-6) and `Rscript "
        "bench/mclust_select.R DATA.csv` (mclustBIC with G = 1:9, its "
        "hierarchical start on a 2000-row subsample above 2000 rows, EM to "
        "a relative tolerance of 1e-5). gmix's seconds are the wall time "
        "of the whole process (start-up and CSV reading included), median "
        "of 3; mclust's are those of the mclustBIC call alone, median of 3 "
        "runs, or of 1 where marked. `gmix*` runs with OPENBLAS_CORETYPE "
        "and OPENBLAS_L2_SIZE unset; gmix and mclust otherwise run in the "
        "machine's environment; R uses its own BLAS: `%s` (LAPACK `%s`), "
        "mclust %s, %s. `vs mclust` = mclust's seconds / gmix's. BIC is in "
        "mclust's sign, 2 log-likelihood - p log N (higher is better); the "
        "best cell is the one of best BIC; `at least as good` allows 1e-9 "
        "relative and shows gmix's minus mclust's; `gmix* same best` "
        "compares gmix's best cell in the two environments. The goal is "
        "at least 10x faster with a BIC at least as good. The synthetic "
        "sets are seeded mixtures of 5 (9000 x 4) and 6 (100000 x 8) "
        "rotated full-covariance clusters whose scales differ up to "
        "tenfold, generated with numpy and written as CSV."
        % (SELECT_K, SELECT_K, mc.get("blas", "?"), mc.get("lapack", "?"),
           mc.get("mclust_version", "?"), mc.get("r_version", "R ?")),
        "",
        markdown(select_table(rows)),
        "",
    ] + (["mclust was not run: " + "; ".join(m[2:] for m in missing)
          + " (Rscript and Debian's r-cran-mclust are needed).", ""]
         if missing else [])


# ---------------------------------------------------------------------------
# The distributed fit (mpi_bench under mpiexec)
# ---------------------------------------------------------------------------

# (ranks, threads per rank): the P = 1 and 2 rows, one thread per rank.
MPI_LAYOUTS = ((1, 1), (2, 1))
MPI_ITERS = 3          # EM iterations per run (the median is reported)
MPI_SUM_REPEATS = 20   # timed reductions per run
MPI_RUNS = 3           # runs per layout and environment (median run kept)


def mpi_shape(quick):
    return (100000, 32, 32) if quick else (1000000, 32, 32)


def run_mpi(runner, quick):
    """mpi_bench on every layout, each run MPI_RUNS times with the
    environment as it is and MPI_RUNS times with OPENBLAS_CORETYPE and
    OPENBLAS_L2_SIZE unset for every rank (the variables are left out of
    mpiexec's own environment, which the ranks inherit)."""
    if not runner.mpi_bench or not runner.mpiexec:
        return []
    n, d, k = mpi_shape(quick)
    base = dict(os.environ)
    if os.geteuid() == 0:  # OpenMPI refuses root unless told
        base.update(OMPI_ALLOW_RUN_AS_ROOT="1",
                    OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    rows = []
    for unset in (False, True):
        for ranks, threads in MPI_LAYOUTS:
            env = dict(base, OMP_NUM_THREADS=str(threads))
            if unset:
                for v in BLAS_VARS:
                    env.pop(v, None)
            argv = [runner.mpiexec, "-n", str(ranks)]
            if ranks > (os.cpu_count() or 1):
                argv.append("--oversubscribe")
            argv += [runner.mpi_bench, n, d, k, MPI_ITERS, threads,
                     MPI_SUM_REPEATS]
            runs = [runner.run([str(a) for a in argv], env=env)
                    for _ in range(MPI_RUNS)]
            good = sorted((r for r in runs if ok(r)),
                          key=lambda r: r["seconds_per_iteration"])
            row = (dict(good[(len(good) - 1) // 2]) if good
                   else runs[-1])
            row.update(unset=unset, layout=(ranks, threads),
                       all_seconds=[r["seconds_per_iteration"]
                                    for r in good])
            rows.append(row)
    return rows


def mpi_table(rows):
    header = ["environment", "ranks x threads", "s/iter (median)",
              "runs s/iter", "speed-up", "reduction ms", "reduction share",
              "bytes reduced / iter", "unpacked bytes", "rows/s per rank",
              "lower bound"]
    out = [header]
    for unset in (False, True):
        group = [r for r in rows if r["unset"] == unset]
        one = next((r for r in group if r["layout"] == (1, 1) and ok(r)),
                   None)
        for r in group:
            env = "OPENBLAS_* unset" if unset else "as is"
            lay = "%d x %d" % r["layout"]
            if not ok(r):
                out.append([env, lay, cell_error(r)] + [""] * 8)
                continue
            it = r["seconds_per_iteration"]
            red = r["reduction_seconds"] if r["ranks"] > 1 else 0.0
            out.append([
                env, lay, fmt(it), " / ".join(fmt(x) for x in
                                              r["all_seconds"]),
                fmt(one["seconds_per_iteration"] / it, "%.2f") if one
                else "-",
                fmt(red * 1e3), "%.2g%%" % (100.0 * red / it),
                "{:,}".format(r["bytes_reduced"]),
                "{:,}".format(r["bytes_unpacked"]),
                fmt(r["rows_per_second_per_rank"]),
                "%.12g" % r["lower_bound"]])
    return out


def mpi_section(rows, quick):
    """The distributed fit's section of the report, as Markdown lines."""
    if not rows:
        return []
    n, d, k = mpi_shape(quick)
    return [
        "## Distributed fit (gmix_mpi_fit)",
        "",
        "bench/mpi_bench.c under mpiexec on (%s, %d, %d), full covariances, "
        "from the generating mixture as a warm start with tol 0: %d EM "
        "iterations per run, the median of rank 0's per-iteration times "
        "(pass, agreement, rank-order sum and M-step); each layout run %d "
        "times and the median run shown, with every run's time beside it. "
        "`reduction` is gmix_mpi_sum alone on one iteration's packed "
        "statistics, after a barrier, median of %d (the slowest rank's "
        "time); on one rank there is nothing to reduce. `bytes reduced` is "
        "what each rank sends per iteration (gmix_stats_pack: upper "
        "triangles only); `unpacked` is the full statistics buffer. The "
        "environment as it is and with OPENBLAS_CORETYPE and "
        "OPENBLAS_L2_SIZE unset for every rank. `lower bound` is the fitted "
        "model's: the data and the model do not depend on the number of "
        "ranks. mpi/README.md turns these figures into a scaling model."
        % ("{:,}".format(n), d, k, MPI_ITERS, MPI_RUNS, MPI_SUM_REPEATS),
        "",
        markdown(mpi_table(rows)),
        "",
    ]


def mpi_failures(rows):
    return ["- distributed fit %d x %d%s: %s"
            % (r["layout"] + (" (OPENBLAS_* unset)" if r["unset"] else "",
                              r["error"]))
            for r in rows if "error" in r]


def mpi_report(machine, ginfo, rows, quick, seconds, load_end):
    """The report of a run of the distributed fit's section alone."""
    return "\n".join(section_report_head("distributed fit", "mpi", machine,
                                         ginfo, seconds, load_end)
                      + mpi_section(rows, quick) + [
        "Failures: " + ("; ".join(f[2:] for f in mpi_failures(rows))
                        or "none."), ""])


# ---------------------------------------------------------------------------
# Machine description
# ---------------------------------------------------------------------------

def read_first(path, prefix):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def machine_info(source_dir):
    info = {
        "cpu": read_first("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "memory": read_first("/proc/meminfo", "MemTotal"),
        "kernel": platform.release(),
        "load": "%.2f %.2f %.2f" % os.getloadavg(),
    }
    try:
        with open("/etc/debian_version") as f:
            info["debian"] = f.read().strip()
    except OSError:
        info["debian"] = "unknown"
    try:
        rev = subprocess.run(["git", "-C", source_dir, "rev-parse", "--short",
                              "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(["git", "-C", source_dir, "status",
                                "--porcelain", "--", "src", "include"],
                               capture_output=True, text=True)
        info["commit"] = rev.stdout.strip() + (
            " (src/ or include/ modified)" if dirty.stdout.strip() else "")
    except OSError:
        info["commit"] = "unknown"
    return info


def select_failures(select_rows):
    return ["- model selection %s, %s: %s" % (r["name"], tool, r[tool]["error"])
            for r in select_rows for tool in ("gmix", "gmix_unset", "mclust")
            if isinstance(r.get(tool), dict) and "error" in r[tool]]


def section_report_head(title, only, machine, ginfo, seconds, load_end):
    """The first lines of the report of one section run alone (BENCH_ONLY):
    title, when and how long, the machine, gmix and the environment."""
    env = {k: os.environ[k] for k in BLAS_VARS if k in os.environ}
    return [
        "# gmix benchmark (%s only)" % title,
        "",
        "Produced by bench/run_bench.py with BENCH_ONLY=%s on %s UTC in "
        "%.0f s." % (only, datetime.datetime.now(datetime.timezone.utc)
                     .strftime("%Y-%m-%d %H:%M"), seconds),
        "",
        "- CPU: %s, %s cores; Linux %s, Debian %s"
        % (machine["cpu"], machine["cores"], machine["kernel"],
           machine["debian"]),
        "- Load average before / after the run: %s / %s (other work on the "
        "machine disturbs the timings)" % (machine["load"], load_end),
        "- gmix %s at commit %s; its OpenBLAS: `%s`, core **%s**"
        % (ginfo.get("gmix_version", "?"), machine["commit"],
           ginfo.get("openblas_file", "?"),
           ginfo.get("openblas_corename", "?")),
        "- Environment: %s" % (", ".join("%s=%s" % kv for kv in env.items())
                               or "no OPENBLAS_* variables"),
        "",
    ]


def select_report(machine, ginfo, select_rows, seconds, load_end):
    """The report of a run of the model-selection section alone."""
    return "\n".join(section_report_head("model selection", "select",
                                         machine, ginfo, seconds, load_end)
                      + select_section(select_rows) + [
        "Failures: " + ("; ".join(f[2:] for f in select_failures(select_rows))
                        or "none."), ""])


def report(args, quick, machine, ginfo, pinfo, pnative, dgemm, rows,
           seconds, load_end, select_rows=(), mpi_rows=()):
    """The whole report as Markdown."""
    main_rows = [r for r in rows if r["case"]["group"] == "main"]
    scale_rows = [r for r in rows if r["case"]["group"] == "scaling"]
    blas = (pinfo.get("blas") or [{}])[0]
    blas_native = (pnative.get("blas") or [{}])[0]
    env = pinfo.get("env", {})
    lines = [
        "# gmix benchmark%s" % (" (quick mode)" if quick else ""),
        "",
        "Produced by `make bench` (bench/run_bench.py) on %s UTC in %.0f s."
        % (datetime.datetime.now(datetime.timezone.utc)
           .strftime("%Y-%m-%d %H:%M"), seconds),
        "",
        "## Machine and libraries",
        "",
        "- CPU: %s, %s cores, %s memory; Linux %s, Debian %s"
        % (machine["cpu"], machine["cores"], machine["memory"],
           machine["kernel"], machine["debian"]),
        "- Load average before / after the run: %s / %s (other work on the "
        "machine disturbs the timings)" % (machine["load"], load_end),
        "- gmix %s at commit %s, compiled by %s"
        % (ginfo.get("gmix_version", "?"), machine["commit"], args.compiler),
        "- gmix's OpenBLAS: `%s`, core **%s**, %s threading (`%s`)"
        % (ginfo.get("openblas_file", "?"), ginfo.get("openblas_corename", "?"),
           ginfo.get("openblas_parallel", "?"),
           ginfo.get("openblas_config", "?")),
        "- numpy's OpenBLAS (threadpoolctl): `%s`, core **%s**, %s, %s "
        "threads; with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset: core **%s**"
        % (blas.get("filepath"), blas.get("architecture"),
           blas.get("threading_layer"), blas.get("num_threads"),
           blas_native.get("architecture", "-")),
        "- Environment: %s" % (", ".join("%s=%s" % kv for kv in env.items())
                               or "no OPENBLAS_* variables"),
        "- DGEMM rate (%d x %d, median of 3, the higher of the measurements "
        "before and after the cases: %s): gmix's OpenBLAS %s GFLOP/s on 2 "
        "threads, %s on 1; numpy's %s GFLOP/s (%s), %s with the variables "
        "unset (%s)"
        % (args.dgemm_size, args.dgemm_size,
           "; ".join("%dT %s" % (t, " / ".join(fmt(g, "%.1f") for g in runs))
                     for t, runs in sorted(
                         getattr(args, "dgemm_runs", {}).items(),
                         key=lambda kv: -int(kv[0]))) or "-",
           fmt(dgemm.get(2), "%.1f"),
           fmt(dgemm.get(1), "%.1f"), fmt(pinfo.get("dgemm_gflops"), "%.1f"),
           blas.get("architecture"), fmt(pnative.get("dgemm_gflops"), "%.1f"),
           blas_native.get("architecture", "-")),
        "- Python %s (`%s`), scikit-learn %s, numpy %s, scipy %s, "
        "threadpoolctl %s; VLFeat %s"
        % (pinfo.get("python"), pinfo.get("executable"), pinfo.get("sklearn"),
           pinfo.get("numpy"), pinfo.get("scipy"), pinfo.get("threadpoolctl"),
           next((r["vlfeat2"].get("version") for r in rows
                 if ok(r.get("vlfeat2"))), "not run")),
        "",
        "## Results",
        "",
        "Seconds per EM iteration are medians over the repeats of (fit "
        "seconds / iterations). Every tool starts from the same weights, "
        "means and precisions, runs the stated number of iterations with "
        "tol = 0, and reads the same data. `vs X` = X's time / gmix's time. "
        "`sklearn*` is scikit-learn with OPENBLAS_CORETYPE and "
        "OPENBLAS_L2_SIZE unset in its command only, so numpy's OpenBLAS "
        "picks its own kernels; every other column runs in the machine's "
        "environment. GFLOP/s counts the model in the notes below and "
        "%% DGEMM compares it with gmix's OpenBLAS on the same 2 threads. "
        "LL = mean log-likelihood per sample at the last E-step "
        "(scikit-learn's lower_bound_); OK means gmix and scikit-learn agree "
        "to %g relative." % REL_TOL,
        "",
        markdown(main_table(main_rows, dgemm)),
        "",
        "### Linear growth in N (d = 8, K = 8, diag)",
        "",
        markdown(main_table(scale_rows, dgemm)),
        "",
        "### Python binding",
        "",
        "`gmix.GaussianMixture(...).fit(X)` from the same start, timed by "
        "bench/python_bench.py (median of at least 5 fits). `binding's own "
        "time` is, within each estimator fit, the time outside the library's "
        "gmix_fit call as a share of the time inside it (immune to the "
        "machine's load); `vs bare call` sets whole fits against bare "
        "gmix_fit calls through ctypes timed alternately in the same process "
        "(best and median); `vs bench_gmix` against the C program's fit in "
        "its own process, at another moment. The goal is under 5%.",
        "",
        markdown(python_table(rows)),
        "",
        "### Threads (large cases)",
        "",
        markdown(thread_table(rows, dgemm)),
        "",
    ] + select_section(select_rows) + mpi_section(mpi_rows, quick) + [
        "### Details",
        "",
        "`gmix callback s/iter` is the median iteration time reported by "
        "gmix's own per-iteration callback (E-step + M-step only); the "
        "difference to `gmix fit s/iter` is set-up and the final E-step "
        "spread over the iterations. LL start is the log-likelihood of the "
        "common starting point (the same for every tool if they read the "
        "same start); LL final is that of the returned parameters. "
        "`init LL` is the mean log-likelihood of the parameters that each "
        "k-means initialisation produced (higher is a better start).",
        "",
        markdown(detail_table(rows)),
        "",
        "## Failures",
        "",
        "\n".join(failures(rows) + select_failures(select_rows)
                  + mpi_failures(mpi_rows)) or "None.",
        "",
        "## Notes",
        "",
        "- Data: N rows from a random K-component mixture with full "
        "covariances (bench_gmix.c, seeded). Start: equal weights, K "
        "distinct random rows as means, precisions from the data's "
        "per-feature variance.",
        "- FLOPs per iteration (2 per multiply-add): full 3·N·K·d²; tied "
        "3·N·d² + 4·N·K·d; diag 8·N·K·d; spherical 4·N·K·d.",
        "- scikit-learn's time per iteration excludes the initialisation "
        "that GaussianMixture.fit runs even when all three *_init are "
        "given (timed and subtracted). Its `init` column is its own "
        "k-means initialisation (KMeans(n_init=1) and the first parameter "
        "estimate); gmix's is gmix_em_start with init = kmeans "
        "(k-means++, Lloyd and the first parameters, the same work), with "
        "its defaults: k-means runs on a random subsample of "
        "kmeans_max_rows = 65536 rows when N is larger, then labels every "
        "row; scikit-learn's KMeans uses every row. The `init LL` columns "
        "of the details table compare the quality of the two starts.",
        "- VLFeat (diag only) runs vl_gmm with a custom start and its "
        "variance floor set to 1e-300. It has no reg_covar and skips tiny "
        "responsibilities in its M-step, so its likelihood is close to, "
        "not equal to, exact EM's; it also stops by itself when the "
        "relative change falls below 1e-5 (`(n it)` marks such rows, timed "
        "per iteration actually run).",
        "- Peak RSS is each process's ru_maxrss: it includes the data "
        "(N·d·8 bytes) and, for scikit-learn, the Python interpreter.",
    ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------

def write_report(text, path):
    """Print a report and write it to path."""
    print(text)
    with open(path, "w") as f:
        f.write(text)
    print("written to %s" % path, file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bin-dir", required=True,
                    help="folder with bench_gmix and vlfeat_em")
    ap.add_argument("--source-dir", default=os.path.dirname(HERE))
    ap.add_argument("--results", help="RESULTS.md to write after a full run")
    ap.add_argument("--compiler", default="unknown")
    ap.add_argument("--gmix-library",
                    help="the libgmix the Python package loads (default: "
                         "BIN_DIR/../src/libgmix.so.0.1)")
    ap.add_argument("--gmix-cli",
                    help="the gmix program timed in the model-selection "
                         "section (default: BIN_DIR/../cli/gmix)")
    ap.add_argument("--mpi-bench",
                    help="mpi_bench, for the distributed fit's section")
    ap.add_argument("--mpiexec", help="the MPI launcher for mpi_bench")
    ap.add_argument("--from-json", metavar="RAW",
                    help="only re-print the tables of an earlier run from "
                         "its raw results (BIN_DIR/bench-raw.json)")
    args = ap.parse_args()

    if args.from_json:
        with open(args.from_json) as f:
            raw = json.load(f)
        print(report(argparse.Namespace(**raw["args"]), raw["quick"],
                     raw["machine"], raw["ginfo"], raw["pinfo"],
                     raw["pnative"], {int(t): v for t, v in
                                      raw["dgemm"].items()},
                     raw["rows"], raw["seconds"], raw["load_end"],
                     raw.get("select", []), raw.get("mpi", [])))
        return 0

    quick = os.environ.get("BENCH_QUICK", "0") not in ("", "0")
    only = [s for s in os.environ.get("BENCH_CASES", "").replace(" ", ",")
            .split(",") if s]
    native = os.environ.get("BENCH_NATIVE", "1") not in ("", "0")
    select_only = os.environ.get("BENCH_ONLY", "") == "select"
    mpi_only = os.environ.get("BENCH_ONLY", "") == "mpi"
    select_names = [s for s in os.environ.get("BENCH_SELECT_SETS", "")
                    .replace(" ", ",").split(",") if s]
    args.dgemm_size = 2000 if quick else 4000

    gmix_library = args.gmix_library or os.path.join(
        args.bin_dir, os.pardir, "src", "libgmix.so.0.1")
    runner = Runner(args.bin_dir,
                    float(os.environ.get("BENCH_TIMEOUT", "1200")),
                    args.source_dir, os.path.abspath(gmix_library),
                    args.gmix_cli)
    machine = machine_info(args.source_dir)
    t_start = time.monotonic()

    runner.mpi_bench, runner.mpiexec = args.mpi_bench, args.mpiexec
    ginfo = runner.gmix("info")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if mpi_only:
        if not args.mpi_bench:
            print("BENCH_ONLY=mpi: mpi_bench was not built (no MPI)",
                  file=sys.stderr)
            return 1
        mpi_rows = run_mpi(runner, quick)
        write_report(mpi_report(machine, ginfo, mpi_rows, quick,
                                time.monotonic() - t_start,
                                "%.2f %.2f %.2f" % os.getloadavg()),
                     os.path.join(args.bin_dir, "RESULTS-mpi.md"))
        return 1 if mpi_failures(mpi_rows) else 0
    if select_only:
        workdir = tempfile.mkdtemp(prefix="gmix-bench-",
                                   dir=os.environ.get("BENCH_TMPDIR"))
        try:
            select_rows = run_select(runner, workdir, quick, select_names)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        write_report(select_report(machine, ginfo, select_rows,
                                   time.monotonic() - t_start,
                                   "%.2f %.2f %.2f" % os.getloadavg()),
                     os.path.join(args.bin_dir, "RESULTS-select.md"))
        return 1 if any(has_error(r) for r in select_rows) else 0
    # The DGEMM rate is measured before and after the cases and the higher
    # median is kept, so a burst of other work on the machine during one
    # measurement does not lower the ceiling that GFLOP/s is compared with.
    dgemm_runs = {t: [val(runner.gmix("dgemm", args.dgemm_size, t, 3),
                          "gflops")] for t in (2, 1)}
    pinfo = runner.sklearn("info", args.dgemm_size)
    pnative = (runner.sklearn("info", args.dgemm_size, native=True)
               if native else {})

    types = [s for s in os.environ.get("BENCH_TYPES", "").replace(" ", ",")
             .split(",") if s]
    cases = []
    for c in all_cases(quick):
        if only and "%dx%dx%d" % (c["n"], c["d"], c["k"]) not in only:
            continue
        c["covs"] = tuple(t for t in c["covs"] if not types or t in types)
        if c["covs"]:
            cases.append(c)
    partial = bool(only or types or select_names)
    # On SIGTERM (handler set above) unwind normally: the running child is
    # killed and the data sets are deleted by the finally blocks.
    workdir = tempfile.mkdtemp(prefix="gmix-bench-",
                               dir=os.environ.get("BENCH_TMPDIR"))
    rows = []
    try:
        for c in cases:
            rows += run_case(runner, c, workdir, native)
        select_rows = ([] if only or types
                       else run_select(runner, workdir, quick, select_names))
        mpi_rows = ([] if only or types or select_names
                    else run_mpi(runner, quick))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    for t in (2, 1):
        dgemm_runs[t].append(val(runner.gmix("dgemm", args.dgemm_size, t, 3),
                                 "gflops"))
    dgemm = {t: max((g for g in runs if g), default=None)
             for t, runs in dgemm_runs.items()}
    args.dgemm_runs = dgemm_runs
    seconds = time.monotonic() - t_start
    load_end = "%.2f %.2f %.2f" % os.getloadavg()
    # Keep the raw measurements, so the tables can be re-printed
    # (--from-json) without running anything again.
    with open(os.path.join(args.bin_dir, "bench-raw.json"), "w") as f:
        json.dump(dict(args=vars(args), quick=quick, machine=machine,
                       ginfo=ginfo, pinfo=pinfo, pnative=pnative, dgemm=dgemm,
                       rows=rows, seconds=seconds, load_end=load_end,
                       select=select_rows, mpi=mpi_rows), f)
    text = report(args, quick, machine, ginfo, pinfo, pnative, dgemm, rows,
                  seconds, load_end, select_rows, mpi_rows)
    print(text)
    if args.results and not quick and not partial:
        path = args.results
    else:  # partial runs never overwrite the committed results
        path = os.path.join(args.bin_dir, "RESULTS-quick.md" if quick
                            else "RESULTS-partial.md")
    with open(path, "w") as f:
        f.write(text)
    print("written to %s" % path, file=sys.stderr)
    return 1 if (any(has_error(r) for r in rows + select_rows)
                 or mpi_failures(mpi_rows)) else 0


if __name__ == "__main__":
    sys.exit(main())
