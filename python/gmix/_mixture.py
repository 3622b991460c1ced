"""gmix.GaussianMixture: scikit-learn's GaussianMixture interface on libgmix.

The estimator keeps its fitted model as a libgmix gmix_model; the fitted
attributes (weights_, means_, ...) are copies read from it after each fit,
partial_fit or load. Scoring and prediction run in the library on that
model, so changing the attribute arrays by hand does not change the model.
"""

import ctypes
import numbers
import time
import warnings

import numpy as np

from . import _lib
from ._interrupt import Interrupt
from ._lib import Error, Model, lib

try:  # scikit-learn is optional: with it, gmix's estimator is one of its own
    from sklearn.base import BaseEstimator as _Base
    from sklearn.base import DensityMixin as _Density
    from sklearn.exceptions import ConvergenceWarning, NotFittedError
except ImportError:  # pragma: no cover - exercised only without sklearn
    import inspect

    class ConvergenceWarning(UserWarning):
        """A fit stopped at max_iter before the lower bound settled."""

    class NotFittedError(ValueError, AttributeError):
        """A fitted model was needed."""

    class _Density:
        _estimator_type = "DensityEstimator"

    class _Base:
        """get_params / set_params as scikit-learn defines them."""

        @classmethod
        def _get_param_names(cls):
            sig = inspect.signature(cls.__init__)
            return sorted(p.name for p in sig.parameters.values()
                          if p.name != "self" and p.kind != p.VAR_KEYWORD)

        def get_params(self, deep=True):
            return {k: getattr(self, k) for k in self._get_param_names()}

        def set_params(self, **params):
            valid = self._get_param_names()
            for key, value in params.items():
                if key not in valid:
                    raise ValueError("Invalid parameter %r for estimator %s. "
                                     "Valid parameters are: %r."
                                     % (key, self.__class__.__name__, valid))
                setattr(self, key, value)
            return self

        def __repr__(self):
            defaults = type(self)().get_params()
            changed = ", ".join(
                "%s=%r" % (k, v) for k, v in self.get_params().items()
                if not (v is defaults[k] or (isinstance(v, (int, float, str))
                                             and v == defaults[k])))
            return "%s(%s)" % (self.__class__.__name__, changed)


# Attributes read from the model: dropped from a pickle, which carries the
# model's JSON instead, and restored from it.
_MODEL_ATTRIBUTES = ("weights_", "means_", "covariances_", "precisions_",
                     "precisions_cholesky_")


# ---------------------------------------------------------------------------
# Input checks (scikit-learn's messages, so its estimator checks recognise
# them; finiteness and weights are checked by the library, which names the
# row and column)
# ---------------------------------------------------------------------------

def _is_sparse(x):
    try:
        import scipy.sparse
    except ImportError:  # pragma: no cover
        return False
    return scipy.sparse.issparse(x)


def _feature_names(X):
    """Column names of a DataFrame when they are all strings, else None."""
    columns = getattr(X, "columns", None)
    if columns is None or hasattr(X, "toarray"):
        return None
    names = np.asarray(columns, dtype=object)
    is_str = [isinstance(c, str) for c in names]
    if all(is_str) and len(names):
        return names
    if any(is_str):
        raise TypeError(
            "Feature names are only supported if all input features have "
            "string names, but your input has %s as feature name / column "
            "name types." % sorted({type(c).__name__ for c in names}))
    return None


def _as_data(X):
    """X as a C-contiguous float64 n x d array with n, d >= 1: the caller's
    own array when it already is one, else one converted copy."""
    if _is_sparse(X):
        raise TypeError("A sparse matrix was passed, but dense data is "
                        "required. Use X.toarray() to convert to a dense "
                        "numpy array.")
    a = np.asarray(X)
    if a.dtype.kind == "c":
        raise ValueError("Complex data not supported\n%s\n" % (a,))
    if a.dtype.kind not in "fiub":
        a = a.astype(np.float64)  # objects, strings: float() or TypeError
    if a.ndim != 2:
        raise ValueError(
            "Expected 2D array, got %s instead:\narray=%s.\nReshape your "
            "data either using array.reshape(-1, 1) if your data has a single "
            "feature or array.reshape(1, -1) if it contains a single sample."
            % ("scalar array" if a.ndim == 0 else "%dD array" % a.ndim, a))
    if a.shape[0] < 1:
        raise ValueError("Found array with 0 sample(s) (shape=%r) while a "
                         "minimum of 1 is required." % (a.shape,))
    if a.shape[1] < 1:
        raise ValueError("Found array with 0 feature(s) (shape=%r) while a "
                         "minimum of 1 is required." % (a.shape,))
    return np.ascontiguousarray(a, dtype=np.float64)


