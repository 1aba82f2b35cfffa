// dsql::engine - the plan/apply engine: inspect a live database, diff it against the spec,
// print and apply the minimal ordered change, prove convergence by inspecting again.
//
//   const dsql::model::cluster spec = dsql::model_of<my::spec>();   // or model_from_json()
//   pqxx::connection c(conninfo);
//   auto live = dsql::engine::inspect(c, dsql::target::aurora_dsql, &spec);
//   auto p = dsql::engine::diff(spec, live, {.prune = false});
//   std::cout << dsql::engine::to_text(p);
//   dsql::engine::apply(c, spec, {...});   // locks, re-plans, executes, re-inspects
//
// Three layers, each a plain value:
//   spec   the DSL's model, dsql::model::cluster - the one spec model of the project (the
//          renderers read the same value). The engine plans every declaration the model
//          can hold or refuses the spec before any SQL with one sentence (dsql::error).
//   state  what the server has, read with one query per catalog (see inspect.cpp);
//          ACLs exploded with aclexplode(coalesce(acl, acldefault(kind, owner))) so NULL
//          ACLs and PUBLIC are visible, grants merged per (object, grantee, grantor).
//   plan   typed steps (each carries its statement as a dsql::sql value, rendered at print
//          or apply time by the one set of builders, dsql/sql.hpp) with reasons, ordered;
//          and findings: drift the steps do not remove (reported, exit 3 in the drift gate).
//
// What the spec manages (the drift gate's scope; README "Managed scope"):
//   - its roles: attributes, memberships, every privilege they hold on any object of the
//     database (excess is drift; --prune revokes it), their default privileges, their IAM
//     mappings; its retired roles (removed in one apply);
//   - its schemas: existence and owner; on a sensitive<> schema and every object in it,
//     any privilege held by a role the schema does not list - declared or not, PUBLIC
//     included - is drift, as is a membership through which an unlisted role inherits a
//     listed reader's access;
//   - PUBLIC: exactly the privileges the spec grants to or revokes from PUBLIC; a declared
//     revoke that no longer holds is drift (and is applied again, without --prune);
//   - the runner's (admin's) memberships in schema owners and default-privilege creators,
//     which PostgreSQL requires to act for them (as the bootstrap script does).
// Roles the spec does not declare are reported with what they hold on managed objects
// (the declared schemas, the objects in them, the objects the spec names) and are only
// touched with diff_options::prune_undeclared.
#pragma once

#include <dsql/model.hpp>
#include <dsql/privilege.hpp>
#include <dsql/sql.hpp>
#include <dsql/target.hpp>
#include <dsql/client/sqlstate.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/connection>

namespace dsql::engine {

using dsql::object_kind;
using dsql::privilege_kind;
using dsql::privilege_set;
using dsql::target;

// "SELECT, INSERT" in canonical order.
std::string privilege_list(privilege_set p);

// ---- state (live) --------------------------------------------------------------------

struct live_role {
  std::string name;
  bool superuser = false, login = false, createrole = false, createdb = false, inherit = true;
  int connection_limit = -1;
};

struct live_membership {
  std::string role, member, grantor;
  bool admin_option = false;
};

// A live object. kind: database, schema, table (relkind r p v m f), sequence (S), function.
struct live_object {
  object_kind kind = object_kind::table;
  std::string schema;  // empty for database and schema
  std::string name;
  std::string args;  // functions: pg_get_function_identity_arguments
  std::string owner;
  char relkind = 0;  // tables and sequences
  char prokind = 0;  // functions: f a w p
};

// ACL entries merged per (object, grantee, grantor). grantee empty + is_public: PUBLIC.
struct live_acl {
  std::size_t object = 0;  // index into state::objects
  std::string grantee;
  bool is_public = false;
  std::string grantor;
  privilege_set privileges;
  privilege_set grantable;
  std::string column;  // non-empty: a column privilege of a table
};

struct live_default_acl {
  std::string for_role;
  std::string schema;  // empty: global (all schemas)
  char objtype = 'r';  // r tables, S sequences, f functions, T types, n schemas
  std::string grantee;
  bool is_public = false;
  std::string grantor;
  privilege_set privileges;
  privilege_set grantable;
};

struct live_mapping {
  std::string role, arn, grantor;
};

// A function the spec names, as the server resolves its argument types
// (to_regprocedure): declared "int, text" -> identity "integer, text".
struct resolved_function {
  std::string schema, name, declared_args, identity_args;
  bool exists = false;
  // without USAGE on the function's schema: the declared types one by one
  // (format_type(to_regtype(t))), joined as identity arguments are; empty when unknown
  std::string canonical_args;
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
  std::vector<resolved_function> functions;
  int round_trips = 0;

