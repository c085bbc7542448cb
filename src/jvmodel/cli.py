"""The ``jvmodel`` command.

Exit status of ``check``: 0 compliant, 1 breach, 3 indeterminate, 2 bad input or
usage.  Bad input (or a file that cannot be read) never prints a traceback, only
one line on standard error naming the file, the record and the field;
``--debug`` (before or after the command) prints the traceback above that line.
The exit status is 2 either way.
``check --all`` exits 1 if any row is in breach, else 3 if any is indeterminate
or cannot be computed (unresolved), else 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import textwrap
import traceback
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, NoReturn, TextIO

from jvmodel import __version__, examples, regimes
from jvmodel._numeric import Interval, format_percent
from jvmodel.analysis.lookthrough import UNDISCLOSED, effective_ownership
from jvmodel.analysis.methods import get_method
from jvmodel.compliance.check import CapCheck, check
from jvmodel.compliance.explain import explain
from jvmodel.compliance.report import Report, check_all
from jvmodel.errors import JVModelError
from jvmodel.graph import OwnershipGraph
from jvmodel.io.native import load

__all__ = ["main"]

EXIT_STATUS = {"compliant": 0, "breach": 1, "indeterminate": 3}
EXIT_USAGE = 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message}")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jvmodel",
        description="Exact look-through of foreign ownership, checked against sector caps.",
    )
    parser.add_argument("--version", action="version", version=f"jvmodel {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    # So that `jvmodel check FILE ... --debug` works too.
    debug = _Parser(add_help=False)
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def with_target(name: str, helptext: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=helptext, description=helptext, parents=[debug])
        sub.add_argument("file", metavar="FILE", help="a native .toml or .json structure")
        if name == "check":
            which = sub.add_mutually_exclusive_group(required=True)
            which.add_argument("--target", metavar="ID", help="the entity to check")
            which.add_argument(
                "--all",
                action="store_true",
                help="check every entity with a sector the regime caps (exit 1 on any breach)",
            )
        else:
            sub.add_argument("--target", required=True, metavar="ID", help="the entity")
        sub.add_argument("--regime", required=True, metavar="NAME", help="see `jvmodel regimes`")
        sub.add_argument("--sector", metavar="S", help="the capped sector (default: the target's)")
        sub.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="date of the structure")
        sub.add_argument(
            "--undisclosed",
            choices=("foreign", "domestic", "exclude"),
            help="how to count undisclosed ownership (default: the regime's)",
        )
        sub.add_argument("--format", choices=("text", "json"), default="text")
        return sub

    with_target("check", "check an entity's foreign share against its sector cap")
    with_target("explain", "show who contributes to an entity's foreign share")
    commands.add_parser("regimes", help="list the bundled regimes and their caps", parents=[debug])
    demo = commands.add_parser(
        "demo", help="run the bundled Beijing VPN JV example end to end", parents=[debug]
    )
    demo.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def _ends(figure: Interval, show: Any) -> str:
    if figure.is_point:
        return str(show(figure.lower))
    left = "[" if figure.lower_closed else "("
    right = "]" if figure.upper_closed else ")"
    return f"{left}{show(figure.lower)}, {show(figure.upper)}{right}"


def _pct(share: Fraction | Interval) -> str:
    if isinstance(share, Interval):
        return _ends(share, format_percent)
    return format_percent(share)


def _signed(share: Fraction | Interval) -> str:
    if isinstance(share, Interval):
        return _ends(share, _signed)
    return ("-" if share < 0 else "+" if share > 0 else "") + _pct(abs(share))


def _exact_text(share: Fraction | Interval) -> str:
    """Exact text of a figure: ``103/200``, or ``(1/4, 1/2]`` for an interval."""
    return _ends(share, str) if isinstance(share, Interval) else str(share)


def _write_check(result: CapCheck, g: OwnershipGraph, out: TextIO) -> None:
    entity = g.entity(result.target)
    rule = result.cap_rule
    verdict = {"compliant": "COMPLIANT", "breach": "BREACH", "indeterminate": "INDETERMINATE"}
    when = result.as_of.isoformat() if result.as_of else "today's structure (no end date)"
    share = result.foreign_share
    rows = [
        ("entity", f"{entity.id} ({entity.name}, {entity.jurisdiction or 'jurisdiction unknown'})"),
        ("regime", result.regime),
        ("sector", result.sector + (f" ({rule.title})" if rule.title else "")),
        ("as of", when),
        (
            "foreign",
            f"{_pct(share)}  (exact {_exact_text(share)}, {result.measure}, {result.method})",
        ),
        ("cap", rule.describe() + (" [benchmark]" if rule.kind == "benchmark" else "")),
    ]
    if result.headroom is not None:
        rows.append(("headroom", _signed(result.headroom)))
    rows.append(("verdict", verdict[result.status]))
    for label, value in rows:
        out.write(f"{label:<10}{value}\n")
    if result.contributions:
        out.write("\nforeign share by ultimate owner:\n")
        for owner, part in result.contributions.items():
            name = (
                "undisclosed or of unknown jurisdiction"
                if owner == UNDISCLOSED
                else (f"{g.entity(owner).name}, {g.entity(owner).jurisdiction}")
            )
            out.write(f"  {_pct(part):>8}  {owner}  ({name})\n")
    for finding in result.findings:
        out.write(f"\nfinding: {finding}\n")
    if result.rules:
        out.write("\nevery cap in force on the sector:\n")
        for other in result.rules:
            whose = "" if other.subject in ("", other.target) else f" of {other.subject}"
            out.write(
                f"  {other.status:<13} {_pct(other.foreign_share):>8}{whose} vs "
                f"{other.cap_rule.details()}\n"
            )
    source = textwrap.fill(rule.source, width=88, initial_indent="  ", subsequent_indent="  ")
    out.write(f"\nsource of the cap:\n{source}\n")


def _write_report(report: Report, out: TextIO) -> None:
    when = report.as_of.isoformat() if report.as_of else "today's structure (no end date)"
    out.write(f"regime    {report.regime}\nas of     {when}\n\n")
    header = ("status", "entity", "sector", "foreign", "cap", "headroom", "top contributor")
    lines = [header]
    for row in report:
        top = "" if row.top_contributor is None else str(row.top_contributor)
        if row.top_contribution is not None:
            top += f" ({_figure(row.top_contribution)})"
        lines.append(
            (
                row.status.upper() + ("" if row.exact else "~"),
                row.target,
                row.sector,
                _figure(row.foreign_share),
                "uncapped" if row.cap_rule is None else row.cap_rule.describe(),
                "" if row.headroom is None else _figure(row.headroom, signed=True),
                top if row.reason is None else row.reason,
            )
        )
    widths = [max(len(line[k]) for line in lines) for k in range(len(header) - 1)]
    for line in lines:
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
        out.write("  ".join([*cells, line[-1]]).rstrip() + "\n")
    counts = ", ".join(f"{n} {status}" for status, n in report.counts.items() if n)
    rows = f"{len(report)} row{'' if len(report) == 1 else 's'}"
    out.write(f"\n{rows}: {counts or 'none'}\n")
    if any(not row.exact for row in report):
        out.write(
            "~ figures from the fast float engine, far enough from the cap for the verdict "
            "to be certain; the others are exact\n"
        )


def _figure(value: object, *, signed: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, Interval):
        return f"{_pct(value.lower)} to {_pct(value.upper)}"
    # A float from the fast engine shows to 12 significant digits: it is not exact.
    share = value if isinstance(value, Fraction) else Fraction(f"{value:.12g}")
    return _signed(share) if signed else _pct(share)


def _run_check_all(args: argparse.Namespace, out: TextIO) -> int:
    if args.sector is not None:
        raise _UsageError("jvmodel check: --sector applies to --target, not --all")
    g = load(args.file)
    report = check_all(g, regime=args.regime, as_of=args.as_of, undisclosed=args.undisclosed)
    if args.format == "json":
        json.dump(report.to_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        _write_report(report, out)
    counts = report.counts
    if counts["breach"]:
        return EXIT_STATUS["breach"]
    if counts["indeterminate"] or counts["unresolved"]:
        return EXIT_STATUS["indeterminate"]
    return EXIT_STATUS["compliant"]


def _load_and_check(args: argparse.Namespace) -> tuple[OwnershipGraph, CapCheck]:
    g = load(args.file)
    result = check(
        g,
        args.target,
        regime=args.regime,
        sector=args.sector,
        as_of=args.as_of,
        undisclosed=args.undisclosed,
    )
    return g, result


def _run_check(args: argparse.Namespace, out: TextIO) -> int:
    if args.all:
        return _run_check_all(args, out)
    g, result = _load_and_check(args)
    if args.format == "json":
        json.dump(result.to_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        _write_check(result, g, out)
    return EXIT_STATUS[result.status]


def _run_explain(args: argparse.Namespace, out: TextIO) -> int:
    g = load(args.file)
    explained = explain(
        g,
        args.target,
        regime=args.regime,
        sector=args.sector,
        as_of=args.as_of,
        undisclosed=args.undisclosed,
    )
    result = explained.check
    owners = effective_ownership(g, args.target, measure=result.measure, as_of=args.as_of)  # type: ignore[arg-type]
    if args.format == "json":
        payload = explained.to_dict()
        payload["ultimate_owners"] = {
            owner: {"exact": _exact_text(share), "percent": _pct(share)}
            for owner, share in owners.items()
        }
        json.dump(payload, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return EXIT_STATUS[result.status]
    _write_check(result, g, out)
    if explained.paths:
        out.write("\nforeign share by path (largest first):\n")
        for path in explained.paths:
            through = "".join(
                f"  [through the cross-holding {', '.join(cycle)}]" for cycle in path.cycles
            )
            out.write(f"  {_pct(path.product):>8}  {path.describe()}{through}\n")
        if explained.truncated:
            out.write("  … more paths left out\n")
    for entity_id, reason in explained.counted_foreign.items():
        out.write(f"\n{entity_id} counts wholly foreign: {reason}\n")
    out.write(f"\nall ultimate owners ({result.measure}, look-through):\n")
    for owner, share in owners.items():
        if owner == UNDISCLOSED:
            label, where = "(undisclosed)", ""
        else:
            label, where = owner, g.entity(owner).jurisdiction or "?"
        tag = "foreign" if owner in result.contributions else ""
        out.write(f"  {_pct(share):>8}  {label:<16} {where:<6} {tag}\n")
    return EXIT_STATUS[result.status]


def _run_regimes(out: TextIO) -> int:
    for name in regimes.names():
        regime = regimes.get(name)
        out.write(f"{regime.name}: {regime.title} (host {regime.host})\n")
        methods = {m: get_method(regime.method_for(m)).describe() for m in ("equity", "voting")}
        if methods["equity"] == methods["voting"]:
            out.write(f"  method: {methods['equity']}\n")
        else:
            out.write(f"  methods: equity {methods['equity']}; voting {methods['voting']}\n")
        if regime.incorporation:
            out.write("  an entity organised abroad counts wholly foreign\n")
        for sector, info in sorted(regime.sector_info.items()):
            if info.parent:
                out.write(f"  {sector:<26} falls back on {info.parent} when no cap of its own\n")
        for cap in regime.caps:
            dates = ""
            if cap.valid_from or cap.valid_to:
                dates = f" [{cap.valid_from or '…'} to {cap.valid_to or '…'}]"
            zones = f" in zones {', '.join(cap.zones)}" if cap.zones else ""
            out.write(f"  {cap.sector:<26} {cap.details()}{zones}{dates}\n")
            source = textwrap.fill(
                f"source: {cap.source}",
                width=88,
                initial_indent=" " * 29,
                subsequent_indent=" " * 37,
            )
            out.write(f"{source}\n")
        out.write("\n")
    return 0


def _run_demo(args: argparse.Namespace, out: TextIO) -> int:
    path = examples.path("beijing-vpn-jv")
    g = load(path)
    before = dt.date(2022, 6, 30)
    if args.format == "json":
        payload: dict[str, Any] = {
            "example": "beijing-vpn-jv",
            "checks": [
                check(g, "jv", regime="cn-beijing-2020", as_of=day).to_dict()
                for day in (before, None)
            ],
        }
        json.dump(payload, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    out.write("jvmodel demo: a VPN joint venture in Beijing (bundled example 'beijing-vpn-jv')\n\n")
    out.write("Who holds what (today's structure):\n")
    for holding in g.holdings():
        if holding.covers(None):
            owner, owned = g.entity(holding.owner), g.entity(holding.owned)
            out.write(
                f"  {owner.name} ({owner.jurisdiction}) holds {_pct(holding.equity)}"  # type: ignore[arg-type]
                f" of {owned.name}\n"
            )
    for day in (before, None):
        title = f"on {day}" if day else "today"
        out.write(f"\n--- Check {title}: {'=' * (60 - len(title))}\n")
        _write_check(check(g, "jv", regime="cn-beijing-2020", as_of=day), g, out)
    out.write(
        "\nThe JV was exactly at the 50% cap until the US pension fund bought 10% of the\n"
        "venture fund on 2022-07-01; since then 1/2 × 30% × 10% = 1.5% more counts as foreign.\n"
        "Try it on your own structure: jvmodel check FILE --target ID --regime cn-beijing-2020\n"
        "(the example ships with jvmodel: jvmodel.examples.path('beijing-vpn-jv'))\n"
    )
    return 0


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; return the exit status."""
    stream = out or sys.stdout
    arguments = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in arguments
    try:
        args = _parser().parse_args(arguments)
        if args.command == "check":
            return _run_check(args, stream)
        if args.command == "explain":
            return _run_explain(args, stream)
        if args.command == "regimes":
            return _run_regimes(stream)
        if args.command == "demo":
            return _run_demo(args, stream)
        _parser().print_help(stream)
        return EXIT_USAGE
    except _UsageError as error:
        print(f"{error} (see jvmodel --help)", file=sys.stderr)
        return EXIT_USAGE
    except (JVModelError, OSError, ModuleNotFoundError) as error:
        if debug:
            traceback.print_exc(file=sys.stderr)
        if isinstance(error, JVModelError):
            message = error.message
        elif isinstance(error, OSError):
            message = _os_message(error)
        else:
            message = str(error)
        # One line, whatever the message holds.
        print(f"jvmodel: error: {' '.join(message.splitlines())}", file=sys.stderr)
        return EXIT_USAGE


def _os_message(error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"{error.filename}: {reason}" if error.filename else reason


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