def _as_weights(sample_weight, n):
    """Sample weights as a float64 array of n, or None for all ones."""
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight)
    if w.ndim == 0:
        return np.full(n, float(w))
    if w.ndim != 1:
        raise ValueError("Sample weights must be 1D array or scalar")
    if w.shape[0] != n:
        raise ValueError("sample_weight.shape == %r, expected %r!"
                         % (w.shape, (n,)))
    return np.ascontiguousarray(w, dtype=np.float64)


def _ptr(a):
    """The data pointer of an array for a const double * argument."""
    return None if a is None else a.ctypes.data


def _seed(random_state):
    """The library's 64-bit seed from scikit-learn's random_state: an int
    is the seed itself; None draws one from numpy's global RandomState (as
    scikit-learn does for None); a RandomState or Generator draws one from
    that generator."""
    if random_state is None:
        random_state = np.random.mtrand._rand
    if isinstance(random_state, numbers.Integral) and \
            not isinstance(random_state, bool):
        if not 0 <= random_state < 2 ** 64:
            raise ValueError("random_state must be in [0, 2**64), got %r"
                             % (random_state,))
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(np.iinfo(np.int64).max))
    raise ValueError("%r cannot be used to seed a numpy.random.RandomState "
                     "instance" % (random_state,))


def _param_error(name, rule, value, owner="GaussianMixture"):
    return ValueError("The %r parameter of %s must be %s. Got %r instead."
                      % (name, owner, rule, value))


def _check_int(name, value, low, owner="GaussianMixture"):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) \
            or value < low:
        raise _param_error(name, "an int in the range [%d, inf)" % low, value,
                           owner)
    return int(value)


def _check_real(name, value, owner="GaussianMixture"):
    if not isinstance(value, numbers.Real) or isinstance(value, bool) \
            or not value >= 0.0:
        raise _param_error(name, "a float in the range [0.0, inf)", value,
                           owner)
    return float(value)


def _check_array(name, value, shape):
    a = np.ascontiguousarray(value, dtype=np.float64)
    if a.shape != shape:
        raise ValueError("The parameter %r should have the shape of %s, but "
                         "got %s" % (name, shape, a.shape))
    return a


# ---------------------------------------------------------------------------
# One gmix_fit call: verbose lines through the callback, and Ctrl-C
# ---------------------------------------------------------------------------

