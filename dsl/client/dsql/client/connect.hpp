// dsql/client/connect.hpp - connect to Aurora DSQL (or the local cluster) as a role the
// spec declares, as AWS's DSQL connectors do:
//
//   using spec = seed::spec;                         // a dsql::cluster<...>
//   dsql::client::endpoint ep{"abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws"};
//   auto conn = dsql::connect<spec, seed::app_readonly>(ep);   // a pqxx::connection
//   pqxx::work w(conn);
//
// Each connection gets a fresh DbConnect token (iam/token.hpp) signed with the
// credentials of the standard AWS chain (iam/credentials.hpp; a process-wide cache by
// default, or connect_options::credentials), for the endpoint's host name and the
// region its name carries (`<id>.dsql.<region>.on.aws`; else connect_options::region,
// AWS_REGION, AWS_DEFAULT_REGION, the profile's region). The user name is the role's;
// TLS is verify-full with SNI (sslmode=verify-full, sslsni=1, TLS 1.2 at least)
// against connect_options::sslrootcert or the system's CA bundle (SSL_CERT_FILE, else
// OpenSSL's default file); application_name is set. The token is the password and
// nothing else: never printed, logged or put in an exception.
//
// Compile-time rules, one sentence each (dsql::client::connect_rule says which): the
// role is not dsql::admin (setup tools call dsql::connect_admin<Spec>, which signs
// DbConnectAdmin), is declared in the spec, has LOGIN, and is mapped to an IAM
// principal (dsql::iam_grant). dsql::connectable<Spec, Role> is the concept.
//
// DSL facts read here (include/dsql/cluster.hpp, role.hpp, iam.hpp): cluster_spec,
// declares_role, detail::cluster_traits<Spec>::iam, dsql::iam<E...>,
// detail::iam_entry_traits<E>::{is_mapping, role}, detail::role_traits<R>::{name,
// can_login}, dsql::admin.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <pqxx/connection>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include <dsql/cluster.hpp>

namespace dsql::aws {
class credentials_cache;
}

