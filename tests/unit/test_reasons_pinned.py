"""Reason texts pinned whole: method reasons, control steps, share hints."""

from __future__ import annotations

from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel.analysis.control import ControlStep
from jvmodel.analysis.methods import LargestHolder, Threshold

from .test_fast import graph

F = Fraction


def test_threshold_reasons_for_every_entity() -> None:
    # F1, F2, F3 (US) hold 20% each of H (IN), C (IN) 40%; H holds 40% of T, C 60%.
    # Threshold 2/3 with control: H's foreign share 60% < 2/3, but holders counted
    # foreign have 60% > 1/2 of its votes, so H is foreign; T's share 40% × 1 = 2/5
    # < 2/3, and T is not foreign-controlled (H has 40% of its votes, C 60%).
    g = graph(
        {"f1": "US", "f2": "US", "f3": "US", "c": "IN", "h": "IN", "t": "IN"},
        [
            ("f1", "h", "20%"),
            ("f2", "h", "20%"),
            ("f3", "h", "20%"),
            ("c", "h", "40%"),
            ("h", "t", "40%"),
            ("c", "t", "60%"),
        ],
    )
    a = jvm.attribute(g, "t", host="IN", method=Threshold(F(2, 3), control=True))
    assert a.share == F(2, 5)
    ultimate = "ultimate owner, by its jurisdiction"
    assert dict(a.reasons) == {
        "t": "foreign share 40% < 2/3 and not foreign-controlled",
        "h": "holders counted foreign have more than half of its votes",
        "c": ultimate,
        "f1": ultimate,
        "f2": ultimate,
        "f3": ultimate,
    }


def test_largest_holder_reasons_name_the_largest_holders() -> None:
    # K1: F (US) 60%, P 40%: the largest holder F is foreign with 60% ≥ 15%, K1 foreign.
    # K2: F 10% and Q 10% tie as largest (80% undisclosed): a foreign one among them, but
    # 10% < 15%: domestic.  K3: P 70%, F 30%: largest P is domestic.  The carrier: K1
    # 30%, K2 20%, K3 10%, KR 40%; its largest holder KR is domestic; its foreign
    # share is K1's 30% (above the 1% exemption) = 3/10.
    g = graph(
        {"f": "US", "p": "KR", "q": "KR", "k1": "KR", "k2": "KR", "k3": "KR"}
        | {"carrier": "KR", "kr": "KR"},
        [
            ("f", "k1", "60%"),
            ("p", "k1", "40%"),
            ("f", "k2", "10%"),
            ("q", "k2", "10%"),
            ("f", "k3", "30%"),
            ("p", "k3", "70%"),
            ("k1", "carrier", "30%"),
            ("k2", "carrier", "20%"),
            ("k3", "carrier", "10%"),
            ("kr", "carrier", "40%"),
        ],
    )
    a = jvm.attribute(g, "carrier", host="KR", method=LargestHolder(), measure="voting")
    assert a.share == F(3, 10)
    ultimate = "ultimate owner, by its jurisdiction"
    assert dict(a.reasons) == {
        "carrier": "largest holder 'kr' (40%) counts domestic",
        "k1": "largest holder 'f' counts foreign and holds 60% ≥ 15%",
        "k2": "largest holder 'f', 'q' counts foreign but holds only 10% < 15%",
        "k3": "largest holder 'p' (70%) counts domestic",
        "kr": ultimate,
        "f": ultimate,
        "p": ultimate,
        "q": ultimate,
    }


def test_a_controller_of_every_link_holder_controls_by_control_link() -> None:
    # X has a contract over T and Y a voting agreement: two links, neither alone
    # controls T.  P holds 60% of X and of Y, so it controls both: P controls T, by
    # the links of entities it controls (none of them its own).
    g = graph({"p": "US", "x": "CN", "y": "CN", "t": "CN"}, [("p", "x", "60%"), ("p", "y", "60%")])
    g.add_control("x", "t", basis="contract")
    g.add_control("y", "t", basis="voting_agreement")
    chain = jvm.controllers(g, "t")
    assert chain.steps == (ControlStep(controller=("p",), controlled="t", basis="control link"),)
    assert chain.describe() == "'t' is controlled by 'p' (control link)"


def test_a_voting_agreement_is_described_in_words() -> None:
    # Y's voting agreement over T is its only control: the basis reads without "_".
    g = graph({"y": "CN", "t": "CN"}, [])
    g.add_control("y", "t", basis="voting_agreement")
    chain = jvm.controllers(g, "t")
    assert [step.describe() for step in chain.steps] == ["'y' (voting agreement)"]
    assert chain.describe() == "'t' is controlled by 'y' (voting agreement)"


def test_a_step_shows_votes_only_for_a_votes_basis_that_has_them() -> None:
    # votes=1/2 beside a link basis is not shown; a votes basis without votes shows
    # the basis alone.
    step = ControlStep(controller=("a", "b"), controlled="t", basis="board", votes=F(1, 2))
    assert step.describe() == "'a' and 'b' (board)"
    assert ControlStep(controller=("a",), controlled="t", basis="votes").describe() == (
        "'a' (votes)"
    )
    step = ControlStep(controller=("a",), controlled="t", basis="votes", votes=F(3, 5))
    assert step.describe() == "'a' (60% of the votes)"


@pytest.mark.parametrize(
    ("value", "hint"),
    [(100, "'100%'"), (99, "'99%'"), (101, "'50%'"), (-3, "'50%'")],
)
def test_an_integer_share_suggests_its_percentage_up_to_100(value: int, hint: str) -> None:
    # 2..100 read as percentages (100 → '100%'); above 100 or negative, '50%' is shown.
    with pytest.raises(jvm.InvalidShareError) as caught:
        jvm.parse_share(value)
    assert str(caught.value) == (
        f"share {value} is an integer other than 0 or 1; write a percentage such as {hint} "
        "or a fraction such as '1/2'"
    )
