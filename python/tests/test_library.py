"""Finding libgmix and talking to it: the search order, the version check,
and the options struct filled by the library's gmix_options_init_size."""
import ctypes
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import ROOT, subprocess_env

import gmix
from gmix import _lib


def child(code, **env):
    e = subprocess_env()
    e.pop("GMIX_LIBRARY", None)
    e.update(env)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=60, env=e)


def test_library_loaded_and_version():
    assert os.path.exists(gmix.library_path)
    if os.environ.get("GMIX_LIBRARY"):
        assert gmix.library_path == os.environ["GMIX_LIBRARY"]
    assert gmix.library_version.startswith("%d.%d." % _lib.ABI_VERSION)
    assert gmix.library_version == gmix.__version__


def test_gmix_library_is_final():
    p = child("import gmix", GMIX_LIBRARY="/nonexistent/libgmix.so")
    assert p.returncode != 0
    assert "ImportError" in p.stderr and "/nonexistent/libgmix.so" in p.stderr
    assert "GMIX_LIBRARY" in p.stderr


def test_build_tree_found_without_the_environment():
    build = os.path.join(ROOT, "build", "src", _lib.SONAME)
    if not os.path.exists(build):
        pytest.skip("no build/src in this checkout")
    p = child("import gmix; print(gmix.library_path)")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == build


