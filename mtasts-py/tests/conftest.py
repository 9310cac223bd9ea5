"""Shared paths for the mtasts tests."""

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "testdata" / "corpus"


@pytest.fixture
def corpus() -> Path:
    """Return the directory of the shared test corpus, testdata/corpus."""
    return CORPUS
