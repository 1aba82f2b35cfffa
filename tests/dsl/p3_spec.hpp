// The awkward-identifier spec (../shared/cases/privilege-bugs.md, P3): every statement
// template the renderers have, with every P3 name in some identifier position. Shared
// by the golden tests (tests/dsl/statements_test.cpp) and the real-server test
// (tests/integration/p3_test.cpp), which applies the renderings to PostgreSQL 15.
#ifndef DSQL_TESTS_P3_SPEC_HPP
#define DSQL_TESTS_P3_SPEC_HPP

#include <dsql/roles.hpp>

namespace p3 {

// 63 bytes: the longest name PostgreSQL keeps whole.
inline constexpr char name63[] = "n23456789012345678901234567890123456789012345678901234567890123";

using mixed =
    dsql::role<"Mixed", dsql::login, dsql::noinherit, dsql::connection_limit<5>, dsql::component<"Mixed | case">>;
using dash = dsql::role<"with-dash", dsql::login, dsql::inherit>;
using space = dsql::role<"with space">;  // NOLOGIN: owner of a schema, a group
using dot = dsql::role<"a.b", dsql::login>;
using quote = dsql::role<"quote\"inside", dsql::login>;  // creator of default privileges
using at = dsql::role<"svc@x.iam", dsql::login>;
using public_role = dsql::role<"PUBLIC", dsql::login>;  // a real role, not the pseudo-role
using accent = dsql::role<"rôle_ü", dsql::login>;
using long_name = dsql::role<name63, dsql::login>;

using quoted = dsql::schema<"quote\"s", dsql::sensitive<accent, public_role, quote>>;
using dsql::public_schema;

// The spec for a target: postgres_local has it all; Aurora DSQL has no owned_by and no
// WITH ADMIN OPTION (dsql::assert_dsql_schema_owner_t, assert_dsql_admin_option_t).
template <class Dotted, class... AdminOption>
using spec_of = dsql::cluster<
    "p3 \"awkward\"", dsql::roles<mixed, dash, space, dot, quote, at, public_role, accent, long_name>,
    dsql::schemas<Dotted, quoted, public_schema>,
    dsql::grants<
        dsql::membership<space, mixed, AdminOption...>, dsql::membership<space, long_name>,
        dsql::grant<dsql::usage, dsql::on_schema<Dotted>, mixed, dash, dot, at, public_role, long_name>,
        dsql::grant<dsql::create, dsql::on_schema<Dotted>, quote>,
        dsql::grant<dsql::all, dsql::on_schema<quoted>, accent, quote>,
        dsql::grant<dsql::usage, dsql::on_schema<quoted>, public_role>,
        dsql::grant<dsql::all, dsql::on_table<Dotted, "t one">, mixed, dsql::with_grant_option>,
        dsql::grant<dsql::privileges<dsql::select, dsql::update>,
                    dsql::on_columns<Dotted, "t one", "Col A", "quote\"col">, dash>,
        dsql::grant<dsql::privileges<dsql::usage, dsql::select>, dsql::on_sequence<Dotted, "seq-1">, dot>,
        dsql::grant<dsql::execute, dsql::on_function<Dotted, "fn x", "integer, text">, at>,
        dsql::grant<dsql::select, dsql::on_all_tables_in<Dotted>, long_name>,
        dsql::grant<dsql::usage, dsql::on_all_sequences_in<Dotted>, long_name>,
        dsql::grant<dsql::execute, dsql::on_all_functions_in<Dotted>, long_name>,
        dsql::grant<dsql::privileges<dsql::select, dsql::insert>, dsql::on_all_tables_in<quoted>, accent>,
        dsql::grant<dsql::select, dsql::on_table<Dotted, "t one">, dsql::public_>,
        dsql::revoke<dsql::create, dsql::on_schema<public_schema>, dsql::public_>,
        dsql::revoke<dsql::execute, dsql::on_function<Dotted, "fn x", "integer, text">, dsql::public_>,
        dsql::default_privileges<dsql::for_role<quote>, dsql::select, dsql::on_all_tables_in<Dotted>, public_role, at>,
        dsql::default_privileges<dsql::for_role<quote>, dsql::all, dsql::on_all_sequences_in<Dotted>, dot>,
        dsql::default_privileges<dsql::for_role<quote>, dsql::privileges<dsql::select, dsql::insert>,
                                 dsql::on_all_tables_in<quoted>, accent, dsql::with_grant_option>>,
    dsql::iam<
        dsql::iam_grant<mixed, dsql::iam_role<"MixedRole">>, dsql::iam_grant<dash, dsql::iam_role<"team/with-dash">>,
        dsql::iam_grant<dot, dsql::iam_user<"a.b@example">>, dsql::iam_grant<quote, dsql::iam_role<"QuoteRole">>,
        dsql::iam_grant<at, dsql::iam_arn<"arn:aws:iam::210987654321:role/svc-at">>,
        dsql::iam_grant<public_role, dsql::iam_role<"PublicRole">>,
        dsql::iam_grant<accent, dsql::iam_role<"AccentRole">>, dsql::iam_grant<long_name, dsql::iam_role<"LongRole">>,
        dsql::iam_role<"MixedRole">, dsql::iam_admin<dsql::iam_role<"P3Admin">>>,
    dsql::aws_account<"123456789012">, dsql::aws_region<"eu-west-3">, dsql::cluster_id<"p3cluster">>;

using dotted = dsql::schema<"a.b", dsql::owned_by<space>>;
using spec = spec_of<dotted, dsql::with_admin_option>;
// for aurora_dsql: the same names and statements, a.b owned by admin, no ADMIN OPTION
using dsql_spec = spec_of<dsql::schema<"a.b">>;

}  // namespace p3

#endif  // DSQL_TESTS_P3_SPEC_HPP
