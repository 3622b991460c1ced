"""gmix: Gaussian mixture models fitted by EM in libgmix, with
scikit-learn's GaussianMixture interface.

    import gmix
    gm = gmix.GaussianMixture(n_components=2, random_state=0).fit(X)
    gm.predict(X), gm.score(X), gm.bic(X)
    gm.save("model.json")          # the gmix command's model file
    gm = gmix.load("model.json")
    table, best = gmix.select(X, k=range(1, 10))   # BIC over K and types

libgmix is found, in this order, at the path in the environment variable
GMIX_LIBRARY, as a copy inside this package, in the build tree of the
checkout the package sits in (build/src), and on the system's loader path.
`gmix.library_path` says which one was loaded.
"""

from ._lib import (GmixCancelled, GmixError, GmixMemoryError, GmixOSError,
                   GmixValueError, library_path)
from ._lib import version as library_version
from ._mixture import ConvergenceWarning, GaussianMixture, NotFittedError, load
from ._select import select

__version__ = "0.1.0"

__all__ = ["GaussianMixture", "load", "select", "ConvergenceWarning",
           "NotFittedError", "GmixError", "GmixValueError", "GmixMemoryError",
           "GmixOSError", "GmixCancelled", "library_path", "library_version"]
