// The compile-time rules, asked as concepts: which declarations are refused, and by
// which rule. Every check here is a constant expression (STATIC_REQUIRE).
#include <catch2/catch.hpp>

#include <dsql/roles.hpp>

namespace {

using reader = dsql::role<"reader", dsql::login>;
using owner = dsql::role<"owner", dsql::nologin>;
using app = dsql::schema<"app">;
using reader_usage = dsql::grant<dsql::usage, dsql::on_schema<app>, reader>;
using reader_map = dsql::iam_grant<reader, dsql::iam_role<"ReaderRole">>;
using admin_identity = dsql::iam_admin<dsql::iam_role<"AdminRole">>;

template <class... Parts>
using spec = dsql::cluster<"t", Parts...>;

using good = spec<dsql::roles<reader, owner>, dsql::schemas<app, dsql::public_schema>, dsql::grants<reader_usage>,
                  dsql::iam<reader_map, admin_identity>>;

// A 63-byte name and a 64-byte one.
constexpr char name63[] = "n23456789012345678901234567890123456789012345678901234567890123";
constexpr char name64[] = "n234567890123456789012345678901234567890123456789012345678901234";

}  // namespace

TEST_CASE("A well-formed spec breaks no rule", "[rules]") {
  STATIC_REQUIRE(dsql::valid<good>);
  STATIC_REQUIRE(!dsql::cannot_declare<good>);
  STATIC_REQUIRE(dsql::fails_with<good, dsql::ok_t>);
  STATIC_REQUIRE(dsql::valid<reader>);
  STATIC_REQUIRE(dsql::valid<reader_usage>);
  STATIC_REQUIRE(dsql::valid<reader_map>);
  STATIC_REQUIRE(dsql::valid<dsql::cluster<"empty">>);
  STATIC_REQUIRE(dsql::declares_role<good, reader>);
  STATIC_REQUIRE(!dsql::declares_role<good, dsql::role<"other">>);
}

TEST_CASE("Names are 1 to 63 bytes without NUL, any other byte allowed", "[rules][names]") {
  STATIC_REQUIRE(dsql::cannot_name<"">);
  STATIC_REQUIRE(dsql::cannot_name<name64>);
  STATIC_REQUIRE(!dsql::cannot_name<name63>);
  STATIC_REQUIRE(dsql::cannot_name<"a\0b">);
  STATIC_REQUIRE(!dsql::cannot_name<"Mixed">);
  STATIC_REQUIRE(!dsql::cannot_name<"with-dash">);
  STATIC_REQUIRE(!dsql::cannot_name<"with space">);
  STATIC_REQUIRE(!dsql::cannot_name<"a.b">);
  STATIC_REQUIRE(!dsql::cannot_name<"quote\"inside">);
  STATIC_REQUIRE(!dsql::cannot_name<"svc@x.iam">);
  STATIC_REQUIRE(!dsql::cannot_name<"PUBLIC">);
  STATIC_REQUIRE(!dsql::cannot_name<"rôle_ü">);
  STATIC_REQUIRE(dsql::fails_with<dsql::role<"">, dsql::assert_name_not_empty_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::role<name64>, dsql::assert_name_at_most_63_bytes_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::schema<"x\0">, dsql::assert_name_without_nul_t>);
  // 63 bytes counted in bytes, not characters: 31 two-byte letters + 1 = 63, + 2 = 64.
  STATIC_REQUIRE(!dsql::cannot_name<"ééééééééééééééééééééééééééééééép">);
  STATIC_REQUIRE(dsql::cannot_name<"éééééééééééééééééééééééééééééééé">);
}

TEST_CASE("Role rules cover reserved names and options", "[rules][roles]") {
  STATIC_REQUIRE(dsql::cannot_declare_role<"admin", dsql::login>);
  STATIC_REQUIRE(dsql::cannot_declare_role<"postgres">);
  STATIC_REQUIRE(dsql::cannot_declare_role<"public">);
  STATIC_REQUIRE(dsql::cannot_declare_role<"none">);
  STATIC_REQUIRE(dsql::cannot_declare_role<"pg_monitor_x">);
  STATIC_REQUIRE(!dsql::cannot_declare_role<"PUBLIC">);
  STATIC_REQUIRE(!dsql::cannot_declare_role<"Admin">);
  STATIC_REQUIRE(!dsql::cannot_declare_role<"x", dsql::login>);
  STATIC_REQUIRE(!dsql::cannot_declare_role<"x", dsql::nologin>);
  STATIC_REQUIRE(dsql::cannot_declare_role<"x", dsql::login, dsql::nologin>);
  STATIC_REQUIRE(dsql::cannot_declare_role<"x", int>);
  STATIC_REQUIRE(dsql::fails_with<dsql::role<"pg_x">, dsql::assert_role_name_not_reserved_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::role<"x", dsql::login, dsql::login>, dsql::assert_role_options_t>);
  STATIC_REQUIRE(dsql::role<"x", dsql::login>::can_login);
  STATIC_REQUIRE(!dsql::role<"x">::can_login);
}

