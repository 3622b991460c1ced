#!/usr/bin/python3
"""Write the seed corpora of the fuzz targets into tests/fuzz/corpus/.

    make_seeds.py GMIX_CLI

Each seed is the option bytes a target reads first (see the target's
source) followed by a small valid or nearly valid input: delimited text
cut from the example data sets, .npy files written by numpy in every
layout the reader accepts (the target adds the six-byte magic itself),
model files written by `gmix fit` for every covariance model, and small
fit problems. Inputs that once crashed a target (regress-*) and the
inputs a long fuzzing run found that reach new code (found-*, minimised
with libFuzzer's -merge=1 -use_counters=0) are kept. Deterministic: the
same files on every run.
"""
import io
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "..", "examples")
CORPUS = os.path.join(HERE, "corpus")


def clear(name):
    d = os.path.join(CORPUS, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if not f.startswith(("regress-", "found-")):
            os.remove(os.path.join(d, f))
    return d


def put(d, name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def head(name, lines):
    with open(os.path.join(EXAMPLES, name), "rb") as f:
        return b"".join(f.readlines()[:lines])


def csv_seeds():
    d = clear("csv")
    faithful = head("faithful.csv", 12)
    iris = head("iris.csv", 10)
    # Option bytes: delimiter, header, drop_bad_rows, weight column,
    # columns, allow_mmap, parts, block rows.
    plain = bytes([0, 0, 0, 0, 0, 1, 1, 3])
    put(d, "faithful", plain + faithful)
    put(d, "faithful-parts", bytes([0, 2, 0, 0, 2, 1, 3, 1]) + faithful)
    put(d, "iris", plain + iris)
    put(d, "iris-weight", bytes([1, 2, 0, 1, 1, 0, 2, 2]) + iris)
    put(d, "tsv", bytes([2, 2, 0, 0, 0, 1, 1, 4]) + faithful.replace(b",", b"\t"))
    put(d, "semicolon", bytes([3, 0, 0, 0, 0, 1, 2, 0]) +
        faithful.replace(b",", b";").replace(b".", b","))
    put(d, "blanks", bytes([4, 1, 0, 0, 0, 1, 1, 5]) +
        b"1.5  2\n  3 4e-3\n\t5 -6\n")
    put(d, "crlf-noheader", bytes([0, 1, 0, 0, 0, 1, 2, 1]) +
        b"1,2,3\r\n4,5,6\r\n7,8,9\r\n")
    put(d, "quoted", bytes([1, 2, 0, 3, 3, 1, 1, 2]) +
        b'"a","b","w"\n"1",2,0.5\n3,"4",1\n')
    put(d, "bad-rows", bytes([0, 0, 1, 0, 0, 1, 3, 2]) +
        b"x,y\n1,2\n3,abc\n4\n5,6,7\n,\nnan,1\n1e999,2\n8,9\n")
    put(d, "bad-strict", bytes([0, 0, 0, 0, 0, 1, 1, 0]) + b"x,y\n1,2\n3,abc\n")
    put(d, "comments-blank", plain + b"\n\nx,y\n\n1,2\n\n3,4\n")
    put(d, "no-newline", plain + b"x\n1")
    put(d, "hex-inf", plain + b"a,b\n0x1p3,-0\n1e-320,inf\n")


def npy_seeds():
    d = clear("npy")
    rng = np.random.default_rng(5)
    x = rng.normal(size=(6, 3))
    plain = bytes([0, 0, 0, 0, 0, 1, 1, 3])
    arrays = {
        "f8-c": (x, plain),
        "f8-f": (np.asfortranarray(x), bytes([0, 0, 0, 0, 0, 0, 2, 2])),
        "f4-c": (x.astype(np.float32), bytes([0, 0, 0, 1, 0, 1, 3, 1])),
        "f8-big": (x.astype(">f8"), bytes([0, 0, 0, 0, 2, 1, 2, 4])),
        "f4-big-f": (np.asfortranarray(x.astype(">f4")), plain),
        "1d": (x[:, 0].copy(), plain),
        "0rows": (np.zeros((0, 3)), plain),
        "int": (np.arange(6).reshape(3, 2), plain),
        "3d": (np.zeros((2, 2, 2)), plain),
        "nan": (np.array([[1.0, np.nan], [2.0, 3.0]]), plain),
    }
    for name, (a, opts) in arrays.items():
        buf = io.BytesIO()
        np.save(buf, a)
        put(d, name, opts + buf.getvalue()[6:])
    buf = io.BytesIO()
    np.lib.format.write_array(buf, x, version=(2, 0))
    put(d, "v2", plain + buf.getvalue()[6:])


def model_seeds(gmix):
    d = clear("model_json")
    data = os.path.join(EXAMPLES, "faithful.csv")
    with tempfile.TemporaryDirectory() as tmp:
        for cov in ("full", "tied", "diag", "spherical"):
            out = os.path.join(tmp, cov + ".json")
            subprocess.run([gmix, "fit", data, "-k", "2", "-c", cov,
                            "-o", out, "--seed", "1"], check=True,
                           stdout=subprocess.DEVNULL)
            with open(out, "rb") as f:
                put(d, cov, f.read())
    put(d, "minimal", b'{"format": "gmix-model", "version": 1, '
        b'"covariance_type": "diag", "n_components": 1, "n_features": 2, '
        b'"weights": [1], "means": [[0, 1]], "covariances": [[1, 2]]}')


def fit_seeds():
    d = clear("fit")
    rng = np.random.default_rng(9)
    # Option bytes in the order fuzz_fit.c reads them: K, type, init,
    # max_iter, n_init, tol, reg_covar, min_weight, max_reseed,
    # per-component, standardize, seed, chunk, block, hc (then its size),
    # k-means (then its iterations), compare threads; n, d, raw, scale,
    # offset, weights. Padded to 32 bytes.
    for i in range(16):
        k, cov, init = i % 4, i % 4, i % 5
        opts = [k, cov, init, 20, i % 2, 0, 0, 0, 0, 0, i % 3 == 0, i, 0, 0,
                1, 1, i % 2, 16 + 8 * (i % 4), 1 + i % 5, 1, 127, 0, i % 3]
        opts += [0] * (32 - len(opts))
        body = rng.integers(0, 256, size=48 * 5 * 2, dtype=np.uint8)
        put(d, "fit-%02d" % i, bytes(opts) + body.tobytes())


def main():
    csv_seeds()
    npy_seeds()
    model_seeds(sys.argv[1])
    fit_seeds()


if __name__ == "__main__":
    main()
