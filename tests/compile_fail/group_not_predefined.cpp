// Compile-fail case: group not predefined (DSQL's admin cannot grant the server's pg_ roles;
// the local dsql_iam refuses it the same way).
// expect: A role must not be made a member of a predefined pg_ role, because their powers are the server's and Aurora DSQL's admin cannot grant them.
#include <dsql/roles.hpp>

#include <string>

using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
#ifndef DSQL_COMPILE_FAIL
using m = dsql::membership<o, r>;
#else
using m = dsql::membership<dsql::predefined_role<"pg_read_all_data">, r>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r, o>, dsql::grants<m>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