TEST_CASE("Schema rules reserve pg_ for schemas to create", "[rules][schemas]") {
  STATIC_REQUIRE(dsql::cannot_create_schema<"pg_temp_x">);
  STATIC_REQUIRE(!dsql::cannot_create_schema<"users_schema">);
  STATIC_REQUIRE(dsql::valid<dsql::existing_schema<"pg_catalog">>);
  STATIC_REQUIRE(dsql::fails_with<dsql::schema<"pg_x">, dsql::assert_schema_name_not_reserved_t>);
}

TEST_CASE("Grant rules cover shape, privilege list and privilege fitting the object", "[rules][grants]") {
  using dsql::on_all_tables_in;
  using dsql::on_schema;
  STATIC_REQUIRE(dsql::cannot_grant<dsql::insert, on_schema<app>, reader>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::usage, on_all_tables_in<app>, reader>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::privileges<dsql::usage, dsql::select>, on_schema<app>, reader>);
  STATIC_REQUIRE(!dsql::cannot_grant<dsql::privileges<dsql::usage, dsql::create>, on_schema<app>, reader>);
  STATIC_REQUIRE(!dsql::cannot_grant<dsql::delete_, on_all_tables_in<app>, reader, owner>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::select, on_all_tables_in<app>>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::select, app, reader>);
  STATIC_REQUIRE(dsql::cannot_grant<int, on_schema<app>, reader>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::usage, on_schema<app>, dsql::admin>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::privileges<>, on_schema<app>, reader>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::privileges<dsql::select, dsql::select>, on_all_tables_in<app>, reader>);
  STATIC_REQUIRE(
      dsql::fails_with<dsql::grant<dsql::insert, on_schema<app>, reader>, dsql::assert_privilege_fits_object_t>);
  STATIC_REQUIRE(
      dsql::fails_with<dsql::grant<dsql::privileges<>, on_schema<app>, reader>, dsql::assert_privileges_listed_once_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::grant<dsql::select, app, reader>, dsql::assert_grant_shape_t>);
}

TEST_CASE("IAM rules cover names, account, LOGIN and admin", "[rules][iam]") {
  STATIC_REQUIRE(!dsql::cannot_map<reader, dsql::iam_role<"ReaderRole">>);
  STATIC_REQUIRE(!dsql::cannot_map<reader, dsql::iam_user<"alice">>);
  STATIC_REQUIRE(!dsql::cannot_map<reader, dsql::iam_role<"service-role/team/Reader+x=y,z.@_-">>);
  STATIC_REQUIRE(dsql::cannot_map<owner, dsql::iam_role<"OwnerRole">>);
  STATIC_REQUIRE(dsql::cannot_map<dsql::role<"x">, dsql::iam_role<"X">>);
  STATIC_REQUIRE(dsql::cannot_map<dsql::admin, dsql::iam_role<"AdminRole">>);
  STATIC_REQUIRE(dsql::cannot_map<reader, dsql::iam_role<"">>);
  STATIC_REQUIRE(dsql::cannot_map<reader, dsql::iam_role<"has space">>);
  STATIC_REQUIRE(dsql::cannot_map<reader, dsql::iam_role<"quote'">>);
  STATIC_REQUIRE(dsql::cannot_map<reader, dsql::iam_role<"/lead">>);
  STATIC_REQUIRE(dsql::cannot_map<reader, dsql::iam_role<"trail/">>);
  STATIC_REQUIRE(dsql::cannot_map<reader, dsql::iam_role<"a//b">>);
  STATIC_REQUIRE(
      dsql::cannot_map<reader, dsql::iam_role<"x12345678901234567890123456789012345678901234567890123456789012345">>);
  STATIC_REQUIRE(dsql::cannot_map<reader, int>);
  STATIC_REQUIRE(dsql::cannot_map<dsql::role<"", dsql::login>, dsql::iam_role<"X">>);
  STATIC_REQUIRE(dsql::fails_with<dsql::iam_grant<owner, dsql::iam_role<"O">>, dsql::assert_mapped_role_has_login_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::iam_grant<dsql::admin, dsql::iam_role<"A">>, dsql::assert_admin_not_mapped_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::iam_grant<reader, int>, dsql::assert_iam_grant_shape_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::iam_admin<int>, dsql::assert_iam_admin_shape_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::iam_role<"a b">, dsql::assert_iam_name_valid_t>);
  STATIC_REQUIRE(dsql::valid<dsql::aws_account<"123456789012">>);
  STATIC_REQUIRE(dsql::fails_with<dsql::aws_account<"12345678901">, dsql::assert_aws_account_12_digits_t>);
  STATIC_REQUIRE(dsql::cannot_declare<dsql::aws_account<"12345678901a">>);
  STATIC_REQUIRE(dsql::fails_with<dsql::aws_account<"*">, dsql::assert_principal_account_bound_t>);
}

