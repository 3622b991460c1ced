"""gmix.select: the model-selection sweep of libgmix (gmix_select), the same
sweep as the `gmix select` command, from Python."""

import ctypes
import numbers
import operator
import warnings

import numpy as np

from . import _lib
from ._interrupt import Interrupt
from ._lib import Error, Model, lib
from ._mixture import (ConvergenceWarning, GaussianMixture, _as_data,
                       _as_weights, _check_int, _check_real, _feature_names,
                       _ptr, _seed)

_OWNER = "gmix.select"

# The table's columns, in order (those of `gmix select --table`, with the
# covariance type and K under the estimator's names).
COLUMNS = ("covariance_type", "n_components", "bic", "aic", "icl",
           "bic_mclust", "log_likelihood", "n_parameters", "converged",
           "n_iter", "start", "status", "message")
_STRINGS = ("covariance_type", "start", "status", "message")
_FLOATS = ("bic", "aic", "icl", "bic_mclust", "log_likelihood")
_INTS = ("n_components", "n_parameters", "n_iter")

_SELECT_NONE = ctypes.c_size_t(-1).value  # GMIX_SELECT_NONE


def _k_range(k):
    """(k_min, k_max) from an int or consecutive increasing ints."""
    rule = ("a positive int or consecutive increasing ints such as "
            "range(1, 10)")
    if isinstance(k, bool):
        raise ValueError("k must be %s, not %r" % (rule, k))
    if isinstance(k, numbers.Integral):
        ks = [int(k)]
    else:
        try:
            ks = [operator.index(v) for v in k]
        except TypeError:
            raise ValueError("k must be %s, not %r" % (rule, k)) from None
    if not ks or ks[0] < 1 or ks != list(range(ks[0], ks[0] + len(ks))):
        raise ValueError("k must be %s, not %r" % (rule, k))
    return ks[0], ks[-1]


def _names(value, what):
    """A name or a sequence of names as a list of names."""
    if isinstance(value, str):
        return [value]
    try:
        names = list(value)
    except TypeError:
        raise ValueError("%s must be a name or a sequence of names, not %r"
                         % (what, value)) from None
    if not names:
        raise ValueError("%s must name at least one, got %r" % (what, value))
    return names


def _covariance_types(value):
    if isinstance(value, str) and value == "all":
        return [t for t, _ in _lib.covariance_types()]
    return [_lib.parse_name(lib.gmix_covariance_type_parse, name,
                            "covariance_types")
            for name in _names(value, "covariance_types")]


def _starts(value):
    return [_lib.parse_name(lib.gmix_init_method_parse, name, "starts")
            for name in _names(value, "starts")]


def _cell_row(c):
    ok = c.status == _lib.OK
    return (lib.gmix_covariance_type_name(c.covariance_type).decode(),
            c.n_components, c.bic, c.aic, c.icl, c.bic_mclust,
            c.log_likelihood, c.n_parameters, bool(c.converged), c.n_iter,
            lib.gmix_init_method_name(c.best_start).decode() if ok else "",
            lib.gmix_strerror(c.status).decode(),
            c.message.decode(errors="replace"))


def _table(rows):
    """The rows as a pandas DataFrame when pandas can be imported, else as
    a numpy structured array."""
    def kind(i, name):
        if name in _STRINGS:
            return "U%d" % max([1] + [len(r[i]) for r in rows])
        if name in _FLOATS:
            return np.float64
        if name in _INTS:
            return np.int64
        return np.bool_
    dtype = [(name, kind(i, name)) for i, name in enumerate(COLUMNS)]
    table = np.array(rows, dtype=dtype)
    try:
        import pandas
    except ImportError:
        return table
    return pandas.DataFrame.from_records(table, columns=list(COLUMNS))


