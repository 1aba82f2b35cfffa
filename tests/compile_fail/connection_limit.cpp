// Compile-fail case: connection limit.
// expect: A connection limit must be -1 (no limit) or a count of 0 or more.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using x = dsql::role<"x", dsql::connection_limit<-1>>;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using x = dsql::role<"x", dsql::connection_limit<-5>>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<x>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
