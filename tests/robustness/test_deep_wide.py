"""Deep and wide structures: a chain of 100 000 holdings and an entity with
100 000 direct holders are analysed without RecursionError.

No wall-clock assertions: the tests assert exact results, and they finish in
seconds only because every step is linear (the scaling itself is measured by
``benchmarks/scaling.py`` and, for control, ``benchmarks/control_scaling.py``).
On the chain every layer controls every layer below it: the control analysis
(in ``check`` and ``controllers``) keeps only each layer's nearest controller.

The stakes keep the exact fractions small on purpose: along the chain every link
is 100%, so each product stays 1 (a chain of 1/2 links would carry 2^-100000, a
100 000-bit denominator, and measure big-number arithmetic instead of the
algorithm); the wide holders all hold 1/N, so every sum has the denominator N.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import jvmodel as jvm

N = 100_000
ONE = Fraction(1)


@pytest.fixture(scope="module")
def chain() -> jvm.OwnershipGraph:
    """t ← c0 ← c1 ← … ← c(N-1): c0 holds 50% of t, each c(i) 100% of c(i-1).

    Only the top of the chain is foreign (GB); the N-1 layers between are
    Chinese, so the foreign half is seen only by walking all of them.  A Beijing
    partner holds the other 50% of t.
    """
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN-BJ", sectors=["vpn"])
    g.add_entity("partner", jurisdiction="CN-BJ")
    for i in range(N - 1):
        g.add_entity(f"c{i}", jurisdiction="CN")
    g.add_entity(f"c{N - 1}", jurisdiction="GB")
    g.add_holding("partner", "t", Fraction(1, 2))
    g.add_holding("c0", "t", Fraction(1, 2))
    for i in range(1, N):
        g.add_holding(f"c{i}", f"c{i - 1}", ONE)
    return g


@pytest.fixture(scope="module")
def wide() -> jvm.OwnershipGraph:
    """t held by h0 … h(N-1), 1/N each (so exactly 100%); the odd-numbered are US."""
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN-BJ", sectors=["vpn"])
    stake = Fraction(1, N)
    for i in range(N):
        g.add_entity(f"h{i}", jurisdiction="US" if i % 2 else "CN")
        g.add_holding(f"h{i}", "t", stake)
    return g


def test_chain_has_every_layer(chain: jvm.OwnershipGraph) -> None:
    assert len(chain) == N + 2
    assert sum(1 for _ in chain.holdings()) == N + 1


def test_chain_effective_ownership(chain: jvm.OwnershipGraph) -> None:
    # c(N-1): 100% × … × 100% (N-1 links) × 50% = 1/2; the partner 1/2 directly.
    assert jvm.effective_ownership(chain, "t") == {
        f"c{N - 1}": Fraction(1, 2),
        "partner": Fraction(1, 2),
    }


def test_chain_foreign_share(chain: jvm.OwnershipGraph) -> None:
    # Only c(N-1) is foreign: 1/2.  No undisclosed part anywhere.
    assert jvm.foreign_share(chain, "t", host="CN") == Fraction(1, 2)


def test_chain_check(chain: jvm.OwnershipGraph) -> None:
    # 1/2 against "at most 50%" (Guo Han [2020] No. 123): exactly at the cap, compliant.
    # The check also looks for t's controllers through the whole chain: there are none
    # (see test_chain_controllers), so none is foreign.
    result = jvm.check(chain, "t", regime="cn-beijing-2020")
    assert result.status == "compliant"
    assert result.foreign_share == Fraction(1, 2)
    assert result.headroom == 0
    assert result.contributions == {f"c{N - 1}": Fraction(1, 2)}
    assert result.foreign_controllers == ()


def test_chain_controllers(chain: jvm.OwnershipGraph) -> None:
    # Each c(i) holds 100% of c(i-1), a majority: c(i) controls c(i-1) and, by
    # transitivity, everything below it.  So c0 is controlled by c1 (nearest), c2, ...,
    # c(N-1) (ultimate), one level each, every step by 100% of the votes.
    below = jvm.controllers(chain, "c0")
    assert below.levels == tuple((f"c{i}",) for i in range(1, N))
    assert (below.kind, below.ultimate) == ("single", f"c{N - 1}")
    assert {(s.basis, s.votes) for s in below.steps} == {("votes", ONE)}
    assert [s.controlled for s in below.steps] == [f"c{i}" for i in range(N - 1)]
    # t: c0 holds 1/2 of it, and so does every c(i) with what it controls (c0 among
    # them): exactly 1/2, not more than half; the partner holds the other 1/2, and no
    # one controls both.  Joint control: t has no controller, so no ultimate controller,
    # although c(N-1) controls the whole chain down to c0.
    assert jvm.ultimate_controller(chain, "t") is None


def test_chain_refused_change_is_cheap_and_changes_nothing(chain: jvm.OwnershipGraph) -> None:
    # c(N-2) is wholly owned by c(N-1): one more percent is refused.
    version = chain.version
    with pytest.raises(jvm.OverallocatedError, match="add up to 101%"):
        chain.add_holding("partner", f"c{N - 2}", "1%")
    assert chain.version == version


def test_wide_effective_ownership(wide: jvm.OwnershipGraph) -> None:
    owners = jvm.effective_ownership(wide, "t")
    # Every holder 1/N; they add up to exactly 1, so nothing is undisclosed.
    assert len(owners) == N
    assert set(owners.values()) == {Fraction(1, N)}
    assert jvm.UNDISCLOSED not in owners


def test_wide_foreign_share(wide: jvm.OwnershipGraph) -> None:
    # N/2 US holders × 1/N = 1/2.
    assert jvm.foreign_share(wide, "t", host="CN") == Fraction(1, 2)


def test_wide_check(wide: jvm.OwnershipGraph) -> None:
    result = jvm.check(wide, "t", regime="cn-beijing-2020")
    assert result.status == "compliant"  # 1/2 ≤ 50%
    assert result.foreign_share == Fraction(1, 2)
    assert len(result.contributions) == N // 2
    assert sum(result.contributions.values()) == Fraction(1, 2)


def test_wide_is_full(wide: jvm.OwnershipGraph) -> None:
    # N × 1/N = 100%: any further stake is refused, the ledger agreeing with the sum.
    wide.add_entity("late", jurisdiction="US")
    version = wide.version
    with pytest.raises(jvm.OverallocatedError, match=r"and 99991 more"):
        wide.add_holding("late", "t", Fraction(1, 10**6))
    assert wide.version == version