class _FitCall:
    """The per-iteration callback and the Ctrl-C handling of one fit.

    Ctrl-C (see _interrupt.py): for the length of the call a SIGINT sets
    the cancellation flag the fit reads between blocks of rows, gmix_fit
    stops with GMIX_ECANCELLED in the middle of the iteration under way,
    and finish() raises KeyboardInterrupt. A handler of the program's own
    stays and runs inside the callback (an exception from it cancels the
    fit and is raised again).
    """

    def __init__(self, verbose, verbose_interval, tol):
        self.verbose = verbose
        self.interval = verbose_interval
        self.tol = tol
        self.stop = Interrupt()
        self.error = None
        self.init = None          # restart being reported (verbose)
        self.last = None          # its last change of the lower bound
        self.lower_bound = None   # and its last lower bound
        self.t_init = self.t_iter = time.perf_counter()
        self.c_callback = _lib.CALLBACK(self._callback)

    def __enter__(self):
        self.stop.__enter__()
        return self

    def __exit__(self, *exc):
        return self.stop.__exit__(*exc)

    @property
    def wanted(self):
        """Whether gmix_fit needs the callback at all."""
        return self.stop.active or self.verbose > 0

    def _callback(self, it_ptr, _data):
        try:
            if not self.stop.requested and self.verbose > 0:
                self._report(it_ptr.contents)
        except BaseException as e:  # noqa: B902 - re-raised by finish()
            self.error = e
        return 1 if self.stop.requested or self.error is not None else 0

    # scikit-learn's verbose output, line for line.
    def _report(self, it):
        now = time.perf_counter()
        if it.init != self.init:
            self._end_init(now)
            self.init = it.init
            self.t_init = self.t_iter = now - it.seconds
            print("Initialization %d" % (it.init + 1))
        self.last = it.change
        if it.iteration % self.interval == 0:
            if self.verbose == 1:
                print("  Iteration %d" % it.iteration)
            else:
                print("  Iteration %d\t time lapse %.5fs\t ll change %.5f"
                      % (it.iteration, now - self.t_iter, it.change))
                self.t_iter = now
        self.lower_bound = it.lower_bound

    def _end_init(self, now):
        if self.init is None:
            return
        converged = self.last is not None and abs(self.last) < self.tol
        if self.verbose == 1:
            print("Initialization converged: %s" % converged)
        else:
            print("Initialization converged: %s\t time lapse %.5fs\t ll %.5f"
                  % (converged, now - self.t_init, self.lower_bound))

    def finish(self):
        """After gmix_fit returned: the last verbose line, then Ctrl-C or an
        error from the callback, whatever the status."""
        if self.verbose > 0 and not self.stop.requested:
            self._end_init(time.perf_counter())
        if self.stop.requested:
            raise KeyboardInterrupt
        if self.error is not None:
            raise self.error


# ---------------------------------------------------------------------------
# The estimator
# ---------------------------------------------------------------------------

