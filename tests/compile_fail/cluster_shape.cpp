// Compile-fail case: cluster shape.
// expect: A cluster takes dsql::roles<role...>, dsql::schemas<schema...>, dsql::grants<grant...>, dsql::iam<iam_grant, iam_admin or principal...>, dsql::aws_account<"...">, dsql::aws_region<"..."> and dsql::cluster_id<"...">, each at most once.
#include <dsql/roles.hpp>

#include <string>

using r = dsql::role<"r", dsql::login>;

#ifndef DSQL_COMPILE_FAIL
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::aws_account<"123456789012">>;
#else
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::roles<>, dsql::aws_account<"123456789012">>;
#endif

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
