// dsql::engine - the plan/apply engine: inspect a live database, diff it against a spec,
// print and apply the minimal ordered change, prove convergence by inspecting again.
//
//   pqxx::connection c(conninfo);
//   auto live = dsql::engine::inspect(c, dsql::engine::target::postgres_local);
//   auto p = dsql::engine::diff(spec, live, {.prune = false});
//   std::cout << dsql::engine::to_text(p);
//   dsql::engine::apply(c, spec, {...});   // locks, re-plans, executes, re-inspects
//
// Three layers, each a plain value:
//   spec   what the user declared (built from a dsql::model::cluster by from_model(),
//          or read from JSON); richer than the DSL model: memberships, default
//          privileges, PUBLIC's privileges on chosen schemas, retired roles.
//   state  what the server has, read with one query per catalog (see inspect.cpp);
//          ACLs exploded with aclexplode(coalesce(acl, acldefault(kind, owner))) so
//          NULL ACLs and PUBLIC are visible, grants merged per (object, grantee, grantor).
//   plan   typed steps with reasons, ordered, each with its SQL for the target.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/connection>

namespace dsql::model {
struct cluster;
}

namespace dsql::engine {

enum class target { aurora_dsql, postgres_local };
std::string_view to_string(target t) noexcept;
std::optional<target> parse_target(std::string_view s) noexcept;

// ---- privileges ----------------------------------------------------------------------

// One bit per PostgreSQL privilege (the letters of aclitem: arwdDxtXUCcT).
using privset = std::uint32_t;
enum privilege : privset {
  p_select = 1U << 0, p_insert = 1U << 1, p_update = 1U << 2, p_delete = 1U << 3,
  p_truncate = 1U << 4, p_references = 1U << 5, p_trigger = 1U << 6, p_execute = 1U << 7,
  p_usage = 1U << 8, p_create = 1U << 9, p_connect = 1U << 10, p_temporary = 1U << 11,
};
// "SELECT" -> p_select; 0 when unknown. "ALL" is expanded by all_privileges().
privset privilege_of(std::string_view keyword) noexcept;
// "SELECT, INSERT" in a fixed order.
std::string privilege_list(privset p);
std::vector<std::string> privilege_names(privset p);

enum class object_kind { database, schema, table, sequence, function };
std::string_view to_string(object_kind k) noexcept;
// What ALL means on an object kind for a server version (server_version_num).
privset all_privileges(object_kind k, int server_version) noexcept;

// ---- spec (desired) ------------------------------------------------------------------

struct role_spec {
  std::string name;
  bool login = false;
  std::vector<std::string> member_of;  // roles this role is a member of
};

struct schema_spec {
  std::string name;
  bool create = true;  // false: an existing schema (public), never created
};

enum class grant_on { database, schema, all_tables, table };

struct grant_spec {
  grant_on on = grant_on::schema;
  std::string schema;   // schema, all_tables, table
  std::string object;   // table: its name; database: its name (empty: the current one)
  privset privileges = 0;
  std::string grantee;  // ignored when to_public
  bool to_public = false;
};

// ALTER DEFAULT PRIVILEGES FOR ROLE for_role IN SCHEMA schema GRANT ... ON TABLES TO grantee.
// for_role is mandatory: default privileges only cover objects that role creates (P6).
struct default_privilege_spec {
  std::string for_role;
  std::string schema;
  privset privileges = 0;  // table privileges
  std::string grantee;
  bool to_public = false;
};

struct mapping_spec {
  std::string role;
  std::string arn;
};

struct spec {
  std::string name;
  std::vector<role_spec> roles;
  std::vector<schema_spec> schemas;
  std::vector<grant_spec> grants;
  std::vector<default_privilege_spec> default_privileges;
  std::vector<mapping_spec> mappings;
  // Roles that must not exist: removed in one apply (P7).
  std::vector<std::string> retired_roles;
  // Schemas on which PUBLIC's privileges are managed: what the spec does not grant to
  // PUBLIC there is revoked, read from the live ACL (P9).
  std::vector<std::string> public_schemas;
};

// The DSL's run-time model as an engine spec; account_id resolves the mappings' ARNs
// (the model's own account wins when it binds one).
spec from_model(const dsql::model::cluster& c, std::string_view account_id);
// Checks names (1..63 bytes, no NUL; a 64-byte name is refused before any SQL), that
// grantees are declared, that no reserved role (the DSL's dsql::is_reserved_role_name:
// admin, postgres, public, none, sys, rds*, pg_*) is managed, retired or granted as a
// membership (member_of). Throws engine_error.
void validate(const spec& s);

std::string to_json(const spec& s);
spec spec_from_json(std::string_view json);

// ---- state (live) --------------------------------------------------------------------

struct live_role {
  std::string name;
  bool superuser = false, login = false, createrole = false, createdb = false;
};

struct live_membership {
  std::string role, member, grantor;
  bool admin_option = false;
};

struct live_object {
  object_kind kind = object_kind::table;
  std::string schema;  // empty for database and schema
  std::string name;
  std::string args;    // functions: identity arguments
  std::string owner;
  char relkind = 0;    // tables: r p v m f; sequences: S
};

// ACL entries merged per (object, grantee, grantor). grantee empty + is_public: PUBLIC.
struct live_acl {
  std::size_t object = 0;  // index into state::objects
  std::string grantee;
  bool is_public = false;
  std::string grantor;
  privset privileges = 0;
  privset grantable = 0;
  std::string column;  // non-empty: a column privilege of a table
};

struct live_default_acl {
  std::string for_role;
  std::string schema;   // empty: global (all schemas)
  char objtype = 'r';   // r tables, S sequences, f functions, T types, n schemas
  std::string grantee;
  bool is_public = false;
  std::string grantor;
  privset privileges = 0;
};

struct live_mapping {
  std::string role, arn, grantor;
};

struct state {
  target on = target::postgres_local;
  std::string current_user;
  bool current_is_superuser = false;
  int server_version = 0;
  std::string database;
  bool has_mapping_view = false;
  // Roles the current user may SET ROLE to (pg_has_role MEMBER: direct, inherited,
  // implicit as pg_database_owner; every role for a superuser).
  std::vector<std::string> can_act_as;
  std::vector<live_role> roles;
  std::vector<live_membership> memberships;
  std::vector<live_object> objects;
  std::vector<live_acl> acls;
  std::vector<live_default_acl> default_acls;
  std::vector<live_mapping> mappings;
  int round_trips = 0;

