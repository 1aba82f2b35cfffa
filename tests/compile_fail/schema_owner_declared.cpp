// Compile-fail case: schema owner declared.
// expect: The owner of a schema (dsql::owned_by<R>) must be declared in the cluster's dsql::roles<...>.
// expect-first-line: dsql::culprit<dsql::fixed_string<9>{"schema x"}>
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using x = dsql::schema<"x", dsql::owned_by<o>>;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using x = dsql::schema<"x", dsql::owned_by<dsql::role<"ghost">>>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r, o>, dsql::schemas<x>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
