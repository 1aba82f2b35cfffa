// A spec for allows<> and dsql::statement: a group with an INHERIT and a NOINHERIT member,
// column grants, PUBLIC grants and a revoke from PUBLIC, default privileges of a declared
// table owner, a sensitive schema; and a catalog of its tables with a search_path.
#ifndef DSQL_TESTS_ACCESS_SPEC_HPP
#define DSQL_TESTS_ACCESS_SPEC_HPP

#include <dsql/roles.hpp>
#include <dsql/statement.hpp>

namespace acc {

using owner = dsql::role<"ledger_owner">;
using writer = dsql::role<"writer", dsql::login>;                 // INHERIT (PostgreSQL's default)
using clerk = dsql::role<"clerk", dsql::login, dsql::noinherit>;  // gets owner's privileges only after SET ROLE
using auditor = dsql::role<"auditor", dsql::login>;
using anyone = dsql::role<"anyone", dsql::login>;

using ledger = dsql::schema<"ledger", dsql::owned_by<owner>>;
using shared = dsql::schema<"shared">;
using pii = dsql::schema<"pii", dsql::sensitive<auditor>>;

using spec = dsql::cluster<
    "access", dsql::roles<owner, writer, clerk, auditor, anyone>,
    dsql::schemas<dsql::public_schema, ledger, shared, pii>,
    dsql::grants<dsql::membership<owner, writer>, dsql::membership<owner, clerk>,
                 dsql::grant<dsql::all, dsql::on_all_tables_in<ledger>, owner>,
                 dsql::grant<dsql::usage, dsql::on_schema<ledger>, auditor, anyone>,
                 dsql::grant<dsql::select, dsql::on_columns<ledger, "accounts", "id", "name">, auditor>,
                 dsql::grant<dsql::update, dsql::on_columns<ledger, "accounts", "name">, auditor>,
                 dsql::grant<dsql::usage, dsql::on_schema<shared>, dsql::public_>,
                 dsql::grant<dsql::select, dsql::on_all_tables_in<shared>, dsql::public_>,
                 dsql::revoke<dsql::select, dsql::on_table<shared, "secrets">, dsql::public_>,
                 dsql::grant<dsql::usage, dsql::on_schema<pii>, auditor>,
                 dsql::grant<dsql::select, dsql::on_all_tables_in<pii>, auditor>,
                 dsql::default_privileges<dsql::for_role<owner>, dsql::select, dsql::on_all_tables_in<ledger>, anyone>>,
    dsql::iam<
        dsql::iam_grant<writer, dsql::iam_role<"WriterRole">>, dsql::iam_grant<clerk, dsql::iam_role<"ClerkRole">>,
        dsql::iam_grant<auditor, dsql::iam_role<"AuditorRole">>, dsql::iam_grant<anyone, dsql::iam_role<"AnyoneRole">>>,
    dsql::aws_account<"123456789012">>;

using accounts = dsql::table<ledger, "accounts", dsql::columns<"id", "name", "balance">, dsql::owned_by<owner>>;
using entries = dsql::table<ledger, "entries", dsql::columns<"id", "account_id", "amount">>;
using app = dsql::catalog<spec, dsql::tables<accounts, entries>, dsql::search_path<ledger, shared>>;

}  // namespace acc

#endif  // DSQL_TESTS_ACCESS_SPEC_HPP