  const live_role* find_role(std::string_view name) const;
};

// One query per catalog in one REPEATABLE READ READ ONLY transaction.
state inspect(pqxx::connection& c, target t);
std::string to_text(const state& s);
std::string to_json(const state& s);
// DSL code declaring the live roles, schemas, grants and IAM mappings (inspect --format
// cpp), in namespace ns; what the DSL cannot say is listed in comments at the end.
std::string to_cpp(const state& s, std::string_view ns);

// ---- plan ------------------------------------------------------------------------------

enum class step_kind {
  create_role, alter_role, grant_membership, revoke_membership, create_schema,
  grant, revoke, grant_default, revoke_default, iam_grant, iam_revoke,
  reassign_owned, drop_owned, drop_role,
};
std::string_view to_string(step_kind k) noexcept;

struct step {
  step_kind kind = step_kind::grant;
  char action = '+';    // + add, - remove, ~ change
  std::string role;     // the role the step is about (grouping key)
  std::string object;   // what it touches, for people: `table "app"."t1"`
  std::string sql;      // one statement, every identifier quoted
  std::string act_as;   // postgres_local: SET LOCAL ROLE to this role first (grantor)
  std::string reason;
  // postgres_local, same transaction: before SET LOCAL ROLE / after RESET ROLE (a
  // grantor without USAGE on the schema gets it for the step only)
  std::string prologue, epilogue;
};

struct plan {
  target on = target::postgres_local;
  std::string spec_name;
  std::vector<step> steps;
  bool empty() const noexcept { return steps.empty(); }
};

struct diff_options {
  bool prune = false;  // revoke what managed roles have beyond the spec
};

plan diff(const spec& s, const state& live, const diff_options& o = {});
// Text formats print names and reasons through printable(): control bytes (< 0x20, 0x7F)
// and UTF-8 C1 controls (U+0080..U+009F) become \n, \r, \t, \xHH, \u00HH, so a catalog
// name cannot fake, hide or split lines on a terminal or CI log. The SQL executed and the
// JSON formats are unchanged (JSON escapes control characters itself).
std::string to_text(const plan& p);
std::string to_json(const plan& p);
std::string printable(std::string_view text);

// ---- apply -----------------------------------------------------------------------------

struct apply_options {
  target on = target::postgres_local;
  bool prune = false;
  bool progress = false;      // progress lines on stderr
  int max_attempts = 8;       // per step (batch), for 40001 / tuple concurrently updated
  int base_backoff_ms = 10;   // jittered exponential backoff, capped
  int max_backoff_ms = 1000;
  std::size_t batch = 200;    // postgres_local: steps per transaction
  int max_rounds = 3;         // re-plan after a lost race
};

struct apply_result {
  plan applied;               // every step executed, in order
  int retries = 0;
  int rounds = 0;
};

class engine_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// After applying, the plan was not empty: the steps that remain.
class convergence_error : public engine_error {
 public:
  convergence_error(const std::string& what, plan remaining)
      : engine_error(what), remaining_(std::move(remaining)) {}
  const plan& remaining() const noexcept { return remaining_; }

 private:
  plan remaining_;
};

apply_result apply(pqxx::connection& c, const spec& s, const apply_options& o);

// SQLSTATE of a libpqxx exception (libpqxx 6 drops it for some subclasses).
std::string sqlstate_of(const std::exception& e);

}  // namespace dsql::engine
