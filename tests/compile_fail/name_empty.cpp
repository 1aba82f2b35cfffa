// Compile-fail case: name empty.
// expect: A role or schema name must not be empty.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
#else
using r = dsql::role<"", dsql::login>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
