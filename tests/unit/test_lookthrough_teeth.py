"""attribute() under user-defined non-linear methods, pinned whole: what a status
transform is shown of each entity (the target flag, the undisclosed part), the
target named in the result, and the refusal of a method that never settles on a
cycle (its message and fields)."""

from __future__ import annotations

from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel.analysis.methods import Context, Method

F = Fraction


class _Probe(Method):
    """Status = raw share (the default), reasons showing what the context holds."""

    name = "probe"
    linear = False

    def reason(self, context: Context, value: Fraction) -> str:
        return f"target={context.target} undisclosed={context.undisclosed} value={value}"


class _Flip(Method):
    """Not monotone: an intermediate counts foreign exactly when its raw share is 0."""

    name = "flip"
    linear = False

    def status(self, context: Context) -> Fraction:
        if context.ultimate:
            return context.raw
        return F(1) if context.raw == 0 else F(0)


def test_a_status_transform_sees_the_target_flag_and_the_undisclosed_part() -> None:
    # T (CN): F (US) 60%, 40% undisclosed counted domestic.  F is an ultimate
    # owner: raw 1 (US), undisclosed 0, not the target.  T: raw 3/5 · 1 + 2/5 · 0
    # = 3/5, status 3/5 (the default status is the raw share), undisclosed 2/5.
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN")
    g.add_entity("f", jurisdiction="US")
    g.add_holding("f", "t", "60%")
    probe = _Probe()
    a = jvm.attribute(g, "t", host="CN", method=probe, undisclosed="domestic")
    assert a == jvm.Attribution(
        target="t",
        method=probe,
        measure="equity",
        share=F(3, 5),
        upper=F(3, 5),
        status=F(3, 5),
        values={"t": F(3, 5), "f": F(1)},
        raw={"t": F(3, 5), "f": F(1)},
        reasons={
            "t": "target=True undisclosed=2/5 value=3/5",
            "f": "target=False undisclosed=0 value=1",
        },
        ambiguous=(),
    )
    assert a.target == "t"


def test_an_intermediate_is_not_the_target() -> None:
    # T (CN) held 100% by H (CN), H 100% by F (US): H is an intermediate, raw 1,
    # undisclosed 0, not the target; T raw 1 · 1 = 1.
    g = jvm.OwnershipGraph()
    for entity_id, country in [("t", "CN"), ("h", "CN"), ("f", "US")]:
        g.add_entity(entity_id, jurisdiction=country)
    g.add_holding("h", "t", "100%")
    g.add_holding("f", "h", "100%")
    a = jvm.attribute(g, "t", host="CN", method=_Probe())
    assert (a.target, a.share) == ("t", F(1))
    assert a.reasons == {
        "t": "target=True undisclosed=0 value=1",
        "h": "target=False undisclosed=0 value=1",
        "f": "target=False undisclosed=0 value=1",
    }


def test_a_method_that_never_settles_on_a_cycle_is_refused_with_the_round_count() -> None:
    # T (CN) held 100% by A; A and B (CN) each held 50% by the other and 50% by
    # D (CN, domestic, value 0).  From every member domestic: A's raw is
    # 1/2 · φ(B) = 0, so φ = 1; then 1/2 · 1 = 1/2, so φ = 0; and so on, a
    # period of 2 that never reaches a fixed point.  The cycle has 2 members:
    # the engine gives up after 2 · (2 + 1)² + 8 = 26 rounds.
    g = jvm.OwnershipGraph()
    for entity_id in ("t", "a", "b", "d"):
        g.add_entity(entity_id, jurisdiction="CN")
    g.add_holding("a", "t", "100%")
    g.add_holding("b", "a", "50%")
    g.add_holding("d", "a", "50%")
    g.add_holding("a", "b", "50%")
    g.add_holding("d", "b", "50%")
    with pytest.raises(jvm.UnsupportedAnalysisError) as caught:
        jvm.attribute(g, "t", host="CN", method=_Flip())
    assert str(caught.value) == (
        "method 'flip' reaches no fixed point on the cycle 'a', 'b' within 26 rounds; a "
        "method used on cross-holdings must be monotone and take finitely many values"
    )
    assert caught.value.fields == {"reason": "no fixed point", "entities": ("a", "b")}
