// Compile-fail case: aws account 12 digits.
// expect: An AWS account id must be exactly 12 digits.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using a = dsql::aws_account<"123456789012">;
#else
using r = dsql::role<"r", dsql::login>;
using a = dsql::aws_account<"12345678901">;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::iam<dsql::iam_grant<r, dsql::iam_role<"R">>>, a>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
