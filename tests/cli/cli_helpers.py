"""Helpers shared by the end-to-end tests of the gmix command.

The tests are run by ctest with GMIX set to the binary and GMIX_EXAMPLES to
the folder of bundled data sets.
"""
import json
import os
import subprocess

GMIX = os.environ.get("GMIX", "gmix")
EXAMPLES = os.environ.get(
    "GMIX_EXAMPLES",
    os.path.join(os.path.dirname(__file__), "..", "..", "examples"))

FAITHFUL = os.path.join(EXAMPLES, "faithful.csv")
IRIS = os.path.join(EXAMPLES, "iris.csv")
ACIDITY = os.path.join(EXAMPLES, "acidity.csv")
WREATH = os.path.join(EXAMPLES, "wreath.csv")

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




def run_on_terminal(*args, timeout=300):
    """Run gmix with standard error on a pseudo-terminal; return (exit
    code, stdout, what it wrote on the terminal, seconds taken)."""
    import pty
    import time
    master, slave = pty.openpty()
    start = time.monotonic()
    p = subprocess.Popen([GMIX, *map(str, args)], stdout=subprocess.PIPE,
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
    out, _ = p.communicate(timeout=timeout)
    os.close(master)
    return (p.returncode, out, b"".join(chunks).decode(),
            time.monotonic() - start)
