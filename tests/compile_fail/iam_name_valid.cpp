// Compile-fail case: iam name valid.
// expect: An IAM role or user name must be 1 to 64 letters, digits or +=,.@_- characters, optionally after a path of such segments separated by /.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using m = dsql::iam_grant<r, dsql::iam_role<"AppRole">>;
#else
using r = dsql::role<"r", dsql::login>;
using m = dsql::iam_grant<r, dsql::iam_role<"App Role">>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::iam<m>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
