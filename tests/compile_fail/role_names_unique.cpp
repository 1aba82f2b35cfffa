// Compile-fail case: role names unique.
// expect: Each role name must be declared once in a cluster.
// expect-first-line: dsql::culprit<dsql::fixed_string<7>{"role r"}>
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using r2 = dsql::role<"r2">;
#else
using r = dsql::role<"r", dsql::login>;
using r2 = dsql::role<"r">;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r, r2>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
