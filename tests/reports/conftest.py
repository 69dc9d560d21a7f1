"""Fixtures for the report catalogue: the training report's hand-checked data set (from
tests/development/test_report.py, where its figures are worked out), a dated record helper, and
promotions' criteria and open round."""

import pytest

from tests.development.conftest import make_record  # noqa: F401
from tests.development.test_report import data_set  # noqa: F401
from tests.promotions.conftest import criteria, open_round  # noqa: F401


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
