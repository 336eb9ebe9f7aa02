"""The garbage collector is paused while spinfix builds what it keeps, and always as it was after."""
import gc

import pytest

from spinfix.collector import paused, pausing


def test_pauses_nest_and_leave_the_collector_as_it_was():
    assert gc.isenabled()
    with paused():
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause found it paused, and left it so
    assert gc.isenabled()
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()  # a caller's own pause is kept
    finally:
        gc.enable()


def test_a_failing_step_still_restarts_the_collector():
    @pausing
    def fails():
        assert not gc.isenabled()
        raise ValueError("bad input")

    with pytest.raises(ValueError):
        fails()
    assert gc.isenabled() and fails.__name__ == "fails"


def test_loading_and_restoring_leave_the_collector_running(spun_seed, source_seed):
    from spinfix import align
    from spinfix.restoration.restorations import restore_without_reference as restore_with_dictionary

    assert restore_with_dictionary(spun_seed).restored and gc.isenabled()
    assert align(spun_seed, source_seed).phrase_pairs and gc.isenabled()
