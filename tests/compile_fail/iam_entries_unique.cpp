// Compile-fail case: iam entries unique.
// expect: Each IAM mapping and admin identity must be declared once in a cluster.
// expect-first-line: dsql::culprit<dsql::fixed_string<27>{"IAM mapping of role r to R"}>
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using m2 = dsql::iam_grant<r, dsql::iam_role<"R2">>;
#else
using r = dsql::role<"r", dsql::login>;
using m2 = dsql::iam_grant<r, dsql::iam_role<"R">>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::iam<dsql::iam_grant<r, dsql::iam_role<"R">>, m2>,
                           dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
