#!/usr/bin/env bash
# Run the dsql_iam pg_regress suite (tests/regress/) on a throwaway server of
# its own (pg_regress --temp-instance): no system cluster is used or needed.
#
#   scripts/run-regress.sh          as a normal user or as root
#
# Needs the extension installed first:  make -f Makefile.pgxs install (root).
# As root, initdb would refuse to run, so the suite runs as the unprivileged
# user dsqlrun (created if missing) from a private copy of tests/regress in a
# fresh temporary directory (the checkout may be unreadable to dsqlrun).
# On failure regression.diffs is printed and results/, regression.diffs and
# regression.out are copied back to tests/regress/.  Then the durability
# checks (tests/regress/durability.sh: restart, crash recovery, pg_dumpall
# round trip) run and print "durability: N passed, M failed" after
# pg_regress's own summary line.  Exit status: 0 when both pass, 1 otherwise.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$repo/scripts/lib.sh"

PG_CONFIG=${PG_CONFIG:-$PG_BINDIR/pg_config}
[ -x "$PG_CONFIG" ] || die "pg_config not found at $PG_CONFIG (install postgresql-server-dev-15)"
sharedir=$("$PG_CONFIG" --sharedir)
pkglibdir=$("$PG_CONFIG" --pkglibdir)
pgxs_dir=$(dirname "$("$PG_CONFIG" --pgxs)")
PG_REGRESS=${PG_REGRESS:-$pgxs_dir/../test/regress/pg_regress}
[ -x "$PG_REGRESS" ] || die "pg_regress not found at $PG_REGRESS"

if [ ! -f "$sharedir/extension/dsql_iam.control" ] || [ ! -f "$pkglibdir/dsql_iam.so" ]; then
  die "dsql_iam is not installed ($sharedir/extension/dsql_iam.control or $pkglibdir/dsql_iam.so missing).
Build and install it first, from $repo:
    make -f Makefile.pgxs && sudo make -f Makefile.pgxs install"
fi

src="$repo/tests/regress"
for f in schedule dsql_iam.conf sql expected; do
  [ -e "$src/$f" ] || die "missing $src/$f"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/dsql-regress.XXXXXX")
run=()
if [ "$(id -u)" -eq 0 ]; then
  ensure_run_user
  run=(runuser -u "$DSQL_RUN_USER" --)
fi

cleanup() {
  # pg_regress stops its server; if we were interrupted, stop it ourselves.
  if [ -f "$work/tmp_check/data/postmaster.pid" ]; then
    "${run[@]}" "$PG_BINDIR/pg_ctl" -D "$work/tmp_check/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp -R "$src/sql" "$src/expected" "$src/schedule" "$src/dsql_iam.conf" "$work/"
if [ "$(id -u)" -eq 0 ]; then
  chown -R "$DSQL_RUN_USER:" "$work"
fi
chmod 0700 "$work"

say "pg_regress (temporary instance) in $work${run:+ as $DSQL_RUN_USER}"
rc=0
(
  cd "$work"
  "${run[@]}" env -u PGHOST -u PGHOSTADDR -u PGPORT -u PGDATABASE -u PGUSER \
    -u PGSERVICE -u PGOPTIONS HOME="$work" \
    "$PG_REGRESS" \
      --bindir="$PG_BINDIR" \
      --inputdir="$work" \
      --outputdir="$work" \
      --temp-instance="$work/tmp_check" \
      --temp-config="$work/dsql_iam.conf" \
      --no-locale --encoding=UTF8 \
      --dbname=contrib_regression \
      --schedule="$work/schedule"
) || rc=$?

if [ "$rc" -ne 0 ]; then
  if [ -f "$work/regression.diffs" ]; then
    say "regression.diffs"
    cat "$work/regression.diffs"
  fi
  if [ -w "$src" ]; then
    rm -rf "$src/results"
    cp -R "$work/results" "$src/" 2>/dev/null || true
    cp "$work/regression.diffs" "$work/regression.out" "$src/" 2>/dev/null || true
    say "results copied to $src/results (diffs: $src/regression.diffs)"
  fi
fi

# Durability (restart, crash recovery, pg_dumpall round trip): its own
# throwaway clusters.  Its count goes on a line of its own, after pg_regress's
# summary, which scripts/check.sh parses.
say "durability checks (tests/regress/durability.sh)"
drc=0
dlog=$(mktemp "${TMPDIR:-/tmp}/dsql-durability-log.XXXXXX")
"$src/durability.sh" 2>&1 | tee "$dlog" || drc=$?
dpass=$(grep -c '^ok ' "$dlog" || true)
dfail=$(grep -c '^not ok ' "$dlog" || true)
rm -f "$dlog"
if [ "$drc" -ne 0 ] && [ "$dfail" -eq 0 ]; then dfail=1; fi
echo "durability: $dpass passed, $dfail failed"

if [ "$rc" -ne 0 ]; then
  die "pg_regress failed (exit $rc)"
fi
if [ "$drc" -ne 0 ]; then
  die "durability checks failed (exit $drc)"
fi
say "all dsql_iam regression tests and durability checks passed"
