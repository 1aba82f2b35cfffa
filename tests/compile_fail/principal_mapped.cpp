// Compile-fail case: principal mapped.
// expect: Every IAM principal declared in dsql::iam<...> must be mapped to a role with dsql::iam_grant or be an admin identity with dsql::iam_admin.
// expect-first-line: dsql::culprit<dsql::fixed_string<18>{"IAM role Declared"}>
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using p = dsql::iam_role<"Declared">;
using m = dsql::iam_grant<r, p>;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using p = dsql::iam_role<"Declared">;
using m = dsql::iam_grant<r, dsql::iam_role<"Other">>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::iam<p, m>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
