// Compile-fail case: aws region valid.
// expect: An AWS region must be lowercase letters, digits and dashes, such as us-east-1.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using reg = dsql::aws_region<"eu-west-3">;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using reg = dsql::aws_region<"EU West 3">;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, reg, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
