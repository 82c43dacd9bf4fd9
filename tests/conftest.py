import pytest


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise():
    """A request with a Russian language cookie leaves Russian active in this thread; reset it so that
    every test starts, and leaves, in the default language."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
