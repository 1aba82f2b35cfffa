// Compile-fail case: dsql public schema (a target rule: CREATE on schema public renders for
// postgres_local, the twin; aurora_dsql refuses it - public is a system entity there).
// expect: Aurora DSQL refuses grants and revokes on schema public, a system entity where every role has USAGE through PUBLIC and no other role creates, so a spec rendered for aurora_dsql may only grant USAGE on it, revoke CREATE on it from PUBLIC, and grant on the tables, sequences and functions in it: use a schema of your own for anything more.
#include <dsql/roles.hpp>

#include <string>

using app = dsql::role<"app", dsql::login>;
using spec = dsql::cluster<"cf", dsql::roles<app>, dsql::schemas<dsql::public_schema>,
                           dsql::grants<dsql::grant<dsql::create, dsql::on_schema<dsql::public_schema>, app>>>;

#ifndef DSQL_COMPILE_FAIL
std::string render() { return dsql::render_bootstrap<spec, dsql::target::postgres_local>(); }
#else
std::string render() { return dsql::render_bootstrap<spec, dsql::target::aurora_dsql>(); }
#endif
