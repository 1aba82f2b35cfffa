// Compile-fail case: principal not session.
// expect: An IAM mapping needs the IAM role's ARN, not an sts assumed-role or session ARN, because DSQL maps the role and every session of it.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using p = dsql::iam_arn<"arn:aws:iam::123456789012:role/Service">;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using p = dsql::iam_arn<"arn:aws:sts::123456789012:assumed-role/Service/session-1">;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::iam<dsql::iam_grant<r, p>>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
