// Compile-fail case: dsql::connect refuses dsql::admin (setup tools use connect_admin).
// expect: dsql::connect never logs in as dsql::admin: an application connects as a scoped role with DbConnect, and setup tools call dsql::connect_admin<Spec>, which signs DbConnectAdmin.
#include <dsql/client.hpp>
#include <dsql/roles.hpp>

using app = dsql::role<"app", dsql::login>;
using spec = dsql::cluster<
    "cf", dsql::roles<app>,
    dsql::iam<dsql::iam_grant<app, dsql::iam_role<"AppRole">>, dsql::iam_admin<dsql::iam_role<"AdminRole">>>,
    dsql::aws_account<"123456789012">>;

#ifndef DSQL_COMPILE_FAIL
void run(const dsql::client::endpoint& e) {
  auto c = dsql::connect<spec, app>(e);
  auto a = dsql::connect_admin<spec>(e);  // the explicitly named admin entry point
}
#else
void run(const dsql::client::endpoint& e) { auto c = dsql::connect<spec, dsql::admin>(e); }
#endif
static_assert(dsql::connectable<spec, app> && !dsql::connectable<spec, dsql::admin>);
