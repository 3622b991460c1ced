"""End-to-end tests of `gmix plot`: every kind of picture, from the bundled
data sets, as PNG, SVG and PDF. The files are checked, not just produced:
format and requested size, not blank, the pixel at each component mean
(mapped through the panel coordinates the command prints) dark with the
mean's mark, and one SVG ellipse path per component, sigma level and
panel."""
import json
import math
import os
import re
import xml.etree.ElementTree as ET

import pytest

from cli_helpers import (ACIDITY, FAITHFUL, IRIS, WREATH, expect_error, gmix,
                         write)
from png_reader import Image, chunks, header

SVG = "{http://www.w3.org/2000/svg}"
WHITE = (255, 255, 255)
# A small picture keeps the pure-Python PNG decoding quick.
SIZE = (520, 380)
SIZE_ARG = f"{SIZE[0]}x{SIZE[1]}"

PANEL = re.compile(
    r"panel (\S+) (\S+): x \[(\S+), (\S+)\] -> \[(\S+), (\S+)\], "
    r"y \[(\S+), (\S+)\] -> \[(\S+), (\S+)\]")


def panels(stdout):
    """{(xname, yname): mapping} from the lines the command prints."""
    out = {}
    for m in PANEL.finditer(stdout):
        v = [float(g) for g in m.groups()[2:]]
        out[(m.group(1), m.group(2))] = {
            "x": (v[0], v[1]), "px": (v[2], v[3]),
            "y": (v[4], v[5]), "py": (v[6], v[7])}
    return out


def to_pixel(panel, x, y):
    """Image coordinates (column, row) of the data point (x, y)."""
    (x0, x1), (p0, p1) = panel["x"], panel["px"]
    (y0, y1), (q0, q1) = panel["y"], panel["py"]
    return (math.floor(p0 + (x - x0) / (x1 - x0) * (p1 - p0)),
            math.floor(q0 + (y - y0) / (y1 - y0) * (q1 - q0)))


def model(path):
    with open(path) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Models of the bundled data sets, and the selection table of iris."""
    d = tmp_path_factory.mktemp("models")
    out = {}
    for name, data, k in [("faithful", FAITHFUL, 2), ("iris", IRIS, 3),
                          ("acidity", ACIDITY, 2), ("wreath", WREATH, 14)]:
        out[name] = d / f"{name}.json"
        gmix("fit", data, "-k", k, "--seed", 1, "-c",
             "tied" if name == "wreath" else "full", "-o", out[name], check=0)
    out["table"] = d / "iris_table.csv"
    gmix("select", IRIS, "-k", "1..4", "--table", out["table"], check=0)
    return out


def read(path):
    with open(path, "rb") as f:
        return f.read()


def check_png(path, size):
    data = read(path)
    assert header(data)[:2] == size
    img = Image(data)
    counts = img.colours()
    # not blank: a white background with a good share of drawn pixels in
    # many colours (anti-aliased text, lines, points)
    assert img.pixel(0, 0) == WHITE
    assert counts.get(WHITE, 0) < 0.97 * size[0] * size[1]
    assert len(counts) > 20
    return img


def check_svg(path, size):
    root = ET.parse(path).getroot()
    assert root.tag == SVG + "svg"
    assert root.attrib["width"] == f"{size[0]}pt"
    assert root.attrib["height"] == f"{size[1]}pt"
    return root


def ellipses(root):
    """The ellipse paths of an SVG: stroked, unfilled, curved."""
    out = []
    for p in root.iter(SVG + "path"):
        style = p.attrib.get("style", "")
        if "fill:none" in style and "stroke:" in style and \
                "C" in p.attrib.get("d", ""):
            colour = re.search(r"stroke:(rgb\([^)]*\))", style).group(1)
            out.append((colour, "stroke-dasharray" in style))
    return out


def assert_means_marked(img, lines, m, pairs):
    """The pixel at each component mean of each (i, j) panel is dark: the
    mean's mark is there, in the right place."""
    means = m["means"]
    for i, j in pairs:
        panel = lines[(str(i + 1), str(j + 1))]
        for k, mu in enumerate(means):
            x, y = to_pixel(panel, mu[i], mu[j])
            p = img.pixel(x, y)
            assert p != WHITE, (i, j, k)
            assert max(p) < 60, f"panel {i + 1},{j + 1} mean {k}: {p}"


