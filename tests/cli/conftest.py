"""Fixtures shared by the end-to-end tests of the gmix command."""
import pytest

from cli_helpers import FAITHFUL, gmix


@pytest.fixture(scope="module")
def faithful_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "faithful.json"
    gmix("fit", FAITHFUL, "-k", 2, "--seed", 1, "-o", path, check=0)
    return path

