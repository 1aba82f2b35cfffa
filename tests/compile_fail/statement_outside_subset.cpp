// Compile-fail case: SQL outside the checked subset (here a CTE) is refused unless it is
// named explicitly as dsql::unchecked<"...">.
// expect: dsql::statement is refused: the reason is the sentence in dsql::refused<...> on the first line of this error.
// expect-first-line: dsql::statement cannot check this SQL: only SELECT, INSERT, UPDATE and DELETE are checked, and this statement begins with WITH (at byte 0)
#include <dsql/statement.hpp>

using web = dsql::role<"web", dsql::login>;
using spec =
    dsql::cluster<"cf", dsql::roles<web>, dsql::schemas<dsql::public_schema>,
                  dsql::grants<dsql::grant<dsql::select, dsql::on_all_tables_in<dsql::public_schema>, web>>,
                  dsql::iam<dsql::iam_grant<web, dsql::iam_role<"WebRole">>>, dsql::aws_account<"123456789012">>;

#ifndef DSQL_COMPILE_FAIL
using stmt = dsql::unchecked<"WITH recent AS (SELECT id FROM orders) SELECT id FROM recent">;
#else
using stmt = dsql::statement<spec, web, "WITH recent AS (SELECT id FROM orders) SELECT id FROM recent">;
#endif
static_assert(!stmt::sql.empty());
