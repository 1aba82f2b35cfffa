// A throwaway local PostgreSQL 15 cluster for development and tests: initdb, start,
// stop, status; a Unix socket and (with the extension) Aurora DSQL's front door on
// 127.0.0.1 (dsl/front: TLS with SNI under a local CA, IAM tokens, DSQL's dialect and
// quotas); the dsql_iam extension preloaded and created; the DSQL-like `admin` role
// (LOGIN CREATEROLE, owns database postgres, not superuser); strict mode
// (dsql_iam.strict: Aurora DSQL's SQL rules) on unless asked otherwise.
//
// Layout of a cluster directory DIR (owned by the run user, mode 0700):
//   DIR/dsqlctl.conf          state, key=value, written by `up` as the invoking user (root's
//                             file, mode 0644, when root): port, extension, created (how many
//                             path levels up created), cluster_id, region and the front
//                             door's limits; run_user and pg_bindir for people only
//   DIR/data/                 the data directory (initdb -U postgres)
//   DIR/data/dsqlctl-local.conf  server settings we own (included by postgresql.conf)
//   DIR/server.log            server log (pg_ctl -l)
//   DIR/.s.PGSQL.<port>       the server's Unix socket (the socket directory is DIR)
//   DIR/iam.sqlite            the local IAM state (dsqlctl iam; read by the auth hook)
//   DIR/ca.{crt,key}          the cluster's local CA (certificates.hpp)
//   DIR/data/server.{crt,key} the endpoint's certificate, issued by that CA for the
//                             cluster's names: <id>.dsql.<region>.on.aws, localhost, 127.0.0.1
//   DIR/front.{pid,log}       the front door daemon (front_daemon.hpp)
//   DIR/data/pg_hba.conf      socket: trust (tooling; break-glass: the bootstrap superuser);
//                             the front door's relayed connections are also socket
//                             connections, which dsql_iam authenticates with the token
//                             (dsql_iam.front_door); TCP: reject (PostgreSQL listens on none)
//
// With the extension the front door listens on 127.0.0.1:<port> (TLS only): the
// emulated DSQL endpoint; PostgreSQL itself listens only on DIR/.s.PGSQL.<port>.
// Without --port a free port is chosen on first start.
//
// As root, the server runs as an unprivileged OS user (default `dsqlrun`, env
// DSQL_RUN_USER overrides), created on first use; root's own client connections go
// through the 0700 socket (root bypasses file permissions). Otherwise everything runs
// as the calling user.
//
// Trust: the run user (the database server) can change anything inside DIR, so
// nothing there decides what we execute or as whom. Programs come from pg_bindir()
// only, the run user is computed as above; dsqlctl.conf is used only while it is a
// regular file (not a symbolic link) of at most 64 KiB owned by the invoking user,
// and a postmaster.pid only names our server when that process belongs to the run
// user, runs pg_bindir()/postgres in DIR/data and the file names DIR/data (anything
// that cannot be checked counts as not ours). Every existing parent of DIR must be
// owned by root or the invoking user and not writable by others (unless sticky, like
// /tmp); parents up creates are 0700 (0711 as root, for the run user to traverse).
// DIR itself is never a symbolic link; an existing DIR is taken only when it is our
// cluster, or empty and the invoking user's. Paths holding " $ ` \ ' or control
// characters are refused (pg_ctl passes DIR through a shell command line).
//
// Environment:
//   DSQL_LOCAL_DIR            default cluster directory (see default_dir())
//   DSQL_PG_BINDIR            PostgreSQL binaries (default: the build's pg_config --bindir)
//   DSQL_RUN_USER             OS user running the server when we are root
//   DSQL_LOCAL_NO_EXTENSION=1 development only: neither preload nor create dsql_iam
//
// Every function throws cluster_error (local/process.hpp) with a sentence for people.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "local/process.hpp"

