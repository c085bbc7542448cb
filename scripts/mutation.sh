#!/usr/bin/env bash
# Mutation testing: how many deliberately broken versions of the code that
# computes figures and verdicts (src/jvmodel/analysis/, src/jvmodel/compliance/,
# src/jvmodel/_numeric.py) does the test suite catch?  Uses mutmut, configured in
# pyproject.toml ([tool.mutmut]), and the `mutation` hypothesis profile.
#
#   scripts/mutation.sh                    run (or resume) every mutant, print the score
#   scripts/mutation.sh --fresh            forget earlier results and start again
#   scripts/mutation.sh --sample 600       test a random sample of 600 mutants (seed 1,
#                                          or --seed N) and print the score with its
#                                          95% confidence interval
#   scripts/mutation.sh 'jvmodel._numeric*'   only the mutants whose names match
#
# There are thousands of mutants and each runs the tests that cover its function,
# so a full run takes hours on two cores; a sample of a few hundred takes well
# under an hour and estimates the score within about two percentage points.
# Results are kept in mutants/ (ignored by git), so a second run only tests the
# mutants whose code or tests changed.  MUTATION_JOBS sets the parallel workers
# (default: 2).  `mutmut show NAME` prints one mutant's diff.
set -euo pipefail
cd "$(dirname "$0")/.."

sample=""
seed=1
names=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --fresh) rm -rf mutants; shift ;;
        --sample) sample="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        *) names+=("$1"); shift ;;
    esac
done

if ! python -c "import mutmut" 2>/dev/null; then
    python -m pip install --quiet -e ".[mutation]"
fi

export HYPOTHESIS_PROFILE=mutation
# The mutated modules are large (every mutant of a file is in it): let Python keep
# their compiled form between runs rather than compile them for every mutant.
unset PYTHONDONTWRITEBYTECODE
# The tests run from a copy of the tree in mutants/: point them at the shared data.
export JVMODEL_SHARED="${JVMODEL_SHARED:-$(cd .. && pwd)/shared}"
jobs="${MUTATION_JOBS:-2}"

if [[ -n "$sample" ]]; then
    # mutmut generates every mutant before it tests any: a first run on the first
    # mutant of each function of _numeric.py generates them all (and tests those).
    mutmut run --max-children "$jobs" 'jvmodel._numeric.*__mutmut_1' || true
    mapfile -t names < <(python - "$sample" "$seed" <<'PY'
import json
import random
import sys
from pathlib import Path

count, seed = int(sys.argv[1]), int(sys.argv[2])
every = sorted(
    name
    for meta in Path("mutants").rglob("*.meta")
    for name in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
)
chosen = sorted(random.Random(seed).sample(every, min(count, len(every))))
Path("mutants/sample.txt").write_text("\n".join(chosen) + "\n", encoding="utf-8")
print("\n".join(chosen))
PY
)
    echo "== testing a sample of ${#names[@]} mutants (seed $seed)"
else
    rm -f mutants/sample.txt
fi

# mutmut exits non-zero when mutants survive; the score below is the verdict.
mutmut run --max-children "$jobs" "${names[@]}" || true

echo
echo "== survivors (mutmut show NAME for the diff)"
mutmut results

python - <<'PY'
import json
import math
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

codes = {
    name: code
    for meta in Path("mutants").rglob("*.meta")
    for name, code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items()
}
sample = Path("mutants/sample.txt")
scope = "all mutants"
if sample.exists():
    chosen = sample.read_text(encoding="utf-8").split()
    codes = {name: codes[name] for name in chosen if name in codes}
    scope = f"a random sample of {len(codes)}"
status = Counter(status_by_exit_code[code] for code in codes.values())
# A mutant no test covers counts as not caught; skipped and unchecked ones are left out.
caught = status["killed"] + status["timeout"] + status["caught by type check"]
tested = sum(status.values()) - status["skipped"] - status["not checked"]
line = f"== mutation score over {scope}: {caught}/{tested} mutants caught"
if tested:
    p, n, z = caught / tested, tested, 1.96
    # Wilson score interval, 95%: how far the sample's score may be from the full one.
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    line += f" = {100 * p:.1f}%"
    if sample.exists():
        line += f" (95% interval {100 * (centre - half):.1f}% to {100 * (centre + half):.1f}%)"
print(line)
print("   ", ", ".join(f"{name} {count}" for name, count in sorted(status.items())))
PY
