// Compile-fail case: revoke not from schema owner (a revoke on a schema from its declared
// owner; the twin revokes from another role).
// expect: A revoke on a schema must not name the schema's owner (dsql::owned_by), because PostgreSQL would then refuse the owner its own schema while it can grant itself the privileges back at any time.
// expect-first-line: dsql::culprit<dsql::fixed_string<32>{"revoke from owner in schema app"}>
#include <dsql/roles.hpp>

using owner = dsql::role<"owner">;
using other = dsql::role<"other">;
using app = dsql::schema<"app", dsql::owned_by<owner>>;

#ifndef DSQL_COMPILE_FAIL
using from = other;
#else
using from = owner;
#endif
using spec = dsql::cluster<"cf", dsql::roles<owner, other>, dsql::schemas<app>,
                           dsql::grants<dsql::revoke<dsql::usage, dsql::on_schema<app>, from>>>;
static_assert(dsql::verify<spec>());
