#include "iam/trust.hpp"

#include <memory>

#include "policy.h"

namespace dsql::aws::trust {

std::string session_arn(const std::string& role_arn, const std::string& session) {
  const std::string prefix = "arn:aws:iam::";
  const auto colon = role_arn.starts_with(prefix) ? role_arn.find(':', prefix.size()) : std::string::npos;
  const auto slash = role_arn.rfind('/');
  if (colon == std::string::npos || slash == std::string::npos || slash < colon)
    throw state_error("not an IAM role ARN: " + role_arn.substr(0, 120));
  return "arn:aws:sts::" + role_arn.substr(prefix.size(), colon - prefix.size()) + ":assumed-role/" +
         role_arn.substr(slash + 1) + "/" + session;
}

answer evaluate(state& st, const request& r) {
  dsql_policy_request q{};
  q.action = r.action.c_str();
  q.resource_kind = DSQL_POLICY_ROLE;
  q.resource_arn = r.role_arn.c_str();
  std::string session;
  if (r.caller) {
    q.principal_id = r.caller->id.c_str();
    q.principal_arn = r.caller->arn.c_str();
    q.access_key_id = r.access_key_id.c_str();
    if (r.session_name && r.caller->kind == "role") {
      session = session_arn(r.caller->arn, *r.session_name);
      q.session_arn = session.c_str();
      q.access_key_id = r.session_name->c_str();  // aws:userid is "<role id>:<session>"
    }
  }
  if (!r.federated.empty()) q.federated = r.federated.c_str();
  std::vector<dsql_policy_context_value> context;
  context.reserve(r.context.size());
  for (const auto& [key, value] : r.context) context.push_back({key.c_str(), value.c_str()});
  q.context = context.data();
  q.ncontext = static_cast<int>(context.size());
  q.region = r.region.empty() ? nullptr : r.region.c_str();
  q.source_ip = r.source_ip ? r.source_ip->c_str() : nullptr;
  q.secure_transport = r.secure_transport;
  q.now = r.now;
  const auto work = std::make_unique<dsql_policy_work>();
  char reason[1024];
  const dsql_policy_decision d = dsql_policy_evaluate(st.handle(), &q, work.get(), reason, sizeof reason);
  if (d == DSQL_POLICY_ERROR) throw state_error(reason);
  return {d == DSQL_POLICY_ALLOW, reason};
}

}  // namespace dsql::aws::trust
