// IAM token authentication for the engine's connections, as Aurora DSQL connectors do
// it: a SigV4 token (iam/token.hpp, the signer the dsql_iam auth hook verifies with)
// signed for the host name (no port) and region, DbConnectAdmin when the user is
// `admin` and DbConnect otherwise, passed to libpq as the password.
//
// When: --iam-token (or any of --region/--expires-in/--profile/--principal), or
// automatically when the one host is `<id>.dsql.<region>.on.aws` and no password was
// given (no password keyword in the conninfo, no PGPASSWORD).
// Region: --region, else the host's `.dsql.<region>.on.aws`, else AWS_REGION, else
// AWS_DEFAULT_REGION. Credentials: --principal ARN (a key of the local IAM state), else
// AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY(/AWS_SESSION_TOKEN), else the profile
// (--profile, AWS_PROFILE, default) of ~/.aws/credentials.
//
// The token is secret: it is only ever put in the conninfo handed to libpq (quoted as a
// password value); it is never printed, logged or put in an exception message.
//
// Tokens go only over verified TLS: with a token the conninfo gets sslmode=verify-full
// (any other sslmode, given in the conninfo or PGSSLMODE, is refused before connecting)
// and gssencmode=disable; the roots are sslrootcert (conninfo or PGSSLROOTCERT), else
// the system's (libpq 16+: sslrootcert=system; libpq 15: the distribution's bundle,
// /etc/ssl/certs/ca-certificates.crt on Debian), and for a local cluster (--dir) its own
// CA (DIR/ca.crt). A DbConnectAdmin token is a bearer credential valid for up to 900 s
// against the real cluster: a server that cannot prove it is that cluster never sees
// one. The one way around, for tests only: --insecure-unverified-tls-for-tests
// (token_options::insecure_tls), which keeps the conninfo's own sslmode and says so on
// stderr.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace dsql::engine::iam_connect {

struct token_options {
  bool requested = false;  ///< --iam-token, or implied by one of the options below
  std::optional<std::string> region, profile, principal;
  std::int64_t expires_in = 900;  ///< seconds, 1..604800 (checked by the signer)
  /// --insecure-unverified-tls-for-tests: keep the conninfo's sslmode (a test against a
  /// server without a verifiable certificate). Never for real clusters.
  bool insecure_tls = false;
};

/// The option that opens the hole (for usage texts and messages).
inline constexpr std::string_view insecure_tls_option = "--insecure-unverified-tls-for-tests";

/// The root certificates for verify-full when none is given: "system" with libpq 16 or
/// later, else the first bundle that exists of the distributions' usual paths; nullopt
/// when there is none.
[[nodiscard]] std::optional<std::string> system_root_certificates();

/// The conninfo keywords a token needs (sslmode=verify-full, gssencmode=disable, and
/// sslrootcert when neither the conninfo nor PGSSLROOTCERT gives one), appended to
/// keywords. Throws std::runtime_error before anything is sent when the conninfo (or
/// PGSSLMODE) asks for another sslmode and insecure_tls is off, or when no root
/// certificates can be found.
[[nodiscard]] std::string require_verified_tls(const std::string& keywords, const token_options& o);

/// The region of an Aurora DSQL endpoint host `<id>.dsql.<region>.on.aws` (ASCII case
/// ignored, one trailing dot allowed), else nullopt.
[[nodiscard]] std::optional<std::string> dsql_region_of(std::string_view host);

/// DSQL connectors' rule: the admin action iff the user is exactly `admin`.
[[nodiscard]] bool admin_action_for(std::string_view user) noexcept;
/// "DbConnectAdmin" or "DbConnect".
[[nodiscard]] std::string_view action_for(std::string_view user) noexcept;

/// The signing region: explicit, else the DSQL host's, else AWS_REGION, else
/// AWS_DEFAULT_REGION; nullopt when none.
[[nodiscard]] std::optional<std::string> region_for(const std::optional<std::string>& explicit_region,
                                                    std::string_view host);

/// A libpq conninfo value in single quotes (backslash and quote escaped).
[[nodiscard]] std::string quote(std::string_view value);

/// What a libpq conninfo (keyword/value or URI) says, with libpq's defaults for the
/// token's inputs: host (else PGHOST), user (else PGUSER, else the OS user name).
struct endpoint {
  std::string host;
  std::string user;
  bool password_in_conninfo = false;
  bool password_given = false;     ///< in the conninfo or PGPASSWORD
  std::string sslmode;             ///< the conninfo's, else PGSSLMODE; empty when neither
  bool sslrootcert_given = false;  ///< in the conninfo or PGSSLROOTCERT
  std::string keywords;            ///< the conninfo rewritten as keyword='value' pairs
};
/// Throws std::invalid_argument with libpq's message when the conninfo does not parse.
[[nodiscard]] endpoint parse_conninfo(const std::string& conninfo);

/// Whether a token is generated for this endpoint (requested, or automatic for a DSQL
/// host without a password).
[[nodiscard]] bool wants_token(const token_options& o, const endpoint& e);

/// keywords + " password='token'".
[[nodiscard]] std::string with_password(const std::string& keywords, std::string_view token);

/// The conninfo the engine connects with for --conninfo/PG* (conninfo) or a local
/// cluster (dir non-empty; user the role to log in as). Without a token: the conninfo
/// unchanged, or the cluster's Unix socket. With one: verify-full (require_verified_tls)
/// and the password added (for a local cluster: its front door on 127.0.0.1 under its
/// name <id>.dsql.<region>.on.aws and its CA, the token signed for that name and region).
/// Throws std::runtime_error (a sentence for people, never the token).
[[nodiscard]] std::string connection_string(const token_options& o, const std::string& conninfo, const std::string& dir,
                                            const std::string& user);

}  // namespace dsql::engine::iam_connect
