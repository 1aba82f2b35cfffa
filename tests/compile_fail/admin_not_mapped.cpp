// Compile-fail case: admin not mapped.
// expect: The predefined admin role cannot be mapped to an IAM principal; declare the admin identity with dsql::iam_admin<principal> instead.
// expect-first-line: dsql::culprit<dsql::fixed_string<39>{"IAM mapping of role admin to AdminRole"}>
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using m = dsql::iam_admin<dsql::iam_role<"AdminRole">>;
#else
using m = dsql::iam_grant<dsql::admin, dsql::iam_role<"AdminRole">>;
#endif
using spec = dsql::cluster<"cf", dsql::iam<m>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
