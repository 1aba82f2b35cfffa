// Compile-fail case: creator declared.
// expect: The creator role of default privileges (dsql::for_role<R>) must be declared in the cluster's dsql::roles<...>.
// expect-first-line: dsql::culprit<dsql::fixed_string<46>{"default privileges of ghost for r in schema s"}>
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
using g = dsql::default_privileges<dsql::for_role<dsql::role<"ghost">>, dsql::select, dsql::on_all_tables_in<s>, r>;
#endif
using spec =
    dsql::cluster<"cf", dsql::roles<r, o>, dsql::schemas<s>, dsql::grants<g>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
