// The DSL README's examples (include/dsql/README.md, sections 1 and 3), as a user copies
// them: the engine, the JSON module and the renderers are tried on exactly these.
#pragma once

#include <dsql/roles.hpp>

namespace readme {

// Section 1: roles, schemas, a grant.
namespace shop {
using api = dsql::role<"api", dsql::login, dsql::component<"Web API">>;
using app = dsql::schema<"app">;
using spec = dsql::cluster<
    "shop", dsql::roles<api>, dsql::schemas<app, dsql::public_schema>,
    dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<app>, api>,
                 dsql::grant<dsql::privileges<dsql::select, dsql::insert>, dsql::on_all_tables_in<app>, api>>,
    dsql::iam<dsql::iam_grant<api, dsql::iam_role<"ApiRole">>>>;
}  // namespace shop

// Section 3: the richer model.
namespace ledger {
using owner = dsql::role<"ledger_owner">;  // NOLOGIN
using writer = dsql::role<"ledger_writer", dsql::login, dsql::noinherit, dsql::connection_limit<20>>;
using auditor = dsql::role<"auditor", dsql::login>;
using ledger = dsql::schema<"ledger", dsql::owned_by<owner>, dsql::sensitive<writer, auditor>>;

using spec = dsql::cluster<
    "ledger", dsql::roles<owner, writer, auditor>, dsql::schemas<ledger, dsql::public_schema>,
    dsql::grants<
        dsql::membership<owner, writer, dsql::with_admin_option>,  // GRANT owner TO writer
        dsql::grant<dsql::all, dsql::on_table<ledger, "entries">, writer, dsql::with_grant_option>,
        dsql::grant<dsql::select, dsql::on_columns<ledger, "accounts", "id", "name">, auditor>,
        dsql::grant<dsql::privileges<dsql::usage, dsql::select>, dsql::on_sequence<ledger, "entry_id">, writer>,
        dsql::grant<dsql::execute, dsql::on_function<ledger, "post", "uuid, numeric">, writer>,
        dsql::grant<dsql::select, dsql::on_all_tables_in<ledger>, auditor>,
        dsql::revoke<dsql::create, dsql::on_schema<dsql::public_schema>, dsql::public_>,  // from PUBLIC
        dsql::default_privileges<dsql::for_role<owner>, dsql::select, dsql::on_all_tables_in<ledger>, auditor>>>;
}  // namespace ledger

}  // namespace readme
