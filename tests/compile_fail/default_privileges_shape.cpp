// Compile-fail case: default privileges shape.
// expect: Default privileges are written dsql::default_privileges<dsql::for_role<creator>, privileges, dsql::on_all_tables_in<S>, on_all_sequences_in<S> or on_all_functions_in<S>, grantee...>, the creator explicit because they cover only the objects that role creates.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using g = dsql::default_privileges<dsql::for_role<o>, dsql::select, dsql::on_all_tables_in<s>, r>;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using g = dsql::default_privileges<o, dsql::select, dsql::on_all_tables_in<s>, r>;
#endif
using spec =
    dsql::cluster<"cf", dsql::roles<r, o>, dsql::schemas<s>, dsql::grants<g>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
