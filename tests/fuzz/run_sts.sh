#!/usr/bin/env bash
# Builds the libFuzzer target over the local STS's request handling
# (tests/fuzz/sts_fuzz.cpp: form bodies, Authorization headers, web identity JWTs,
# trust decisions by the one evaluator, extension/policy.c; XML answers) and runs it.
#   tests/fuzz/run_sts.sh [SECONDS [EXTRA libFuzzer ARGS...]]   default 30 s
# Exits non-zero on any finding (the input is kept in $BUILD/fuzz-sts/). The committed
# seed corpus (tests/fuzz/sts_corpus) is read, never written.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
SECONDS_TO_RUN=${1:-30}
shift || true
CLANG=$(command -v clang-14 || command -v clang || true)
CLANGXX=$(command -v clang++-14 || command -v clang++ || true)
[ -n "$CLANG" ] && [ -n "$CLANGXX" ] || { echo "fuzz: clang-14 is not installed (apt-get install clang-14 libclang-rt-14-dev)"; exit 1; }
case $BUILD in /*) out=$BUILD/fuzz-sts ;; *) out=$ROOT/$BUILD/fuzz-sts ;; esac
mkdir -p "$out/scratch" "$out/obj"
F=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
"$CLANG" "${F[@]}" -Iextension -c extension/sigv4.c -o "$out/obj/sigv4.o"
"$CLANG" "${F[@]}" -D_GNU_SOURCE -Iextension -c extension/policy.c -o "$out/obj/policy.o"  # the one evaluator
pids=()
for src in tests/fuzz/sts_fuzz.cpp dsl/iam/sts_server.cpp dsl/iam/state.cpp dsl/iam/trust.cpp dsl/iam/jwt.cpp \
           dsl/iam/sts.cpp dsl/iam/http.cpp dsl/iam/config_file.cpp; do
  "$CLANGXX" -std=c++20 "${F[@]}" -Idsl -Iextension -c "$src" -o "$out/obj/$(basename "$src").o" &
  pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p"; done
"$CLANGXX" "${F[@]}" "$out"/obj/*.o -lmicrohttpd -lcurl -lexpat -lcrypto -lsqlite3 -lm -lpthread -o "$out/sts_fuzz"
cd "$out"
ASAN_OPTIONS=detect_leaks=0 ./sts_fuzz -max_total_time="$SECONDS_TO_RUN" -max_len=8000 -timeout=5 -print_final_stats=1 \
  "$@" scratch "$ROOT/tests/fuzz/sts_corpus" 2>&1 |
  tee fuzz.log | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done|==.*ERROR|SUMMARY)" || true
grep -q "^Done" fuzz.log || { tail -40 fuzz.log; exit 1; }
