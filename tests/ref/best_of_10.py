#!/usr/bin/python3
"""Best of 10 restarts, gmix beside scikit-learn, on examples/iris.csv.

    /usr/bin/python3 tests/ref/best_of_10.py [BUILD_DIR] [DATA.csv]

BUILD_DIR (default build) holds tests/ref/best_of_10, built by CMake. For
each covariance type and K = 1..6 gmix fits with n_init 10, tol 1e-6, its
default k-means initialisation and seed 0; sklearn's
GaussianMixture(n_components=K, covariance_type=..., n_init=10, tol=1e-6,
random_state=0) likewise (both: reg_covar 1e-6, max_iter 100). The two use
different random number generators and k-means implementations, so their
restarts start from different points: the table shows whether gmix's best
restart is as good as sklearn's, not that they are equal. Printed: a
markdown table of the mean log-likelihood of each returned model on the
data (sklearn's score(X)) and the difference gmix - sklearn.
"""

import os
import subprocess
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

TYPES = ["full", "tied", "diag", "spherical"]
KMAX = 6


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build")
    data = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "examples", "iris.csv")
    exe = os.path.join(build, "tests", "ref", "best_of_10")
    run = subprocess.run([exe, data, str(KMAX)], capture_output=True, text=True)
    if run.stderr:
        sys.stderr.write(run.stderr)
    gmix = {}
    for line in run.stdout.splitlines():
        f = line.split()
        if f[2] == "error":
            gmix[(f[0], int(f[1]))] = (None, " ".join(f[3:]))
        else:
            gmix[(f[0], int(f[1]))] = (float(f[2]), None if f[5] == "1" else
                                       "gmix %s K=%s" % (f[0], f[1]))

    X = np.loadtxt(data, delimiter=",", skiprows=1)
    print("%s, n = %d, d = %d; n_init 10, tol 1e-6, reg_covar 1e-6, max_iter "
          "100; mean log-likelihood of the returned model (scikit-learn %s)\n"
          % (os.path.basename(data), X.shape[0], X.shape[1], sklearn.__version__))
    not_converged = []
    print("| covariance | K | gmix | sklearn | difference |")
    print("| --- | --- | --- | --- | --- |")
    for cov in TYPES:
        for k in range(1, KMAX + 1):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                g = GaussianMixture(n_components=k, covariance_type=cov,
                                    n_init=10, tol=1e-6, random_state=0).fit(X)
            sk = g.score(X)
            if not g.converged_:
                not_converged.append("sklearn %s K=%d" % (cov, k))
            ours, note = gmix.get((cov, k), (None, "missing"))
            if ours is not None and note is not None:
                not_converged.append(note)
            if ours is None:
                print("| %s | %d | %s | %.6f | |" % (cov, k, note, sk))
            else:
                print("| %s | %d | %.6f | %.6f | %+.2e |" % (
                    cov, k, ours, sk, ours - sk))
    print("\nNot converged within max_iter (gmix: the best restart; sklearn: "
          "converged_, which is set when any restart converged): %s" % (
        ", ".join(not_converged) if not_converged else "none"))
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
