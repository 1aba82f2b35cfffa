// The local IAM state: principals, access keys and policies in one sqlite3 file that
// dsqlctl writes and the dsql_iam auth hook reads (read-only). See DESIGN.md, "Local
// IAM state in sqlite3".
//
// The file: mode 0600, owned by the owner of its directory when we run as root (the
// server's run user for DIR/iam.sqlite in a cluster directory), versioned with
// PRAGMA user_version (migrations in state.cpp; the extension refuses any version it
// does not know). Schema version 1:
//
//   principals(id, arn, kind, created_at)             id: AROA…/AIDA… (stable)
//   access_keys(access_key_id, principal_id, secret_access_key, session_token,
//               expires_at, created_at)                expires_at: Unix time or NULL
//   policies(principal_id, name, document)             the JSON as given
//   policy_statements(principal_id, policy_name, statement, effect, action, resource,
//                     conditional)                     normalised for C: one row per
//                                                      (statement, action, resource);
//                                                      action lower-cased (IAM action
//                                                      names are case-insensitive);
//                                                      conditional = 1 when the
//                                                      statement has a Condition,
//                                                      NotAction or NotResource: such
//                                                      an Allow never grants, such a
//                                                      Deny always applies (fail closed)
//
// Version 2 adds what the local STS (sts_server.hpp) needs; the tables the auth hook
// reads are unchanged, so dsql_iam reads versions 1 and 2:
//
//   access_keys.session_name                           the RoleSessionName of a
//                                                      temporary key issued by STS
//   trust_policies(principal_id, document)             a role's trust policy (who may
//                                                      assume it; trust.hpp)
//   oidc_providers(arn, url, client_ids, public_key,   OIDC identity providers the state
//                  private_key, created_at)            trusts for AssumeRoleWithWebIdentity:
//                                                      issuer URL, audiences (JSON array),
//                                                      the issuer's public key (PEM); the
//                                                      private key only for the local issuer
//                                                      (dsqlctl iam oidc-token), else NULL
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

inline constexpr int schema_version = 2;
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
    std::optional<std::int64_t> expires_at;  ///< Unix time
    std::optional<std::string> session_name = std::nullopt;  ///< STS-issued keys: RoleSessionName
};

struct oidc_provider {
    std::string arn;   ///< arn:aws:iam::<account>:oidc-provider/<host/path>
    std::string url;   ///< the issuer (iss): https://host/path
    std::vector<std::string> client_ids;  ///< accepted audiences (aud)
    std::string public_key;               ///< PEM (EC P-256 or RSA)
    std::optional<std::string> private_key = std::nullopt;  ///< PEM; the local issuer only
};

struct statement_row {
    std::string effect, action, resource;
    bool conditional = false;
};

/// One policy document normalised into rows (throws state_error when it is not an
/// IAM policy: invalid JSON, no Statement, Effect not Allow/Deny, no Action/NotAction).
[[nodiscard]] std::vector<statement_row> normalise_policy(std::string_view json);

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

    /// Stores (replaces) a named policy after normalising it.
    void put_policy(const std::string& arn, const std::string& name, const std::string& document);
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> policies(const std::string& arn);

    /// A fresh key pair (AKIA… without session token, ASIA… with one).
    access_key create_access_key(const std::string& arn, bool with_session_token = false,
                                 std::optional<std::int64_t> expires_at = std::nullopt);
    [[nodiscard]] std::optional<access_key> find_access_key(const std::string& access_key_id);
    [[nodiscard]] std::vector<access_key> access_keys(const std::string& arn = {});
    bool delete_access_key(const std::string& access_key_id);
    /// A temporary ASIA… key with a session token, for a role session (local STS).
    access_key create_session_key(const std::string& role_arn, const std::string& session_name,
                                  std::int64_t expires_at);
    /// Deletes temporary keys that expired before `before` (Unix time); returns how many.
    std::size_t delete_expired_keys(std::int64_t before);

    /// A principal's normalised policy statements (all its policies).
    [[nodiscard]] std::vector<statement_row> statements(const std::string& arn);

    /// Stores (replaces) a role's trust policy (checked by trust.hpp's parser first).
    void put_trust_policy(const std::string& role_arn, const std::string& document);
    [[nodiscard]] std::optional<std::string> trust_policy(const std::string& role_arn);

    /// Registers an OIDC provider; throws when its URL is already registered.
    oidc_provider create_oidc_provider(const oidc_provider& p);
    [[nodiscard]] std::optional<oidc_provider> find_oidc_provider(const std::string& arn_or_url);
    [[nodiscard]] std::vector<oidc_provider> oidc_providers();

private:
    void exec(const char* sql);
    void migrate();
    std::filesystem::path file_;
    sqlite3* db_ = nullptr;
};

/// Random identifiers: prefix + n characters of [A-Z2-7] (as AWS's ids look).
[[nodiscard]] std::string random_id(std::string_view prefix, std::size_t n);

}  // namespace dsql::aws