TEST_CASE("Cluster rules cover declared, unique and shape", "[rules][cluster]") {
  using other = dsql::role<"other", dsql::login>;
  using roles = dsql::roles<reader, owner>;
  using schemas = dsql::schemas<app>;
  STATIC_REQUIRE(
      dsql::fails_with<spec<roles, schemas, dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<app>, other>>>,
                       dsql::assert_grantee_declared_t>);
  STATIC_REQUIRE(
      dsql::fails_with<
          spec<roles, schemas, dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<dsql::public_schema>, reader>>>,
          dsql::assert_grant_schema_declared_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<roles, schemas, dsql::iam<dsql::iam_grant<other, dsql::iam_role<"O">>>>,
                                  dsql::assert_mapped_role_declared_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<dsql::roles<reader, dsql::role<"reader">>>, dsql::assert_role_names_unique_t>);
  STATIC_REQUIRE(
      dsql::fails_with<spec<dsql::schemas<app, dsql::existing_schema<"app">>>, dsql::assert_schema_names_unique_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<roles, dsql::iam<reader_map, reader_map>>, dsql::assert_iam_entries_unique_t>);
  STATIC_REQUIRE(
      dsql::fails_with<spec<roles, dsql::iam<dsql::iam_grant<reader, dsql::iam_role<"AdminRole">>, admin_identity>>,
                       dsql::assert_admin_identity_not_mapped_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<roles, roles>, dsql::assert_cluster_shape_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<int>, dsql::assert_cluster_shape_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<dsql::roles<int>>, dsql::assert_cluster_shape_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<dsql::aws_account<"1">>, dsql::assert_aws_account_12_digits_t>);
  // An element's own rule is reported through the cluster.
  STATIC_REQUIRE(dsql::fails_with<spec<dsql::roles<dsql::role<"">>>, dsql::assert_name_not_empty_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<dsql::roles<owner>, dsql::iam<dsql::iam_grant<owner, dsql::iam_role<"O">>>>,
                                  dsql::assert_mapped_role_has_login_t>);
  // Several ARNs may map to one role.
  STATIC_REQUIRE(dsql::valid<spec<roles, dsql::iam<reader_map, dsql::iam_grant<reader, dsql::iam_user<"alice">>>>>);
  // Parts in any order.
  STATIC_REQUIRE(dsql::valid<spec<dsql::iam<reader_map>, dsql::aws_account<"123456789012">, roles>>);
}

TEST_CASE("Role attributes: INHERIT, CONNECTION LIMIT, password; SUPERUSER, REPLICATION, BYPASSRLS refused",
          "[rules][roles]") {
  using worker = dsql::role<"worker", dsql::login, dsql::noinherit, dsql::connection_limit<20>>;
  STATIC_REQUIRE(dsql::valid<worker>);
  STATIC_REQUIRE(worker::inherit == 0);
  STATIC_REQUIRE(worker::connection_limit == 20);
  STATIC_REQUIRE(dsql::role<"x", dsql::inherit>::inherit == 1);
  STATIC_REQUIRE(dsql::role<"x">::inherit == -1);
  STATIC_REQUIRE(dsql::role<"x", dsql::connection_limit<0>>::connection_limit == 0);
  STATIC_REQUIRE(dsql::role<"x", dsql::password_from_env<"X_PW">>::password_env == "X_PW");
  STATIC_REQUIRE(dsql::role<"x", dsql::component<"Web API">>::component == "Web API");
  STATIC_REQUIRE(dsql::fails_with<dsql::role<"x", dsql::superuser>, dsql::assert_role_attribute_supported_t>);
  STATIC_REQUIRE(
      dsql::fails_with<dsql::role<"x", dsql::login, dsql::replication>, dsql::assert_role_attribute_supported_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::role<"x", dsql::bypassrls>, dsql::assert_role_attribute_supported_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::role<"x", dsql::connection_limit<-2>>, dsql::assert_connection_limit_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::role<"x", dsql::inherit, dsql::noinherit>, dsql::assert_role_options_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::role<"x", dsql::connection_limit<1>, dsql::connection_limit<2>>,
                                  dsql::assert_role_options_t>);
  // Reserved names of the seed's rule: admin, postgres, pg_*, rds*, sys.
  STATIC_REQUIRE(dsql::cannot_declare_role<"rdsadmin">);
  STATIC_REQUIRE(dsql::cannot_declare_role<"rds_superuser">);
  STATIC_REQUIRE(dsql::cannot_declare_role<"sys">);
  STATIC_REQUIRE(!dsql::cannot_declare_role<"system">);
  STATIC_REQUIRE(!dsql::cannot_declare_role<"Rds">);
  STATIC_REQUIRE(dsql::valid<dsql::predefined_role<"pg_read_all_data">>);
  STATIC_REQUIRE(dsql::fails_with<dsql::predefined_role<"reader">, dsql::assert_predefined_role_name_t>);
}

