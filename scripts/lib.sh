# Shared shell helpers for scripts/*.sh. Source it; it defines functions only.

# Debian packages the project needs (build, tests, benchmarks, local cluster).
DSQL_PACKAGES=(
  postgresql-15 postgresql-server-dev-15 libkrb5-dev libpqxx-dev libsqlite3-dev
  libssl-dev catch2 libbenchmark-dev cmake g++ make pkg-config time
  python3-botocore nlohmann-json3-dev openssl clang-14 libclang-rt-14-dev
  libcurl4-openssl-dev libexpat1-dev libmicrohttpd-dev ca-certificates
)

# Node.js and npm for the connector test (tests/integration/connectors): the machine's
# own `node` when there is one (whatever its source); Debian's nodejs and npm where
# node is missing (npm alone where only npm is).
dsql_node_packages() {
  if ! command -v node >/dev/null 2>&1; then echo nodejs npm
  elif ! command -v npm >/dev/null 2>&1; then echo npm
  fi
}

# The unprivileged OS user that runs PostgreSQL when we are root (initdb refuses root).
DSQL_RUN_USER=${DSQL_RUN_USER:-dsqlrun}

PG_BINDIR=${DSQL_PG_BINDIR:-/usr/lib/postgresql/15/bin}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root for: $* (install sudo or run as root)"; fi
}

# Create the unprivileged server user when running as root (idempotent).
ensure_run_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  getent passwd "$DSQL_RUN_USER" >/dev/null && return 0
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
          --shell /usr/sbin/nologin "$DSQL_RUN_USER"
}
