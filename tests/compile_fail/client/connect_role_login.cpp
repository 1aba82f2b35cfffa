// Compile-fail case: dsql::connect needs a role with LOGIN.
// expect: dsql::connect<Spec, Role> needs a Role declared with dsql::login, because a role without LOGIN cannot connect.
#include <dsql/client.hpp>
#include <dsql/roles.hpp>

using app = dsql::role<"app", dsql::login>;
using group = dsql::role<"readers">;  // NOLOGIN: a group of privileges
using spec = dsql::cluster<"cf", dsql::roles<app, group>, dsql::iam<dsql::iam_grant<app, dsql::iam_role<"AppRole">>>,
                           dsql::aws_account<"123456789012">>;

#ifndef DSQL_COMPILE_FAIL
void run(const dsql::client::endpoint& e) { auto c = dsql::connect<spec, app>(e); }
#else
void run(const dsql::client::endpoint& e) { auto c = dsql::connect<spec, group>(e); }
#endif
static_assert(dsql::client::connect_rule_of<spec, group>() == dsql::client::connect_rule::no_login);
