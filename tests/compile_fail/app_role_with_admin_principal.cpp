// Compile-fail case: app role with admin principal.
// expect: An admin identity gets DbConnectAdmin and must not also be mapped to a database role.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using m = dsql::iam_grant<r, dsql::iam_role<"AppRole">>;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using m = dsql::iam_grant<r, dsql::iam_role<"AdminRole">>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::iam<m, dsql::iam_admin<dsql::iam_role<"AdminRole">>>,
                           dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
