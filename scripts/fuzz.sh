#!/usr/bin/env bash
# A longer fuzzing campaign than the test suite runs.
#
#   scripts/fuzz.sh [EXAMPLES] [RUNS]
#
# 1. hypothesis: the fuzz tests of tests/robustness/test_fuzz.py, EXAMPLES inputs
#    each (default 20000), random seeds (not the suite's derandomised profile);
# 2. atheris (coverage-guided libFuzzer, `pip install -e ".[fuzz]"`): every loader
#    of tests/robustness/loaders.py and share parsing, RUNS inputs each (default
#    200000), starting from valid files; skipped when atheris is not installed.
#
# Prints the number of inputs tried per target; exits non-zero when an input made
# anything but a JVModelError escape (the failing input is saved and its path shown).
set -uo pipefail
cd "$(dirname "$0")/.."

examples="${1:-20000}"
runs="${2:-200000}"
python="${PYTHON:-python}"
logs="$(mktemp -d -t jvmodel-fuzz-XXXXXX)"
status=0

echo "== hypothesis: $examples examples per fuzz test (logs in $logs)"
if ! JVMODEL_FUZZ_EXAMPLES="$examples" HYPOTHESIS_PROFILE=dev "$python" -m pytest \
    tests/robustness/test_fuzz.py -q -p no:cacheprovider --hypothesis-show-statistics \
    >"$logs/hypothesis.txt" 2>&1; then
    echo "FOUND: a hypothesis fuzz test failed; see $logs/hypothesis.txt"
    status=1
fi
# "tests/...::test_x[native-json]:" then "    - 3000 passing, 0 failing, and 55 invalid test cases"
awk '/^tests\/.*::.*:$/ { name = $0; sub(/^.*::/, "", name); sub(/:$/, "", name) }
     /passing, .* failing/ { tried = $2 + $4; total += tried;
                             printf "  hypothesis  %-62s %9d\n", name, tried }
     END { printf "  hypothesis  %-62s %9d\n", "(all)", total }' "$logs/hypothesis.txt"

if "$python" -c "import atheris" 2>/dev/null; then
    echo "== atheris: $runs runs per target"
    for target in $("$python" scripts/fuzz_atheris.py --list 2>/dev/null); do
        if ! "$python" scripts/fuzz_atheris.py "$target" -runs="$runs" -max_len=4096 \
            -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix="$logs/$target-" >"$logs/$target.txt" 2>&1; then
            echo "FOUND: $target crashed; see $logs/$target.txt and $logs/$target-*"
            status=1
        fi
        tried="$(awk '/stat::number_of_executed_units/ { print $2 }' "$logs/$target.txt")"
        printf "  atheris     %-62s %9s\n" "$target" "${tried:-?}"
    done
else
    echo "== atheris is not installed (pip install -e \".[fuzz]\"): coverage-guided part skipped"
fi
exit "$status"
