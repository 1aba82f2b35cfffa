// Compile-fail case: principal account bound.
// expect: A mapped principal needs a concrete account, not *: bind it with dsql::aws_account<"123456789012"> or at render time and name the principal with dsql::iam_role<"Name">.
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
using p = dsql::iam_arn<"arn:aws:iam::*:role/Service">;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::iam<dsql::iam_grant<r, p>>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
