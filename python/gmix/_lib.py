"""libgmix through ctypes: finding the library, the C declarations, and
turning a failed call into a Python exception.

Everything here mirrors include/gmix.h, which is the manual for each call.
Structs the caller fills (gmix_options, gmix_select_options) are filled by
the library's own _init call first and only then changed field by field;
structs the library fills (gmix_fit_report, gmix_iteration,
gmix_select_cell) are read through the pointers it returns, never copied
into memory of ours.
"""

import ctypes
import ctypes.util
import glob
import os

# The ABI this binding is written against: libgmix.so.0.1 (while the
# version is 0.x every minor release may change the ABI, see README).
ABI_VERSION = (0, 1)
SONAME = "libgmix.so.%d.%d" % ABI_VERSION

_HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------
# Finding the library
# ---------------------------------------------------------------------------

def _candidates():
    """(where, path) pairs in the order the library is looked for."""
    env = os.environ.get("GMIX_LIBRARY")
    if env:
        # An explicit choice is final: no silent fall-back to another copy.
        yield "GMIX_LIBRARY", env
        return
    # A copy installed inside the package (see python/setup.py).
    for name in (SONAME, "libgmix.so"):
        path = os.path.join(_HERE, name)
        if os.path.exists(path):
            yield "package", path
    for path in sorted(glob.glob(os.path.join(_HERE, "libgmix.so*"))):
        yield "package", path
    # The build tree of the checkout this package sits in (python/gmix).
    root = os.path.dirname(os.path.dirname(_HERE))
    if os.path.exists(os.path.join(root, "include", "gmix.h")):
        for name in (SONAME, "libgmix.so"):
            path = os.path.join(root, "build", "src", name)
            if os.path.exists(path):
                yield "build tree", path
    # The system's loader path (LD_LIBRARY_PATH, ld.so.cache).
    yield "system", SONAME
    found = ctypes.util.find_library("gmix")
    if found:
        yield "system", found


def _load():
    tried = []
    for where, path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append("%s (%s): %s" % (path, where, e))
            if where == "GMIX_LIBRARY":
                break
    raise ImportError(
        "gmix: cannot load libgmix; tried:\n  " + "\n  ".join(tried) +
        "\nBuild it (cmake --build build) or set GMIX_LIBRARY to its path.")


lib, library_path = _load()


# ---------------------------------------------------------------------------
# Types (field order and types exactly as in gmix.h)
# ---------------------------------------------------------------------------

c_size_t = ctypes.c_size_t
c_double = ctypes.c_double
c_int = ctypes.c_int            # C enums are int-sized on this ABI
c_void_p = ctypes.c_void_p
c_char_p = ctypes.c_char_p
P_double = ctypes.POINTER(c_double)

ERROR_MESSAGE_SIZE = 512  # GMIX_ERROR_MESSAGE_SIZE


class Error(ctypes.Structure):
    _fields_ = [("status", c_int),
                ("message", ctypes.c_char * ERROR_MESSAGE_SIZE)]


class Iteration(ctypes.Structure):
    _fields_ = [("init", c_size_t),
                ("iteration", c_size_t),
                ("lower_bound", c_double),
                ("change", c_double),
                ("seconds", c_double)]


CALLBACK = ctypes.CFUNCTYPE(c_int, ctypes.POINTER(Iteration), c_void_p)


class Options(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t),
                ("n_components", c_size_t),
                ("covariance_type", c_int),
                ("tol", c_double),
                ("reg_covar", c_double),
                ("max_iter", c_size_t),
                ("n_init", c_size_t),
                ("init", c_int),
                ("seed", ctypes.c_uint64),
                ("threads", c_size_t),
                ("weights_init", c_void_p),
                ("means_init", c_void_p),
                ("precisions_init", c_void_p),
                ("warm_start", c_void_p),
                ("min_weight", c_double),
                ("max_reseed", c_size_t),
                ("max_reseed_per_component", c_size_t),
                ("kmeans_max_iter", c_size_t),
                ("kmeans_tol", c_double),
                ("kmeans_max_rows", c_size_t),
                ("chunk_rows", c_size_t),
                ("block_rows", c_size_t),
                ("callback", CALLBACK),
                ("callback_data", c_void_p),
                ("standardize", c_int),
                ("hc_max_rows", c_size_t),
                # const volatile sig_atomic_t *: an int on Linux and macOS
                ("cancel", ctypes.POINTER(c_int)),
                ("mstep_tol", c_double),
                ("mstep_max_iter", c_size_t)]


