// The local IAM state: principals, access keys and policies in one sqlite3 file that
// dsqlctl writes and the dsql_iam auth hook reads (read-only). See DESIGN.md, "Local
// IAM state in sqlite3".
//
// The file: mode 0600, owned by the owner of its directory when we run as root (the
// server's run user for DIR/iam.sqlite in a cluster directory), versioned with
// PRAGMA user_version (migrations in state.cpp; the extension refuses any version it
// does not read: DSQL_IAM_STATE_SCHEMA_VERSION and _MIN_READ in extension/policy.h).
// Schema version 4:
//
//   principals(id, arn, kind, created_at)             id: AROA…/AIDA… (stable)
//   access_keys(access_key_id, principal_id, secret_access_key, session_token,
//               expires_at, created_at, session_name) expires_at: Unix time or NULL;
//                                                      session_name: the RoleSessionName
//                                                      of a temporary key issued by STS
//   policies(principal_id, name, document)             identity policies, the JSON as given
//   resource_policies(resource_arn, document, version, updated_at)
//                                                      resource-based policies, the JSON as
//                                                      given: a cluster's policy (cluster
//                                                      ARN), a role's trust policy (role ARN)
//   statements(id, principal_id + policy_name | resource_arn, position, sid, effect,
//              not_action, not_resource, not_principal, variables, unsupported)
//   statement_values(statement_id, kind, value)        action (lower-cased), resource,
//                                                      principal ("*", "AWS:<arn|account>",
//                                                      "Service:…", "Federated:…", …)
//   statement_conditions(statement_id, operator, key, value)
//                                                      one row per value
//   context_keys(principal_id | NULL, key, value)      local request context (dsqlctl iam
//                                                      set-context): NULL for every principal
//   oidc_providers(arn, url, client_ids, public_key,   OIDC identity providers the state
//                  private_key, created_at)            trusts for AssumeRoleWithWebIdentity:
//                                                      issuer URL, audiences (JSON array),
//                                                      the issuer's public key (PEM); the
//                                                      private key only for the local issuer
//                                                      (dsqlctl iam oidc-token), else NULL
//
// Every policy document is normalised into statements that C evaluates without a JSON
// parser (extension/policy.c, the one evaluator: the auth hook, `dsqlctl iam simulate`
// and the local STS). variables = 1 when the document's Version is 2012-10-17 (policy
// variables are literal text otherwise, as on AWS); unsupported names what could not be
// stored as understood (only when migrating an older file): such a statement never
// grants and always denies. Migrations: 1 -> 2 re-normalises every identity policy;
// 2 -> 3 adds the local STS's tables (session names, trust policies as JSON, OIDC
// providers); 3 -> 4 turns cluster_policies into resource_policies (cluster_arn ->
// resource_arn) and normalises every trust policy into it, dropping trust_policies.
//
// Every function throws state_error with a sentence for people.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace dsql::aws {

class state_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr int schema_version = 4;  ///< DSQL_IAM_STATE_SCHEMA_VERSION (state.cpp checks)
inline constexpr std::string_view default_account = "123456789012";

struct principal {
  std::string id;
  std::string arn;
  std::string kind;  ///< "role" or "user"
};

struct access_key {
  std::string access_key_id;
  std::string principal_arn;
  std::string secret_access_key;
  std::optional<std::string> session_token;
  std::optional<std::int64_t> expires_at;                  ///< Unix time
  std::optional<std::string> session_name = std::nullopt;  ///< STS-issued keys: RoleSessionName
};

struct oidc_provider {
  std::string arn;                                        ///< arn:aws:iam::<account>:oidc-provider/<host/path>
  std::string url;                                        ///< the issuer (iss): https://host/path
  std::vector<std::string> client_ids;                    ///< accepted audiences (aud)
  std::string public_key;                                 ///< PEM (EC P-256 or RSA)
  std::optional<std::string> private_key = std::nullopt;  ///< PEM; the local issuer only
};

/// One statement of a policy as the evaluator reads it (the rows of statements,
/// statement_values and statement_conditions).
struct statement_row {
  struct condition {
    std::string op, key, value;
  };
  std::string sid, effect;
  bool not_action = false, not_resource = false, not_principal = false;
  bool variables = false;  ///< Version 2012-10-17: ${…} are policy variables
  std::optional<std::string> unsupported;
  std::vector<std::string> actions, resources, principals;
  std::vector<condition> conditions;
};

/// identity: a principal's (no Principal); cluster: a DSQL cluster's resource-based
/// policy (Principal or NotPrincipal, Resource); trust: a role's trust policy (Principal,
/// no NotPrincipal, no Resource: its statements are about its role).
enum class policy_kind { identity, cluster, trust };

struct normalised_policy {
  std::vector<statement_row> statements;
  /// Sentences for people: condition keys unknown locally (never grant, always deny).
  std::vector<std::string> notes;
};