def select(X, k=range(1, 10), covariance_types=("full", "tied", "diag",
                                                 "spherical"),
           *, criterion="bic", n_init=1, starts=None, random_state=None,
           n_threads=None, sample_weight=None, tol=1e-5, reg_covar=1e-6,
           max_iter=100):
    """Choose the number of components and the covariance type by BIC, AIC
    or ICL: libgmix's selection sweep, the one `gmix select` runs.

    Every candidate (a covariance type and a K) is fitted by EM from each
    start (by default mclust's hierarchical agglomeration, then k-means),
    n_init restarts each, and keeps its fit of highest log-likelihood; the
    candidate of lowest criterion is chosen (ties: the smaller K, then the
    earlier covariance type). A candidate that cannot be fitted (more free
    parameters than rows of positive weight, a covariance that cannot be
    made positive definite, a component that collapses) is a failed row
    of the table, not an error.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    k : int or consecutive increasing ints, default range(1, 10)
        The numbers of components tried (the library sweeps a range).
    covariance_types : str or sequence of str, default the four of
        scikit-learn ("full", "tied", "diag", "spherical")
        The covariance types tried, in this order (each at most once), or
        "all" for every type the library has.
    criterion : {"bic", "aic", "icl"}, default "bic"
        Chooses the best candidate; all three are in the table, and all
        are lower-is-better.
    n_init : int, default 1
        Restarts from each start in every candidate.
    starts : str or sequence of str, default None
        How each candidate's fits start (init_params names, such as
        "hc", "kmeans", "random_from_data"); None = "hc" then "kmeans".
    random_state : int, RandomState, Generator or None, default None
        The seed of every random choice, as GaussianMixture takes it (an
        int is the library's seed, the `--seed` of `gmix select`; None
        draws one from numpy's global RandomState).
    n_threads : int or None, default None
        Worker threads of the sweep; None or 0 = all available. The table
        is bit-identical for any value.
    sample_weight : array-like of shape (n_samples,), default None
        Non-negative weights of the rows (None = ones).
    tol, reg_covar, max_iter : as GaussianMixture's, for every fit; tol's
        default is the library's for a sweep (GMIX_SELECT_TOL_DEFAULT,
        the `--tol` of `gmix select`), tighter than GaussianMixture's.

    Returns
    -------
    table : pandas.DataFrame, or a numpy structured array without pandas
        One row per candidate, ordered by K, then by covariance type in
        the order given, with the columns covariance_type, n_components,
        bic, aic, icl, bic_mclust (mclust's sign: 2 log_likelihood -
        n_parameters log(sum of weights), higher is better),
        log_likelihood (the weighted sum over rows, not the mean),
        n_parameters, converged, n_iter, start (the start of the fit kept;
        "" when the candidate failed), status ("success", or the
        library's name of why the candidate failed) and message (what
        failed and where; "" on success). The numbers of a failed
        candidate are NaN. The same numbers as the CSV of
        `gmix select --table` with the same settings.
    best_estimator : GaussianMixture
        The chosen candidate, fitted: the library's model itself, with its
        fit report (converged_, n_iter_, lower_bound_). Its parameters
        (n_components, covariance_type, init_params = the start of the fit
        kept, random_state = the seed used, n_init, tol, reg_covar,
        max_iter, n_threads) refit the same model with fit(X).

    Raises
    ------
    ValueError (gmix.GmixValueError for the library's checks) for bad
    arguments or data, MemoryError for sizes too large. When no candidate
    could be fitted, the exception of the first candidate's failure, with
    the table as its `table` attribute. A ConvergenceWarning when the
    chosen candidate's fit stopped at max_iter. KeyboardInterrupt on
    Ctrl-C, which stops the sweep within milliseconds (from the main
    thread, under Python's default SIGINT handler).
    """
    names = _feature_names(X)
    x = _as_data(X)
    n, d = x.shape
    w = _as_weights(sample_weight, n)

    opt = _lib.new_select_options()
    opt.k_min, opt.k_max = _k_range(k)
    types = _covariance_types(covariance_types)
    types_array = (ctypes.c_int * len(types))(*types)
    opt.covariance_types = ctypes.addressof(types_array)
    opt.n_covariance_types = len(types)
    opt.criterion = _lib.parse_name(lib.gmix_criterion_parse, criterion,
                                    "criterion")
    starts_array = None
    if starts is not None:
        values = _starts(starts)
        starts_array = (ctypes.c_int * len(values))(*values)
        opt.starts = ctypes.addressof(starts_array)
        opt.n_starts = len(values)
    opt.fit.n_init = _check_int("n_init", n_init, 1, _OWNER)
    opt.fit.tol = _check_real("tol", tol, _OWNER)
    opt.fit.reg_covar = _check_real("reg_covar", reg_covar, _OWNER)
    opt.fit.max_iter = _check_int("max_iter", max_iter, 0, _OWNER)
    opt.fit.threads = (0 if n_threads is None else
                       _check_int("n_threads", n_threads, 0, _OWNER))
    opt.fit.seed = _seed(random_state)

    result = ctypes.c_void_p()
    err = Error()
    with Interrupt() as stop:  # Ctrl-C cancels the sweep at once
        opt.fit.cancel = stop.cancel
        status = lib.gmix_select(_ptr(x), n, d, _ptr(w), ctypes.byref(opt),
                                 ctypes.byref(result), ctypes.byref(err))
    del types_array, starts_array
    if stop.requested:
        if status == _lib.OK:
            lib.gmix_select_result_free(result)
        raise KeyboardInterrupt
    _lib.check(status, err)
    try:
        rows = [_cell_row(lib.gmix_select_result_cell(result, i).contents)
                for i in range(lib.gmix_select_result_n_cells(result))]
        table = _table(rows)
        best = lib.gmix_select_result_best(result)
        if best == _SELECT_NONE:
            first = lib.gmix_select_result_cell(result, 0).contents
            e = _lib.error(first.status,
                           "no candidate could be fitted; the first (%s, "
                           "K = %d) failed with: %s"
                           % (rows[0][0], rows[0][1], rows[0][12]))
            e.table = table
            raise e
        model = ctypes.c_void_p()
        _lib.check(lib.gmix_model_copy(
            lib.gmix_select_result_best_model(result), ctypes.byref(model),
            ctypes.byref(err)), err)
        model = Model(model.value)
    finally:
        lib.gmix_select_result_free(result)

    cov, K, start = rows[best][0], rows[best][1], rows[best][10]
    est = GaussianMixture(n_components=K, covariance_type=cov, tol=opt.fit.tol,
                          reg_covar=opt.fit.reg_covar,
                          max_iter=opt.fit.max_iter, n_init=opt.fit.n_init,
                          init_params=start, random_state=opt.fit.seed,
                          n_threads=n_threads)
    est._take_fitted(model, names)
    if not est.converged_ and opt.fit.max_iter > 0:
        warnings.warn("The chosen candidate (%s, K = %d) did not converge. "
                      "Increase max_iter or tol." % (cov, K),
                      ConvergenceWarning)
    return table, est
