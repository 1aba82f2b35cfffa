// Compile-fail case: schema names unique.
// expect: Each schema name must be declared once in a cluster.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using s = dsql::schema<"app">;
#else
using s = dsql::schema<"public">;
#endif
using spec = dsql::cluster<"cf", dsql::schemas<dsql::public_schema, s>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
