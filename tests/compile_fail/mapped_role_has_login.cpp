// Compile-fail case: mapped role has login.
// expect: An IAM mapping needs a role declared with dsql::login, because DSQL refuses to map a role without LOGIN.
// expect-first-line: dsql::culprit<dsql::fixed_string<27>{"IAM mapping of role r to R"}>
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using m = dsql::iam_grant<r, dsql::iam_role<"R">>;
#else
using r = dsql::role<"r">;
using m = dsql::iam_grant<r, dsql::iam_role<"R">>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::iam<m>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
