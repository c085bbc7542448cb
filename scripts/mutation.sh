#!/usr/bin/env bash
# Mutation testing: how many deliberately broken versions of the code that
# computes figures and verdicts (src/jvmodel/analysis/, src/jvmodel/compliance/,
# src/jvmodel/_numeric.py) does the test suite catch?  Uses mutmut, configured in
# pyproject.toml ([tool.mutmut]), and the `mutation` hypothesis profile.
#
#   scripts/mutation.sh                  run (or resume) and print the score
#   scripts/mutation.sh --fresh          forget earlier results and start again
#   scripts/mutation.sh 'jvmodel._numeric*'   only the mutants whose names match
#
# Results are kept in mutants/ (ignored by git), so a second run only tests the
# mutants whose code or tests changed.  MUTATION_JOBS sets the parallel workers
# (default: 2).  `mutmut show NAME` prints one mutant's diff.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python -c "import mutmut" 2>/dev/null; then
    python -m pip install --quiet -e ".[mutation]"
fi
if [[ "${1:-}" == "--fresh" ]]; then
    rm -rf mutants
    shift
fi

export HYPOTHESIS_PROFILE=mutation
# mutmut exits non-zero when mutants survive; the score below is the verdict.
mutmut run --max-children "${MUTATION_JOBS:-2}" "$@" || true
mutmut export-cicd-stats >/dev/null

echo
echo "== survivors (mutmut show NAME for the diff)"
mutmut results

python - <<'PY'
import json

stats = json.load(open("mutants/mutmut-cicd-stats.json", encoding="utf-8"))
tested = stats["total"] - stats["skipped"]
caught = stats["killed"] + stats["timeout"]
print()
print(
    f"== mutation score: {caught}/{tested} mutants killed = {100 * caught / max(tested, 1):.1f}% "
    f"(survived {stats['survived']}, no tests {stats['no_tests']}, "
    f"timeout {stats['timeout']}, suspicious {stats['suspicious']}, skipped {stats['skipped']})"
)
PY