TEST_CASE("A target's rules: no password and at most 10 schemas on aurora_dsql", "[rules][target]") {
  using pw = spec<dsql::roles<dsql::role<"p", dsql::login, dsql::password_from_env<"PW">>>>;
  STATIC_REQUIRE(dsql::valid<pw>);
  STATIC_REQUIRE(dsql::cannot_target<pw, dsql::target::aurora_dsql>);
  STATIC_REQUIRE(!dsql::cannot_target<pw, dsql::target::postgres_local>);
  STATIC_REQUIRE(dsql::fails_for_with<pw, dsql::target::aurora_dsql, dsql::assert_no_password_on_dsql_t>);
  using ten = spec<dsql::schemas<dsql::schema<"s0">, dsql::schema<"s1">, dsql::schema<"s2">, dsql::schema<"s3">,
                                 dsql::schema<"s4">, dsql::schema<"s5">, dsql::schema<"s6">, dsql::schema<"s7">,
                                 dsql::schema<"s8">, dsql::public_schema>>;
  using eleven = spec<dsql::schemas<dsql::schema<"s0">, dsql::schema<"s1">, dsql::schema<"s2">, dsql::schema<"s3">,
                                    dsql::schema<"s4">, dsql::schema<"s5">, dsql::schema<"s6">, dsql::schema<"s7">,
                                    dsql::schema<"s8">, dsql::schema<"s9">, dsql::public_schema>>;
  STATIC_REQUIRE(!dsql::cannot_target<ten, dsql::target::aurora_dsql>);
  STATIC_REQUIRE(dsql::fails_for_with<eleven, dsql::target::aurora_dsql, dsql::assert_dsql_schema_limit_t>);
  STATIC_REQUIRE(!dsql::cannot_target<eleven, dsql::target::postgres_local>);
  // A spec's own rule comes first.
  STATIC_REQUIRE(dsql::fails_for_with<spec<dsql::roles<dsql::role<"">>>, dsql::target::postgres_local,
                                      dsql::assert_name_not_empty_t>);
}

TEST_CASE("Schemas: owner, sensitive marking, options", "[rules][schemas]") {
  using owned = dsql::schema<"ledger", dsql::owned_by<owner>>;
  STATIC_REQUIRE(dsql::valid<owned>);
  STATIC_REQUIRE(dsql::valid<spec<dsql::roles<owner>, dsql::schemas<owned>>>);
  STATIC_REQUIRE(
      dsql::fails_with<spec<dsql::roles<reader>, dsql::schemas<owned>>, dsql::assert_schema_owner_declared_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::schema<"x", dsql::existing, dsql::created>, dsql::assert_schema_options_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::schema<"x", dsql::owned_by<int>>, dsql::assert_schema_options_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::schema<"x", int>, dsql::assert_schema_options_t>);
  using pii = dsql::schema<"pii", dsql::sensitive<reader>>;
  using base = dsql::roles<reader, owner>;
  STATIC_REQUIRE(dsql::valid<spec<base, dsql::schemas<pii>,
                                  dsql::grants<dsql::grant<dsql::select, dsql::on_all_tables_in<pii>, reader>>>>);
  STATIC_REQUIRE(dsql::fails_with<
                 spec<base, dsql::schemas<pii>, dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<pii>, owner>>>,
                 dsql::assert_sensitive_schema_reader_t>);
  STATIC_REQUIRE(
      dsql::fails_with<
          spec<base, dsql::schemas<pii>, dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<pii>, dsql::public_>>>,
          dsql::assert_sensitive_schema_reader_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<base, dsql::schemas<pii>,
                                       dsql::grants<dsql::default_privileges<dsql::for_role<reader>, dsql::select,
                                                                             dsql::on_all_tables_in<pii>, owner>>>,
                                  dsql::assert_sensitive_schema_reader_t>);
  // A listed role's members inherit its access: they must be listed too.
  STATIC_REQUIRE(dsql::fails_with<spec<base, dsql::schemas<pii>, dsql::grants<dsql::membership<reader, owner>>>,
                                  dsql::assert_sensitive_schema_reader_t>);
  STATIC_REQUIRE(dsql::valid<spec<base, dsql::schemas<pii>, dsql::grants<dsql::membership<owner, reader>>>>);
  // Taking away is always allowed.
  STATIC_REQUIRE(
      dsql::valid<
          spec<base, dsql::schemas<pii>, dsql::grants<dsql::revoke<dsql::all, dsql::on_schema<pii>, dsql::public_>>>>);
}

