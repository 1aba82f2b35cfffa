// Compile-fail case: predefined role name.
// expect: A dsql::predefined_role names one of the server's pg_ roles, such as pg_read_all_data.
#include <dsql/roles.hpp>

#ifndef DSQL_COMPILE_FAIL
using p = dsql::predefined_role<"pg_read_all_data">;
#else
using p = dsql::predefined_role<"read_all_data">;
#endif
static_assert(p::name.size() > 0);
