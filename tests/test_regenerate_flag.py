import os

from tests.conftest import REGENERATE


def test_goldens_are_never_regenerated_in_ci() -> None:
    # CI must compare against the committed goldens, never pass by rewriting them.
    assert not (REGENERATE and os.environ.get("CI")), "NIANBAO_REGENERATE=1 is set in CI"
