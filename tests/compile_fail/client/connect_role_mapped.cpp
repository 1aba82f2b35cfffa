// Compile-fail case: dsql::connect needs a role with an IAM mapping.
// expect: dsql::connect<Spec, Role> needs a Role mapped to an IAM principal with dsql::iam_grant in the Spec, because DSQL admits a role only through its IAM mapping.
#include <dsql/client.hpp>
#include <dsql/roles.hpp>

using app = dsql::role<"app", dsql::login>;
using batch = dsql::role<"batch", dsql::login>;  // LOGIN but no IAM mapping
using spec = dsql::cluster<"cf", dsql::roles<app, batch>, dsql::iam<dsql::iam_grant<app, dsql::iam_role<"AppRole">>>,
                           dsql::aws_account<"123456789012">>;

#ifndef DSQL_COMPILE_FAIL
void run(const dsql::client::endpoint& e) { auto c = dsql::connect<spec, app>(e); }
#else
void run(const dsql::client::endpoint& e) { auto c = dsql::connect<spec, batch>(e); }
#endif
static_assert(dsql::client::connect_rule_of<spec, batch>() == dsql::client::connect_rule::not_mapped);
