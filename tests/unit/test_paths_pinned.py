"""foreign_paths pinned whole: dated structures, owners of unknown jurisdiction,
the default cut, and a method of one's own that reads the holder and the owned entity."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import jvmodel as jvm
from jvmodel.analysis.methods import Link, Method
from jvmodel.analysis.paths import Path, foreign_paths


def test_paths_follow_the_structure_on_the_day_asked() -> None:
    # F (US) held 30% until 2020-12-31 and 50% from 2021-01-01; D (CN) the rest.
    # On 2020-06-01 the one foreign path is F's 30%.
    g = jvm.OwnershipGraph()
    for entity_id, country in [("jv", "CN"), ("f", "US"), ("d", "CN")]:
        g.add_entity(entity_id, jurisdiction=country)
    g.add_holding("f", "jv", "30%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("d", "jv", "70%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("f", "jv", "50%", valid_from=dt.date(2021, 1, 1))
    g.add_holding("d", "jv", "50%", valid_from=dt.date(2021, 1, 1))
    paths, cut = foreign_paths(g, "jv", host="CN", as_of=dt.date(2020, 6, 1))
    assert (paths, cut) == ([Path(owner="f", entities=("f", "jv"), product=Fraction(3, 10))], False)


def test_an_owner_of_unknown_jurisdiction_counts_as_undisclosed() -> None:
    # F (US) 30%, U (no jurisdiction) 20%, D (CN) 50%.  Under undisclosed="foreign"
    # U's 1/5 counts foreign, reported as undisclosed along U's own path.
    g = jvm.OwnershipGraph()
    for entity_id, country in [("jv", "CN"), ("f", "US"), ("u", None), ("d", "CN")]:
        g.add_entity(entity_id, jurisdiction=country)
    g.add_holding("f", "jv", "30%")
    g.add_holding("u", "jv", "20%")
    g.add_holding("d", "jv", "50%")
    paths, cut = foreign_paths(g, "jv", host="CN")
    assert (paths, cut) == (
        [
            Path(owner="f", entities=("f", "jv"), product=Fraction(3, 10)),
            Path(owner=jvm.UNDISCLOSED, entities=("u", "jv"), product=Fraction(1, 5)),
        ],
        False,
    )


def test_the_default_cut_is_a_thousand_paths() -> None:
    # 1001 foreign holders of 1/1001 each: one path each, so the default list
    # stops at 1000 and says it was cut.
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN")
    for i in range(1001):
        g.add_entity(f"f{i}", jurisdiction="US")
        g.add_holding(f"f{i}", "jv", Fraction(1, 1001))
    paths, cut = foreign_paths(g, "jv", host="CN")
    assert (len(paths), cut) == (1000, True)
    assert {p.product for p in paths} == {Fraction(1, 1001)}


class _Exempt(Method):
    """A non-linear method that exempts F2's holding in the JV, by name."""

    name = "exempt-f2"
    linear = False

    def carry(self, link: Link) -> Fraction:
        if (link.holder.id, link.owned.id) == ("f2", "jv"):
            return Fraction(0)
        return link.stake * link.holder.value


def test_a_method_reading_holder_and_owned_entity_traces_its_own_paths() -> None:
    # F (US) 30%, F2 (US) 20% (exempt by the method), D (CN) 50%: foreign 3/10,
    # one path.
    g = jvm.OwnershipGraph()
    for entity_id, country in [("jv", "CN"), ("f", "US"), ("f2", "US"), ("d", "CN")]:
        g.add_entity(entity_id, jurisdiction=country)
    g.add_holding("f", "jv", "30%")
    g.add_holding("f2", "jv", "20%")
    g.add_holding("d", "jv", "50%")
    assert jvm.foreign_share(g, "jv", host="CN", method=_Exempt()) == Fraction(3, 10)
    paths, cut = foreign_paths(g, "jv", host="CN", method=_Exempt())
    assert (paths, cut) == ([Path(owner="f", entities=("f", "jv"), product=Fraction(3, 10))], False)
