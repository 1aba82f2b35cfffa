// Compile-fail case: dsql database privileges (a target rule: the same spec renders for
// postgres_local, the twin; aurora_dsql refuses grants on the database).
// expect: Aurora DSQL has one database whose privileges its admin manages, so a spec rendered for aurora_dsql must not declare dsql::on_database: grant on schemas and their objects instead.
#include <dsql/roles.hpp>

#include <string>

using app = dsql::role<"app", dsql::login>;
using spec = dsql::cluster<"cf", dsql::roles<app>, dsql::grants<dsql::grant<dsql::temporary, dsql::on_database, app>>>;

#ifndef DSQL_COMPILE_FAIL
std::string render() { return dsql::render_bootstrap<spec, dsql::target::postgres_local>(); }
#else
std::string render() { return dsql::render_bootstrap<spec, dsql::target::aurora_dsql>(); }
#endif
