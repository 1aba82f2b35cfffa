// Compiled and linked against the installed dsql_client package: the spec's rules as
// concepts, and a connection string with a token for a DSQL host (no server needed).
#include <dsql/client.hpp>
#include <dsql/roles.hpp>

#include <iostream>

#include "iam/credentials.hpp"

using api = dsql::role<"api", dsql::login>;
using spec = dsql::cluster<"consumer", dsql::roles<api>, dsql::iam<dsql::iam_grant<api, dsql::iam_role<"ApiRole">>>,
                           dsql::aws_account<"123456789012">>;
static_assert(dsql::connectable<spec, api> && !dsql::connectable<spec, dsql::admin>);

int main(int argc, char** argv) {
  dsql::client::connect_options o;
  o.credentials = std::make_shared<dsql::aws::credentials_cache>(dsql::aws::static_provider(
      {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", std::nullopt, "example"}));
  o.sslrootcert = argc > 1 ? argv[1] : "/dev/null";
  const dsql::client::endpoint e{"abcdefghijklmnopqrstuvwxyz.dsql.eu-west-1.on.aws"};
  const std::string info = dsql::client::conninfo(e, o, "api", false);
  std::cout << "region " << dsql::client::region_for(e, o) << "\n"
            << (info.find("sslmode=verify-full") != std::string::npos ? "verify-full\n" : "no verify-full\n")
            << (info.find("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F") != std::string::npos ? "token\n" : "no token\n");
  return 0;
}
