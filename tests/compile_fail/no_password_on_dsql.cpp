// Compile-fail case: no password on dsql (a target rule: the same spec renders for
// postgres_local, the twin; aurora_dsql refuses it).
// expect: Aurora DSQL authenticates with IAM tokens only, so a role rendered for aurora_dsql must not declare dsql::password_from_env.
#include <dsql/roles.hpp>

#include <string>

using x = dsql::role<"x", dsql::login, dsql::password_from_env<"X_PASSWORD">>;
using spec = dsql::cluster<"cf", dsql::roles<x>>;

#ifndef DSQL_COMPILE_FAIL
std::string render() { return dsql::render_bootstrap<spec, dsql::target::postgres_local>(); }
#else
std::string render() { return dsql::render_bootstrap<spec, dsql::target::aurora_dsql>(); }
#endif
