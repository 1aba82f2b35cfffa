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

using good = spec<dsql::roles<reader, owner>, dsql::schemas<app, dsql::public_schema>,
                  dsql::grants<reader_usage>, dsql::iam<reader_map, admin_identity>>;

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
  STATIC_REQUIRE(dsql::fails_with<dsql::grant<dsql::insert, on_schema<app>, reader>,
                                  dsql::assert_privilege_fits_object_t>);
  STATIC_REQUIRE(dsql::fails_with<dsql::grant<dsql::privileges<>, on_schema<app>, reader>,
                                  dsql::assert_privileges_listed_once_t>);
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
  STATIC_REQUIRE(dsql::cannot_map<reader, dsql::iam_role<"x12345678901234567890123456789012345678901234567890123456789012345">>);
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
  STATIC_REQUIRE(dsql::cannot_declare<dsql::aws_account<"*">>);
}

TEST_CASE("Cluster rules cover declared, unique and shape", "[rules][cluster]") {
  using other = dsql::role<"other", dsql::login>;
  using roles = dsql::roles<reader, owner>;
  using schemas = dsql::schemas<app>;
  STATIC_REQUIRE(dsql::fails_with<spec<roles, schemas, dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<app>, other>>>,
                                  dsql::assert_grantee_declared_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<roles, schemas, dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<dsql::public_schema>, reader>>>,
                                  dsql::assert_grant_schema_declared_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<roles, schemas, dsql::iam<dsql::iam_grant<other, dsql::iam_role<"O">>>>,
                                  dsql::assert_mapped_role_declared_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<dsql::roles<reader, dsql::role<"reader">>>, dsql::assert_role_names_unique_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<dsql::schemas<app, dsql::existing_schema<"app">>>, dsql::assert_schema_names_unique_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<roles, dsql::iam<reader_map, reader_map>>, dsql::assert_iam_entries_unique_t>);
  STATIC_REQUIRE(dsql::fails_with<spec<roles, dsql::iam<dsql::iam_grant<reader, dsql::iam_role<"AdminRole">>, admin_identity>>,
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

TEST_CASE("Rule messages are one sentence each", "[rules]") {
  constexpr std::string_view messages[] = {
      dsql::assert_name_not_empty_t::message,         dsql::assert_name_at_most_63_bytes_t::message,
      dsql::assert_name_without_nul_t::message,       dsql::assert_role_name_not_reserved_t::message,
      dsql::assert_role_options_t::message,           dsql::assert_schema_name_not_reserved_t::message,
      dsql::assert_privileges_listed_once_t::message, dsql::assert_grant_shape_t::message,
      dsql::assert_privilege_fits_object_t::message,  dsql::assert_iam_name_valid_t::message,
      dsql::assert_aws_account_12_digits_t::message,  dsql::assert_iam_grant_shape_t::message,
      dsql::assert_iam_admin_shape_t::message,        dsql::assert_admin_not_mapped_t::message,
      dsql::assert_mapped_role_has_login_t::message,  dsql::assert_cluster_shape_t::message,
      dsql::assert_role_names_unique_t::message,      dsql::assert_schema_names_unique_t::message,
      dsql::assert_grantee_declared_t::message,       dsql::assert_grant_schema_declared_t::message,
      dsql::assert_mapped_role_declared_t::message,   dsql::assert_admin_identity_not_mapped_t::message,
      dsql::assert_iam_entries_unique_t::message,
  };
  for (std::string_view m : messages) {
    CAPTURE(m);
    CHECK(m.size() > 10);
    CHECK(m.back() == '.');
    CHECK(m.find(". ") == std::string_view::npos);
  }
}
