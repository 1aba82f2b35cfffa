// Compile-fail case: role attribute supported.
// expect: A role must not be SUPERUSER, REPLICATION or BYPASSRLS, because Aurora DSQL has none of them and an application role must never hold them.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using x = dsql::role<"x", dsql::login>;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using x = dsql::role<"x", dsql::login, dsql::superuser>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<x>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