namespace dsql::local {

/// The emulated endpoint's identity: `<cluster_id>.dsql.<region>.on.aws` (the name a
/// DSQL cluster has), also reachable as localhost and 127.0.0.1; tokens are signed for
/// one of those names and the region, policies name the cluster ARN
/// arn:aws:dsql:<region>:<account>:cluster/<cluster_id> (dsql_iam.endpoint / .region /
/// .cluster_arn). The default id "local" can never be a real cluster's (DSQL's are
/// 26 random characters), so trusting the local CA never covers a real endpoint.
inline constexpr std::string_view default_cluster_id = "local";
inline constexpr std::string_view default_region = "us-east-1";
inline constexpr std::string_view local_account_id = "123456789012";

/// "<cluster_id>.dsql.<region>.on.aws".
[[nodiscard]] std::string dsql_endpoint(std::string_view cluster_id, std::string_view region);
/// "arn:aws:dsql:<region>:123456789012:cluster/<cluster_id>".
[[nodiscard]] std::string cluster_arn(std::string_view cluster_id, std::string_view region);
/// Why a cluster id is not usable (one DNS label: a-z, 0-9, inner -, at most 63), or nullopt.
[[nodiscard]] std::optional<std::string> cluster_id_problem(std::string_view id);
/// Why a region is not an AWS region name (e.g. us-east-1, ap-southeast-2), or nullopt.
[[nodiscard]] std::optional<std::string> region_problem(std::string_view region);

/// The front door's limits (dsl/front), DSQL's by default where a laptop can follow.
struct front_door_limits {
  int max_connections = 100;      ///< open connections (DSQL: 10,000) -> 53300
  int connection_rate = 100;      ///< new connections per second (DSQL: 100) -> 53400
  int connection_burst = 1000;    ///< burst capacity (DSQL: 1,000)
  int max_connection_age = 3600;  ///< seconds (DSQL: 60 minutes)
  int auth_timeout = 10;          ///< seconds for TLS, startup and the token
};

/// The bootstrap superuser of a local cluster (initdb -U postgres), the hidden plumbing
/// of the emulation: dsql_iam lets it do what DSQL's admin cannot.
inline constexpr std::string_view bootstrap_superuser = "postgres";

/// libpq `options` of every bootstrap-superuser session the tooling opens (conninfo(),
/// psql_argv(), local up): search_path pinned to pg_catalog. admin owns schema public
/// (PostgreSQL 15 gives it to the database owner) and may create schemas, so a superuser
/// session that resolved a name outside pg_catalog could run admin's function as
/// superuser; startup options also override any ALTER DATABASE / ALTER ROLE ... SET.
/// The tooling's own statements also qualify every name (extension/utility.c lists the
/// paths dsql_iam closes on the server side).
inline constexpr std::string_view superuser_session_options = "-c search_path=pg_catalog";

struct cluster_options {
  std::filesystem::path dir;  ///< empty → default_dir()
  int port = 0;               ///< 0 → the port recorded in DIR, else a free TCP port (5432 without the extension)
  bool quiet = false;         ///< no progress lines on stderr
  /// Strict mode (dsql_iam.strict: the cluster refuses what Aurora DSQL refuses), set on
  /// every `up`, also of a running cluster. Ignored without the extension.
  bool strict = true;
  // The front door: nullopt keeps what DIR records (else the defaults above).
  std::optional<std::string> cluster_id{}, region{};
  std::optional<int> max_connections{}, connection_rate{}, connection_burst{}, max_connection_age{}, auth_timeout{};
};

struct cluster_info {
  std::filesystem::path dir;         ///< absolute cluster directory
  std::filesystem::path data_dir;    ///< dir/data
  std::filesystem::path socket_dir;  ///< dir (libpq host=)
  std::filesystem::path log_file;    ///< dir/server.log
  std::filesystem::path pg_bindir;   ///< where initdb, pg_ctl, psql are
  int port = 0;
  long pid = 0;                                      ///< postmaster pid
  std::chrono::system_clock::time_point started_at;  ///< postmaster start (1 s resolution)
  std::string run_user;                              ///< OS user running the server
  bool extension = true;                             ///< dsql_iam preloaded and created
  /// With the extension: the emulated DSQL endpoint, the front door on 127.0.0.1:port
  /// (the same port number as the socket), IAM token authentication.
  bool tcp = false;
  std::filesystem::path iam_state;  ///< DIR/iam.sqlite (dsql_iam.state_file), when tcp
  std::string cluster_id;           ///< e.g. "local"
  std::string region;               ///< e.g. "us-east-1"
  std::string endpoint;             ///< <cluster_id>.dsql.<region>.on.aws
  std::string cluster_arn;          ///< arn:aws:dsql:<region>:123456789012:cluster/<cluster_id>
  std::filesystem::path ca_file;    ///< DIR/ca.crt: what clients trust for verify-full
  front_door_limits limits;
  long front_pid = 0;  ///< the front door daemon, 0 when it is not running

