// dsql::aws::trust - who may assume a role, as the local STS (sts_server.hpp) and
// `dsqlctl iam simulate --role` ask it. A thin C++ face of THE evaluator
// (extension/policy.c, dsql_policy_evaluate with DSQL_POLICY_ROLE): this file only
// fills a dsql_policy_request; the trust policy (state::put_trust_policy, normalised
// like every policy), the caller's identity policies, principals, conditions and
// wildcards are all evaluated there, with IAM's rules for AssumeRole (policy.h):
// an explicit Deny in either policy wins; a trust policy naming the caller (its user
// or role ARN, its role session's ARN) grants on its own within the role's account;
// one naming only the account or "*" also needs an identity Allow of the action on
// the role, as does any caller from another account; a web identity is allowed only
// by a statement naming its Federated provider.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "iam/state.hpp"

namespace dsql::aws::trust {

struct request {
  std::string action = "sts:AssumeRole";  ///< or "sts:AssumeRoleWithWebIdentity"
  std::string role_arn;                   ///< the role to assume (a role of the state)
  /// AssumeRole: the caller, a principal of the state (the owner of the signing key).
  std::optional<principal> caller;
  std::string access_key_id;                ///< the caller's key (in aws:userid of a role)
  std::optional<std::string> session_name;  ///< the key's RoleSessionName: a role session
  /// AssumeRoleWithWebIdentity: the ARN of the token's OIDC provider (no caller).
  std::string federated;
  /// The request's own context keys, one pair per value: sts:ExternalId,
  /// sts:RoleSessionName, <provider host/path>:aud and :sub (policy.h says which).
  std::vector<std::pair<std::string, std::string>> context;
  std::string region;                    ///< aws:RequestedRegion
  std::optional<std::string> source_ip;  ///< aws:SourceIp
  bool secure_transport = false;         ///< aws:SecureTransport
  std::int64_t now = 0;                  ///< Unix time
};

struct answer {
  bool allowed = false;
  std::string reason;  ///< the evaluator's sentence: the deciding statement, or why none
};

/// The evaluator's answer. Throws state_error with its sentence when the state cannot be
/// read or the request is malformed (an undefined context key, no caller and no provider).
[[nodiscard]] answer evaluate(state& st, const request& r);

/// arn:aws:sts::<account>:assumed-role/<role name>/<session>, the ARN of a session of
/// role_arn (arn:aws:iam::<account>:role/<path/>name).
[[nodiscard]] std::string session_arn(const std::string& role_arn, const std::string& session);

}  // namespace dsql::aws::trust