  const live_role* find_role(std::string_view name) const;
};

// One query per catalog in one read-only snapshot (REPEATABLE READ on postgres_local).
// With a spec, its function signatures are resolved by the server in one more query.
state inspect(pqxx::connection& c, target t, const model::cluster* spec = nullptr);
std::string to_text(const state& s);
std::string to_json(const state& s);

// DSL code declaring the live roles, schemas, grants (schema, all tables, tables,
// columns, sequences, functions), memberships, default privileges and IAM mappings
// (inspect --format cpp), in namespace ns; only the roles and schemas the filter keeps
// (empty: all); what the DSL cannot say is listed in comments at the end.
struct cpp_filter {
  std::vector<std::string> roles;    // empty: every role but admin, postgres, pg_*, rds*
  std::vector<std::string> schemas;  // empty: every schema but the system ones
};
// The columns of every table, view and foreign table outside the system schemas, in
// column order: (schema, table) -> column names. One read-only query (pg_attribute), run
// only for `inspect --format cpp` (the plan's inspection does not need it).
using table_columns = std::map<std::pair<std::string, std::string>, std::vector<std::string>>;
table_columns inspect_columns(pqxx::connection& c);
// DSL code for the live state (namespace ns): roles, schemas, grants, IAM mappings as a
// dsql::cluster `spec`; with `columns`, the tables of its schemas too, as
// dsql::table<...> declarations in a dsql::catalog `catalog` (include/dsql/catalog.hpp)
// that dsql::statement checks an application's SQL against.
std::string to_cpp(const state& s, std::string_view ns, const cpp_filter& f = {},
                   const table_columns* columns = nullptr);

// ---- plan ------------------------------------------------------------------------------

enum class step_kind {
  create_role,
  alter_role,
  set_password,
  grant_membership,
  revoke_membership,
  create_schema,
  alter_schema_owner,
  grant,
  revoke,
  grant_default,
  revoke_default,
  iam_grant,
  iam_revoke,
  reassign_owned,
  drop_owned,
  drop_role,
};
std::string_view to_string(step_kind k) noexcept;

struct step {
  step_kind kind = step_kind::grant;
  char action = '+';    // + add, - remove, ~ change
  std::string role;     // the role the step is about (grouping key); "PUBLIC"; "" for schemas
  std::string object;   // what it touches, for people: `table "app"."t1"`
  sql::statement what;  // the statement, rendered by dsql::sql::render(what, target)
  std::string reason;
  std::string act_as;  // postgres_local: SET LOCAL ROLE to this role first (grantor, owner)
  // postgres_local: the current user is made a member of this role for the step only
  // (GRANT before, REVOKE after, in the step's transaction): to act as it, to set its
  // default privileges, to give a schema to it, to reassign what it owns. The runner never
  // keeps memberships: they would make it inherit the roles' privileges (a sensitive
  // schema's included) and make PostgreSQL pick those roles as the grantor of its grants.
  std::string lend;
  // postgres_local, same transaction: before SET LOCAL ROLE / after RESET ROLE (a grantor
  // without USAGE on the schema or without the grant option gets it for the step only)
  std::vector<sql::privilege_statement> before, after;
  std::string password_env;  // set_password: the environment variable read at apply time
};

// The statement of a step as it is printed (a password is never printed).
std::string statement_text(const step& s, target t);

// Drift the plan's steps do not remove: reported by plan, exit 3 in the drift gate.
struct finding {
  enum class kind {
    excess,          // a declared role (or PUBLIC where managed) holds more than declared; --prune revokes
    sensitive,       // a role not listed on a sensitive schema holds something there
    undeclared,      // an undeclared role holds privileges on managed objects (informational)
    not_on_target,   // a declaration the target cannot apply (default privileges on aurora_dsql)
    cannot_alter,    // a difference the target cannot change in place (role attributes on DSQL)
    missing_object,  // a named object of the spec does not exist (yet): nothing to grant on
  };
  kind what = kind::excess;
  std::string role;
  std::string object;
  std::string detail;  // one sentence, with the way out
  bool drift = true;   // counts for plan --exit-code
};
std::string_view to_string(finding::kind k) noexcept;

struct plan {
  target on = target::postgres_local;
  std::string spec_name;
  std::vector<step> steps;
  std::vector<finding> findings;
  bool empty() const noexcept { return steps.empty(); }
  // anything the spec manages differs: steps pending or drift reported
  bool drift() const noexcept;
};

struct diff_options {
  bool prune = false;             // revoke what declared roles (and managed PUBLIC) hold beyond the spec
  bool prune_undeclared = false;  // also revoke undeclared roles' privileges on managed objects
  bool set_passwords = false;     // postgres_local: set every password_from_env role's password
};

// Validates the spec for the state's target (dsql::validate_for: every rule, one
// sentence) and the engine's own conditions, then plans. Throws dsql::error for a spec
// that cannot be planned, engine_error for a live state it cannot plan from.
plan diff(const model::cluster& spec, const state& live, const diff_options& o = {});

// Text formats print names and reasons through printable(): control bytes (< 0x20, 0x7F)
// and UTF-8 C1 controls (U+0080..U+009F) become \n, \r, \t, \xHH, \u00HH, so a catalog
// name cannot fake, hide or split lines on a terminal or CI log. The SQL executed and the
// JSON formats are unchanged (JSON escapes control characters itself).
std::string to_text(const plan& p);
std::string to_json(const plan& p);
std::string printable(std::string_view text);
// An error message for a terminal: its own line breaks kept, every other control byte
// escaped as printable() does.
std::string printable_message(std::string_view text);

// ---- apply -----------------------------------------------------------------------------

struct apply_options {
  target on = target::postgres_local;
  diff_options diff{};
  bool progress = false;     // progress lines on stderr
  int max_attempts = 8;      // per step (batch), for 40001 / tuple concurrently updated
  int base_backoff_ms = 10;  // jittered exponential backoff, capped
  int max_backoff_ms = 1000;
  std::size_t batch = 200;  // postgres_local: steps per transaction
  int max_rounds = 3;       // re-plan after a lost race
};

struct apply_result {
  plan applied;                   // every step executed, in order
  std::vector<finding> findings;  // drift left after applying that steps cannot remove
  int retries = 0;
  int rounds = 0;
  int transactions = 0;  // transactions committed (aurora_dsql: one DDL each)
};

class engine_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A step failed: the steps committed before it stay committed (each transaction is
// atomic); a re-run plans from the database as it is and converges.
class apply_error : public engine_error {
 public:
  apply_error(const std::string& what, plan committed, std::size_t failed_step)
      : engine_error(what), committed_(std::move(committed)), failed_step_(failed_step) {}
  const plan& committed() const noexcept { return committed_; }
  std::size_t failed_step() const noexcept { return failed_step_; }  // 1-based, in its plan

 private:
  plan committed_;
  std::size_t failed_step_;
};

// After applying, the plan was not empty: the steps that remain.
class convergence_error : public engine_error {
 public:
  convergence_error(const std::string& what, plan remaining) : engine_error(what), remaining_(std::move(remaining)) {}
  const plan& remaining() const noexcept { return remaining_; }

 private:
  plan remaining_;
};

apply_result apply(pqxx::connection& c, const model::cluster& spec, const apply_options& o);

// SQLSTATE of a libpqxx exception (libpqxx 6 drops it for some subclasses): the client's one
// mapping (dsl/client/dsql/client/sqlstate.hpp).
using client::sqlstate_of;

}  // namespace dsql::engine