def test_package_copy_comes_before_the_build_tree(tmp_path):
    # A copy of the package with the library inside it, as setup.py's
    # GMIX_BUNDLE_LIBRARY installs it.
    import shutil
    pkg = tmp_path / "gmix"
    shutil.copytree(os.path.dirname(gmix.__file__), pkg,
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(gmix.library_path, pkg / _lib.SONAME)
    e = {"PYTHONPATH": str(tmp_path)}
    p = child("import gmix; print(gmix.library_path)", **e)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == str(pkg / _lib.SONAME)


def test_options_come_from_the_library():
    opt, buf = _lib.new_options()
    # struct_size is the library's sizeof(gmix_options), which this
    # binding's mirror of the struct must match field for field
    assert opt.struct_size == ctypes.sizeof(_lib.Options)
    assert (opt.n_components, opt.tol, opt.reg_covar, opt.max_iter,
            opt.n_init) == (1, 1e-3, 1e-6, 100, 1)
    assert (opt.min_weight, opt.max_reseed, opt.max_reseed_per_component,
            opt.kmeans_max_iter, opt.kmeans_tol, opt.kmeans_max_rows) == (
        1e-10, 100, 10, 300, 1e-4, 65536)
    assert not opt.callback and opt.warm_start is None
    err = _lib.Error()
    assert _lib.lib.gmix_options_validate(ctypes.byref(opt),
                                          ctypes.byref(err)) == 0
    opt.n_init = 0
    assert _lib.lib.gmix_options_validate(ctypes.byref(opt),
                                          ctypes.byref(err)) == _lib.EINVAL
    assert b"n_init" in err.message


def header_fields(opening, closing):
    """The field names of the struct in include/gmix.h between `opening`
    and `closing`, in order: each declaration's declarators, so that
    `double bic, aic, icl;` gives three and `char message[N];` gives
    message."""
    import re
    with open(os.path.join(ROOT, "include", "gmix.h")) as f:
        text = f.read()
    body = re.search(re.escape(opening) + r"(.*?)" + re.escape(closing),
                     text, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    names = []
    for decl in body.split(";"):
        decl = re.sub(r"\[[^\]]*\]", "", decl).strip()
        if decl:
            names += [re.findall(r"\w+", part)[-1]
                      for part in decl.split(",")]
    return names


def test_mirror_matches_the_header():
    """Every field of gmix_options in include/gmix.h, in order, and no
    other."""
    names = header_fields("typedef struct gmix_options {", "} gmix_options;")
    assert names == [name for name, _ in _lib.Options._fields_]


def test_select_mirrors_match_the_header():
    """gmix_select_options and gmix_select_cell, field for field."""
    names = header_fields("typedef struct gmix_select_options {",
                          "} gmix_select_options;")
    assert names == [name for name, _ in _lib.SelectOptions._fields_]
    assert names[-1] == "fit" and _lib.SelectOptions.fit.offset + \
        ctypes.sizeof(_lib.Options) == ctypes.sizeof(_lib.SelectOptions)
    names = header_fields("struct gmix_select_cell {", "};")
    assert "bic" in names and "icl" in names and names[-1] == "message"
    assert names == [name for name, _ in _lib.SelectCell._fields_]


def test_select_options_come_from_the_library():
    opt = _lib.new_select_options()
    assert opt.struct_size == ctypes.sizeof(_lib.SelectOptions)
    assert opt.fit.struct_size == ctypes.sizeof(_lib.Options)
    assert (opt.k_min, opt.k_max, opt.criterion, opt.n_covariance_types,
            opt.n_starts) == (1, 9, 0, 0, 0)
    assert opt.covariance_types is None and opt.starts is None
    assert not opt.callback and opt.callback_data is None
    # the embedded fit options have gmix_options_init's defaults, but the
    # sweep's tighter tol (GMIX_SELECT_TOL_DEFAULT)
    assert (opt.fit.tol, opt.fit.reg_covar, opt.fit.max_iter, opt.fit.n_init,
            opt.fit.seed, opt.fit.hc_max_rows) == (1e-5, 1e-6, 100, 1, 0,
                                                   2000)
    err = _lib.Error()
    assert _lib.lib.gmix_select_options_validate(ctypes.byref(opt),
                                                 ctypes.byref(err)) == 0
    opt.k_min, opt.k_max = 3, 2
    assert _lib.lib.gmix_select_options_validate(
        ctypes.byref(opt), ctypes.byref(err)) == _lib.EINVAL
    assert b"k_m" in err.message


def test_select_cells_read_through_the_mirror(faithful):
    """The cells the library fills, read through SelectCell, are the ones
    gmix_select_result_find gives for their type and K."""
    opt = _lib.new_select_options()
    opt.k_min, opt.k_max = 1, 2
    opt.fit.threads = 1
    x = np.ascontiguousarray(faithful)
    out = ctypes.c_void_p()
    err = _lib.Error()
    _lib.check(_lib.lib.gmix_select(x.ctypes.data, x.shape[0], x.shape[1],
                                    None, ctypes.byref(opt),
                                    ctypes.byref(out), ctypes.byref(err)), err)
    try:
        lib = _lib.lib
        assert lib.gmix_select_result_n_cells(out) == 8
        for i in range(8):
            p = lib.gmix_select_result_cell(out, i)
            c = p.contents
            assert c.n_components == 1 + i // 4
            assert c.covariance_type == i % 4
            q = lib.gmix_select_result_find(out, c.covariance_type,
                                            c.n_components)
            assert ctypes.addressof(q.contents) == ctypes.addressof(c)
            assert c.status == 0 and c.message == b"" and c.n_failed == 0
            assert c.bic_mclust == -c.bic
            assert c.n_iter >= 1 and c.best_init == 0
        best = lib.gmix_select_result_best(out)
        m = lib.gmix_select_result_best_model(out)
        assert lib.gmix_model_n_components(m) == \
            lib.gmix_select_result_cell(out, best).contents.n_components
    finally:
        _lib.lib.gmix_select_result_free(out)


def test_pip_install_with_the_library_inside(tmp_path):
    """The README's install command (into a folder here rather than the
    system): the package and a copy of the library, found first."""
    pytest.importorskip("pip")
    pytest.importorskip("setuptools")
    # pip builds in the source folder: work on a copy of python/
    import shutil
    src = tmp_path / "src"
    shutil.copytree(os.path.join(ROOT, "python"), src,
                    ignore=shutil.ignore_patterns("__pycache__", "build",
                                                  "*.egg-info", "tests"))
    target = tmp_path / "site"
    e = subprocess_env()
    e["GMIX_BUNDLE_LIBRARY"] = os.path.abspath(gmix.library_path)
    p = subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                        "--no-build-isolation", "--no-deps", "--no-index",
                        "--target", str(target), str(src)],
                       capture_output=True, text=True, timeout=300, env=e)
    assert p.returncode == 0, p.stdout + p.stderr
    installed = target / "gmix" / _lib.SONAME
    assert installed.is_file()
    p = child("import gmix, numpy as np\n"
              "g = gmix.GaussianMixture(2, random_state=0)\n"
              "g.fit(np.random.RandomState(0).rand(100, 2))\n"
              "print(gmix.library_path)", PYTHONPATH=str(target))
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == str(installed)
