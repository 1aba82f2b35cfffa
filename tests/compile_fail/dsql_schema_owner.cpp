// Compile-fail case: dsql schema owner (a target rule: the same spec renders for
// postgres_local, the twin; aurora_dsql refuses owned_by).
// expect: Aurora DSQL was seen setting a schema's owner only to the current user (AUTHORIZATION CURRENT_USER), so a spec rendered for aurora_dsql must not declare dsql::owned_by: let admin own the schema and grant CREATE on it to the role that creates the objects.
#include <dsql/roles.hpp>

#include <string>

using owner = dsql::role<"owner">;
using app = dsql::schema<"app", dsql::owned_by<owner>>;
using spec = dsql::cluster<"cf", dsql::roles<owner>, dsql::schemas<app>>;

#ifndef DSQL_COMPILE_FAIL
std::string render() { return dsql::render_bootstrap<spec, dsql::target::postgres_local>(); }
#else
std::string render() { return dsql::render_bootstrap<spec, dsql::target::aurora_dsql>(); }
#endif
