// Compile-fail case: membership acyclic.
// expect: Role memberships must not form a cycle, because PostgreSQL refuses to make a role a member of itself through other roles.
// expect-first-line: dsql::culprit<dsql::fixed_string<26>{"membership of role o in a"}>
#include <dsql/roles.hpp>

#include <string>

#ifndef DSQL_COMPILE_FAIL
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using a = dsql::role<"a">;
using m = dsql::grants<dsql::membership<a, o>, dsql::membership<o, r>>;
#else
using r = dsql::role<"r", dsql::login>;
using o = dsql::role<"o">;
using s = dsql::schema<"s">;
using a = dsql::role<"a">;
using m = dsql::grants<dsql::membership<a, o>, dsql::membership<o, r>, dsql::membership<r, a>>;
#endif
using spec = dsql::cluster<"cf", dsql::roles<r, o, a>, m, dsql::aws_account<"123456789012">>;

std::string render() { return dsql::render_bootstrap<spec>(dsql::target::aurora_dsql); }
