#!/usr/bin/env bash
# Prints the SQL of the seed scenario (../shared/seed/*.txt) as written: its SQL blocks
# (its "-- " comment lines and statements, a statement running to the line that ends
# with ";"), nothing of its prose, IAM policy JSON or shell lines. With --account-id N the seed's
# '*' account in IAM role ARNs becomes N (what a user must do before running it).
#   scripts/seed-sql.sh [--account-id N] [SEED_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
account=
if [ "${1:-}" = "--account-id" ]; then
  account=${2:?--account-id needs a value}
  case $account in (*[!0-9]*|'') echo "seed-sql: the account id is 12 digits" >&2; exit 2;; esac
  shift 2
fi
seed=${1:-$(ls ../shared/seed/*.txt | head -1)}
[ -r "$seed" ] || { echo "seed-sql: cannot read $seed" >&2; exit 1; }
awk '
  /^---/ { in_stmt = 0; next }
  {
    if (!in_stmt && $0 !~ /^(-- |--$|CREATE |GRANT |REVOKE |AWS IAM |SET |ALTER |DROP |INSERT |SELECT )/) next
    print
    if (!in_stmt && $0 ~ /^--/) next
    in_stmt = ($0 !~ /;[[:space:]]*$/)
  }
' "$seed" | if [ -n "$account" ]; then sed "s/arn:aws:iam::\*:/arn:aws:iam::$account:/g"; else cat; fi