TEST_CASE("Privileges fit each object kind; ALL is the kind's PostgreSQL 15 set", "[rules][grants]") {
  using dsql::on_all_functions_in;
  using dsql::on_all_sequences_in;
  using dsql::on_columns;
  using dsql::on_function;
  using dsql::on_sequence;
  using dsql::on_table;
  using table_all = dsql::privileges<dsql::select, dsql::insert, dsql::update, dsql::delete_, dsql::truncate,
                                     dsql::references, dsql::trigger>;
  STATIC_REQUIRE(!dsql::cannot_grant<table_all, on_table<app, "t">, reader>);
  STATIC_REQUIRE(!dsql::cannot_grant<table_all, dsql::on_all_tables_in<app>, reader>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::execute, on_table<app, "t">, reader>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::usage, on_table<app, "t">, reader>);
  STATIC_REQUIRE(!dsql::cannot_grant<dsql::privileges<dsql::select, dsql::insert, dsql::update, dsql::references>,
                                     on_columns<app, "t", "a", "b">, reader>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::delete_, on_columns<app, "t", "a">, reader>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::truncate, on_columns<app, "t", "a">, reader>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::select, on_columns<app, "t">, reader>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::select, on_columns<app, "t", "a", "a">, reader>);
  STATIC_REQUIRE(
      !dsql::cannot_grant<dsql::privileges<dsql::usage, dsql::select, dsql::update>, on_sequence<app, "q">, reader>);
  STATIC_REQUIRE(!dsql::cannot_grant<dsql::usage, on_all_sequences_in<app>, reader>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::insert, on_sequence<app, "q">, reader>);
  STATIC_REQUIRE(!dsql::cannot_grant<dsql::execute, on_function<app, "f", "integer, text[]">, reader>);
  STATIC_REQUIRE(!dsql::cannot_grant<dsql::execute, on_all_functions_in<app>, reader>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::select, on_function<app, "f">, reader>);
  STATIC_REQUIRE(dsql::cannot_grant<dsql::execute, dsql::on_schema<app>, reader>);
  STATIC_REQUIRE(dsql::fails_with<dsql::grant<dsql::execute, on_function<app, "f", "int'">, reader>,
                                  dsql::assert_object_name_valid_t>);
  STATIC_REQUIRE(
      dsql::fails_with<dsql::grant<dsql::select, on_table<app, "">, reader>, dsql::assert_object_name_valid_t>);
  for (auto k : {dsql::object_kind::schema, dsql::object_kind::table, dsql::object_kind::columns,
                 dsql::object_kind::sequence, dsql::object_kind::function})
    CHECK(!dsql::privileges_of(k).empty());
  STATIC_REQUIRE(dsql::privileges_of(dsql::object_kind::table).size() == 7);
  STATIC_REQUIRE(dsql::privileges_of(dsql::object_kind::all_tables_in_schema).size() == 7);
  STATIC_REQUIRE(dsql::privileges_of(dsql::object_kind::columns).size() == 4);
  STATIC_REQUIRE(dsql::privileges_of(dsql::object_kind::sequence).size() == 3);
  STATIC_REQUIRE(dsql::privileges_of(dsql::object_kind::function).size() == 1);
  STATIC_REQUIRE(dsql::privileges_of(dsql::object_kind::schema).size() == 2);
  // `all` fits every kind.
  STATIC_REQUIRE(!dsql::cannot_grant<dsql::all, dsql::on_schema<app>, reader>);
  STATIC_REQUIRE(!dsql::cannot_grant<dsql::all, on_function<app, "f">, reader>);
  STATIC_REQUIRE(!dsql::cannot_grant<dsql::all, on_columns<app, "t", "c">, reader>);
}

TEST_CASE("Grantees: PUBLIC, grant options, reserved names", "[rules][grants]") {
  using dsql::on_table;
  STATIC_REQUIRE(!dsql::cannot_grant<dsql::select, on_table<app, "t">, dsql::public_>);
  STATIC_REQUIRE(!dsql::cannot_grant<dsql::select, on_table<app, "t">, reader, dsql::with_grant_option>);
  STATIC_REQUIRE(dsql::fails_with<dsql::grant<dsql::select, on_table<app, "t">, dsql::public_, dsql::with_grant_option>,
                                  dsql::assert_grant_option_to_roles_t>);
  STATIC_REQUIRE(
      dsql::fails_with<
          dsql::grant<dsql::select, on_table<app, "t">, reader, dsql::with_grant_option, dsql::with_grant_option>,
          dsql::assert_grant_shape_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::grant<dsql::usage, dsql::on_schema<app>, dsql::admin>,
                                  dsql::assert_grantee_not_reserved_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::grant<dsql::usage, dsql::on_schema<app>, reader, dsql::admin>,
                                  dsql::assert_grantee_not_reserved_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::grant<dsql::usage, dsql::on_schema<app>, dsql::predefined_role<"pg_monitor">>,
                                  dsql::assert_grantee_not_reserved_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::revoke<dsql::usage, dsql::on_schema<app>, dsql::admin>,
                                  dsql::assert_grantee_not_reserved_t>);
  STATIC_REQUIRE(dsql::valid<dsql::revoke<dsql::create, dsql::on_schema<dsql::public_schema>, dsql::public_>>);
  STATIC_REQUIRE(dsql::fails_with<spec<dsql::roles<reader>, dsql::schemas<app>,
                                       dsql::grants<dsql::revoke<dsql::usage, dsql::on_schema<app>, owner>>>,
                                  dsql::assert_grantee_declared_t>);
}

