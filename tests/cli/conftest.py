"""Fixtures of the command line's tests."""

import pytest

from jaxclimb import comparison


@pytest.fixture
def no_comparison(monkeypatch):
    """``compare`` records what it was asked and stops: nothing runs."""
    asked = []

    def stop(configs, data, **kwargs):
        asked.append(kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(comparison, "compare", stop)
    return asked
