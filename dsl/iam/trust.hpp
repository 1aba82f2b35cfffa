// dsql::aws::trust - who may assume a role: trust policies and the caller's own
// (identity) policies, evaluated by the local STS (sts_server.hpp) as IAM does for
// sts:AssumeRole and sts:AssumeRoleWithWebIdentity, within a deliberately small subset
// that fails closed:
//
//   Principal   "*"; {"AWS": ARN | account id | arn:aws:iam::<account>:root | "*"};
//               {"Federated": <OIDC provider ARN>}; other kinds (Service, ...) never
//               match. A principal ARN names an IAM user or role; a role also matches
//               every session of it (arn:aws:sts::<account>:assumed-role/<role>/<s>).
//   Action      strings with * and ? wildcards, case-insensitive; NotAction
//   Condition   StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringLike,
//               StringNotLike over the request's keys (sts:externalid, aws:principalarn,
//               <issuer host/path>:aud, :sub); key names case-insensitive. Any other
//               operator, and NotPrincipal, make an Allow never apply and a Deny
//               always apply.
//
// As in IAM, an explicit Deny wins; a trust policy that names the caller's ARN is
// enough on its own, while one that names only the caller's account (or "*") also
// needs an Allow of sts:AssumeRole on the role in the caller's identity policies.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "iam/state.hpp"

namespace dsql::aws::trust {

struct request {
    std::string action;         ///< "sts:AssumeRole" or "sts:AssumeRoleWithWebIdentity"
    std::string principal_arn;  ///< the caller: an IAM user or role ARN (AssumeRole)
    std::string session_arn;    ///< the caller's assumed-role session ARN, when it is one
    std::string account;        ///< the caller's account
    std::string federated;      ///< the OIDC provider ARN (AssumeRoleWithWebIdentity)
    /// Condition keys (lower-case) and their values.
    std::map<std::string, std::vector<std::string>> keys;
};

enum class decision {
    allowed,             ///< a matching Allow names the caller (or its provider)
    allowed_by_account,  ///< a matching Allow names only the caller's account or "*"
    denied,              ///< a matching Deny
    not_allowed          ///< nothing matches
};

/// Throws state_error with a sentence when the document is not a trust policy
/// (JSON object, Statement, Effect, Principal or NotPrincipal, Action or NotAction).
void validate(std::string_view document);

/// The trust policy's answer for a request (validate() first; throws like it).
[[nodiscard]] decision evaluate(std::string_view document, const request& r);

/// Whether identity policy statements allow `action` (lower-case) on `resource`:
/// explicit Deny wins, a conditional Allow never grants (as the auth hook evaluates).
[[nodiscard]] bool identity_allows(const std::vector<statement_row>& statements, std::string_view action,
                                   std::string_view resource);
/// Whether a Deny among the statements covers the action on the resource.
[[nodiscard]] bool identity_denies(const std::vector<statement_row>& statements, std::string_view action,
                                   std::string_view resource);

/// IAM wildcard match: '*' any sequence, '?' one character.
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace dsql::aws::trust
