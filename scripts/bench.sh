#!/usr/bin/env bash
# The benchmarks (`make bench`): each prints its figures; what goes into
# bench/RESULTS.md is copied there by hand with the command, the date and the machine.
#
#   scripts/bench.sh                 the quick set: render, tokens, engine, client
#   scripts/bench.sh NAME...         the named ones (any of the list below)
#   scripts/bench.sh --list          the names and what each measures
#
# Every program and script starts its own throwaway PostgreSQL 15 where it needs one
# (dsql::local, as the tests do); none leaves a cluster behind.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
BUILD=${BUILD:-build}

declare -A what=(
  [render]="bench_render, bench_render_generated: rendering specs of 10 to 1,000 grants (Google Benchmark)"
  [compile]="bench/compile_time.sh: compile time and peak memory of 10 / 100 / 1,000-grant specs"
  [tokens]="token_bench: SigV4 token sign and verify, with the IAM state read (Google Benchmark)"
  [engine]="bench-engine: inspect + diff of 1,000 roles x 10,000 tables, apply of 10,000 grants, aurora_dsql transactions"
  [client]="client_bench: dsql::pool checkout, new connections, credential refresh (Google Benchmark)"
  [mappings]="bench/mappings.sh: 10,000 IAM mappings granted and revoked"
  [strict]="bench/strict.sh: strict mode's cost under pgbench, and the conformance suite's run time"
  [front]="bench/front_door.sh: the front door's connection rate, per-query cost and logins under a flood"
)
order=(render compile tokens engine client mappings strict front)
quick=(render tokens engine client)

if [[ ${1:-} == --list ]]; then
  for n in "${order[@]}"; do printf '  %-9s %s\n' "$n" "${what[$n]}"; done
  exit 0
fi
names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=("${quick[@]}")
for n in "${names[@]}"; do
  [[ -n ${what[$n]:-} ]] || die "unknown benchmark '$n' (scripts/bench.sh --list)"
done

need() { [[ -x $1 ]] || die "$1 is not built: run make build (DSQL_BUILD_BENCH=ON)"; }
for n in "${names[@]}"; do
  say "bench $n: ${what[$n]}"
  case $n in
    render)
      need "$BUILD/bench/bench_render"
      "$BUILD/bench/bench_render" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
      "$BUILD/bench/bench_render_generated" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true ;;
    compile) bench/compile_time.sh ;;
    tokens)
      need "$BUILD/bench/token_bench"
      "$BUILD/bench/token_bench" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true ;;
    engine)
      need "$BUILD/bench/bench-engine"
      "$BUILD/bench/bench-engine" ;;
    client)
      need "$BUILD/bench/client_bench"
      "$BUILD/bench/client_bench" ;;
    mappings) bench/mappings.sh ;;
    strict) bench/strict.sh ;;
    front) bench/front_door.sh ;;
  esac
done
