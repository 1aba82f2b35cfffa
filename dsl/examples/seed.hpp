// The seed scenario (/work/shared/cases/seed-flow.md) declared with the DSL.
//
// Four LOGIN roles, each mapped to its own IAM role that holds only dsql:DbConnect and
// labelled with its component (the seed's component table); sensitive data in
// users_schema (created, marked sensitive: only user_service and reporting_readonly may
// be granted on it), the rest in public (existing, CREATE taken from PUBLIC); default
// privileges so that reporting_readonly reads the tables user_service creates later in
// users_schema (postgres_local; on aurora_dsql the bootstrap is re-run after
// migrations instead); an admin identity that gets dsql:DbConnectAdmin and is never
// mapped. The account id is not bound here: it is given at render time
// (seed-spec --account-id).
#ifndef DSQL_EXAMPLES_SEED_HPP
#define DSQL_EXAMPLES_SEED_HPP

#include <dsql/roles.hpp>

namespace seed {

using app_readonly = dsql::role<"app_readonly", dsql::login, dsql::component<"Web API (read)">>;
using app_readwrite = dsql::role<"app_readwrite", dsql::login, dsql::component<"Web API (write)">>;
using user_service = dsql::role<"user_service", dsql::login, dsql::component<"User service">>;
using reporting_readonly = dsql::role<"reporting_readonly", dsql::login, dsql::component<"Reporting">>;

using dsql::public_schema;
using users_schema = dsql::schema<"users_schema", dsql::sensitive<user_service, reporting_readonly>>;

using read = dsql::select;
using read_write = dsql::privileges<dsql::select, dsql::insert, dsql::update, dsql::delete_>;
using read_insert_update = dsql::privileges<dsql::select, dsql::insert, dsql::update>;

using spec = dsql::cluster<
    "seed", dsql::roles<app_readonly, app_readwrite, user_service, reporting_readonly>,
    dsql::schemas<public_schema, users_schema>,
    dsql::grants<
        // Web API (read)
        dsql::grant<dsql::usage, dsql::on_schema<public_schema>, app_readonly>,
        dsql::grant<read, dsql::on_all_tables_in<public_schema>, app_readonly>,
        // Web API (write)
        dsql::grant<dsql::usage, dsql::on_schema<public_schema>, app_readwrite>,
        dsql::grant<read_write, dsql::on_all_tables_in<public_schema>, app_readwrite>,
        // User service: its own schema, and public per the component table
        dsql::grant<dsql::privileges<dsql::usage, dsql::create>, dsql::on_schema<users_schema>, user_service>,
        dsql::grant<read_insert_update, dsql::on_all_tables_in<users_schema>, user_service>,
        dsql::grant<dsql::usage, dsql::on_schema<public_schema>, user_service>,
        dsql::grant<read_insert_update, dsql::on_all_tables_in<public_schema>, user_service>,
        // Reporting: read everything
        dsql::grant<dsql::usage, dsql::on_schema<public_schema>, reporting_readonly>,
        dsql::grant<dsql::usage, dsql::on_schema<users_schema>, reporting_readonly>,
        dsql::grant<read, dsql::on_all_tables_in<public_schema>, reporting_readonly>,
        dsql::grant<read, dsql::on_all_tables_in<users_schema>, reporting_readonly>,
        // Tables user_service creates later in users_schema are readable by reporting too
        dsql::default_privileges<dsql::for_role<user_service>, read, dsql::on_all_tables_in<users_schema>,
                                 reporting_readonly>,
        // Nobody else creates objects in public (already so in PostgreSQL 15; kept explicit)
        dsql::revoke<dsql::create, dsql::on_schema<public_schema>, dsql::public_>>,
    dsql::iam<dsql::iam_grant<app_readonly, dsql::iam_role<"AppReadOnlyRole">>,
              dsql::iam_grant<app_readwrite, dsql::iam_role<"AppReadWriteRole">>,
              dsql::iam_grant<user_service, dsql::iam_role<"UserServiceRole">>,
              dsql::iam_grant<reporting_readonly, dsql::iam_role<"ReportingRole">>,
              dsql::iam_admin<dsql::iam_role<"DsqlAdminRole">>>>;

}  // namespace seed

#endif  // DSQL_EXAMPLES_SEED_HPP