def assert_ellipses(root, k, n_panels):
    """One 1-sigma (solid) and one 2-sigma (dashed) path per component and
    panel, in K different colours."""
    found = ellipses(root)
    assert len(found) == 2 * k * n_panels
    assert sum(dashed for _, dashed in found) == k * n_panels
    assert len({colour for colour, _ in found}) == min(k, 20)


@pytest.mark.parametrize("extra", [[], ["--density"], ["--uncertainty"]])
def test_scatter_png(models, tmp_path, extra):
    out = tmp_path / "f.png"
    _, stdout, _ = gmix("plot", models["faithful"], FAITHFUL, "-o", out,
                        "--size", SIZE_ARG, *extra, check=0)
    assert f"{SIZE[0]} x {SIZE[1]} pixels, 1 panel" in stdout
    img = check_png(out, SIZE)
    assert_means_marked(img, panels(stdout), model(models["faithful"]),
                        [(0, 1)])


@pytest.mark.parametrize("extra", [[], ["--density"], ["--uncertainty"]])
def test_scatter_svg(models, tmp_path, extra):
    out = tmp_path / "f.svg"
    gmix("plot", models["faithful"], FAITHFUL, "-o", out, "--size", SIZE_ARG,
         *extra, check=0)
    assert_ellipses(check_svg(out, SIZE), 2, 1)


def test_default_size_and_pdf(models, tmp_path):
    png, pdf = tmp_path / "f.png", tmp_path / "f.PDF"
    gmix("plot", models["faithful"], FAITHFUL, "-o", png, check=0)
    assert header(read(png))[:2] == (860, 600)
    gmix("plot", models["faithful"], FAITHFUL, "-o", pdf, check=0)
    data = read(pdf)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"/MediaBox [ 0 0 860 600 ]" in data


def test_matrix(models, tmp_path):
    """Iris has four features: a 4 x 4 matrix, 12 scatter panels."""
    png, svg = tmp_path / "i.png", tmp_path / "i.svg"
    _, stdout, _ = gmix("plot", models["iris"], IRIS, "-o", png, "--size",
                        "700x560", check=0)
    lines = panels(stdout)
    assert len(lines) == 16
    img = check_png(png, (700, 560))
    pairs = [(i, j) for i in range(4) for j in range(4) if i != j]
    assert_means_marked(img, lines, model(models["iris"]), pairs)
    gmix("plot", models["iris"], IRIS, "-o", svg, "--size", "700x560",
         check=0)
    assert_ellipses(check_svg(svg, (700, 560)), 3, 12)


def test_matrix_limits(models, tmp_path):
    """At most --max-dims features without --dims; --dims picks any."""
    out = tmp_path / "i.svg"
    _, stdout, _ = gmix("plot", models["iris"], IRIS, "-o", out,
                        "--max-dims", 3, check=0)
    assert len(panels(stdout)) == 9
    assert_ellipses(check_svg(out, (1200, 980)), 3, 6)
    _, stdout, _ = gmix("plot", models["iris"], IRIS, "-o", out, "--dims",
                        "Petal.Width,1,Petal.Length", check=0)
    assert set(panels(stdout)) == {
        ("4", "density"), ("1", "4"), ("3", "4"), ("4", "1"),
        ("1", "density"), ("3", "1"), ("4", "3"), ("1", "3"),
        ("3", "density")}


