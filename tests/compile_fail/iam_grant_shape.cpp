// Compile-fail case: iam grant shape.
// expect: An IAM mapping is written dsql::iam_grant<role, dsql::iam_role<"Name"> or dsql::iam_user<"Name">>.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using m = dsql::iam_grant<r, dsql::iam_user<"alice">>;
#else
using r = dsql::role<"r", dsql::login>;
using m = dsql::iam_grant<r, dsql::schema<"alice">>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::iam<m>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