TEST_CASE("Default privileges name their creator; memberships are acyclic", "[rules][grants]") {
  using dsql::for_role;
  using dsql::on_all_tables_in;
  STATIC_REQUIRE(!dsql::cannot_default<for_role<owner>, dsql::select, on_all_tables_in<app>, reader>);
  STATIC_REQUIRE(!dsql::cannot_default<for_role<owner>, dsql::usage, dsql::on_all_sequences_in<app>, reader>);
  STATIC_REQUIRE(!dsql::cannot_default<for_role<owner>, dsql::execute, dsql::on_all_functions_in<app>, dsql::public_>);
  STATIC_REQUIRE(dsql::cannot_default<owner, dsql::select, on_all_tables_in<app>, reader>);
  STATIC_REQUIRE(dsql::cannot_default<for_role<int>, dsql::select, on_all_tables_in<app>, reader>);
  STATIC_REQUIRE(dsql::cannot_default<for_role<owner>, dsql::select, dsql::on_table<app, "t">, reader>);
  STATIC_REQUIRE(dsql::cannot_default<for_role<owner>, dsql::usage, dsql::on_schema<app>, reader>);
  STATIC_REQUIRE(dsql::cannot_default<for_role<owner>, dsql::execute, on_all_tables_in<app>, reader>);
  STATIC_REQUIRE(dsql::fails_with<dsql::default_privileges<owner, dsql::select, on_all_tables_in<app>, reader>,
                                  dsql::assert_default_privileges_shape_t>);
  STATIC_REQUIRE(
      dsql::fails_with<
          spec<dsql::roles<reader>, dsql::schemas<app>,
               dsql::grants<dsql::default_privileges<for_role<owner>, dsql::select, on_all_tables_in<app>, reader>>>,
          dsql::assert_creator_declared_t>);
  using a = dsql::role<"a">;
  using b = dsql::role<"b">;
  using c = dsql::role<"c">;
  STATIC_REQUIRE(!dsql::cannot_grant_role<a, b>);
  STATIC_REQUIRE(!dsql::cannot_grant_role<a, b, dsql::with_admin_option>);
  // DSQL's admin cannot grant the server's roles (dsql_iam refuses it locally too).
  STATIC_REQUIRE(dsql::fails_with<dsql::membership<dsql::predefined_role<"pg_read_all_data">, b>,
                                  dsql::assert_group_not_predefined_t>);
  STATIC_REQUIRE(dsql::cannot_grant_role<a, a>);
  STATIC_REQUIRE(dsql::cannot_grant_role<a, dsql::public_>);
  STATIC_REQUIRE(dsql::cannot_grant_role<a, b, int>);
  STATIC_REQUIRE(dsql::cannot_grant_role<dsql::admin, b>);
  using abc = dsql::roles<a, b, c>;
  STATIC_REQUIRE(
      dsql::valid<spec<abc, dsql::grants<dsql::membership<a, b>, dsql::membership<b, c>, dsql::membership<a, c>>>>);
  STATIC_REQUIRE(dsql::fails_with<spec<abc, dsql::grants<dsql::membership<a, b>, dsql::membership<b, a>>>,
                                  dsql::assert_membership_acyclic_t>);
  STATIC_REQUIRE(
      dsql::fails_with<spec<abc, dsql::grants<dsql::membership<a, b>, dsql::membership<b, c>, dsql::membership<c, a>>>,
                       dsql::assert_membership_acyclic_t>);
  STATIC_REQUIRE(
      dsql::fails_with<spec<dsql::roles<a>, dsql::grants<dsql::membership<a, b>>>, dsql::assert_grantee_declared_t>);
  STATIC_REQUIRE(
      dsql::fails_with<spec<dsql::roles<b>, dsql::grants<dsql::membership<dsql::predefined_role<"pg_monitor">, b>>>,
                       dsql::assert_group_not_predefined_t>);
}

TEST_CASE("IAM: full ARNs, sessions and * refused, declared principals mapped, region and cluster id", "[rules][iam]") {
  STATIC_REQUIRE(dsql::valid<dsql::iam_arn<"arn:aws:iam::123456789012:role/service-role/App">>);
  STATIC_REQUIRE(dsql::iam_arn<"arn:aws:iam::123456789012:user/alice">::kind == dsql::principal_kind::iam_user);
  STATIC_REQUIRE(dsql::iam_arn<"arn:aws:iam::123456789012:user/alice">::account == "123456789012");
  STATIC_REQUIRE(dsql::fails_with<dsql::iam_arn<"arn:aws:sts::123456789012:assumed-role/App/session">,
                                  dsql::assert_principal_not_session_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::iam_arn<"arn:aws:iam::123456789012:assumed-role/App/session">,
                                  dsql::assert_principal_not_session_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::iam_arn<"arn:aws:sts::123456789012:federated-user/bob">,
                                  dsql::assert_principal_not_session_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::iam_arn<"arn:aws:iam::*:role/App">, dsql::assert_principal_account_bound_t>);
  STATIC_REQUIRE(
      dsql::fails_with<dsql::iam_arn<"arn:aws:iam::123456789012:role/*">, dsql::assert_principal_account_bound_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::iam_arn<"arn:aws:iam::12345:role/App">, dsql::assert_iam_arn_valid_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::iam_arn<"AppRole">, dsql::assert_iam_arn_valid_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::iam_arn<"arn:aws:iam::123456789012:role/a b">, dsql::assert_iam_name_valid_t>);
  STATIC_REQUIRE(dsql::cannot_map<reader, dsql::iam_arn<"arn:aws:sts::123456789012:assumed-role/App/s">>);
  using declared = dsql::iam_role<"Declared">;
  STATIC_REQUIRE(dsql::valid<spec<dsql::roles<reader>, dsql::iam<declared, dsql::iam_grant<reader, declared>>>>);
  STATIC_REQUIRE(dsql::valid<spec<dsql::roles<reader>, dsql::iam<declared, dsql::iam_admin<declared>>>>);
  STATIC_REQUIRE(dsql::fails_with<spec<dsql::roles<reader>, dsql::iam<declared>>, dsql::assert_principal_mapped_t>);
  STATIC_REQUIRE(dsql::valid<spec<dsql::aws_region<"eu-west-3">, dsql::cluster_id<"abc123">>>);
  STATIC_REQUIRE(dsql::fails_with<spec<dsql::aws_region<"EU">>, dsql::assert_aws_region_valid_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<dsql::cluster_id<"a-b">>, dsql::assert_cluster_id_valid_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<dsql::aws_region<"a">, dsql::aws_region<"b">>, dsql::assert_cluster_shape_t>);
}