def test_dims_projection(models, tmp_path):
    """Two of four features: one panel, the projected means marked."""
    png = tmp_path / "i.png"
    _, stdout, _ = gmix("plot", models["iris"], IRIS, "--dims",
                        "Petal.Length,4", "-o", png, "--size", SIZE_ARG,
                        "--density", check=0)
    lines = panels(stdout)
    assert list(lines) == [("3", "4")]
    img = check_png(png, SIZE)
    assert_means_marked(img, lines, model(models["iris"]), [(2, 3)])


def test_histogram(models, tmp_path):
    """One feature: the means are marked on their component's curve, at
    the height weight x density of the component at its mean."""
    png, svg = tmp_path / "a.png", tmp_path / "a.svg"
    _, stdout, _ = gmix("plot", models["acidity"], ACIDITY, "-o", png,
                        "--size", SIZE_ARG, check=0)
    panel = panels(stdout)[("1", "density")]
    img = check_png(png, SIZE)
    m = model(models["acidity"])
    for w, mu, cov in zip(m["weights"], m["means"], m["covariances"]):
        peak = w / math.sqrt(2 * math.pi * cov[0][0])
        assert panel["y"][0] == 0 and panel["y"][1] > peak
        p = img.pixel(*to_pixel(panel, mu[0], peak))
        assert max(p) < 60, p
    gmix("plot", models["acidity"], ACIDITY, "-o", svg, "--size", SIZE_ARG,
         check=0)
    check_svg(svg, SIZE)


def test_many_components(models, tmp_path):
    """14 components: 14 colours, the mean of each marked."""
    png, svg = tmp_path / "w.png", tmp_path / "w.svg"
    _, stdout, _ = gmix("plot", models["wreath"], WREATH, "-o", png,
                        "--size", "640x480", check=0)
    img = check_png(png, (640, 480))
    assert_means_marked(img, panels(stdout), model(models["wreath"]),
                        [(0, 1)])
    gmix("plot", models["wreath"], WREATH, "-o", svg, check=0)
    assert_ellipses(check_svg(svg, (860, 600)), 14, 1)


def test_bic(models, tmp_path):
    """The criterion against K: the best cell of the table is circled and
    a line of the table's criterion passes through its pixel."""
    png, svg = tmp_path / "b.png", tmp_path / "b.svg"
    _, stdout, _ = gmix("plot", "--bic", models["table"], "-o", png,
                        "--size", SIZE_ARG, check=0)
    panel = panels(stdout)[("k", "bic")]
    img = check_png(png, SIZE)
    rows = [line.split(",") for line in
            open(models["table"]).read().splitlines()[1:]]
    best = min(rows, key=lambda r: float(r[2]))
    p = img.pixel(*to_pixel(panel, float(best[1]), float(best[2])))
    assert p != WHITE
    assert panel["x"][0] < 1 and panel["x"][1] > 4
    gmix("plot", "--bic", models["table"], "-o", svg, check=0)
    check_svg(svg, (860, 600))


def test_bic_any_covariance_names(tmp_path):
    """Covariance types are read as names: five lines for five names, a
    failed cell leaving a gap, and the best by mclust's sign the
    highest."""
    head = ("covariance,k,bic,aic,icl,bic_mclust,log_likelihood,"
            "n_parameters,converged,n_iter,start,status,message\n")
    rows = []
    for t, name in enumerate(["EII", "VII", "EEE", "VVV", "XYZ"]):
        for k in range(1, 6):
            bic = 100 + 10 * t + (k - 2) ** 2
            ok = not (name == "VVV" and k == 3)
            rows.append(f"{name},{k},{bic},0,0,{-bic},0,1,1,1,hc,"
                        + ("success," if ok else
                           'component collapsed,"a message, with a comma"')
                        + "\n")
    table = write(tmp_path / "t.csv", head + "".join(rows))
    svg = tmp_path / "t.svg"
    _, stdout, _ = gmix("plot", "--bic", table, "-o", svg, "--criterion",
                        "bic_mclust", check=0)
    root = check_svg(svg, (860, 600))
    lines = [p for p in root.iter(SVG + "path")
             if "fill:none" in p.attrib.get("style", "")
             and "stroke-width:2;" in p.attrib.get("style", "")
             and "C" not in p.attrib.get("d", "")]
    colours = {re.search(r"stroke:(rgb\([^)]*\))",
                         p.attrib["style"]).group(1) for p in lines}
    assert len(colours) == 5
    # five lines in the legend, five in the panel; VVV's is broken at its
    # failed K = 3: one line in two pieces
    assert sorted(p.attrib["d"].count("M") for p in lines) == [1] * 9 + [2]
    assert "panel k bic_mclust" in stdout
    assert "best EII 2: bic_mclust -100\n" in stdout
    _, stdout, _ = gmix("plot", "--bic", table, "-o", svg, check=0)
    assert "best EII 2: bic 100\n" in stdout