/// One policy document normalised into statements. Throws state_error with a sentence
/// when it is not a valid IAM policy of that kind: invalid JSON, over 64 KiB, no
/// Statement, Effect not Allow/Deny, not exactly one of Action/NotAction and (but in a
/// trust policy, which has none) of Resource/NotResource, a Principal in an identity
/// policy or none in a resource-based one, NotPrincipal in a trust policy, a principal
/// that is not one (an account, an IAM role or user ARN, a role session in a trust
/// policy, "*", Federated / Service names), an unknown condition operator or element,
/// a malformed policy variable, a value over the bounds of extension/policy.h. lenient
/// (migrations only): such a statement is kept with `unsupported` set instead.
[[nodiscard]] normalised_policy normalise_policy(std::string_view json, policy_kind kind = policy_kind::identity,
                                                 bool lenient = false);

/// One local context key value (dsqlctl iam set-context); principal_arn empty: all.
struct context_entry {
  std::string principal_arn;
  std::string key, value;
};

/// `arn:aws:iam::<account>:role/<name>` from a name (or an ARN, returned unchanged).
[[nodiscard]] std::string principal_arn(std::string_view name_or_arn, std::string_view kind,
                                        std::string_view account = default_account);

class state {
 public:
  /// Opens (creating and migrating when needed) the state file.
  explicit state(const std::filesystem::path& file);
  ~state();
  state(const state&) = delete;
  state& operator=(const state&) = delete;

  [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }

  /// Creates a principal; returns it. Existing ARN: returns the existing one when
  /// if_absent, else throws.
  principal create_principal(const std::string& arn, bool if_absent = false);
  [[nodiscard]] std::optional<principal> find_principal(const std::string& arn);
  [[nodiscard]] std::vector<principal> principals();
  /// Deletes a principal with its keys and policies; false when absent.
  bool delete_principal(const std::string& arn);

  /// Stores (replaces) a named identity policy after normalising it; returns the
  /// normaliser's notes.
  std::vector<std::string> put_policy(const std::string& arn, const std::string& name, const std::string& document);
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> policies(const std::string& arn);

  /// Stores (replaces) the resource-based policy of a cluster (ARN
  /// arn:aws:dsql:<region>:<account>:cluster/<id>); returns its new version (1, 2, …)
  /// and the normaliser's notes.
  std::pair<std::int64_t, std::vector<std::string>> put_cluster_policy(const std::string& cluster_arn,
                                                                       const std::string& document);
  /// The document and version of a cluster's policy, if any.
  [[nodiscard]] std::optional<std::pair<std::string, std::int64_t>> cluster_policy(const std::string& cluster_arn);
  bool delete_cluster_policy(const std::string& cluster_arn);

  /// Sets (replaces) the values of a local context key for one principal, or for all
  /// when principal_arn is empty. Computed keys (aws:PrincipalArn, …) are refused.
  void set_context(const std::string& principal_arn, const std::string& key, const std::vector<std::string>& values);
  /// Removes a context key of that scope; false when it was not set.
  bool unset_context(const std::string& principal_arn, const std::string& key);
  [[nodiscard]] std::vector<context_entry> context();

  /// A fresh key pair (AKIA… without session token, ASIA… with one).
  access_key create_access_key(const std::string& arn, bool with_session_token = false,
                               std::optional<std::int64_t> expires_at = std::nullopt);
  [[nodiscard]] std::optional<access_key> find_access_key(const std::string& access_key_id);
  [[nodiscard]] std::vector<access_key> access_keys(const std::string& arn = {});
  bool delete_access_key(const std::string& access_key_id);
  /// A temporary ASIA… key with a session token, for a role session (local STS).
  access_key create_session_key(const std::string& role_arn, const std::string& session_name, std::int64_t expires_at);
  /// Deletes temporary keys that expired before `before` (Unix time); returns how many.
  std::size_t delete_expired_keys(std::int64_t before);

  /// Stores (replaces) a role's trust policy after normalising it (policy_kind::trust);
  /// returns the normaliser's notes. Evaluated by extension/policy.c (trust.hpp).
  std::vector<std::string> put_trust_policy(const std::string& role_arn, const std::string& document);
  /// The document of a role's trust policy, as given.
  [[nodiscard]] std::optional<std::string> trust_policy(const std::string& role_arn);

  /// Registers an OIDC provider; throws when its URL is already registered.
  oidc_provider create_oidc_provider(const oidc_provider& p);
  [[nodiscard]] std::optional<oidc_provider> find_oidc_provider(const std::string& arn_or_url);
  [[nodiscard]] std::vector<oidc_provider> oidc_providers();

  /// The sqlite handle (for dsql_policy_evaluate: `dsqlctl iam simulate`, tests).
  [[nodiscard]] sqlite3* handle() const noexcept { return db_; }

 private:
  void exec(const char* sql);
  void migrate();
  void store_statements(const std::string& owner_column, const std::string& owner, const std::string& policy_name,
                        const normalised_policy& p);
  std::int64_t put_resource_policy(const std::string& resource_arn, const std::string& document,
                                   const normalised_policy& normalised);
  std::optional<std::pair<std::string, std::int64_t>> resource_policy(const std::string& resource_arn);
  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

/// Random identifiers: prefix + n characters of [A-Z2-7] (as AWS's ids look).
[[nodiscard]] std::string random_id(std::string_view prefix, std::size_t n);

}  // namespace dsql::aws
