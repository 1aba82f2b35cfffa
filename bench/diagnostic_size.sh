#!/usr/bin/env bash
# The size of a spec mistake's compile error in a large spec (issue 12 item 5): a cluster of
# 200 roles, 200 grants and 200 IAM mappings with one mistake - a mapping of a role without
# LOGIN, or a grant to an undeclared role - rendered with render_bootstrap. Prints the first
# diagnostic line (it must name the culprit) and the bytes of the whole error output.
#   bench/diagnostic_size.sh [roles=200]     (CXX overrides the compiler)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
CXX=${CXX:-g++}
WORK=$(mktemp -d /tmp/dsql-bench-diag.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

gen() {  # MISTAKE -> a translation unit on stdout
  local mistake=$1 i roles="" grants="" iam=""
  echo '#include <dsql/roles.hpp>'
  echo 'using app = dsql::schema<"app">;'
  for ((i = 0; i < N; i++)); do
    echo "using r$i = dsql::role<\"role_$i\", dsql::login>;"
    roles+="r$i, "
    grants+="dsql::grant<dsql::select, dsql::on_all_tables_in<app>, r$i>, "
    iam+="dsql::iam_grant<r$i, dsql::iam_role<\"Role$i\">>, "
  done
  if [ "$mistake" = mapping ]; then
    echo 'using bad = dsql::role<"batch_worker">;'
    roles+="bad"
    grants=${grants%, }
    iam+='dsql::iam_grant<bad, dsql::iam_role<"BatchRole">>'
  else
    echo 'using bad = dsql::role<"batch_worker", dsql::login>;'
    roles=${roles%, }
    grants+="dsql::grant<dsql::select, dsql::on_all_tables_in<app>, bad>"
    iam=${iam%, }
  fi
  echo "using spec = dsql::cluster<\"big\", dsql::roles<$roles>, dsql::schemas<app>, dsql::grants<$grants>,"
  echo "    dsql::iam<$iam>, dsql::aws_account<\"123456789012\">>;"
  echo 'std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }'
}

echo "| mistake in a spec of $N roles | error output bytes | static assertions | first diagnostic line (cut at 200 bytes) |"
echo "|---|---|---|---|"
for mistake in mapping grantee; do
  gen "$mistake" > "$WORK/$mistake.cpp"
  if $CXX -std=c++20 -fsyntax-only -fno-diagnostics-color -Iinclude "$WORK/$mistake.cpp" > "$WORK/$mistake.out" 2>&1; then
    echo "the $mistake mistake compiled" >&2
    exit 1
  fi
  first=$(grep -v '^In file included from\|^ *from ' "$WORK/$mistake.out" | head -1 | sed "s|$PWD/||" | cut -c1-200)
  printf '| %s | %s | %s | `%s` |\n' "$mistake" "$(wc -c < "$WORK/$mistake.out")" \
    "$(grep -c 'static assertion failed' "$WORK/$mistake.out")" "$first"
done