def test_large_data_is_binned(models, tmp_path):
    """More rows than --max-points are binned: the SVG holds one image per
    panel instead of a mark per row, so its size does not grow with the
    rows; the ellipses and means are still drawn."""
    data = tmp_path / "big.csv"
    gmix("sample", models["faithful"], "-n", 60000, "--seed", 2, "-o", data,
         check=0)
    svg = tmp_path / "big.svg"
    gmix("plot", models["faithful"], data, "-o", svg, check=0)
    root = check_svg(svg, (860, 600))
    assert len(list(root.iter(SVG + "image"))) == 1
    assert_ellipses(root, 2, 1)
    assert os.path.getsize(svg) < 400_000
    drawn = tmp_path / "drawn.svg"
    gmix("plot", models["faithful"], data, "-o", drawn, "--max-points",
         100000, check=0)
    assert len(list(ET.parse(drawn).getroot().iter(SVG + "image"))) == 0
    assert os.path.getsize(drawn) > 4 * os.path.getsize(svg)


def test_same_picture_for_any_thread_count(models, tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    for out, threads in [(a, 1), (b, 3)]:
        gmix("plot", models["iris"], IRIS, "-o", out, "--density",
             "--threads", threads, "--size", SIZE_ARG, check=0)
    assert read(a) == read(b)


def test_data_options_as_fit(models, tmp_path):
    """--columns, --delimiter, --no-header and the weight options read the
    data as `gmix fit` does."""
    swapped = tmp_path / "swapped.json"
    gmix("fit", FAITHFUL, "--columns", "waiting,eruptions", "-k", 2, "--seed",
         1, "-o", swapped, check=0)
    png = tmp_path / "s.png"
    _, stdout, _ = gmix("plot", swapped, FAITHFUL, "--columns",
                        "waiting,eruptions", "-o", png, "--size", SIZE_ARG,
                        check=0)
    lines = panels(stdout)
    assert lines[("1", "2")]["x"][0] > 30  # waiting across
    assert_means_marked(check_png(png, SIZE), lines, model(swapped), [(0, 1)])

    # the same rows without a header, separated by semicolons
    text = open(FAITHFUL).read().splitlines()[1:]
    plain = write(tmp_path / "plain.txt",
                  "\n".join(line.replace(",", ";") for line in text) + "\n")
    again = tmp_path / "again.png"
    base = tmp_path / "base.png"
    gmix("plot", models["faithful"], FAITHFUL, "-o", base, "--title", "t",
         check=0)
    gmix("plot", models["faithful"], plain, "--no-header", "--delimiter",
         ";", "-o", again, "--title", "t", check=0)
    # the names come from the model when the data have none: same picture
    assert read(again) == read(base)

    # weights from a file or from a column give the same picture
    weights = write(tmp_path / "w.txt",
                    "".join(f"{1 + i % 3}\n" for i in range(len(text))))
    wcol = write(tmp_path / "wcol.csv", "eruptions,waiting,w\n" + "".join(
        f"{line},{1 + i % 3}\n" for i, line in enumerate(text)))
    a, b = tmp_path / "wa.png", tmp_path / "wb.png"
    gmix("plot", models["faithful"], FAITHFUL, "--weights", weights, "-o", a,
         "--title", "t", "--dims", "2", check=0)
    gmix("plot", models["faithful"], wcol, "--weight-column", "w", "-o", b,
         "--title", "t", "--dims", "waiting", check=0)
    assert read(a) == read(b)
    c = tmp_path / "wc.png"
    gmix("plot", models["faithful"], FAITHFUL, "-o", c, "--title", "t",
         "--dims", "2", check=0)
    assert read(a) != read(c)  # the weights change the histogram


@pytest.mark.parametrize("args,needles", [
    (["--size", "10x10"], ["--size", "10x10"]),
    (["--size", "800"], ["--size"]),
    (["--dims", "nope"], ["'nope'", "from 1 to 2"]),
    (["--dims", "1,eruptions"], ["twice"]),
    (["--dims", "3"], ["'3'"]),
    (["--levels", "0"], ["--levels"]),
    (["--levels", "1000"], ["at most 100"]),
    (["--max-dims", "0"], ["--max-dims"]),
    (["--bin-size", "0.5"], ["--bin-size"]),
])
def test_usage_errors(models, tmp_path, args, needles):
    out = tmp_path / "x.png"
    expect_error(1, needles, "plot", models["faithful"], FAITHFUL, "-o", out,
                 *args)
    assert not out.exists()


def test_errors(models, tmp_path):
    m = models["faithful"]
    expect_error(1, ["missing -o"], "plot", m, FAITHFUL)
    expect_error(1, [".png, .svg or .pdf"], "plot", m, FAITHFUL, "-o",
                 tmp_path / "x.jpg")
    expect_error(1, ["MODEL.json and DATA"], "plot", m, "-o",
                 tmp_path / "x.png")
    expect_error(1, ["--criterion", "'nope'"], "plot", "--bic",
                 models["table"], "-o", tmp_path / "x.png", "--criterion",
                 "nope")
    expect_error(2, ["4 columns", "2 features"], "plot", m, IRIS, "-o",
                 tmp_path / "x.png")
    expect_error(2, ["no/such"], "plot", m, FAITHFUL, "-o",
                 tmp_path / "no/such/x.png")
    expect_error(2, ["t.csv:1", "covariance, k and bic"], "plot", "--bic",
                 write(tmp_path / "t.csv", "a,b\n1,2\n"), "-o",
                 tmp_path / "x.png")
    expect_error(2, ["u.csv:3", "not closed"], "plot", "--bic",
                 write(tmp_path / "u.csv",
                       "covariance,k,bic\nfull,1,3\nfull,2,\"4\n"),
                 "-o", tmp_path / "x.png")
    expect_error(2, ["v.csv:2", "'x'"], "plot", "--bic",
                 write(tmp_path / "v.csv", "covariance,k,bic\nfull,x,3\n"),
                 "-o", tmp_path / "x.png")


def test_failure_keeps_the_old_picture(models, tmp_path):
    """A failing run never touches an existing picture."""
    out = write(tmp_path / "keep.png", "old picture")
    expect_error(2, ["columns"], "plot", models["faithful"], IRIS, "-o", out)
    assert open(out).read() == "old picture"
    gmix("plot", models["faithful"], FAITHFUL, "-o", out, check=0)
    assert chunks(read(out))[0][0] == "IHDR"
    assert sorted(os.listdir(tmp_path)) == ["keep.png"]


def test_help(tmp_path):
    _, out, _ = gmix("plot", "--help", check=0)
    for word in ["--density", "--uncertainty", "--dims", "--bic", "--size",
                 "--max-points", "--columns", "--weights"]:
        assert word in out
    _, out, _ = gmix("--help", check=0)
    assert "plot" in out
