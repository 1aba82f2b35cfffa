// Compile-fail case: predefined role name.
// expect: A dsql::predefined_role names one of the server's pg_ roles, such as pg_read_all_data.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using m = dsql::membership<dsql::predefined_role<"pg_read_all_data">, r>;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using m = dsql::membership<dsql::predefined_role<"read_all_data">, r>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, dsql::grants<m>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
