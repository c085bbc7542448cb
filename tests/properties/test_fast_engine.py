"""The fast engine agrees with the exact one (DESIGN.md section 6: exact and fast engines agree).

For every entity of a generated graph: where the exact engine raises (a closed
loop upstream, a ranged stake, nothing known under ``exclude``), the fast
engine marks the entity unresolved; elsewhere the two figures differ by at
most 1e-12, the fast engine's exact evaluation (``ForeignShares.exact``) is
equal to the exact engine's, and ``check_all`` reaches the same verdict as
``check``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import jvmodel as jvm
import jvmodel.strategies as jst
from jvmodel.analysis import fast
from jvmodel.analysis.lookthrough import foreign_share
from jvmodel.analysis.methods import Method
from tests.properties._graphs import rebuild

# -- graphs --------------------------------------------------------------------------

REGIME = jvm.regimes.get("cn-beijing-2020")
# Cross-holdings (closed loops too), treasury shares, voting that differs from
# equity, earlier periods of a holding, unknown jurisdictions, control links, and
# targets in the capped sector "vpn": all that the engines read.
_OPTIONS: dict[str, Any] = {
    "max_entities": 8,
    "allow_cycles": True,
    "allow_closed_loops": True,
    "allow_control_links": True,
    "allow_treasury": True,
    "allow_dates": True,
    "allow_unknown_jurisdictions": True,
    "sectors": ["vpn"],
}
# Ranged stakes in half the graphs only: a target with a range upstream has an
# interval, which the fast engine leaves unresolved, so the figures are compared
# on the other half.
GRAPHS = st.one_of(
    jst.ownership_graphs(**_OPTIONS), jst.ownership_graphs(**_OPTIONS, allow_ranges=True)
)
_LISTED = st.sampled_from(sorted(REGIME.foreign))
_MOVES = st.integers(0, 5).map(lambda n: n == 5)  # one in six, shrinking to none
_EDITS = st.sampled_from(["keep", "keep", "keep", "equity", "voting", "both"])


@st.composite
def ownership_graphs(draw: st.DrawFn) -> jvm.OwnershipGraph:
    """A graph of ``GRAPHS`` with some stakes set to zero and some owners in HK, MO, TW."""
    # jst draws neither zero stakes nor the regime's listed places: added here, kept valid.
    g = draw(GRAPHS)
    entities = [
        attrs.evolve(e, jurisdiction=draw(_LISTED)) if draw(_MOVES) else e for e in g.entities()
    ]
    holdings = []
    for h in g.holdings():
        edit = draw(_EDITS)
        if edit == "keep":
            holdings.append(h)
        elif h.is_treasury:
            holdings.append(attrs.evolve(h, equity=Fraction(0), voting=Fraction(0)))
        else:
            # A lower stake keeps every entity's total within 100% on every day.
            equity = Fraction(0) if edit in ("equity", "both") else h.equity
            voting = Fraction(0) if edit in ("voting", "both") else h.voting
            holdings.append(attrs.evolve(h, equity=equity, voting=voting))
    return rebuild(entities, holdings, g.controls())


class LocalMultiplier(Method):
    """The multiplier for the exact engine, until the regimes work adds it."""

    name = "multiplier"

    def link(self, stake: Fraction) -> Fraction:
        return Fraction(1) if stake > Fraction(1, 2) else stake


def outcome(function: Any, *args: Any, **kwargs: Any) -> Any:
    """The result of a call, or the jvmodel error it raised."""
    try:
        return function(*args, **kwargs)
    except jvm.JVModelError as error:
        return error


def assert_engines_agree(
    g: jvm.OwnershipGraph,
    *,
    method: str = "proportional",
    measure: str = "equity",
    undisclosed: str = "foreign",
    targets: Any = None,
) -> None:
    shares = fast.foreign_shares(
        g,
        host="CN",
        method=method,
        measure=measure,  # type: ignore[arg-type]
        undisclosed=undisclosed,  # type: ignore[arg-type]
        foreign=REGIME.foreign,
    )
    unresolved = shares.unresolved
    exact_method: Any = LocalMultiplier() if method == "multiplier" else method
    chosen = list(targets if targets is not None else g)
    exact_figures = shares.exact(chosen)
    for target in chosen:
        if method == "multiplier" and target in unresolved and "diverges" in unresolved[target]:
            continue  # the exact engine has no convergence test yet: nothing to compare
        expected = outcome(
            foreign_share,
            g,
            target,
            host="CN",
            method=exact_method,
            measure=measure,
            undisclosed=undisclosed,
            foreign=REGIME.foreign,
        )
        if isinstance(expected, jvm.JVModelError | jvm.Interval):
            # What the exact engine refuses, or can only bound (ranged stakes give an
            # interval), the float engine marks unresolved rather than guess.
            if isinstance(expected, jvm.JVModelError):
                assert isinstance(
                    expected, jvm.CircularOwnershipError | jvm.UnsupportedAnalysisError
                )
            assert target in unresolved, (target, str(expected))
            assert math.isnan(shares[target])
            continue
        assert target not in unresolved, (target, unresolved.get(target))
        assert abs(shares[target] - float(expected)) <= 1e-12, (target, expected, shares[target])
        # The exact evaluation over the array form is the exact engine's figure.
        assert exact_figures[target] == expected


@given(ownership_graphs(), st.sampled_from(["foreign", "domestic", "exclude"]))
def test_proportional_agrees_with_exact(g: jvm.OwnershipGraph, undisclosed: str) -> None:
    assert_engines_agree(g, undisclosed=undisclosed)


@given(ownership_graphs(), st.sampled_from(["foreign", "domestic", "exclude"]))
def test_voting_agrees_with_exact(g: jvm.OwnershipGraph, undisclosed: str) -> None:
    assert_engines_agree(g, measure="voting", undisclosed=undisclosed)


@given(ownership_graphs(), st.sampled_from(["foreign", "domestic", "exclude"]))
def test_multiplier_agrees_with_exact(g: jvm.OwnershipGraph, undisclosed: str) -> None:
    assert_engines_agree(g, method="multiplier", undisclosed=undisclosed)


@given(ownership_graphs())
def test_check_all_verdicts_are_those_of_check(g: jvm.OwnershipGraph) -> None:
    report = jvm.check_all(g, regime=REGIME)
    capped = [e.id for e in g.entities() if "vpn" in e.sectors]
    assert [row.target for row in report] == capped
    for row in report:
        expected = outcome(jvm.check, g, row.target, regime=REGIME, sector="vpn")
        if isinstance(expected, jvm.JVModelError):
            assert row.status == "unresolved"
            assert row.reason == expected.message
            continue
        assert row.status == expected.status
        if row.exact:
            assert row.foreign_share == expected.foreign_share
        else:
            # Decided in floats only when far from the cap.
            assert isinstance(row.foreign_share, float)
            assert abs(row.foreign_share - 0.5) > jvm.compliance.report.MARGIN
            assert abs(row.foreign_share - float(expected.foreign_share)) <= 1e-12


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engines_agree_on_synthetic_registers(seed: int) -> None:
    g = jvm.synthetic.registry(
        400, seed=seed, cross_holding_fraction=0.05, ranges_fraction=0.02, foreign_fraction=0.2
    )
    for undisclosed in ("foreign", "domestic", "exclude"):
        assert_engines_agree(g, undisclosed=undisclosed)
    assert_engines_agree(g, method="multiplier")


def test_check_all_agrees_with_check_on_a_synthetic_register() -> None:
    g = jvm.synthetic.registry(1500, seed=4, cross_holding_fraction=0.03)
    report = jvm.check_all(g, regime=REGIME)
    assert len(report) >= 30  # about 2% of entities are joint ventures in capped sectors
    for row in report:
        expected = jvm.check(g, row.target, regime=REGIME, sector=row.sector)
        assert row.status == expected.status
        if expected.contributions and not row.exact:
            # The top contributor is the exact engine's first (largest, ties by id).
            top, share = next(iter(expected.contributions.items()))
            assert row.top_contributor == top
            assert row.top_contribution == pytest.approx(float(share), abs=1e-12)
