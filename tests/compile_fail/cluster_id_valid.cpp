// Compile-fail case: cluster id valid.
// expect: A DSQL cluster id must be 1 to 64 lowercase letters and digits.
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using cid = dsql::cluster_id<"abcdefghijklmnopqrstuvwxyz">;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using cid = dsql::cluster_id<"ABC-1">;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r>, cid, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