  /// The names tokens may be signed for: endpoint, localhost, 127.0.0.1.
  [[nodiscard]] std::vector<std::string> names() const;

  /// libpq conninfo of the endpoint: host=<endpoint> hostaddr=127.0.0.1 port=P
  /// sslmode=verify-full sslrootcert=DIR/ca.crt user=… dbname=…; the password is a
  /// token (dsqlctl token generate --hostname <endpoint>).
  [[nodiscard]] std::string tcp_conninfo(std::string_view user = "admin", std::string_view dbname = "postgres") const;

  /// libpq keyword/value connection string over the Unix socket, values quoted:
  /// host='DIR' port=P user='admin' dbname='postgres'; for the bootstrap superuser
  /// also options='-c search_path=pg_catalog' (superuser_session_options).
  [[nodiscard]] std::string conninfo(std::string_view user = "admin", std::string_view dbname = "postgres") const;
  /// argv of psql connected to this cluster: {bindir/psql, -X, -h, DIR, -p, P, -U, user, -d, dbname};
  /// for the bootstrap superuser the -d argument is a connection string that also pins
  /// search_path: dbname='postgres' options='-c search_path=pg_catalog'.
  [[nodiscard]] std::vector<std::string> psql_argv(std::string_view user = "admin",
                                                   std::string_view dbname = "postgres") const;
};

/// Creates (initdb) if needed and starts the cluster, then ensures role admin, its
/// ownership of database postgres and extension dsql_iam, the certificates and the
/// front door. Idempotent: a running cluster's info is returned unchanged, its front
/// door restarted if it is not running (error if options name another port, id,
/// region or limits). Fails before initdb when dsql_iam is not installed.
cluster_info up(const cluster_options& options);

struct down_result {
  bool existed = false;      ///< DIR existed
  bool was_running = false;  ///< a server was running and has been stopped
  bool removed = false;      ///< DIR has been removed
};

/// Stops the server (fast, then immediate, then SIGKILL), waits until no process of
/// the cluster remains, then, unless keep_data, removes what up() created: DIR's
/// contents, DIR itself when up() created it (removed == true), and the parents
/// up() created when they are empty. A missing DIR is not an error (existed ==
/// false). Refuses to touch a directory that is not a cluster made by up() for the
/// invoking user (no dsqlctl.conf, or not theirs).
down_result down(const std::filesystem::path& dir, bool keep_data = false);

/// The running cluster in dir (postmaster.pid naming our live server), or nullopt.
/// Throws when dir holds a cluster that is not the invoking user's or fails the
/// checks above (permission denied, foreign dsqlctl.conf, unsafe parents).
[[nodiscard]] std::optional<cluster_info> status(const std::filesystem::path& dir);

/// Strict mode of a running cluster with the extension: dsql_iam.strict and the ruleset
/// the extension enforces (sys.strict_ruleset()).
struct strict_status {
  bool on = false;
  std::string ruleset;   ///< e.g. "aurora-dsql-2026.09"
  std::string recorded;  ///< the ruleset's date, YYYY-MM-DD
  int rules = 0;         ///< how many rules it has
};
[[nodiscard]] strict_status strict_state(const cluster_info& info);

/// Turns strict mode on or off without a restart: ALTER SYSTEM SET dsql_iam.strict as the
/// bootstrap superuser (Unix socket), pg_reload_conf(), then waits (at most 10 s) until a
/// new session sees the value. Sessions already open follow the rules at once; the
/// session environment (server_version 16.15, UTC, REPEATABLE READ) is chosen per session
/// when it starts.
void set_strict(const cluster_info& info, bool on);

/// Whether dir holds a cluster made by up() (running or not).
[[nodiscard]] bool is_cluster_dir(const std::filesystem::path& dir);

/// $DSQL_LOCAL_DIR if set; as root /var/tmp/dsql-roles-0/local (reachable by the run
/// user); otherwise ${XDG_RUNTIME_DIR:-/tmp}/dsql-roles-<uid>.
[[nodiscard]] std::filesystem::path default_dir();

/// $DSQL_PG_BINDIR if set, else the PostgreSQL 15 bindir found at build time.
[[nodiscard]] std::filesystem::path pg_bindir();

}  // namespace dsql::local
