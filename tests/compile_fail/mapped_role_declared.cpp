// Compile-fail case: mapped role declared.
// expect: Every role an IAM mapping names must be declared in the cluster's dsql::roles<...>.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using other = dsql::role<"other", dsql::login>;
using m = dsql::iam_grant<r, dsql::iam_role<"R">>;
#else
using r = dsql::role<"r", dsql::login>;
using other = dsql::role<"other", dsql::login>;
using m = dsql::iam_grant<other, dsql::iam_role<"R">>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::iam<m>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
