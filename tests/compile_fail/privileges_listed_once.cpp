// Compile-fail case: privileges listed once.
// expect: A grant must list at least one privilege, and each privilege once.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using g = dsql::grant<dsql::privileges<dsql::select, dsql::insert>, dsql::on_all_tables_in<dsql::public_schema>, r>;
#else
using r = dsql::role<"r", dsql::login>;
using g = dsql::grant<dsql::privileges<dsql::select, dsql::select>, dsql::on_all_tables_in<dsql::public_schema>, r>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::schemas<dsql::public_schema>, dsql::grants<g>,
                           dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
