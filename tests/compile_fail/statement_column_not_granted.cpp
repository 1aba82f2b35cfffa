// Compile-fail case: a statement reads a column its role has no column grant for
// (column privileges allow the listed columns only; the catalog declares the table).
// expect: dsql::statement is refused: the reason is the sentence in dsql::refused<...> on the first line of this error.
// expect-first-line: auditor may not SELECT column balance of ledger.accounts: the spec grants it SELECT (id, name)
#include <dsql/statement.hpp>

using auditor = dsql::role<"auditor", dsql::login>;
using ledger = dsql::schema<"ledger">;
using spec =
    dsql::cluster<"cf", dsql::roles<auditor>, dsql::schemas<ledger>,
                  dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<ledger>, auditor>,
                               dsql::grant<dsql::select, dsql::on_columns<ledger, "accounts", "id", "name">, auditor>>,
                  dsql::iam<dsql::iam_grant<auditor, dsql::iam_role<"AuditorRole">>>,
                  dsql::aws_account<"123456789012">>;
using app = dsql::catalog<spec, dsql::tables<dsql::table<ledger, "accounts", dsql::columns<"id", "name", "balance">>>,
                          dsql::search_path<ledger>>;

#ifndef DSQL_COMPILE_FAIL
using stmt = dsql::statement<app, auditor, "SELECT id, name FROM accounts WHERE name LIKE $1 ORDER BY id">;
#else
using stmt = dsql::statement<app, auditor, "SELECT id, name FROM accounts WHERE balance > $1">;
#endif
static_assert(!stmt::sql.empty());
