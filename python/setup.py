"""Installs the gmix package. libgmix itself is built by CMake; the package
finds it at run time (see gmix/__init__.py). To install a copy of the
library inside the package instead, name it when installing:

    GMIX_BUNDLE_LIBRARY=$PWD/build/src/libgmix.so.0.1 \\
        python3 -m pip install --no-build-isolation --no-deps python/

(an absolute path: pip builds elsewhere; the file is copied as
gmix/libgmix.so.0.1 into the installed package).
"""
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPy(build_py):
    def run(self):
        super().run()
        lib = os.environ.get("GMIX_BUNDLE_LIBRARY")
        if lib:
            if not os.path.isfile(lib):
                raise SystemExit("GMIX_BUNDLE_LIBRARY=%s: no such file (give "
                                 "an absolute path)" % lib)
            target = os.path.join(self.build_lib, "gmix", "libgmix.so.0.1")
            shutil.copyfile(lib, target)
            os.chmod(target, 0o755)


setup(cmdclass={"build_py": BuildPy})
