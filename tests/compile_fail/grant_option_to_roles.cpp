// Compile-fail case: grant option to roles.
// expect: dsql::with_grant_option needs role grantees, because PostgreSQL refuses grant options to PUBLIC.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using g = dsql::grant<dsql::select, dsql::on_table<s, "t">, r, dsql::with_grant_option>;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using g = dsql::grant<dsql::select, dsql::on_table<s, "t">, dsql::public_, dsql::with_grant_option>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::schemas<s>, dsql::grants<g>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