class FitReport(ctypes.Structure):
    _fields_ = [("has_fit", c_int),
                ("converged", c_int),
                ("n_iter", c_size_t),
                ("n_init", c_size_t),
                ("best_init", c_size_t),
                ("lower_bound", c_double),
                ("log_likelihood", c_double),
                ("n_samples", c_size_t),
                ("sum_weights", c_double),
                ("n_reseeds", c_size_t),
                ("seconds", c_double),
                ("n_mstep_unconverged", c_size_t)]


class SelectCell(ctypes.Structure):
    """gmix_select_cell: read only through the pointers the library gives
    (gmix_select_result_cell), never allocated here."""
    _fields_ = [("covariance_type", c_int),
                ("n_components", c_size_t),
                ("status", c_int),
                ("n_parameters", c_size_t),
                ("log_likelihood", c_double),
                ("bic", c_double),
                ("aic", c_double),
                ("icl", c_double),
                ("bic_mclust", c_double),
                ("converged", c_int),
                ("n_iter", c_size_t),
                ("best_start", c_int),
                ("best_init", c_size_t),
                ("n_failed", c_size_t),
                ("message", ctypes.c_char * ERROR_MESSAGE_SIZE)]


SELECT_CALLBACK = ctypes.CFUNCTYPE(c_int, ctypes.POINTER(SelectCell),
                                   c_size_t, c_size_t, c_void_p)


class SelectOptions(ctypes.Structure):
    _fields_ = [("struct_size", c_size_t),
                ("k_min", c_size_t),
                ("k_max", c_size_t),
                ("covariance_types", c_void_p),
                ("n_covariance_types", c_size_t),
                ("criterion", c_int),
                ("starts", c_void_p),
                ("n_starts", c_size_t),
                ("callback", SELECT_CALLBACK),
                ("callback_data", c_void_p),
                ("fit", Options)]


# ---------------------------------------------------------------------------
# Declarations
# ---------------------------------------------------------------------------

