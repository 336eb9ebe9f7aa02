"""How the evaluation scores a reference-free restore (evaluation/README.md): a swap of
neighbouring words is one swap, so a change that puts back one of its words is wrong by the
strict rule and right word by word; a change outside the swaps is wrong either way."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "evaluation"))

import evaluate  # noqa: E402

ORIGINAL = "We will meet outside, weather permitting, on Friday."
SPUN = "We will meet outside, climate allowing, on Friday."
SWAP = [{"start": SPUN.index("climate"), "end": SPUN.index(",", SPUN.index("climate")),
         "orig_start": ORIGINAL.index("weather"), "orig_end": ORIGINAL.index(",", ORIGINAL.index("weather"))}]


def test_half_a_swap_put_back_is_right_word_by_word_only():
    half = evaluate.restore_outcome(ORIGINAL, SPUN, SPUN.replace("climate", "weather"), SWAP)
    assert (half["changes"], half["correct"], half["correct_by_word"], half["restored"]) == (1, 0, 1, 0)
    whole = evaluate.restore_outcome(ORIGINAL, SPUN, SPUN.replace("climate allowing", "weather permitting"), SWAP)
    assert (whole["changes"], whole["correct"], whole["correct_by_word"], whole["restored"]) == (1, 1, 1, 1)


def test_a_change_outside_the_swaps_is_wrong_both_ways():
    out = evaluate.restore_outcome(ORIGINAL, SPUN, SPUN.replace("Friday", "Monday"), SWAP)
    assert (out["changes"], out["correct"], out["correct_by_word"]) == (1, 0, 0)
    pooled = evaluate.pool([out, evaluate.restore_outcome(ORIGINAL, SPUN, SPUN.replace("climate", "weather"), SWAP)])
    assert (pooled["precision"], pooled["precision_by_word"]) == (0.0, 0.5)
