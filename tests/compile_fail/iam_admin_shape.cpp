// Compile-fail case: iam admin shape.
// expect: An admin identity is written dsql::iam_admin<dsql::iam_role<"Name"> or dsql::iam_user<"Name">>.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using a = dsql::iam_admin<dsql::iam_role<"AdminRole">>;
#else
using a = dsql::iam_admin<dsql::admin>;
#endif
using spec = dsql::cluster<"cf", dsql::iam<a>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
