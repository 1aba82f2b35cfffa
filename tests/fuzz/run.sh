#!/usr/bin/env bash
# Builds the libFuzzer target over the token parser/verifier and runs it.
#   tests/fuzz/run.sh [SECONDS [EXTRA libFuzzer ARGS...]]   default 60 s
# Prints libFuzzer's final stats line; exits non-zero on any finding (the crashing
# input is kept in $BUILD/fuzz/). The committed seed corpus is read, never written:
# new inputs go to a scratch corpus under $BUILD/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
SECONDS_TO_RUN=${1:-60}
shift || true
CLANG=$(command -v clang-14 || command -v clang || true)
[ -n "$CLANG" ] || { echo "fuzz: clang-14 is not installed (apt-get install clang-14 libclang-rt-14-dev)"; exit 1; }
case $BUILD in /*) out=$BUILD/fuzz ;; *) out=$ROOT/$BUILD/fuzz ;; esac
mkdir -p "$out/scratch"
"$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Iextension tests/fuzz/token_fuzz.c extension/sigv4.c -lcrypto -o "$out/token_fuzz"
cd "$out"
./token_fuzz -max_total_time="$SECONDS_TO_RUN" -max_len=12000 -timeout=5 -print_final_stats=1 \
  -dict="$ROOT/tests/fuzz/token.dict" "$@" scratch "$ROOT/tests/fuzz/corpus" 2>&1 |
  tee fuzz.log | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done|==.*ERROR|SUMMARY)" || true
grep -q "^Done" fuzz.log || { tail -40 fuzz.log; exit 1; }
