#!/usr/bin/env bash
# Idempotent set-up on Debian 12: install the Debian packages the project needs
# (through sudo when not root), build the C++ parts and the extension, and install
# the extension into PostgreSQL 15 (CREATE EXTENSION needs its files in the server's
# share and lib directories). A second run only rebuilds what changed.
#   scripts/setup.sh            packages + build + install the extension
#   scripts/setup.sh --deps     packages only
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

missing=()
for p in "${DSQL_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
read -r -a node_missing <<<"$(dsql_node_packages)"
missing+=("${node_missing[@]}")
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  say "Debian packages: all present"
fi
[ "${1:-}" = "--deps" ] && exit 0

BUILD=${BUILD:-build}
JOBS=${JOBS:-2}
say "building C++ (cmake, $BUILD/)"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$JOBS"
say "building the dsql_iam extension (PGXS)"
make -s -f Makefile.pgxs -j"$JOBS"
say "installing the dsql_iam extension into PostgreSQL 15"
as_root make -s -f Makefile.pgxs install
