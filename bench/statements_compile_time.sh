#!/usr/bin/env bash
# Compile time and peak compiler memory of a translation unit with 100 checked statements
# (issue 12: <= 10 s, <= 1 GiB). The TU includes the seed spec (dsl/examples/seed.hpp) with
# a catalog of its tables, and instantiates 100 distinct dsql::statement<...> types -
# SELECTs with joins and subqueries, INSERT ... ON CONFLICT ... RETURNING, UPDATE ... FROM,
# DELETE ... USING - for the four seed roles, so each one is parsed and checked at compile
# time. Measured with GNU time -v around the compiler, against a baseline TU that only
# includes the headers. Prints a Markdown table for bench/RESULTS.md.
#   bench/statements_compile_time.sh [runs=3] [count=100]   (CXX, CXXFLAGS override)
# Exits non-zero when the target is missed. The wall time is the target's measure; the
# compiler's CPU time is printed beside it because on a shared machine the wall time
# follows the load (uptime's load average is printed too).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
COUNT=${2:-100}
CXX=${CXX:-g++}
CXXFLAGS=${CXXFLAGS:--std=c++20 -O2}
command -v /usr/bin/time >/dev/null || { echo "GNU time is missing: apt-get install time" >&2; exit 1; }
WORK=$(mktemp -d /tmp/dsql-bench-statements.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

header='#include <dsql/statement.hpp>
#include "seed.hpp"
namespace b {
using namespace seed;
using users = dsql::table<users_schema, "users", dsql::columns<"id", "email", "name", "created_at">>;
using products = dsql::table<dsql::public_schema, "products", dsql::columns<"id", "name", "price", "stock">>;
using orders = dsql::table<dsql::public_schema, "orders", dsql::columns<"id", "user_id", "product_id", "total", "created_at">>;
using app = dsql::catalog<spec, dsql::tables<users, products, orders>, dsql::search_path<dsql::public_schema>>;'
printf '%s\n}  // namespace b\nint baseline() { return 0; }\n' "$header" > "$WORK/tu_baseline.cpp"
{
  printf '%s\n' "$header"
  for i in $(seq 1 "$COUNT"); do
    case $(( i % 10 )) in
      0) role=app_readonly;  sql="SELECT p.id, p.name, p.price FROM products p WHERE p.price > $i ORDER BY p.name LIMIT 20" ;;
      1) role=app_readwrite; sql="INSERT INTO orders (user_id, product_id, total) VALUES (\$1, \$2, $i) ON CONFLICT (id) DO NOTHING RETURNING id" ;;
      2) role=app_readwrite; sql="UPDATE products SET stock = stock - $i WHERE id = \$1 AND stock >= $i RETURNING stock" ;;
      3) role=app_readwrite; sql="DELETE FROM orders o USING products p WHERE o.product_id = p.id AND p.price < $i RETURNING o.id" ;;
      4) role=reporting_readonly; sql="SELECT u.email, count(o.id) AS n FROM users_schema.users u JOIN orders o ON o.user_id = u.id WHERE o.total > (SELECT avg(total) FROM orders WHERE created_at > now() - interval '$i days') GROUP BY u.email HAVING count(o.id) > $i ORDER BY n DESC" ;;
      5) role=user_service;  sql="INSERT INTO users_schema.users (email, name) VALUES (\$1, \$2) RETURNING id, created_at -- $i" ;;
      6) role=user_service;  sql="UPDATE users_schema.users SET name = \$1 WHERE id = \$2 AND email LIKE '%$i%'" ;;
      7) role=app_readonly;  sql="SELECT o.id, o.total FROM orders o WHERE EXISTS (SELECT 1 FROM products p WHERE p.id = o.product_id AND p.stock > $i) AND o.user_id = ANY(\$1)" ;;
      8) role=reporting_readonly; sql="SELECT CASE WHEN total > $i THEN 'big' ELSE 'small' END AS size, count(*) FROM orders GROUP BY size" ;;
      9) role=app_readwrite; sql="SELECT DISTINCT p.name FROM products p LEFT JOIN orders o ON o.product_id = p.id WHERE o.id IS NULL AND p.price BETWEEN $i AND \$1" ;;
    esac
    printf 'using s%d = dsql::statement<app, %s, "%s">;\nstatic_assert(!s%d::sql.empty());\n' "$i" "$role" "$sql" "$i"
  done
  printf '}  // namespace b\nint statements() { return %d; }\n' "$COUNT"
} > "$WORK/tu_statements.cpp"

measure() {  # NAME -> "median_wall_seconds max_kib median_cpu_seconds"
  local name=$1 times=() cpus=() rss=0
  for _ in $(seq "$RUNS"); do
    # shellcheck disable=SC2086
    /usr/bin/time -v -o "$WORK/time.txt" $CXX $CXXFLAGS -Iinclude -Idsl/examples -c "$WORK/tu_$name.cpp" -o "$WORK/tu.o"
    local wall kib
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
    kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    times+=("$(awk -v t="$wall" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }')")
    cpus+=("$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$WORK/time.txt")")
    (( kib > rss )) && rss=$kib
  done
  local median cpu
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  echo "$median $rss $cpu"
}

echo "| translation unit | compile wall s (median of $RUNS) | compiler CPU s, user + sys (median) | peak compiler RSS MiB |"
echo "|---|---|---|---|"
declare -A wall mem
for name in baseline statements; do
  read -r w k c < <(measure "$name")
  wall[$name]=$w
  mem[$name]=$k
  label=$name
  [ "$name" = statements ] && label="$COUNT checked statements"
  [ "$name" = baseline ] && label="baseline (headers, seed spec, catalog)"
  printf '| %s | %.2f | %.2f | %.0f |\n' "$label" "$w" "$c" "$(awk -v k="$k" 'BEGIN {print k / 1024}')"
done
echo
echo "load: $(uptime | sed 's/.*load average/load average/')"
ok=1
awk -v t="${wall[statements]}" 'BEGIN {exit !(t <= 10)}' || { echo "MISSED: ${wall[statements]} s (> 10 s)"; ok=0; }
(( ${mem[statements]} <= 1024 * 1024 )) || { echo "MISSED: ${mem[statements]} KiB (> 1 GiB)"; ok=0; }
(( ok )) && echo "met: <= 10 s and <= 1 GiB"
(( ok ))