TEST_CASE("Rule messages are one sentence each", "[rules]") {
  constexpr std::string_view messages[] = {
      dsql::assert_name_not_empty_t::message,
      dsql::assert_name_at_most_63_bytes_t::message,
      dsql::assert_name_without_nul_t::message,
      dsql::assert_role_name_not_reserved_t::message,
      dsql::assert_role_options_t::message,
      dsql::assert_schema_name_not_reserved_t::message,
      dsql::assert_privileges_listed_once_t::message,
      dsql::assert_grant_shape_t::message,
      dsql::assert_privilege_fits_object_t::message,
      dsql::assert_iam_name_valid_t::message,
      dsql::assert_aws_account_12_digits_t::message,
      dsql::assert_iam_grant_shape_t::message,
      dsql::assert_iam_admin_shape_t::message,
      dsql::assert_admin_not_mapped_t::message,
      dsql::assert_mapped_role_has_login_t::message,
      dsql::assert_cluster_shape_t::message,
      dsql::assert_role_names_unique_t::message,
      dsql::assert_schema_names_unique_t::message,
      dsql::assert_grantee_declared_t::message,
      dsql::assert_grant_schema_declared_t::message,
      dsql::assert_mapped_role_declared_t::message,
      dsql::assert_admin_identity_not_mapped_t::message,
      dsql::assert_iam_entries_unique_t::message,
      dsql::assert_role_attribute_supported_t::message,
      dsql::assert_connection_limit_t::message,
      dsql::assert_predefined_role_name_t::message,
      dsql::assert_schema_options_t::message,
      dsql::assert_grantee_not_reserved_t::message,
      dsql::assert_object_name_valid_t::message,
      dsql::assert_grant_option_to_roles_t::message,
      dsql::assert_default_privileges_shape_t::message,
      dsql::assert_membership_shape_t::message,
      dsql::assert_principal_not_session_t::message,
      dsql::assert_principal_account_bound_t::message,
      dsql::assert_iam_arn_valid_t::message,
      dsql::assert_aws_region_valid_t::message,
      dsql::assert_cluster_id_valid_t::message,
      dsql::assert_creator_declared_t::message,
      dsql::assert_schema_owner_declared_t::message,
      dsql::assert_membership_acyclic_t::message,
      dsql::assert_sensitive_schema_reader_t::message,
      dsql::assert_principal_mapped_t::message,
      dsql::assert_no_password_on_dsql_t::message,
      dsql::assert_dsql_schema_limit_t::message,
      dsql::assert_group_not_predefined_t::message,
  };
  for (std::string_view m : messages) {
    CAPTURE(m);
    CHECK(m.size() > 10);
    CHECK(m.back() == '.');
    CHECK(m.find(". ") == std::string_view::npos);
  }
}

namespace {

// The model a spec's declarations describe, built at run time (model_of refuses a spec
// that breaks a rule; fill_model, the loop model_of uses, does not check).
template <class Spec>
dsql::model::cluster described_model() {
  using t = dsql::detail::cluster_traits<Spec>;
  using d = dsql::detail::descriptions<typename t::roles, typename t::schemas, typename t::grants, typename t::iam>;
  dsql::model::cluster c;
  dsql::detail::fill_model(c, d::roles, d::schemas, d::grants, d::iam);
  return c;
}

// One cluster rule broken by Spec, asked both ways: the type check (compile time) reports
// rule R at culprit Culprit, and validate() on the same declarations' model (run time)
// throws R's sentence, both from dsql::first_cluster_rule.
template <class Spec, dsql::cluster_rule R, class Culprit>
void same_rule_both_ways() {
  STATIC_REQUIRE(dsql::fails_with<Spec, dsql::cluster_rule_t<R>>);
  STATIC_REQUIRE(std::is_same_v<dsql::culprit_of_t<Spec>, Culprit>);
  const dsql::model::cluster m = described_model<Spec>();
  CHECK(dsql::first_cluster_rule(m).rule == R);
  CHECK_THROWS_WITH(dsql::validate(m), std::string(dsql::cluster_rule_message(R)));
}

}  // namespace

