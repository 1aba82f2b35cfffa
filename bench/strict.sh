#!/usr/bin/env bash
# Strict mode's cost (issue 10): pgbench's built-in select-only script (-S) and its
# default TPC-B-like script, strict and not strict side by side, then the conformance
# suite's run time.
#
#   bench/strict.sh [seconds per pgbench run, default 10] [rounds, default 5]
#
# Side by side means at the same time: these machines are shared and noisy (a lone run
# varies 3x), so each round runs two pgbench processes together for the same seconds,
# one client each, over the Unix socket, -M simple, -n (no VACUUM: DSQL refuses it):
#   strict      admin in database postgres of a strict cluster (dsqlctl local up):
#               DSQL's session (REPEATABLE READ), every rule checked, OCC table paths
#   not strict  the bootstrap superuser in database bench_plain of the same cluster:
#               strict mode never applies to its sessions (PostgreSQL 15, READ COMMITTED)
# Both databases hold their own pgbench tables (scale 4), made with the dsql_occ access
# method that strict mode gives every table it creates, so the only difference is the
# session. An A/A round (both not strict) measures the method's own bias. The ratio of
# each round is strict / not strict TPS; the table gives the median and every round.
# Then four clients (-c 4 -j 2 --max-tries 100), one mode after the other: strict mode
# fails the later writer of a row at COMMIT (40001, retried by pgbench) where PostgreSQL
# makes it wait. Prints Markdown for bench/RESULTS.md. Needs `make build` (dsqlctl,
# dsql-conformance) and the extension installed.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$repo/scripts/lib.sh"
secs=${1:-10}
rounds=${2:-5}
BUILD=${BUILD:-build}
dsqlctl=$repo/$BUILD/dsl/cli/dsqlctl
runner=$repo/$BUILD/tests/conformance/dsql-conformance
for b in "$dsqlctl" "$runner" "$PG_BINDIR/pgbench" "$PG_BINDIR/psql"; do [ -x "$b" ] || die "$b is missing (make build)"; done

dir=$(mktemp -d "${TMPDIR:-/tmp}/dsql-bench-strict.XXXXXX")
work=$(mktemp -d "${TMPDIR:-/tmp}/dsql-bench-strict-out.XXXXXX")
cleanup() { "$dsqlctl" local down --dir "$dir" >/dev/null 2>&1 || true; rm -rf "$dir" "$work"; }
trap cleanup EXIT
"$dsqlctl" local up --dir "$dir" --quiet >/dev/null   # strict mode on
port=$(sed -n 's/^port=//p' "$dir/dsqlctl.conf")
su_psql() { "$PG_BINDIR/psql" -X -q -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 "$@"; }
pgb() {  # user database pgbench-options...
  local user=$1 db=$2; shift 2
  "$PG_BINDIR/pgbench" -h "$dir" -p "$port" -U "$user" "$@" "$db"
}

su_psql -d postgres -c 'CREATE DATABASE bench_plain'
su_psql -d bench_plain -c 'CREATE EXTENSION dsql_iam'   # the dsql_occ access method
for db in postgres bench_plain; do
  PGOPTIONS='-c default_table_access_method=dsql_occ' pgb postgres "$db" -i -q -s 4 >/dev/null 2>&1
done
su_psql -d postgres -c 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO admin'

tps() { sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | tail -1; }
# two pgbench runs at once: prints "tps_a tps_b"
pair() {  # "user db" "user db" options...
  local a=$1 b=$2; shift 2
  # shellcheck disable=SC2086
  pgb $a "$@" > "$work/a" 2>/dev/null &
  local pa=$!
  # shellcheck disable=SC2086
  pgb $b "$@" > "$work/b" 2>/dev/null &
  local pb=$!
  wait "$pa" "$pb"
  echo "$(tps < "$work/a") $(tps < "$work/b")"
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.4f", (b > 0) ? a / b : 0}'; }

declare -A ratios details
for ((r = 1; r <= rounds; r++)); do
  for s in S B; do
    opt=(-n -M simple -c 1 -T "$secs")
    [ "$s" = S ] && opt+=(-S)
    read -r on off <<< "$(pair "admin postgres" "postgres bench_plain" "${opt[@]}")"
    ratios[$s]+="$(ratio "$on" "$off") "
    details[$s]+="$(printf '%.0f/%.0f ' "$on" "$off")"
  done
  read -r a1 a2 <<< "$(pair "postgres postgres" "postgres bench_plain" -n -M simple -c 1 -T "$secs" -S)"
  ratios[A]+="$(ratio "$a1" "$a2") "
  details[A]+="$(printf '%.0f/%.0f ' "$a1" "$a2")"
done

echo "Command: \`bench/strict.sh $secs $rounds\` ($(date -u +%Y-%m-%d), $(nproc) cores $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1),"
echo "$(free -g | awk '/^Mem:/ {print $2}') GiB, $("$PG_BINDIR/postgres" --version); pgbench scale 4, -M simple -n, one client per"
echo "process, Unix socket; the two processes of a round run at the same time for $secs s)."
echo
echo "| script | strict / not strict TPS, median of $rounds rounds | each round: strict/not strict TPS |"
echo "|---|---:|---|"
printf '| select-only (-S) | %.3f | %s|\n' "$(echo "${ratios[S]}" | median)" "${details[S]}"
printf '| TPC-B-like (default) | %.3f | %s|\n' "$(echo "${ratios[B]}" | median)" "${details[B]}"
printf '| A/A: select-only, both not strict (the method'"'"'s bias) | %.3f | %s|\n' "$(echo "${ratios[A]}" | median)" "${details[A]}"

echo
echo "Four clients, TPC-B-like (-c 4 -j 2 --max-tries 100, $secs s each, one after the other):"
echo
echo "| session | TPS | transactions | retried after 40001 | failed |"
echo "|---|---:|---:|---:|---:|"
for who in "postgres bench_plain" "admin postgres"; do
  # shellcheck disable=SC2086
  out=$(pgb $who -n -M simple -c 4 -j 2 -T "$secs" --max-tries 100 2>/dev/null)
  printf '| %s | %.0f | %s | %s | %s |\n' "$([ "${who%% *}" = admin ] && echo strict || echo 'not strict')" \
    "$(echo "$out" | tps)" \
    "$(echo "$out" | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')" \
    "$(echo "$out" | sed -n 's/^number of transactions retried: \([0-9]*\).*/\1/p' | head -1)" \
    "$(echo "$out" | sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p')"
done

echo
conf=$("$runner" --conninfo "host=$dir port=$port user=admin dbname=postgres" --cases "$repo/tests/conformance/cases" --label "strict on")
echo "Conformance suite, strict on (dsql-conformance on this cluster): $(echo "$conf" | sed -n 's/^conformance (strict on): //p')"
