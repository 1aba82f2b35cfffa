#!/usr/bin/env bash
# The conformance suite on a throwaway strict cluster (dsqlctl local up: strict mode on),
# as admin over the Unix socket; then the same cases with strict mode off (dsqlctl local
# strict off: no restart) for contrast. Fails when a scored case does not match with
# strict on. Writes the two tables to $CONFORMANCE_REPORT_DIR when set.
#   run.sh DSQLCTL RUNNER CASES_DIR
set -euo pipefail
dsqlctl=$1 runner=$2 cases=$3
dir=$(mktemp -d "${TMPDIR:-/tmp}/dsql-conformance.XXXXXX")
cleanup() { "$dsqlctl" local down --dir "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"$dsqlctl" local up --dir "$dir" --quiet >/dev/null
port=$(sed -n 's/^port=//p' "$dir/dsqlctl.conf")
conninfo="host=$dir port=$port user=admin dbname=postgres"
report=${CONFORMANCE_REPORT_DIR:-$dir}

echo "== strict mode on"
"$dsqlctl" local status --dir "$dir" | grep '^  strict:'
"$runner" --conninfo "$conninfo" --cases "$cases" --label "strict on" --markdown "$report/strict-on.md" --require-match

echo
echo "== strict mode off (contrast: plain PostgreSQL 15)"
"$dsqlctl" local strict off --dir "$dir"
"$runner" --conninfo "$conninfo" --cases "$cases" --label "strict off" --markdown "$report/strict-off.md" | grep -v '^\(DIFF\|GAP\|UNKNOWN\)' || true
