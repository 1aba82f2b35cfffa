// Compile-fail case: dsql schema limit (a target rule: the same spec renders for
// postgres_local, the twin; aurora_dsql refuses it).
// expect: Aurora DSQL allows at most 10 schemas per database, so a spec rendered for aurora_dsql must declare 10 schemas or fewer.
#include <dsql/roles.hpp>

#include <string>

using s0 = dsql::schema<"s0">;
using s1 = dsql::schema<"s1">;
using s2 = dsql::schema<"s2">;
using s3 = dsql::schema<"s3">;
using s4 = dsql::schema<"s4">;
using s5 = dsql::schema<"s5">;
using s6 = dsql::schema<"s6">;
using s7 = dsql::schema<"s7">;
using s8 = dsql::schema<"s8">;
using s9 = dsql::schema<"s9">;
using s10 = dsql::schema<"s10">;
using spec = dsql::cluster<"cf", dsql::roles<>, dsql::schemas<s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10>>;

#ifndef DSQL_COMPILE_FAIL
std::string render() { return dsql::render_bootstrap<spec, dsql::target::postgres_local>(); }
#else
std::string render() { return dsql::render_bootstrap<spec, dsql::target::aurora_dsql>(); }
#endif
