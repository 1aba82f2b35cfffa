#!/usr/bin/env bash
# Compile time and peak compiler memory of generated specs (bench/gen_spec.cmake) of
# 10, 100 and 1,000 grants, each translation unit rendering its spec's bootstrap (so the
# check, the model and the renderer are all instantiated), measured with GNU time -v
# around the compiler. Prints a Markdown table for bench/RESULTS.md.
#   bench/compile_time.sh [runs=3]       (CXX, CXXFLAGS override the compiler and flags)
# Reported: the median wall time of the runs and the largest peak RSS; "baseline" is a
# translation unit that only includes <dsql/roles.hpp>. Exits non-zero when a target of
# issue 3 is missed: 1,000 grants in <= 20 s and <= 2 GiB, 1,000 <= 15 x 100.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
RUNS=${1:-3}
CXX=${CXX:-g++}
CXXFLAGS=${CXXFLAGS:--std=c++20 -O2}
command -v /usr/bin/time >/dev/null || die "GNU time is missing: apt-get install time"
WORK=$(mktemp -d /tmp/dsql-bench-compile.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

printf '#include <dsql/roles.hpp>\n' > "$WORK/tu_baseline.cpp"
for n in 10 100 1000; do
  cmake -DN=$n -DOUT="$WORK/spec_$n.hpp" -P bench/gen_spec.cmake
  printf '#include "spec_%s.hpp"\n#include <string>\nstd::string render_%s() {\n  return dsql::render_bootstrap<gen%s::spec>(dsql::target::postgres_local);\n}\n' \
    "$n" "$n" "$n" > "$WORK/tu_$n.cpp"
done

# measure NAME -> "median_seconds max_kib"
measure() {
  local name=$1 times=() rss=0
  for _ in $(seq "$RUNS"); do
    # shellcheck disable=SC2086
    /usr/bin/time -v -o "$WORK/time.txt" $CXX $CXXFLAGS -Iinclude -I"$WORK" -c "$WORK/tu_$name.cpp" -o "$WORK/tu.o"
    local wall kib
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
    kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    # m:ss.ss -> seconds
    times+=("$(awk -v t="$wall" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }')")
    (( kib > rss )) && rss=$kib
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  echo "$median $rss"
}

echo "| spec | grants | roles | compile wall s (median of $RUNS) | peak compiler RSS MiB |"
echo "|---|---|---|---|---|"
declare -A wall mem
for name in baseline 10 100 1000; do
  read -r w k < <(measure "$name")
  wall[$name]=$w
  mem[$name]=$k
  if [ "$name" = baseline ]; then grants=0; roles=0; else grants=$name; roles=$(( name / 10 > 0 ? name / 10 : 1 )); fi
  printf '| %s | %s | %s | %.2f | %.0f |\n' "$name" "$grants" "$roles" "$w" "$(awk -v k="$k" 'BEGIN {print k / 1024}')"
done
ratio=$(awk -v a="${wall[1000]}" -v b="${wall[100]}" 'BEGIN {printf "%.2f", a / b}')
echo
echo "1,000 / 100 grants compile-time ratio: $ratio (target <= 15)"
ok=1
awk -v t="${wall[1000]}" 'BEGIN {exit !(t <= 20)}' || { echo "MISSED: 1,000 grants took ${wall[1000]} s (> 20 s)"; ok=0; }
(( ${mem[1000]} <= 2 * 1024 * 1024 )) || { echo "MISSED: 1,000 grants peaked at ${mem[1000]} KiB (> 2 GiB)"; ok=0; }
awk -v r="$ratio" 'BEGIN {exit !(r <= 15)}' || { echo "MISSED: growth ratio $ratio (> 15)"; ok=0; }
(( ok )) && echo "targets met: <= 20 s, <= 2 GiB, ratio <= 15"
(( ok ))
