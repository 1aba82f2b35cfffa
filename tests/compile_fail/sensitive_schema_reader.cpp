// Compile-fail case: sensitive schema reader.
// expect: A sensitive schema may be granted on only to the roles its dsql::sensitive<...> lists, never to PUBLIC, and a listed role's members must be listed too, because they inherit its access.
// expect-first-line: dsql::culprit<dsql::fixed_string<25>{"grant to o in schema pii"}>
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using pii = dsql::schema<"pii", dsql::sensitive<r>>;
using g = dsql::grant<dsql::select, dsql::on_all_tables_in<pii>, r>;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using pii = dsql::schema<"pii", dsql::sensitive<r>>;
using g = dsql::grant<dsql::select, dsql::on_all_tables_in<pii>, o>;
#endif
using spec =
    dsql::cluster<"cf", dsql::roles<r, o>, dsql::schemas<pii>, dsql::grants<g>, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
