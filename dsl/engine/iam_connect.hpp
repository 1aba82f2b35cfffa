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
};

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
  bool password_given = false;  ///< in the conninfo or PGPASSWORD
  std::string keywords;         ///< the conninfo rewritten as keyword='value' pairs
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
/// unchanged, or the cluster's Unix socket. With one: the password added (for a local
/// cluster: its TLS endpoint on 127.0.0.1, signed for its endpoint and region).
/// Throws std::runtime_error (a sentence for people, never the token).
[[nodiscard]] std::string connection_string(const token_options& o, const std::string& conninfo,
                                            const std::string& dir, const std::string& user);

}  // namespace dsql::engine::iam_connect
