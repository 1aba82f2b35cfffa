// Compile-fail case: membership shape.
// expect: A membership is written dsql::membership<group role, member role> with dsql::with_admin_option at most once, and a role is never a member of itself.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using m = dsql::membership<o, r, dsql::with_admin_option>;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using m = dsql::membership<r, r>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r, o>, dsql::grants<m>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
