// dsql::testing::local_cluster: each role through a local cluster's endpoint, as an
// application connects (dsql::client::open), with its mapped IAM principal's key.
#include "dsql/testing.hpp"

#include <dsql/client.hpp>

#include <pqxx/pqxx>

#include <map>
#include <stdexcept>

#include "iam/credentials.hpp"
#include "iam/state.hpp"
#include "local/cluster.hpp"

namespace dsql::testing {

connection_factory through_endpoint(client::endpoint ep,
                                    std::function<client::connect_options(std::string_view role)> options_for) {
  if (!options_for) throw std::invalid_argument("dsql::testing::through_endpoint: no options_for");
  return [ep = std::move(ep), options_for = std::move(options_for)](std::string_view role) {
    return client::open(ep, options_for(role), role, false);
  };
}

connection_factory local_cluster(const std::string& dir, const model::cluster& spec, std::string account_id) {
  const auto info = dsql::local::status(dir);
  if (!info || !info->tcp)
    throw std::runtime_error("dsql::testing: no cluster with an endpoint is running in " + dir +
                             " (dsqlctl local up --dir " + dir + ")");
  const std::string state_file = info->iam_state.string();
  const std::string region = info->region;
  const std::filesystem::path ca = info->ca_file;
  if (!spec.account_id.empty()) account_id = spec.account_id;
  // role -> the ARN of the principal the spec maps it to
  std::map<std::string, std::string, std::less<>> arns;
  for (const auto& m : spec.mappings) arns.emplace(m.role, m.who.arn(account_id));
  return through_endpoint(
      {info->endpoint, static_cast<std::uint16_t>(info->port), "postgres", std::string("127.0.0.1")},
      [state_file, region, ca, arns](std::string_view role) {
        auto it = arns.find(role);
        if (it == arns.end()) throw std::runtime_error("the spec maps " + std::string(role) + " to no IAM principal");
        dsql::aws::state st(state_file);
        const auto keys = st.access_keys(it->second);
        if (keys.empty()) throw std::runtime_error("no access key for " + it->second + " in " + state_file);
        client::connect_options o;
        o.credentials = std::make_shared<dsql::aws::credentials_cache>(dsql::aws::static_provider(
            {keys[0].access_key_id, keys[0].secret_access_key, keys[0].session_token, "local IAM state"}));
        o.region = region;
        o.sslrootcert = ca;
        o.application_name = "dsql-testing";
        return o;
      });
}

}  // namespace dsql::testing
