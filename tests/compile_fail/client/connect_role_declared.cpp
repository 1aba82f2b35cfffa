// Compile-fail case: dsql::connect needs a role the spec declares.
// expect: dsql::connect<Spec, Role> needs a Role declared in the Spec's dsql::roles<...>.
#include <dsql/client.hpp>
#include <dsql/roles.hpp>

using app = dsql::role<"app", dsql::login>;
using other = dsql::role<"other", dsql::login>;
using spec = dsql::cluster<"cf", dsql::roles<app>, dsql::iam<dsql::iam_grant<app, dsql::iam_role<"AppRole">>>,
                           dsql::aws_account<"123456789012">>;

#ifndef DSQL_COMPILE_FAIL
dsql::pool<spec, app>* make(const dsql::client::endpoint& e) { return new dsql::pool<spec, app>(e); }
#else
dsql::pool<spec, other>* make(const dsql::client::endpoint& e) { return new dsql::pool<spec, other>(e); }
#endif
static_assert(dsql::client::connect_rule_of<spec, other>() == dsql::client::connect_rule::not_declared);
