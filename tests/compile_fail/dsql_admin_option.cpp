// Compile-fail case: dsql admin option (a target rule: the same spec renders for
// postgres_local, the twin; aurora_dsql refuses WITH ADMIN OPTION).
// expect: Aurora DSQL was seen accepting GRANT role TO role only without WITH ADMIN OPTION, so a spec rendered for aurora_dsql must not declare dsql::with_admin_option: let admin grant the membership.
#include <dsql/roles.hpp>

#include <string>

using group = dsql::role<"group">;
using member = dsql::role<"member", dsql::login>;
using spec = dsql::cluster<"cf", dsql::roles<group, member>,
                           dsql::grants<dsql::membership<group, member, dsql::with_admin_option>>>;

#ifndef DSQL_COMPILE_FAIL
std::string render() { return dsql::render_bootstrap<spec, dsql::target::postgres_local>(); }
#else
std::string render() { return dsql::render_bootstrap<spec, dsql::target::aurora_dsql>(); }
#endif
