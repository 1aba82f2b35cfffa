// Compile-fail case: role name reserved.
// expect: A role must not be named admin, postgres, public, none or sys, nor start with pg_ or rds, because those names are reserved.
// expect-first-line: dsql::culprit<dsql::fixed_string<12>{"role pg_app"}>
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"app">;
#else
using r = dsql::role<"pg_app">;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
