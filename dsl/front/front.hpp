// The front door of a local cluster: Aurora DSQL's endpoint as clients see it, in
// front of a PostgreSQL 15 that listens only on its Unix socket.
//
//   client ── TLS (SNI, verify-full) ──► front door ── Unix socket ──► PostgreSQL 15
//            127.0.0.1:<port>            (this)        DIR/.s.PGSQL.<port>   + dsql_iam
//
// What it does, in order, for every TCP connection:
//   1. TLS: an SSLRequest, then the handshake (or PostgreSQL 17's direct TLS with
//      ALPN "postgresql"); plaintext startups are refused. The certificate is the
//      cluster's, issued by its local CA for its names. SNI is required and must be
//      one of the cluster's DNS names (DSQL routes by it: no SNI, no cluster).
//   2. The StartupMessage (only the database postgres, 3D000 otherwise; only the
//      parameters DSQL's clients send, options split as the server splits them,
//      0A000 otherwise: server.cpp, client_settings), then the password (the IAM
//      token), read by the front door itself with a deadline of auth_timeout
//      seconds, before any backend exists: a client that stalls here holds one
//      socket of the front door, never one of PostgreSQL's backend slots, so stalled
//      clients cannot starve authenticated ones nor the break-glass path (the
//      bootstrap superuser on the Unix socket).
//      When max_pending clients are waiting, the oldest is dropped.
//   3. DSQL's quotas: max_connections open connections (53300) and the token bucket
//      of limits.hpp (53400), with DSQL's texts.
//   4. A backend: the Unix socket, a StartupMessage with the client's parameters and
//      dsql_iam.front_door=on, which makes dsql_iam's auth hook ask for the password
//      as on a TCP line; the front door forwards the client's password. The token is
//      verified by the extension only (extension/auth.c: the one implementation). A
//      backend that does not ask for a password (dsql_iam not loaded, auth_mode off)
//      is refused: the front door never lets anyone in without IAM authentication.
//   5. The session, relayed both ways; Query and Parse messages go through the
//      DSQL-dialect bridge (dsl/sql: AWS IAM GRANT/REVOKE ...), ParameterStatus
//      server_version is reported as DSQL's (16.15). CancelRequests for the relayed
//      sessions are forwarded. After max_connection_age the session is closed when it
//      is between transactions (FATAL 57P01), at the latest max_connection_age +
//      transaction_grace.
//
// Logs go to stderr (the daemon's DIR/front.log): one line per refusal and per
// session, never a password or a token; of the refusals before authentication only
// the first 20 of every 10 s, the rest counted in a report every 10 s.
//
// Why a front end (and not PostgreSQL's own TLS listener with the dsql_iam hook, which
// served the endpoint before): PostgreSQL's grammar cannot be extended, so `AWS IAM
// GRANT` sent by any client must be rewritten before the server parses it; and a
// PostgreSQL backend takes a slot the moment it reads a startup packet, so clients
// that stall at the password prompt take them all for authentication_timeout (60 s).
// Measured side by side in one run (bench/front_door.sh, bench/RESULTS.md "Front
// door"; 2 shared cores under a sandboxed kernel, so ratios, not absolutes):
//   - 200 clients stalled at the password prompt: through PostgreSQL's TLS every login
//     and the break-glass superuser fail ("sorry, too many clients already"); through
//     the front door 200 of 200 logins succeed, p99 18-22 ms, as without the flood.
//   - connections/s with a token through the front door: 0.93-1.29x trust and
//     1.8-2.3x scram-sha-256 over PostgreSQL's TLS, 1.15x a token over PostgreSQL's
//     TLS (TLS ends in a long-lived process; the backend's login is one read and one
//     write here).
//   - queries (pgbench -S): with 4 clients 1.09-1.11x PostgreSQL's TLS (the backends
//     do no TLS); with 1 client the extra hop costs 14-32 us per round trip (0.55-0.81x
//     there): the relay does one read and one write each way per query, so what is
//     left is the second process's wake-up.
// The alternative keeps neither promise: no extension hook sees a query before the
// parser, and PostgreSQL's TLS cannot keep stalled clients off its backend slots.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace dsql::front {

/// Any failure to set the front door up; what() is a sentence for people.
class front_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct config {
  std::string listen_address = "127.0.0.1";  ///< IPv4 address to listen on (loopback)
  int port = 0;                              ///< TCP port
  std::filesystem::path backend_socket;      ///< PostgreSQL's Unix socket (DIR/.s.PGSQL.<port>)
  std::filesystem::path cert_file;           ///< PEM certificate chain (server, then CA)
  std::filesystem::path key_file;            ///< PEM private key
  /// The cluster's DNS names, accepted as SNI (case-insensitive): e.g.
  /// "<id>.dsql.<region>.on.aws", "localhost". IP addresses never come as SNI.
  std::vector<std::string> names;
  std::string server_version = "16.15";           ///< ParameterStatus server_version reported
  int max_connections = 100;                      ///< open sessions (DSQL: 10,000) -> 53300
  double connection_rate = 100;                   ///< new connections per second (DSQL: 100) -> 53400
  double connection_burst = 1000;                 ///< bucket size (DSQL: 1,000)
  std::chrono::seconds auth_timeout{10};          ///< TLS + startup + password, and the backend's login
  std::chrono::seconds max_connection_age{3600};  ///< DSQL: 60 minutes
  std::chrono::seconds transaction_grace{300};    ///< DSQL: a transaction may run 5 minutes
  int max_pending = 1024;                         ///< clients not yet authenticated, then the oldest is dropped
};

/// Checks a configuration (names, limits, files present); throws front_error.
void validate(const config& c);

/// Binds the port and loads the certificate (throws front_error), then serves until
/// SIGTERM or SIGINT; returns the process exit status (0 after a signal).
/// Runs in the calling process: dsqlctl starts it in a daemon (local/cluster.cpp).
int serve(const config& c);

/// Binds and loads like serve(), then calls ready() (e.g. to tell a parent process
/// the front door is up) and serves. ready may be empty.
int serve(const config& c, void (*ready)(void*), void* ready_arg);

}  // namespace dsql::front
