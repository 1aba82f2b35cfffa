// Compile-fail case: object name valid.
// expect: A table, sequence, function or column name must be 1 to 63 bytes without NUL, and function argument types only letters, digits, spaces, underscores, commas, dots, brackets and parentheses.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using g = dsql::grant<dsql::execute, dsql::on_function<s, "f", "integer, text">, r>;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using g = dsql::grant<dsql::execute, dsql::on_function<s, "f", "integer); DROP TABLE x; --">, r>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::schemas<s>, dsql::grants<g>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