TEST_CASE("Each cluster rule is one function, asked at compile time and at run time", "[rules][cluster][validate]") {
  using dsql::culprit;
  using enum dsql::cluster_rule;
  using a = dsql::role<"a", dsql::login>;
  using b = dsql::role<"b", dsql::login>;
  using c = dsql::role<"c">;
  using s = dsql::schema<"s">;
  using vault = dsql::schema<"vault", dsql::sensitive<a>>;
  using owned = dsql::schema<"owned", dsql::owned_by<c>>;
  using map_a = dsql::iam_grant<a, dsql::iam_role<"A">>;
  same_rule_both_ways<spec<dsql::roles<a, b, dsql::role<"a">>>, role_names_unique, culprit<"role a">>();
  same_rule_both_ways<spec<dsql::schemas<s, dsql::existing_schema<"s">>>, schema_names_unique, culprit<"schema s">>();
  same_rule_both_ways<spec<dsql::roles<a>, dsql::schemas<owned>>, schema_owner_declared, culprit<"schema owned">>();
  same_rule_both_ways<spec<dsql::roles<a>, dsql::schemas<s>,
                           dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<s>, a>,
                                        dsql::grant<dsql::usage, dsql::on_schema<s>, a, b>>>,
                      grantee_declared, culprit<"grant to a, b in schema s">>();
  same_rule_both_ways<spec<dsql::roles<a>, dsql::grants<dsql::grant<dsql::select, dsql::on_table<s, "t">, a>>>,
                      grant_schema_declared, culprit<"grant to a in schema s">>();
  same_rule_both_ways<
      spec<dsql::roles<a>, dsql::schemas<s>,
           dsql::grants<dsql::default_privileges<dsql::for_role<b>, dsql::select, dsql::on_all_tables_in<s>, a>>>,
      creator_declared, culprit<"default privileges of b for a in schema s">>();
  same_rule_both_ways<
      spec<dsql::roles<a, b, c>, dsql::grants<dsql::membership<a, b>, dsql::membership<b, c>, dsql::membership<c, a>>>,
      membership_acyclic, culprit<"membership of role b in a">>();
  same_rule_both_ways<spec<dsql::roles<a, b>, dsql::schemas<vault>,
                           dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<vault>, a>, dsql::membership<a, b>>>,
                      sensitive_schema_reader, culprit<"membership of role b in a">>();
  same_rule_both_ways<spec<dsql::roles<a, b>, dsql::schemas<vault>,
                           dsql::grants<dsql::grant<dsql::select, dsql::on_all_tables_in<vault>, dsql::public_>>>,
                      sensitive_schema_reader, culprit<"grant to PUBLIC in schema vault">>();
  same_rule_both_ways<spec<dsql::roles<a, c>, dsql::schemas<owned>,
                           dsql::grants<dsql::revoke<dsql::create, dsql::on_schema<owned>, c>>>,
                      revoke_not_from_schema_owner, culprit<"revoke from c in schema owned">>();
  same_rule_both_ways<spec<dsql::roles<b>, dsql::iam<map_a>>, mapped_role_declared,
                      culprit<"IAM mapping of role a to A">>();
  // The mapping's role type says LOGIN, the declared role of that name does not.
  same_rule_both_ways<spec<dsql::roles<dsql::role<"a">>, dsql::iam<map_a>>, mapped_role_has_login,
                      culprit<"IAM mapping of role a to A">>();
  same_rule_both_ways<spec<dsql::roles<a>, dsql::iam<map_a, dsql::iam_admin<dsql::iam_role<"A">>>>,
                      admin_identity_not_mapped, culprit<"IAM admin identity A">>();
  same_rule_both_ways<spec<dsql::roles<a>, dsql::iam<map_a, dsql::iam_role<"B">, dsql::iam_role<"B">>>,
                      iam_entries_unique, culprit<"IAM role B">>();
  same_rule_both_ways<spec<dsql::roles<a>, dsql::iam<map_a, dsql::iam_user<"bob">>>, principal_mapped,
                      culprit<"IAM user bob">>();
}

TEST_CASE("Run-time models: retired roles, and element rules before cluster rules", "[rules][validate]") {
  dsql::model::cluster m;
  m.roles.push_back({.name = "a"});
  m.retired_roles = {"b", "a"};
  const auto v = dsql::first_cluster_rule(m);
  CHECK(v.rule == dsql::cluster_rule::role_declared_or_retired);
  CHECK(v.part == dsql::cluster_part::retired_roles);
  CHECK(v.index == 1);
  CHECK_THROWS_WITH(dsql::validate(m), std::string(dsql::assert_role_declared_or_retired_t::message));
  // a grant to an undeclared reserved name: the element's rule (reserved) comes first
  dsql::model::grant g;
  g.privileges = {dsql::privilege_kind::usage};
  g.schema = "public";
  g.grantee = "pg_monitor";
  m.retired_roles.clear();
  m.grants.push_back(g);
  CHECK_THROWS_WITH(dsql::validate(m), std::string(dsql::assert_grantee_not_reserved_t::message));
}
