// Compile-fail case: a statement reaches a table in a dsql::sensitive schema that does not
// list its role (even though PUBLIC-wide grants elsewhere would let it read).
// expect: dsql::statement is refused: the reason is the sentence in dsql::refused<...> on the first line of this error.
// expect-first-line: web may not reach pii.people: schema pii is sensitive and the spec lists only auditor for it
#include <dsql/statement.hpp>

using web = dsql::role<"web", dsql::login>;
using auditor = dsql::role<"auditor", dsql::login>;
using pii = dsql::schema<"pii", dsql::sensitive<auditor>>;
using spec = dsql::cluster<
    "cf", dsql::roles<web, auditor>, dsql::schemas<dsql::public_schema, pii>,
    dsql::grants<dsql::grant<dsql::select, dsql::on_all_tables_in<dsql::public_schema>, web>,
                 dsql::grant<dsql::usage, dsql::on_schema<pii>, auditor>,
                 dsql::grant<dsql::select, dsql::on_all_tables_in<pii>, auditor>>,
    dsql::iam<dsql::iam_grant<web, dsql::iam_role<"WebRole">>, dsql::iam_grant<auditor, dsql::iam_role<"AuditorRole">>>,
    dsql::aws_account<"123456789012">>;

#ifndef DSQL_COMPILE_FAIL
using stmt = dsql::statement<spec, auditor, "SELECT p.id FROM pii.people p WHERE p.id = $1">;
using web_stmt = dsql::statement<spec, web, "SELECT id FROM products">;
static_assert(!web_stmt::sql.empty());
#else
using stmt = dsql::statement<spec, web, "SELECT p.id FROM pii.people p WHERE p.id = $1">;
#endif
static_assert(!stmt::sql.empty());