namespace dsql::client {

/// Where to connect.
struct endpoint {
  std::string host;  ///< <id>.dsql.<region>.on.aws, or the local endpoint's name
  std::uint16_t port = 5432;
  std::string database = "postgres";
  /// Connect to this address while verifying `host` (a local cluster on 127.0.0.1).
  std::optional<std::string> hostaddr = std::nullopt;
};

struct connect_options {
  /// Credentials for the tokens; nullptr: the process-wide default chain's cache.
  std::shared_ptr<aws::credentials_cache> credentials = nullptr;
  /// Signing region; nullopt: from the host name, else the environment and profile.
  std::optional<std::string> region = std::nullopt;
  /// CA certificates (PEM) to verify the server with; nullopt: the system's bundle.
  std::optional<std::filesystem::path> sslrootcert = std::nullopt;
  /// Token lifetime (it only has to outlive the handshake): 15 minutes, as AWS's connectors.
  std::chrono::seconds token_expires_in{900};
  std::chrono::seconds connect_timeout{10};
  std::string application_name = "dsql-roles";
};

/// Connecting failed: the libpq message with the host and user, never the token.
class connect_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The process-wide credentials cache over the default chain (created on first use).
[[nodiscard]] std::shared_ptr<aws::credentials_cache> default_credentials();

/// The libpq conninfo for a user with a fresh token (DbConnectAdmin when admin), the
/// region and TLS settings above. Throws connect_error (no region, no CA bundle) or
/// aws::credentials_error. The result holds the token: hand it to libpq only.
[[nodiscard]] std::string conninfo(const endpoint& e, const connect_options& o, std::string_view user, bool admin);

/// The signing region of connect_options and an endpoint (see above); throws connect_error.
[[nodiscard]] std::string region_for(const endpoint& e, const connect_options& o);

/// A new libpq connection for the user (what connect<> and the pool call).
[[nodiscard]] std::unique_ptr<pqxx::connection> open(const endpoint& e, const connect_options& o, std::string_view user,
                                                     bool admin);

enum class connect_rule { ok, admin, not_declared, no_login, not_mapped };

namespace detail {

template <class...>
inline constexpr bool dependent_false = false;

template <class Iam, class Role>
inline constexpr bool mapped_in = false;
template <class... E, class Role>
inline constexpr bool mapped_in<dsql::iam<E...>, Role> =
    ((dsql::detail::iam_entry_traits<E>::is_mapping &&
      std::is_same_v<typename dsql::detail::iam_entry_traits<E>::role, Role>) ||
     ...);

}  // namespace detail

/// Which rule connecting as Role under Spec breaks, or ok.
template <class Spec, class Role>
consteval connect_rule connect_rule_of() {
  if constexpr (std::is_same_v<Role, dsql::admin>)
    return connect_rule::admin;
  else if constexpr (!dsql::declares_role<Spec, Role>)
    return connect_rule::not_declared;
  else if constexpr (!dsql::detail::role_traits<Role>::can_login)
    return connect_rule::no_login;
  else if constexpr (!detail::mapped_in<typename dsql::detail::cluster_traits<Spec>::iam, Role>)
    return connect_rule::not_mapped;
  else
    return connect_rule::ok;
}

/// Fires the one static_assert of the rule Role breaks, if any; returns true (so that
/// the caller's own static_assert never adds a second message).
template <class Spec, class Role>
constexpr bool check_connectable() {
  constexpr connect_rule r = connect_rule_of<Spec, Role>();
  if constexpr (r == connect_rule::admin)
    static_assert(detail::dependent_false<Role>,
                  "dsql::connect never logs in as dsql::admin: an application connects as a scoped role with "
                  "DbConnect, and setup tools call dsql::connect_admin<Spec>, which signs DbConnectAdmin.");
  else if constexpr (r == connect_rule::not_declared)
    static_assert(detail::dependent_false<Role>,
                  "dsql::connect<Spec, Role> needs a Role declared in the Spec's dsql::roles<...>.");
  else if constexpr (r == connect_rule::no_login)
    static_assert(detail::dependent_false<Role>,
                  "dsql::connect<Spec, Role> needs a Role declared with dsql::login, because a role without "
                  "LOGIN cannot connect.");
  else if constexpr (r == connect_rule::not_mapped)
    static_assert(detail::dependent_false<Role>,
                  "dsql::connect<Spec, Role> needs a Role mapped to an IAM principal with dsql::iam_grant in the "
                  "Spec, because DSQL admits a role only through its IAM mapping.");
  return true;
}

/// A libpq connection logged in as Role of Spec.
template <class Spec, class Role>
class connection : public pqxx::connection {
 public:
  static constexpr std::string_view role_name =
      std::is_same_v<Role, dsql::admin> ? dsql::admin::name : dsql::detail::role_traits<Role>::name;
  explicit connection(const std::string& conninfo) : pqxx::connection(conninfo) {}
};

}  // namespace dsql::client

namespace dsql {

/// Role may connect under Spec (no compile error from dsql::connect<Spec, Role>).
template <class Spec, class Role>
concept connectable = cluster_spec<Spec> && client::connect_rule_of<Spec, Role>()
== client::connect_rule::ok;

/// A new connection as Role (see above). Throws client::connect_error or
/// aws::credentials_error.
template <class Spec, class Role>
requires cluster_spec<Spec>
[[nodiscard]] client::connection<Spec, Role> connect(const client::endpoint& e, const client::connect_options& o = {}) {
  static_assert(client::check_connectable<Spec, Role>());
  const std::string info = client::conninfo(e, o, dsql::detail::role_traits<Role>::name, false);
  try {
    return client::connection<Spec, Role>(info);
  } catch (const pqxx::broken_connection& err) {
    throw client::connect_error("cannot connect to " + e.host + " as " +
                                std::string(dsql::detail::role_traits<Role>::name) + ": " + err.what());
  }
}

/// The explicitly named admin entry point for setup tools: user admin, a DbConnectAdmin
/// token (the identity needs dsql:DbConnectAdmin). Applications never call it.
template <class Spec>
requires cluster_spec<Spec>
[[nodiscard]] client::connection<Spec, dsql::admin> connect_admin(const client::endpoint& e,
                                                                  const client::connect_options& o = {}) {
  const std::string info = client::conninfo(e, o, dsql::admin::name, true);
  try {
    return client::connection<Spec, dsql::admin>(info);
  } catch (const pqxx::broken_connection& err) {
    throw client::connect_error("cannot connect to " + e.host + " as admin: " + std::string(err.what()));
  }
}

}  // namespace dsql