class GaussianMixture(_Density, _Base):
    """Gaussian mixture fitted by EM in libgmix, with scikit-learn's
    GaussianMixture interface, parameters and defaults.

    Parameters are scikit-learn's (see sklearn.mixture.GaussianMixture),
    plus:

    n_threads : int or None, default None
        Worker threads of fit and of every scoring call; None or 0 = all
        available. Results are bit-identical for any value. (partial_fit's
        E-step always uses all available threads: the library's
        statistics API takes no thread count.)

    Differences from scikit-learn:

    - fit, fit_predict, partial_fit, score, bic and aic take sample_weight
      (non-negative, not all zero; None = ones). Integer weights give the
      fit of the data with rows repeated that many times.
    - random_state: an int is the library's seed; None draws a seed from
      numpy's global RandomState (so np.random.seed makes fits
      repeatable, as with scikit-learn); a RandomState draws one from it.
      From the same seed gmix's random starts differ from scikit-learn's;
      from the same weights_init, means_init and precisions_init the fits
      agree to rounding.
    - with max_iter=0, lower_bound_ is the mean log-likelihood of the
      initial parameters (scikit-learn gives -inf).
    - sample(n) returns rows in the order they were drawn, not grouped by
      component.
    - Errors from the library are gmix.GmixValueError (a ValueError),
      gmix.GmixMemoryError (a MemoryError) or gmix.GmixOSError (an OSError),
      carrying the library's message; Ctrl-C stops a fit within
      milliseconds, even in the middle of an iteration, and raises
      KeyboardInterrupt.
    """

    def __init__(self, n_components=1, *, covariance_type="full", tol=1e-3,
                 reg_covar=1e-6, max_iter=100, n_init=1, init_params="kmeans",
                 weights_init=None, means_init=None, precisions_init=None,
                 random_state=None, warm_start=False, verbose=0,
                 verbose_interval=10, n_threads=None):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval
        self.n_threads = n_threads

    # ---- parameters -----------------------------------------------------

    def _threads(self):
        if self.n_threads is None:
            return 0
        return _check_int("n_threads", self.n_threads, 0)

    def _options(self, d):
        """A gmix_options for this estimator's parameters and d features.
        Returns (options, keep): `keep` holds the buffers the options point
        to and must live as long as they are used."""
        k = _check_int("n_components", self.n_components, 1)
        cov = _lib.parse_name(lib.gmix_covariance_type_parse,
                              self.covariance_type, "covariance_type")
        init = _lib.parse_name(lib.gmix_init_method_parse, self.init_params,
                               "init_params")
        opt, buf = _lib.new_options()
        keep = [buf]
        opt.n_components = k
        opt.covariance_type = cov
        opt.tol = _check_real("tol", self.tol)
        opt.reg_covar = _check_real("reg_covar", self.reg_covar)
        opt.max_iter = _check_int("max_iter", self.max_iter, 0)
        opt.n_init = _check_int("n_init", self.n_init, 1)
        opt.init = init
        opt.threads = self._threads()
        _check_int("verbose", int(self.verbose), 0)
        _check_int("verbose_interval", self.verbose_interval, 1)
        if self.weights_init is not None:
            a = _check_array("weights", self.weights_init, (k,))
            opt.weights_init = _ptr(a)
            keep.append(a)
        if self.means_init is not None:
            a = _check_array("means", self.means_init, (k, d))
            opt.means_init = _ptr(a)
            keep.append(a)
        if self.precisions_init is not None:
            dims = (ctypes.c_size_t * 3)()
            nd = lib.gmix_covariance_shape(cov, k, d, ctypes.byref(dims), None)
            a = _check_array("precisions", self.precisions_init,
                             tuple(dims[i] for i in range(nd)))
            opt.precisions_init = _ptr(a)
            keep.append(a)
        return opt, keep

    # ---- data -------------------------------------------------------------

    def _check_fitted(self):
        if not hasattr(self, "_model"):
            raise NotFittedError(
                "This %s instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
                % type(self).__name__)

    def _data(self, X, reset):
        """Checked data, and its feature names when reset (fit) is True.
        When reset is False, X must match the fitted model."""
        names = _feature_names(X)
        a = _as_data(X)
        if reset:
            return a, names
        fitted = getattr(self, "feature_names_in_", None)
        if fitted is not None and names is None:
            warnings.warn("X does not have valid feature names, but %s was "
                          "fitted with feature names" % type(self).__name__)
        elif fitted is None and names is not None:
            warnings.warn("X has feature names, but %s was fitted without "
                          "feature names" % type(self).__name__)
        elif fitted is not None and (len(fitted) != len(names) or
                                     np.any(fitted != names)):
            raise ValueError("The feature names should match those that were "
                             "passed during fit.\nFitted: %s\nGiven: %s"
                             % (list(fitted), list(names)))
        if a.shape[1] != self.n_features_in_:
            raise ValueError("X has %d features, but %s is expecting %d "
                             "features as input." % (a.shape[1],
                                                     type(self).__name__,
                                                     self.n_features_in_))
        return a, names

    def _use(self, X):
        self._check_fitted()
        return self._data(X, reset=False)[0]

    # ---- the fitted model -------------------------------------------------

    def _take_model(self, model, names, converged, n_iter, lower_bound):
        """Make `model` this estimator's fitted model and read its
        attributes."""
        if names is not None:
            model.set_feature_names(list(names))
        k, d = model.n_components, model.n_features
        shape = model.covariance_shape()
        arrays = {"weights_": (k,), "means_": (k, d), "covariances_": shape,
                  "precisions_": shape, "precisions_cholesky_": shape}
        for attr, shp in arrays.items():
            a = np.empty(shp, dtype=np.float64)
            getattr(lib, "gmix_model_" + attr[:-1])(model.ptr, _ptr(a))
            setattr(self, attr, a)
        self._model = model
        self.converged_ = bool(converged)
        self.n_iter_ = int(n_iter)
        self.lower_bound_ = float(lower_bound)
        self.n_features_in_ = d
        if names is not None:
            self.feature_names_in_ = np.asarray(names, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_

    def _take_fitted(self, model, names):
        """As _take_model, with converged_, n_iter_ and lower_bound_ from
        the model's fit report."""
        rep = model.report()
        if rep.has_fit:
            self._take_model(model, names, rep.converged, rep.n_iter,
                             rep.lower_bound)
        else:
            self._take_model(model, names, False, 0, np.nan)

    def __sklearn_is_fitted__(self):
        return hasattr(self, "_model")

    # ---- fitting -----------------------------------------------------------

    def fit(self, X, y=None, sample_weight=None):
        """Fit by EM (n_init restarts, the best lower bound kept). With
        warm_start and a fitted model, EM starts from it (one restart).
        Returns self."""
        x, names = self._data(X, reset=True)
        n, d = x.shape
        w = _as_weights(sample_weight, n)
        opt, keep = self._options(d)
        opt.seed = _seed(self.random_state)
        if self.warm_start and hasattr(self, "_model"):
            opt.warm_start = self._model.ptr
            opt.n_init = 1
        out = ctypes.c_void_p()
        err = Error()
        with _FitCall(int(self.verbose), self.verbose_interval,
                      opt.tol) as call:
            if call.wanted:
                opt.callback = call.c_callback
            opt.cancel = call.stop.cancel
            status = lib.gmix_fit(_ptr(x), n, d, _ptr(w), ctypes.byref(opt),
                                  ctypes.byref(out), ctypes.byref(err))
        model = Model(out.value) if status == _lib.OK else None
        call.finish()
        _lib.check(status, err)
        del keep
        self._take_fitted(model, names)
        if not self.converged_ and opt.max_iter > 0:
            warnings.warn(
                "Initialization %d did not converge. Try different init "
                "parameters, or increase max_iter, tol or check for "
                "degenerate data." % (model.report().best_init + 1),
                ConvergenceWarning)
        return self

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit, then the most probable component of each row of X."""
        return self.fit(X, sample_weight=sample_weight).predict(X)

    def partial_fit(self, X, y=None, sample_weight=None):
        """One EM step over the batch X: an E-step of X under the current
        parameters, then the M-step of those statistics alone, through the
        library's statistics API (gmix_stats_*).

        The first call on an unfitted estimator first chooses initial
        parameters from X exactly as fit would (init_params, the *_init
        parameters, n_init, random_state; that is, fit with max_iter=0),
        then takes the step. Later calls, and calls on a model fitted or
        loaded before, step from the current parameters. So partial_fit
        called t times on the same X gives the model of
        fit(X) with max_iter=t and tol=0.

        lower_bound_ is the mean log-likelihood per unit weight of the
        batch under the parameters before the step (fit's definition),
        n_iter_ counts the steps, and converged_ says whether lower_bound_
        changed by less than tol since the previous step (meaningful when
        batches are alike). Returns self.
        """
        first = not hasattr(self, "_model")
        x, names = self._data(X, reset=first)
        if not first:
            names = getattr(self, "feature_names_in_", None)
        n, d = x.shape
        w = _as_weights(sample_weight, n)
        opt, keep = self._options(d)
        err = Error()
        if first:
            opt.max_iter = 0
            opt.seed = _seed(self.random_state)
            out = ctypes.c_void_p()
            _lib.check(lib.gmix_fit(_ptr(x), n, d, _ptr(w), ctypes.byref(opt),
                                    ctypes.byref(out), ctypes.byref(err)), err)
            start = Model(out.value)
        else:
            start = self._model
        stats = ctypes.c_void_p()
        _lib.check(lib.gmix_stats_create(start.ptr, ctypes.byref(stats),
                                         ctypes.byref(err)), err)
        try:
            _lib.check(lib.gmix_stats_accumulate(stats, _ptr(x), n, d, _ptr(w),
                                                 ctypes.byref(err)), err)
            lower_bound = (lib.gmix_stats_log_likelihood(stats) /
                           lib.gmix_stats_weight(stats))
            out = ctypes.c_void_p()
            _lib.check(lib.gmix_stats_mstep(stats, ctypes.byref(opt),
                                            ctypes.byref(out),
                                            ctypes.byref(err)), err)
            model = Model(out.value)
        finally:
            lib.gmix_stats_free(stats)
        del keep
        if first:
            converged, n_iter = False, 1
        else:
            converged = abs(lower_bound - self.lower_bound_) < opt.tol
            n_iter = self.n_iter_ + 1
        self._take_model(model, names, converged, n_iter, lower_bound)
        return self

    # ---- using the model ---------------------------------------------------

    def score_samples(self, X):
        """log p(x) of each row of X: an array of n."""
        x = self._use(X)
        out = np.empty(x.shape[0])
        err = Error()
        _lib.check(lib.gmix_score_samples(self._model.ptr, _ptr(x), x.shape[0],
                                          x.shape[1], self._threads(),
                                          _ptr(out), ctypes.byref(err)), err)
        return out

    def _reduce(self, fn, X, sample_weight):
        x = self._use(X)
        w = _as_weights(sample_weight, x.shape[0])
        out = ctypes.c_double()
        err = Error()
        _lib.check(fn(self._model.ptr, _ptr(x), x.shape[0], x.shape[1], _ptr(w),
                      self._threads(), ctypes.byref(out), ctypes.byref(err)),
                   err)
        return out.value

    def score(self, X, y=None, sample_weight=None):
        """Mean log-likelihood of X per unit weight (weights None = ones)."""
        return self._reduce(lib.gmix_score, X, sample_weight)

    def bic(self, X, sample_weight=None):
        """Bayesian information criterion on X (lower is better)."""
        return self._reduce(lib.gmix_bic, X, sample_weight)

    def aic(self, X, sample_weight=None):
        """Akaike information criterion on X (lower is better)."""
        return self._reduce(lib.gmix_aic, X, sample_weight)

    def predict(self, X):
        """The most probable component of each row (ties: lowest index)."""
        x = self._use(X)
        labels = np.empty(x.shape[0], dtype=np.intp)  # the width of size_t
        err = Error()
        _lib.check(lib.gmix_predict(self._model.ptr, _ptr(x), x.shape[0],
                                    x.shape[1], self._threads(), _ptr(labels),
                                    ctypes.byref(err)), err)
        return labels

    def predict_proba(self, X):
        """Responsibilities: an n x n_components array, rows summing to one."""
        x = self._use(X)
        out = np.empty((x.shape[0], self._model.n_components))
        err = Error()
        _lib.check(lib.gmix_predict_proba(self._model.ptr, _ptr(x), x.shape[0],
                                          x.shape[1], self._threads(),
                                          _ptr(out), ctypes.byref(err)), err)
        return out

    def sample(self, n_samples=1):
        """Draw n_samples rows: returns (X, labels), X of n_samples x d and
        each row's component, in the order drawn. The seed comes from
        random_state (so an int gives the same draws on every call)."""
        self._check_fitted()
        n = _check_int("n_samples", n_samples, 1)
        x = np.empty((n, self._model.n_features))
        labels = np.empty(n, dtype=np.intp)
        err = Error()
        _lib.check(lib.gmix_sample(self._model.ptr, n, _seed(self.random_state),
                                   _ptr(x), _ptr(labels), ctypes.byref(err)),
                   err)
        return x, labels

    # ---- files and pickling ------------------------------------------------

    def save(self, path):
        """Write the fitted model to `path` as a gmix model file (JSON, the
        format the gmix command reads and writes), atomically."""
        self._check_fitted()
        self._model.save(path)

    def __getstate__(self):
        state = self.__dict__.copy()
        model = state.pop("_model", None)
        for attr in _MODEL_ATTRIBUTES:
            state.pop(attr, None)
        if model is not None:
            state["_model_json"] = model.to_json()
        return state

    def __setstate__(self, state):
        state = dict(state)
        text = state.pop("_model_json", None)
        self.__dict__.update(state)
        if text is not None:
            self._take_model(Model.from_json(text),
                             state.get("feature_names_in_"),
                             state["converged_"], state["n_iter_"],
                             state["lower_bound_"])


def load(path):
    """A fitted GaussianMixture from a gmix model file (written by the gmix
    command or GaussianMixture.save). n_components and covariance_type
    come from the file, other parameters are the defaults; converged_,
    n_iter_ and lower_bound_ come from the file's fit report (False, 0 and
    NaN when it has none); feature_names_in_ is set when the file names the
    features."""
    model = Model.load(path)
    est = GaussianMixture(n_components=model.n_components,
                          covariance_type=model.covariance_type)
    names = model.feature_names()
    est._take_fitted(model, None if names is None else
                     np.asarray(names, dtype=object))
    return est
