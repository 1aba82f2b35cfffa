// Compile-fail case: name with nul.
// expect: A role or schema name must not contain a NUL byte.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using s = dsql::schema<"ab">;
#else
using s = dsql::schema<"a\0b">;
#endif
using spec = dsql::cluster<"cf", dsql::schemas<s>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