def _declare(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


P_Error = ctypes.POINTER(Error)
P_model = c_void_p                       # gmix_model * (opaque)
PP = ctypes.POINTER(c_void_p)            # gmix_xxx ** out-parameters

_declare("gmix_version", c_char_p)
_declare("gmix_strerror", c_char_p, c_int)
_declare("gmix_covariance_type_name", c_char_p, c_int)
_declare("gmix_covariance_type_parse", c_int, c_char_p,
         ctypes.POINTER(c_int), P_Error)
_declare("gmix_init_method_parse", c_int, c_char_p, ctypes.POINTER(c_int),
         P_Error)
_declare("gmix_options_init_size", None, c_void_p, c_size_t)
_declare("gmix_options_validate", c_int, c_void_p, P_Error)
_declare("gmix_fit", c_int, c_void_p, c_size_t, c_size_t, c_void_p, c_void_p,
         PP, P_Error)
_declare("gmix_stats_create", c_int, P_model, PP, P_Error)
_declare("gmix_stats_accumulate", c_int, c_void_p, c_void_p, c_size_t,
         c_size_t, c_void_p, P_Error)
_declare("gmix_stats_mstep", c_int, c_void_p, c_void_p, PP, P_Error)
_declare("gmix_stats_weight", c_double, c_void_p)
_declare("gmix_stats_log_likelihood", c_double, c_void_p)
_declare("gmix_stats_free", None, c_void_p)
_declare("gmix_model_report", ctypes.POINTER(FitReport), P_model)
_declare("gmix_model_n_reseeds", c_size_t, P_model)
_declare("gmix_covariance_shape", c_size_t, c_int, c_size_t, c_size_t,
         ctypes.POINTER(c_size_t * 3), ctypes.POINTER(c_int))
_declare("gmix_model_create_from_precisions", c_int, c_int, c_size_t,
         c_size_t, c_void_p, c_void_p, c_void_p, PP, P_Error)
_declare("gmix_model_copy", c_int, P_model, PP, P_Error)
_declare("gmix_model_free", None, P_model)
_declare("gmix_model_n_components", c_size_t, P_model)
_declare("gmix_model_n_features", c_size_t, P_model)
_declare("gmix_model_covariance_type", c_int, P_model)
_declare("gmix_model_n_parameters", c_size_t, P_model)
for _name in ("weights", "means", "covariances", "precisions",
              "precisions_cholesky"):
    _declare("gmix_model_" + _name, None, P_model, c_void_p)
_declare("gmix_model_set_feature_names", c_int, P_model,
         ctypes.POINTER(c_char_p), P_Error)
_declare("gmix_model_feature_name", c_char_p, P_model, c_size_t)
_declare("gmix_score_samples", c_int, P_model, c_void_p, c_size_t, c_size_t,
         c_size_t, c_void_p, P_Error)
_declare("gmix_score", c_int, P_model, c_void_p, c_size_t, c_size_t, c_void_p,
         c_size_t, ctypes.POINTER(c_double), P_Error)
_declare("gmix_predict", c_int, P_model, c_void_p, c_size_t, c_size_t,
         c_size_t, c_void_p, P_Error)
_declare("gmix_predict_proba", c_int, P_model, c_void_p, c_size_t, c_size_t,
         c_size_t, c_void_p, P_Error)
_declare("gmix_sample", c_int, P_model, c_size_t, ctypes.c_uint64, c_void_p,
         c_void_p, P_Error)
_declare("gmix_bic", c_int, P_model, c_void_p, c_size_t, c_size_t, c_void_p,
         c_size_t, ctypes.POINTER(c_double), P_Error)
_declare("gmix_aic", c_int, P_model, c_void_p, c_size_t, c_size_t, c_void_p,
         c_size_t, ctypes.POINTER(c_double), P_Error)
_declare("gmix_covariance_types", c_size_t, c_void_p, c_size_t)
_declare("gmix_init_method_name", c_char_p, c_int)
_declare("gmix_criterion_name", c_char_p, c_int)
_declare("gmix_criterion_parse", c_int, c_char_p, ctypes.POINTER(c_int),
         P_Error)
_declare("gmix_select_options_init_size", None, c_void_p, c_size_t, c_size_t)
_declare("gmix_select_options_validate", c_int, c_void_p, P_Error)
_declare("gmix_select", c_int, c_void_p, c_size_t, c_size_t, c_void_p,
         c_void_p, PP, P_Error)
_declare("gmix_select_result_n_cells", c_size_t, c_void_p)
_declare("gmix_select_result_cell", ctypes.POINTER(SelectCell), c_void_p,
         c_size_t)
_declare("gmix_select_result_find", ctypes.POINTER(SelectCell), c_void_p,
         c_int, c_size_t)
_declare("gmix_select_result_criterion", c_int, c_void_p)
_declare("gmix_select_result_best", c_size_t, c_void_p)
_declare("gmix_select_result_best_model", P_model, c_void_p)
_declare("gmix_select_result_free", None, c_void_p)
_declare("gmix_model_save", c_int, P_model, c_char_p, P_Error)
_declare("gmix_model_load", c_int, c_char_p, PP, P_Error)
_declare("gmix_model_to_json", c_int, P_model, ctypes.POINTER(c_void_p),
         P_Error)
_declare("gmix_model_from_json", c_int, c_char_p, PP, P_Error)
_declare("gmix_free", None, c_void_p)

version = lib.gmix_version().decode()
if tuple(int(p) for p in version.split(".")[:2]) != ABI_VERSION:
    raise ImportError("gmix: %s is libgmix %s, but this package needs %d.%d.x"
                      % ((library_path, version) + ABI_VERSION))


# ---------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------

# gmix_options_init_size fills exactly the struct this binding mirrors and
# records its size in struct_size: a later libgmix with appended options
# reads the fields this mirror has and gives the others their defaults.


def new_options():
    """A gmix_options filled with the library's defaults. Returns
    (options, options): the second item is kept for callers that hold a
    buffer alive beside the options."""
    opt = Options()
    lib.gmix_options_init_size(ctypes.byref(opt), ctypes.sizeof(opt))
    if opt.struct_size != ctypes.sizeof(Options):
        raise ImportError("gmix: %s did not fill gmix_options" % library_path)
    return opt, opt


def new_select_options():
    """A gmix_select_options filled with the library's defaults (its `fit`
    with gmix_options_init's), through gmix_select_options_init_size with
    the sizes of this binding's mirrors, as the gmix_select_options_init
    macro passes the caller's."""
    opt = SelectOptions()
    lib.gmix_select_options_init_size(ctypes.byref(opt), ctypes.sizeof(opt),
                                      ctypes.sizeof(Options))
    if opt.struct_size != ctypes.sizeof(SelectOptions) or \
            opt.fit.struct_size != ctypes.sizeof(Options):
        raise ImportError("gmix: %s did not fill gmix_select_options"
                          % library_path)
    return opt


def covariance_types():
    """Every covariance type the library has registered, in its order, as
    (value, name) pairs."""
    n = lib.gmix_covariance_types(None, 0)
    out = (c_int * n)()
    lib.gmix_covariance_types(out, n)
    return [(t, lib.gmix_covariance_type_name(t).decode()) for t in out]


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

OK = 0
EINVAL, ENOMEM, EOVERFLOW, ENONFINITE, EWEIGHTS, ETOOFEW, EDIM, ENOTPD, \
    ECOLLAPSE, ECANCELLED, EIO, EPARSE, EFORMAT = range(-1, -14, -1)


class GmixError(Exception):
    """Base of the exceptions raised for a failed libgmix call. `status` is
    the library's status code (negative) and `status_name` its
    gmix_strerror text; str() is the library's message."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status
        self.status_name = lib.gmix_strerror(status).decode()


class GmixValueError(GmixError, ValueError):
    """Bad input: arguments, data, weights, shapes, model files, and data on
    which the fit cannot go on (a covariance that is not positive
    definite, a component that collapsed)."""


class GmixMemoryError(GmixError, MemoryError):
    """Out of memory, or sizes whose product overflows."""


class GmixOSError(GmixError, OSError):
    """A file could not be read or written."""


class GmixCancelled(GmixError, RuntimeError):
    """The fit was cancelled by its callback."""


_EXCEPTION = {ENOMEM: GmixMemoryError, EOVERFLOW: GmixMemoryError,
              EIO: GmixOSError, ECANCELLED: GmixCancelled}


def exception(status, err):
    """The exception for a failed call: its class by status, its text the
    library's message followed by the status name in brackets ("row 3,
    column 2: value nan is not finite (data contain NaN or infinity)"), or
    the status name alone when the call gave no message."""
    message = err.message.decode(errors="replace") if err is not None else ""
    return error(status, message)


def error(status, message):
    """The exception for `status` with the library's `message` (text as
    exception() makes it)."""
    name = lib.gmix_strerror(status).decode()
    text = "%s (%s)" % (message, name) if message else name
    return _EXCEPTION.get(status, GmixValueError)(text, status)


def check(status, err):
    if status != OK:
        raise exception(status, err)


def parse_name(parser, name, what):
    """Parse a covariance type or init method name with the library's own
    parser (its message lists the names it knows)."""
    if not isinstance(name, str):
        raise GmixValueError("%s must be a string, not %r" % (what, name),
                             EINVAL)
    out = c_int()
    err = Error()
    check(parser(name.encode(), ctypes.byref(out), ctypes.byref(err)), err)
    return out.value


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------

class Model:
    """Owns one gmix_model * and frees it when collected."""

    __slots__ = ("ptr",)

    def __init__(self, ptr):
        self.ptr = ptr

    def __del__(self, _free=lib.gmix_model_free):
        if self.ptr:
            _free(self.ptr)
            self.ptr = None

    @property
    def n_components(self):
        return lib.gmix_model_n_components(self.ptr)

    @property
    def n_features(self):
        return lib.gmix_model_n_features(self.ptr)

    @property
    def covariance_type(self):
        return lib.gmix_covariance_type_name(
            lib.gmix_model_covariance_type(self.ptr)).decode()

    def covariance_shape(self):
        dims = (c_size_t * 3)()
        n = lib.gmix_covariance_shape(lib.gmix_model_covariance_type(self.ptr),
                                      self.n_components, self.n_features,
                                      ctypes.byref(dims), None)
        return tuple(dims[i] for i in range(n))

    def report(self):
        return lib.gmix_model_report(self.ptr).contents

    def feature_names(self):
        """The model's feature names, or None when it has none."""
        names = [lib.gmix_model_feature_name(self.ptr, j)
                 for j in range(self.n_features)]
        if not names or any(n is None for n in names):
            return None
        return [n.decode() for n in names]

    def set_feature_names(self, names):
        err = Error()
        if names is None:
            check(lib.gmix_model_set_feature_names(self.ptr, None,
                                                   ctypes.byref(err)), err)
            return
        arr = (c_char_p * len(names))(*[str(n).encode() for n in names])
        check(lib.gmix_model_set_feature_names(self.ptr, arr,
                                               ctypes.byref(err)), err)

    def to_json(self):
        out = c_void_p()
        err = Error()
        check(lib.gmix_model_to_json(self.ptr, ctypes.byref(out),
                                     ctypes.byref(err)), err)
        try:
            return ctypes.string_at(out.value).decode()
        finally:
            lib.gmix_free(out)

    @classmethod
    def from_json(cls, text):
        out = c_void_p()
        err = Error()
        check(lib.gmix_model_from_json(text.encode(), ctypes.byref(out),
                                       ctypes.byref(err)), err)
        return cls(out.value)

    @classmethod
    def load(cls, path):
        out = c_void_p()
        err = Error()
        check(lib.gmix_model_load(os.fsencode(path), ctypes.byref(out),
                                  ctypes.byref(err)), err)
        return cls(out.value)

    def save(self, path):
        err = Error()
        check(lib.gmix_model_save(self.ptr, os.fsencode(path),
                                  ctypes.byref(err)), err)
