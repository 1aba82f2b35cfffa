#!/usr/bin/env bash
# Every test of the project, in four stages, each printing its own count:
#   1. Catch2 unit tests        (ctest label "unit": one CTest test per Catch2 case)
#   2. compile-fail tests       (ctest label "compile_fail": each rule and its twin)
#   3. pg_regress + durability  (scripts/run-regress.sh: the extension's suite on its
#                                own temporary server, then restart/crash/dump checks)
#   4. integration tests        (ctest label "integration": real PostgreSQL 15 servers)
#   5. package tests            (ctest label "package": cmake --install, then a consumer
#                                project built against the installed package)
#   6. fuzz smoke               (ctest label "fuzz": 60 s of libFuzzer over the token
#                                parser/verifier, tests/fuzz/run.sh; 30 s over the local
#                                STS's request handling, tests/fuzz/run_sts.sh)
# Assumes 'make setup' ran (README's second command does both). Exit 0 only if all pass.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
BUILD=${BUILD:-build}
JOBS=${JOBS:-2}
# The AWS credential chain ends at EC2's instance metadata service: no test may reach
# for 169.254.169.254 (tests that exercise it point it at a loopback fake).
export AWS_EC2_METADATA_DISABLED=true

declare -A passed failed
total_failed=0
failed_names=""   # every failed test, for the summary (CI keeps only the log's tail)

ctest_stage() {  # name label [parallel]
  local name=$1 label=$2 par=${3:-$JOBS} log n f
  say "$name"
  log=$(mktemp)
  ctest --test-dir "$BUILD" -L "^${label}\$" --output-on-failure -j"$par" 2>&1 | tee "$log"
  n=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2/p' "$log" | tail -1)
  f=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -1)
  if [ -z "$n" ]; then n=0; f=1; echo "no tests ran for label $label"; fi
  passed[$name]=$((n - f)); failed[$name]=$f
  total_failed=$((total_failed + f))
  # ctest's own list after "The following tests FAILED:", one "  N - name (Failed)" per line
  local names
  names=$(sed -n '/The following tests FAILED:/,$p' "$log" | sed -n 's/^[[:space:]]*[0-9]* - \(.*\)$/  \1/p')
  [ -z "$names" ] || failed_names+="$names"$'\n'

  rm -f "$log"
}

ctest_stage "Catch2 unit tests" unit
ctest_stage "compile-fail tests" compile_fail

say "pg_regress"
log=$(mktemp)
scripts/run-regress.sh 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# pg_regress closes with "All N tests passed." or "M of N tests failed."
n=$(sed -n 's/^ *All \([0-9]*\) tests passed.*/\1/p' "$log" | tail -1)
f=0
if [ -z "$n" ]; then
  n=$(sed -n 's/^ *[0-9]* of \([0-9]*\) tests failed.*/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^ *\([0-9]*\) of [0-9]* tests failed.*/\1/p' "$log" | tail -1)
  n=${n:-0}; f=${f:-0}
fi
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
[ "$n" -ge "$f" ] || n=$f
passed[pg_regress]=$((n - f)); failed[pg_regress]=$f
total_failed=$((total_failed + f))
# then the durability checks (restart, crash recovery, dump/restore) print
# "durability: N passed, M failed"
dn=$(sed -n 's/^durability: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$log" | tail -1)
df=$(sed -n 's/^durability: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$log" | tail -1)
if [ -z "$dn" ]; then dn=0; df=1; echo "no durability summary found"; fi
passed[durability]=$dn; failed[durability]=$df
total_failed=$((total_failed + df))
rm -f "$log"

ctest_stage "integration tests" integration 1
ctest_stage "package tests" package 1
ctest_stage "fuzz smoke" fuzz 1

say "summary"
total_passed=0
for s in "Catch2 unit tests" "compile-fail tests" pg_regress durability "integration tests" "package tests" "fuzz smoke"; do
  printf '  %-22s %4d passed, %d failed\n' "$s" "${passed[$s]}" "${failed[$s]}"
  total_passed=$((total_passed + passed[$s]))
done
echo "${total_passed} passed, ${total_failed} failed"
if [ -n "$failed_names" ]; then
  echo "failed:"
  printf '%s' "$failed_names"
fi
[ "$total_failed" -eq 0 ]
