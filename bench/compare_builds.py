#!/usr/bin/env python3
"""Compare two builds of gmix on the benchmark's EM cases, in one run.

    compare_builds.py OLD_BENCH_GMIX NEW_BENCH_GMIX [--rounds R] [--quick]

Each argument is a bench_gmix program (bench/bench_gmix.c) built from one
version of the library. Every case is timed alternately with the old and
the new program, R rounds, so that load on the machine falls on both
alike; the table gives the median seconds per EM iteration of each and
their ratio. Every case runs twice: in the machine's environment and with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for both programs (as a
user's machine would run OpenBLAS). A change that should not cost speed
keeps every ratio near 1.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

# (N, d, K, iterations) of the benchmark's headline cases.
CASES = [(10000, 2, 3, 20), (200000, 16, 16, 10), (1000000, 32, 32, 3)]
QUICK = [(10000, 2, 3, 20), (200000, 16, 16, 10)]
TYPES = ["full", "tied", "diag", "spherical"]
BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def run(prog, args, env):
    out = subprocess.run([prog] + args, env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    envs = [("as is", dict(os.environ)),
            ("unset", {k: v for k, v in os.environ.items()
                       if k not in BLAS_VARS})]
    print("| N | d | K | cov | BLAS env | old s/iter | new s/iter | new/old |")
    print("|---|---|---|---|---|---|---|---|")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for n, d, k, iters in (QUICK if a.quick else CASES):
            data = os.path.join(tmp, f"{n}_{d}_{k}")
            os.makedirs(data)
            run(a.new, ["gen", data, str(n), str(d), str(k), "1"], envs[0][1])
            for cov in TYPES:
                for env_name, env in envs:
                    times = {"old": [], "new": []}
                    for _ in range(a.rounds):
                        for which in ("old", "new"):
                            prog = a.old if which == "old" else a.new
                            r = run(prog, ["em", data, cov, str(iters),
                                           str(a.threads), "1"], env)
                            times[which].append(r["callback_sec_per_iter"])
                    old = statistics.median(times["old"])
                    new = statistics.median(times["new"])
                    worst = max(worst, new / old)
                    print(f"| {n} | {d} | {k} | {cov} | {env_name} | "
                          f"{old:.4g} | {new:.4g} | {new / old:.3f} |",
                          flush=True)
            subprocess.run(["rm", "-rf", data], check=True)
    print(f"\nworst new/old: {worst:.3f}")


if __name__ == "__main__":
    sys.exit(main())
