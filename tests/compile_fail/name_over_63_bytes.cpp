// Compile-fail case: name over 63 bytes.
// expect: A role or schema name must be at most 63 bytes, because PostgreSQL would silently truncate a longer one.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"n23456789012345678901234567890123456789012345678901234567890123">;  // 63 bytes
#else
using r = dsql::role<"n234567890123456789012345678901234567890123456789012345678901234">;  // 64 bytes
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
