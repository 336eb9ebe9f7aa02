"""The family of synthetic spinner tables: roles, shapes, and tables cut the same way every time."""
import pytest

from spinfix.text.thesaurus import default_thesaurus
from spinfix.training.spinner_tables import SHAPES, build_table, shape, shapes


def test_every_role_has_its_shapes_and_names_are_unique():
    assert [len(shapes(role)) for role in ("fit", "tune", "test")] == [4, 2, 2]
    assert len({s.name for s in SHAPES}) == len(SHAPES) and shape("common-best2").role == "tune"
    with pytest.raises(KeyError, match="known: third-best2"):
        shape("nonesuch")


@pytest.mark.parametrize("spec", SHAPES, ids=lambda s: s.name)
def test_a_table_is_cut_from_the_thesaurus_as_its_shape_says(spec):
    table = build_table(spec)
    thesaurus = default_thesaurus().synonyms
    heads = [h for h in thesaurus if spec.phrases or " " not in h]
    assert 0.5 * spec.head_share * len(heads) < len(table.synonyms) <= 1.05 * spec.head_share * len(heads)
    for head, options in list(table.synonyms.items())[:2000]:
        assert 0 < len(options) <= spec.alternatives and set(options) <= set(thesaurus[head])
        if not spec.phrases:
            assert " " not in head and not any(" " in o for o in options)
        if spec.pick == "best" and spec.phrases is True:
            assert options == thesaurus[head][:len(options)]
        if spec.phrases == "prefer":
            assert options == sorted(options, key=lambda s: " " not in s)
    assert build_table(spec) is table  # cached


def test_a_table_is_the_same_on_every_build():
    spec = shapes("test")[0]
    first = dict(build_table(spec).synonyms)
    build_table.cache_clear()
    assert dict(build_table(spec).synonyms) == first
