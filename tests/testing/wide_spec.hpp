// A spec that uses every kind of grant dsql::testing derives probes from: a group and
// its members (one NOINHERIT), column grants, a sequence, a function with PUBLIC's
// EXECUTE revoked, default privileges, a sensitive schema, a grant on a table that does
// not exist. Shared by the unit test (against a hand-built catalog) and the integration
// test (against a real server).
#pragma once

#include <dsql/roles.hpp>

namespace wide {

using base = dsql::role<"regress_base">;  // a group: NOLOGIN
using member = dsql::role<"regress_member", dsql::login, dsql::inherit>;
using loner = dsql::role<"regress_loner", dsql::login, dsql::noinherit>;
using auditor = dsql::role<"regress_auditor", dsql::login>;

using ledger = dsql::schema<"ledger">;
using vault = dsql::schema<"vault", dsql::sensitive<auditor>>;

using spec =
    dsql::cluster<"wide", dsql::roles<base, member, loner, auditor>, dsql::schemas<dsql::public_schema, ledger, vault>,
                  dsql::grants<dsql::membership<base, member>, dsql::membership<base, loner>,
                               dsql::grant<dsql::usage, dsql::on_schema<ledger>, base, loner, auditor>,
                               dsql::grant<dsql::select, dsql::on_all_tables_in<ledger>, base>,
                               dsql::grant<dsql::privileges<dsql::select, dsql::update>,
                                           dsql::on_columns<ledger, "accounts", "name">, auditor>,
                               dsql::grant<dsql::select, dsql::on_sequence<ledger, "entry_id">, loner>,
                               dsql::grant<dsql::execute, dsql::on_function<ledger, "post", "int">, member>,
                               dsql::revoke<dsql::execute, dsql::on_function<ledger, "post", "int">, dsql::public_>,
                               dsql::grant<dsql::usage, dsql::on_schema<vault>, auditor>,
                               dsql::grant<dsql::select, dsql::on_table<vault, "secrets">, auditor>,
                               dsql::grant<dsql::insert, dsql::on_table<ledger, "missing">, loner>,
                               dsql::default_privileges<dsql::for_role<member>, dsql::select,
                                                        dsql::on_all_tables_in<ledger>, auditor>>,
                  dsql::iam<dsql::iam_grant<member, dsql::iam_role<"MemberRole">>,
                            dsql::iam_grant<loner, dsql::iam_role<"LonerRole">>,
                            dsql::iam_grant<auditor, dsql::iam_role<"AuditorRole">>>>;

}  // namespace wide
