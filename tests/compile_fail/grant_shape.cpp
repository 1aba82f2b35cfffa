// Compile-fail case: grant shape.
// expect: A grant is written dsql::grant<privilege, dsql::privileges<...> or dsql::all, an object such as dsql::on_schema<S> or dsql::on_all_tables_in<S>, role or dsql::public_...> with at least one grantee and dsql::with_grant_option at most once.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using g = dsql::grant<dsql::usage, dsql::on_schema<dsql::public_schema>, r>;
#else
using r = dsql::role<"r", dsql::login>;
using g = dsql::grant<dsql::usage, dsql::public_schema, r>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::schemas<dsql::public_schema>, dsql::grants<g>,
                           dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
