// Compile-fail case: schema name reserved.
// expect: A schema to create must not start with pg_, because PostgreSQL reserves that prefix.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using s = dsql::existing_schema<"pg_catalog">;
#else
using s = dsql::schema<"pg_mine">;
#endif
using spec = dsql::cluster<"cf", dsql::schemas<s>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
