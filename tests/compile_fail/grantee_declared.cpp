// Compile-fail case: grantee declared.
// expect: Every role a grant names must be declared in the cluster's dsql::roles<...>.
// expect-first-line: dsql::culprit<dsql::fixed_string<32>{"grant to other in schema public"}>
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using other = dsql::role<"other">;
using g = dsql::grant<dsql::usage, dsql::on_schema<dsql::public_schema>, r>;
#else
using r = dsql::role<"r", dsql::login>;
using other = dsql::role<"other">;
using g = dsql::grant<dsql::usage, dsql::on_schema<dsql::public_schema>, other>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::schemas<dsql::public_schema>, dsql::grants<g>,
                           dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
