"""scikit-learn's own estimator checks on gmix.GaussianMixture(), one test
per check, none skipped: a check that would skip itself (SkipTest, e.g.
when pandas is missing) fails here instead."""
import warnings
from functools import partial

import pytest

sklearn_checks = pytest.importorskip("sklearn.utils.estimator_checks")
from sklearn.exceptions import SkipTestWarning  # noqa: E402
from sklearn.utils._testing import SkipTest  # noqa: E402

import gmix  # noqa: E402


def _name(check):
    """check_xxx, or check_xxx(key=value) for a check run with options."""
    kw = {}
    while isinstance(check, partial):
        kw.update(check.keywords)
        check = check.func
    extra = ",".join("%s=%s" % kv for kv in sorted(kw.items()))
    return "%s(%s)" % (check.__name__, extra) if extra else check.__name__


CHECKS = list(sklearn_checks.check_estimator(gmix.GaussianMixture(),
                                             generate_only=True))


def test_all_checks_are_generated():
    # scikit-learn 1.2 yields 35 checks for an unsupervised estimator that
    # takes sample_weight; fewer would mean some were silently left out.
    assert len(CHECKS) >= 35, [_name(c) for _, c in CHECKS]
    names = {_name(c) for _, c in CHECKS}
    for needed in ("check_estimators_pickle", "check_fit_idempotent",
                   "check_sample_weights_invariance(kind=zeros)",
                   "check_sample_weights_pandas_series",
                   "check_estimators_nan_inf", "check_estimator_sparse_data"):
        assert needed in names


@pytest.mark.parametrize("estimator, check", CHECKS,
                         ids=[_name(c) for _, c in CHECKS])
def test_sklearn_check(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("error", SkipTestWarning)
        try:
            check(estimator)
        except (SkipTest, SkipTestWarning) as e:
            pytest.fail("check skipped itself: %s" % e)


def test_check_estimator_whole():
    # The same checks through the public entry point, as a user runs them.
    with warnings.catch_warnings():
        warnings.simplefilter("error", SkipTestWarning)
        sklearn_checks.check_estimator(gmix.GaussianMixture())
