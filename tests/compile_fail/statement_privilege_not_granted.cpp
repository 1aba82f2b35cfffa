// Compile-fail case: a statement needs a privilege the spec does not grant the role
// (INSERT under a SELECT-only grant). The sentence is on gcc's first line.
// expect: dsql::statement is refused: the reason is the sentence in dsql::refused<...> on the first line of this error.
// expect-first-line: app_readonly may not INSERT into public.products: the spec grants it SELECT
#include <dsql/statement.hpp>

using app_readonly = dsql::role<"app_readonly", dsql::login>;
using spec =
    dsql::cluster<"cf", dsql::roles<app_readonly>, dsql::schemas<dsql::public_schema>,
                  dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<dsql::public_schema>, app_readonly>,
                               dsql::grant<dsql::select, dsql::on_all_tables_in<dsql::public_schema>, app_readonly>>,
                  dsql::iam<dsql::iam_grant<app_readonly, dsql::iam_role<"AppReadOnlyRole">>>,
                  dsql::aws_account<"123456789012">>;

#ifndef DSQL_COMPILE_FAIL
using stmt = dsql::statement<spec, app_readonly, "SELECT id, name FROM products WHERE price < $1">;
#else
using stmt = dsql::statement<spec, app_readonly, "INSERT INTO products (name) VALUES ($1)">;
#endif
static_assert(!stmt::sql.empty());
