// Compile-fail case: grantee not predefined.
// expect: A grant must not name admin or a reserved role (postgres, pg_*, rds*, sys), because applications never act as them and their privileges are the server's.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using g = dsql::grant<dsql::select, dsql::on_all_tables_in<s>, r>;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using g = dsql::grant<dsql::select, dsql::on_all_tables_in<s>, dsql::predefined_role<"pg_monitor">>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::schemas<s>, dsql::grants<g>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
