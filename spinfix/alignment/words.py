"""Word alignment inside an aligned block: difflib's ``SequenceMatcher`` (as ``cydifflib`` runs it
in C++), its edits made minimal phrase pairs consistent with the word alignment."""
from __future__ import annotations

import cydifflib

from ..text.tokens import normalize
from .sentences import Span
from .substitutions import Substitution


def _gap_before(text: str, toks: Span, k: int) -> str:
    return text[toks.ends[k - 1]:toks.starts[k]] if 0 < k < len(toks.starts) else ""


def _edit(spun_text: str, ref_text: str, a: Span, b: Span, i1: int, i2: int, j1: int, j2: int) -> Substitution:
    """The substitution for spun tokens ``a[i1:i2]`` against source tokens ``b[j1:j2]``.

    A replacement spans its tokens exactly, unless the spacing next to it differs between the
    texts (``bomb,"' in`` against ``bomb,'" according``): then the span takes that space in,
    so that applying it gives the source's spacing. An insertion or deletion between two kept
    words spans everything between them, on both sides; at a block's edge it takes the space
    after it (or before it, at the end) for the same reason.
    """
    (a_starts, a_ends), (b_starts, b_ends), n_a, n_b = a, b, len(a.starts), len(b.starts)
    s0 = a_starts[i1] if i1 < n_a else a_ends[-1]
    s1 = a_ends[i2 - 1] if i1 < i2 else s0
    r0 = b_starts[j1] if j1 < n_b else b_ends[-1]
    r1 = b_ends[j2 - 1] if j1 < j2 else r0
    if i1 < i2 and j1 < j2:
        if _gap_before(spun_text, a, i1) != _gap_before(ref_text, b, j1):
            s0, r0 = a_ends[i1 - 1], b_ends[j1 - 1]
        if _gap_before(spun_text, a, i2) != _gap_before(ref_text, b, j2):
            s1, r1 = a_starts[i2], b_starts[j2]
    elif 0 < i1 and 0 < j1 and i2 < n_a and j2 < n_b:  # between two kept words: the source's spacing
        s0, s1, r0, r1 = a_ends[i1 - 1], a_starts[i2], b_ends[j1 - 1], b_starts[j2]
    elif i2 < n_a and j2 < n_b:
        s1, r1 = a_starts[i2], b_starts[j2]
    else:
        s0 = a_ends[i1 - 1] if i1 > 0 and i1 < i2 else s0
        r0 = b_ends[j1 - 1] if j1 > 0 and j1 < j2 else r0
    return Substitution(spun_text[s0:s1], ref_text[r0:r1], s0, s1, r0, r1)


def align_words(spun_text: str, ref_text: str, a: Span, b: Span) -> list[Substitution]:
    """Edits between two aligned token sequences, as minimal phrase pairs.

    Adjacent edits are one phrase ("overseas insurance" -> "foreign"); a replacement of equal
    length on both sides is split word for word ("additional particulars" -> "further details"
    gives two pairs), since a spinner swaps words one at a time. Words are compared with their
    case, so that a restore gives the source's capitals back ("Repair or restore" -> "Fix or
    repair"); a change of case alone makes no dictionary pair (pairs are case-folded). (That is wrong for the rare
    rewording of equal length, "the reason we're" -> "why we are": it restores the same text
    but adds weak pairs, which the dictionary's counts keep below the well-attested ones.)
    """
    matcher = cydifflib.SequenceMatcher(None, [normalize(spun_text[i:j]) for i, j in zip(*a)],
                                      [normalize(ref_text[i:j]) for i, j in zip(*b)], autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1 > 1:
            edits.extend(_edit(spun_text, ref_text, a, b, i1 + k, i1 + k + 1, j1 + k, j1 + k + 1)
                         for k in range(i2 - i1))
        else:
            edits.append(_edit(spun_text, ref_text, a, b, i1, i2, j1, j2))
    return edits


__all__ = ["align_words"]
