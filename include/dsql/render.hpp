// dsql/render.hpp - from a spec (or its model) to text: bootstrap, revoke, policies, matrix.
//
//   std::string sql = dsql::render_bootstrap<seed>(dsql::target::aurora_dsql,
//                                                  {.account_id = "123456789012"});
//   std::string sql = dsql::render_bootstrap<seed, dsql::target::aurora_dsql>(o);  // + target rules
//                                                                                 //   at compile time
// The bootstrap is a psql script; its structure is a contract with `dsqlctl sql` and the
// demo (see the header comment it prints): `\set ON_ERROR_STOP on`; guards are catalog
// queries read with `\gset` and tested with `\if :var ... \endif`; no DO block, no
// PL/pgSQL; every DDL in its own BEGIN/COMMIT; sections in dependency order: roles,
// memberships, schemas, schema privileges, object privileges, revokes, default
// privileges, IAM mappings. GRANTs are idempotent and re-run every time (so ON ALL
// TABLES IN SCHEMA reaches tables created since the last run). Target aurora_dsql emits
// `AWS IAM GRANT "role" TO 'arn';`, target postgres_local calls the dsql_iam extension:
// `CALL sys.aws_iam_grant('role', 'arn');`.
//
// Default privileges: rendered for postgres_local (ALTER DEFAULT PRIVILEGES FOR ROLE
// creator, the script's runner first made a member of the creator, as PostgreSQL
// requires). Aurora DSQL refuses ALTER DEFAULT PRIVILEGES FOR another role, so for
// aurora_dsql they are printed as comments and the header says what to do instead:
// run the bootstrap again after every migration (GRANT ... ON ALL ... IN SCHEMA then
// reaches the new objects).
//
// Every function is constexpr; run-time mistakes (no account id, a bad region, a role
// not in the spec, a model breaking a rule) throw dsql::error with one sentence.
#ifndef DSQL_RENDER_HPP
#define DSQL_RENDER_HPP

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cluster.hpp"
#include "error.hpp"
#include "iam.hpp"
#include "model.hpp"
#include "name.hpp"
#include "privilege.hpp"
#include "role.hpp"
#include "sql.hpp"
#include "target.hpp"
#include "validate.hpp"

namespace dsql {

struct render_options {
  // 12 digits; required when the spec has IAM principals and binds no dsql::aws_account.
  std::string account_id{};
  // Region and cluster id of the policies' Resource ARN (least privilege: the one cluster
  // the principals connect to). Empty: not given; the policies then need the cluster to
  // bind dsql::aws_region / dsql::cluster_id, else rendering them fails with one sentence.
  // "*" is any region / any cluster of the account, given explicitly. A value that differs
  // from what the cluster binds is an error.
  std::string region{};
  std::string cluster_id{};
};

// Options of the revoke (offboarding) script.
struct revoke_options {
  // Also drop the role: REASSIGN OWNED BY it TO the runner, DROP OWNED BY it, DROP ROLE.
  bool drop = false;
};

namespace messages {
inline constexpr std::string_view no_account =
    "No AWS account id: bind one with dsql::aws_account<\"...\"> in the cluster or set "
    "render_options::account_id.";
inline constexpr std::string_view account_differs =
    "The account id given at render time differs from the one the cluster binds with dsql::aws_account.";
inline constexpr std::string_view bad_region =
    "A region must be * or lowercase letters, digits and dashes, such as us-east-1.";
inline constexpr std::string_view bad_cluster_id = "A cluster id must be * or lowercase letters and digits.";
inline constexpr std::string_view region_differs =
    "The region given at render time differs from the one the cluster binds with dsql::aws_region.";
inline constexpr std::string_view cluster_id_differs =
    "The cluster id given at render time differs from the one the cluster binds with dsql::cluster_id.";
inline constexpr std::string_view policy_region_missing =
    "The IAM policies name the cluster they allow: give its region (render_options::region, --region) or bind "
    "dsql::aws_region; \"*\" allows the clusters of every region.";
inline constexpr std::string_view policy_cluster_id_missing =
    "The IAM policies name the cluster they allow: give its id (render_options::cluster_id, --cluster-id) or bind "
    "dsql::cluster_id; \"*\" allows every cluster of the account in the region.";
inline constexpr std::string_view unknown_role = "The role to revoke is not declared in the cluster.";
inline constexpr std::string_view reserved_role = assert_role_name_not_reserved_t::message;
inline constexpr std::string_view retired_roles_not_rendered =
    "Retired roles are removed by the plan/apply engine (dsqlctl apply), not by the static bootstrap script.";
}  // namespace messages

namespace detail {

constexpr bool is_lower_alnum(char c, bool dash) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (dash && c == '-');
}
constexpr bool is_pattern_or_star(std::string_view s, bool dash) noexcept {
  if (s == "*") return true;
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!is_lower_alnum(c, dash)) return false;
  return true;
}

// The first cut's name for dsql::validate, kept for its callers.
constexpr void validate_model(const model::cluster& c) { validate(c); }

// The account the principals' ARNs use.
constexpr std::string resolve_account(const model::cluster& c, const render_options& o) {
  if (!c.account_id.empty()) {
    if (!is_valid_account_id(c.account_id)) fail(account_id_message(c.account_id));
    if (!o.account_id.empty() && o.account_id != c.account_id) fail(messages::account_differs);
    return c.account_id;
  }
  if (o.account_id.empty()) fail(messages::no_account);
  if (!is_valid_account_id(o.account_id)) fail(account_id_message(o.account_id));
  return o.account_id;
}

// A bound value (region, cluster id) or the option (empty: not given, then `missing`).
constexpr std::string resolve_bound(const std::string& bound, const std::string& option, std::string_view differs,
                                    std::string_view missing) {
  if (bound.empty()) {
    if (option.empty()) fail(missing);
    return option;
  }
  if (!option.empty() && option != bound) fail(differs);
  return bound;
}

// A psql script under construction.
struct script {
  std::string text;

  constexpr void line(std::string_view s) {
    text += s;
    text += '\n';
  }
  constexpr void blank() { text += '\n'; }
  // "-- " + text with control bytes replaced (names may contain newlines).
  constexpr void comment(std::initializer_list<std::string_view> parts) {
    text += "-- ";
    for (auto p : parts) append_comment_text(text, p);
    text += '\n';
  }
  // One statement in its own transaction.
  constexpr void transaction(const std::string& statement) {
    line("BEGIN;");
    line(statement);
    line("COMMIT;");
  }
  // SELECT <condition> AS <var> \gset, then \if :<var>
  constexpr void open_if(const std::string& condition, std::string_view var) {
    text += "SELECT ";
    text += condition;
    text += " AS ";
    text += var;
    text += " \\gset\n\\if :";
    text += var;
    text += '\n';
  }
  // SELECT <condition> AS <var> \gset, then \if :<var> BEGIN; <statement> COMMIT; \endif
  constexpr void guarded(const std::string& condition, std::string_view var, const std::string& statement) {
    open_if(condition, var);
    transaction(statement);
    line("\\endif");
  }
};

constexpr std::string role_exists(std::string_view role, std::string_view extra = {}) {
  std::string q = "EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ";
  append_literal(q, role);
  q += extra;
  q += ')';
  return q;
}

constexpr std::string schema_exists(std::string_view schema) {
  std::string q = "EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ";
  append_literal(q, schema);
  q += ')';
  return q;
}

constexpr std::string mapping_exists(std::string_view role, std::string_view arn) {
  std::string q = "EXISTS (SELECT 1 FROM sys.iam_pg_role_mappings WHERE pg_role_name = ";
  append_literal(q, role);
  q += " AND arn = ";
  append_literal(q, arn);
  q += ')';
  return q;
}

constexpr std::string membership_exists(std::string_view group, std::string_view member, bool admin_option) {
  std::string q =
      "EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid "
      "JOIN pg_catalog.pg_roles u ON u.oid = m.member WHERE g.rolname = ";
  append_literal(q, group);
  q += " AND u.rolname = ";
  append_literal(q, member);
  if (admin_option) q += " AND m.admin_option";
  q += ')';
  return q;
}

using sql::decimal;
using sql::qualified;

constexpr std::string privilege_sql(const std::vector<privilege_kind>& ps) { return sql::privilege_list(ps); }

constexpr bool is_named_object(object_kind k) noexcept {
  return k == object_kind::table || k == object_kind::columns || k == object_kind::sequence ||
         k == object_kind::function;
}

// A declared grant (or revoke) as the one statement builder's value: one object, one grantee.
constexpr sql::privilege_statement statement_of(const model::grant& g, bool revoke) {
  sql::privilege_statement st;
  st.revoke = revoke;
  st.privileges = g.privileges;
  st.columns = g.columns;
  st.on = g.on;
  sql::object_ref o;
  if (g.on == object_kind::database) {
    o.name = "dsql_database";  // the psql variable the bootstrap sets from current_database()
    o.psql_variable = true;
  } else if (g.on == object_kind::schema) {
    o.name = g.schema;
  } else {
    o.schema = g.schema;
    o.name = g.object;
    o.arguments = g.arguments;
  }
  st.objects.push_back(std::move(o));
  sql::grantee who;  // (no ?: of two strings: GCC 12, constant evaluation)
  if (g.to_public)
    who.is_public = true;
  else
    who.name = g.grantee;
  st.grantees.push_back(std::move(who));
  st.with_grant_option = !revoke && g.with_grant_option;
  return st;
}

constexpr std::string grant_statement(const model::grant& g) { return sql::render(statement_of(g, false)); }
constexpr std::string revoke_statement(const model::grant& g) { return sql::render(statement_of(g, true)); }

// The condition under which a statement on a named object can run: the object exists
// (and, for columns, every column).
constexpr std::string object_present(const model::grant& g) {
  std::string q;
  if (g.on == object_kind::function) {
    q = "pg_catalog.to_regprocedure(";
    append_literal(q, qualified(g.schema, g.object) + "(" + g.arguments + ")");
    q += ") IS NOT NULL";
  } else if (g.on == object_kind::columns) {
    q = "(SELECT count(*) FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass(";
    append_literal(q, qualified(g.schema, g.object));
    q += ") AND NOT attisdropped AND attname IN (";
    for (std::size_t i = 0; i < g.columns.size(); ++i) {
      if (i) q += ", ";
      append_literal(q, g.columns[i]);
    }
    q += ")) = " + decimal(static_cast<long long>(g.columns.size()));
  } else {
    q = "pg_catalog.to_regclass(";
    append_literal(q, qualified(g.schema, g.object));
    q += ") IS NOT NULL";
  }
  return q;
}

constexpr std::string default_privilege_statement(const model::default_privilege& d, bool grant) {
  sql::default_privilege_statement st;
  st.revoke = !grant;
  st.creator = d.creator;
  st.schema = d.schema;
  if (grant) st.privileges = d.privileges;  // revoke: ALL
  st.objtype = sql::default_object_type(d.on);
  sql::grantee who;
  if (d.to_public)
    who.is_public = true;
  else
    who.name = d.grantee;
  st.grantees.push_back(std::move(who));
  st.with_grant_option = grant && d.with_grant_option;
  return sql::render(st);
}

constexpr std::string iam_statement(target t, bool grant, std::string_view role, std::string_view arn) {
  return sql::iam_mapping(t, grant, role, arn);
}

// A grant or revoke on schema public itself (not on the objects in it).
constexpr bool is_dsql_public(const model::grant& g) noexcept {
  return g.on == object_kind::schema && g.schema == "public";
}

// psql's \warn with a single-quoted argument: quotes and backslashes escaped, control
// bytes made '?', so no name can end the argument, run a command (backquotes) or fake a line.
constexpr void warn(script& s, std::string_view message) {
  std::string line = "\\warn '";
  for (char ch : message) {
    const auto u = static_cast<unsigned char>(ch);
    if (ch == '\'' || ch == '\\') line += ch;
    line += (u < 0x20U || u == 0x7FU) ? '?' : ch;
  }
  line += '\'';
  s.line(line);
}

// A GRANT or REVOKE ON ALL ... IN SCHEMA written per object from the catalog: psql's
// \gexec runs each generated statement on its own (autocommit: one per transaction). Aurora
// DSQL treats schema public as a system entity, so its tables, sequences and functions are
// granted one by one. The text is the one builder's, with the object's name as a hole that
// format() fills (%I; %s for a function's identity arguments).
constexpr void per_object(script& s, const model::grant& g, bool revoke, std::string_view extra_where = {},
                          std::string_view why = {}) {
  constexpr std::string_view name_hole = "\x01", args_hole = "\x02";
  model::grant one = g;
  std::string_view from, where;
  switch (g.on) {
    case object_kind::all_sequences_in_schema:
      one.on = object_kind::sequence;
      from = " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace";
      where = " AND c.relkind = 'S'";
      break;
    case object_kind::all_functions_in_schema:
      one.on = object_kind::function;
      from = " FROM pg_catalog.pg_proc c JOIN pg_catalog.pg_namespace n ON n.oid = c.pronamespace";
      where = " AND c.prokind IN ('f', 'a', 'w')";
      break;
    default:
      one.on = object_kind::table;
      from = " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace";
      where = " AND c.relkind IN ('r', 'p', 'v', 'm', 'f')";
      break;
  }
  one.object = std::string(name_hole);
  one.arguments = std::string(args_hole);
  const std::string text = sql::render(statement_of(one, revoke));
  std::string tmpl;  // the statement as a format() template
  std::string hole = "\"";
  hole += name_hole;
  hole += '"';
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, hole.size(), hole) == 0) {
      tmpl += "%I";
      i += hole.size();
    } else if (text.compare(i, args_hole.size(), args_hole) == 0) {
      tmpl += "%s";
      i += args_hole.size();
    } else {
      if (text[i] == '%') tmpl += '%';
      tmpl += text[i++];
    }
  }
  std::string q = "SELECT pg_catalog.format(";
  append_literal(q, tmpl);
  q += one.on == object_kind::function ? ", c.proname, pg_catalog.pg_get_function_identity_arguments(c.oid))"
                                       : ", c.relname)";
  q += from;
  q += " WHERE n.nspname = ";
  append_literal(q, g.schema);
  q += where;
  q += extra_where;
  q += one.on == object_kind::function ? " ORDER BY c.proname, c.oid \\gexec" : " ORDER BY c.relname \\gexec";
  if (why.empty())
    s.comment({"one statement per object of schema \"", g.schema,
               "\" (Aurora DSQL refuses ON ALL ... IN SCHEMA public), each in its own transaction:"});
  else
    s.comment({why});
  s.line(q);
}

// "(the grantee holds fewer than all of privs WITH GRANT OPTION)", on the object's ACL:
// `acl` names its ACL column, `owner` its owner's (acl_kind: acldefault's kind), or for
// a column, owner empty: a NULL column ACL grants nothing.
constexpr std::string lacks_grant_option(std::string_view grantee, const std::vector<privilege_kind>& privs,
                                         std::string_view acl, std::string_view owner, char acl_kind) {
  std::string q;
  if (owner.empty()) {  // (aclexplode refuses an empty array)
    q = "(";
    q += acl;
    q += " IS NULL OR (SELECT count(DISTINCT a.privilege_type) FROM pg_catalog.aclexplode(";
    q += acl;
  } else {
    q = "((SELECT count(DISTINCT a.privilege_type) FROM pg_catalog.aclexplode(coalesce(";
    q += acl;
    q += ", pg_catalog.acldefault('";
    q += acl_kind;
    q += "', ";
    q += owner;
    q += "))";
  }
  q += ") a WHERE a.is_grantable AND a.grantee = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = ";
  append_literal(q, grantee);
  q += ") AND a.privilege_type IN (";
  for (std::size_t i = 0; i < privs.size(); ++i) {
    if (i) q += ", ";
    append_literal(q, sql_keyword(privs[i]));
  }
  q += ")) < " + decimal(static_cast<long long>(privs.size())) + ")";
  return q;
}

// A GRANT ... WITH GRANT OPTION to a role the runner is a member of (a schema owner, a
// default-privilege creator) where the role holds the option already: PostgreSQL then
// picks the grantee itself as the "best grantor" and refuses ("grant options cannot be
// granted back to your own grantor"), so such a grant runs only where it is missing.
constexpr void grant_option_to_acting_role(script& s, const model::grant& g) {
  const std::string& r = g.grantee;
  switch (g.on) {
    case object_kind::all_tables_in_schema:
    case object_kind::all_sequences_in_schema:
    case object_kind::all_functions_in_schema: {
      const bool fn = g.on == object_kind::all_functions_in_schema;
      const char kind = fn ? 'f' : (g.on == object_kind::all_sequences_in_schema ? 's' : 'r');
      std::string where = " AND ";
      where +=
          lacks_grant_option(r, g.privileges, fn ? "c.proacl" : "c.relacl", fn ? "c.proowner" : "c.relowner", kind);
      per_object(s, g, false, where,
                 "where the grantee lacks the grant option (the runner is a member of it: see the header), one "
                 "statement per object:");
      return;
    }
    case object_kind::schema: {
      std::string cond = "(SELECT ";
      cond += lacks_grant_option(r, g.privileges, "n.nspacl", "n.nspowner", 'n');
      cond += " FROM pg_catalog.pg_namespace n WHERE n.nspname = ";
      append_literal(cond, g.schema);
      cond += ')';
      s.guarded(cond, "dsql_missing", grant_statement(g));
      return;
    }
    case object_kind::database: {
      std::string cond = "(SELECT ";
      cond += lacks_grant_option(r, g.privileges, "d.datacl", "d.datdba", 'd');
      cond += " FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())";
      s.guarded(cond, "dsql_missing", grant_statement(g));
      return;
    }
    case object_kind::function: {
      std::string cond = object_present(g) + " AND (SELECT ";
      cond += lacks_grant_option(r, g.privileges, "p.proacl", "p.proowner", 'f');
      cond += " FROM pg_catalog.pg_proc p WHERE p.oid = pg_catalog.to_regprocedure(";
      append_literal(cond, qualified(g.schema, g.object) + "(" + g.arguments + ")");
      cond += "))";
      s.guarded(cond, "dsql_present", grant_statement(g));
      return;
    }
    case object_kind::table:
    case object_kind::sequence: {
      std::string cond = object_present(g) + " AND (SELECT ";
      cond += lacks_grant_option(r, g.privileges, "c.relacl", "c.relowner", g.on == object_kind::sequence ? 's' : 'r');
      cond += " FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass(";
      append_literal(cond, qualified(g.schema, g.object));
      cond += "))";
      s.guarded(cond, "dsql_present", grant_statement(g));
      return;
    }
    case object_kind::columns: {
      // column ACLs have no default: NULL means nothing is granted
      std::string cond = object_present(g);
      for (const auto& col : g.columns) {
        cond += " AND (SELECT ";
        std::string acl = "t.attacl";
        cond += lacks_grant_option(r, g.privileges, acl, {}, 'c');
        cond += " FROM pg_catalog.pg_attribute t WHERE t.attrelid = pg_catalog.to_regclass(";
        append_literal(cond, qualified(g.schema, g.object));
        cond += ") AND t.attname = ";
        append_literal(cond, col);
        cond += ')';
      }
      s.guarded(cond, "dsql_present", grant_statement(g));
      return;
    }
  }
}

// Whether a principal of the cluster names no account of its own (dsql::iam_arn and
// JSON ARNs do): its ARN needs the cluster's account, bound or given at render time.
constexpr bool needs_account(const model::cluster& c) noexcept {
  for (const auto& m : c.mappings)
    if (m.who.account.empty()) return true;
  for (const auto& p : c.admins)
    if (p.account.empty()) return true;
  for (const auto& p : c.principals)
    if (p.account.empty()) return true;
  return false;
}

// Membership lent to the script's runner while statements need it (postgres_local):
// PostgreSQL requires membership in a role to create a schema for it or give it one, to
// set default privileges FOR it, to grant on what it owns, to reassign or drop what it
// owns. The runner is made a member only when it is not one already (pg_has_role), and
// only until those statements ran: it keeps no membership, so it never inherits the
// roles' privileges (a sensitive schema's included) and PostgreSQL never picks one of
// them as the grantor of its later grants.
struct lending {
  std::vector<std::string> roles;  // lent now
  constexpr void to(script& s, const std::vector<std::string>& rs) {
    if (roles == rs) return;
    close(s);
    for (std::size_t i = 0; i < rs.size(); ++i) {
      // (a role that does not exist, say dropped by a revoke script, is not lent)
      std::string cond = "CASE WHEN " + role_exists(rs[i]) + " THEN NOT pg_catalog.pg_has_role(";
      append_literal(cond, rs[i]);
      cond += ", 'MEMBER') ELSE false END";
      sql::membership_statement m;
      m.group = rs[i];
      m.member_is_current_user = true;
      s.open_if(cond, "dsql_lent_" + decimal(static_cast<long long>(i)));
      s.comment({"lend the runner membership in \"", rs[i], "\" for the statements below"});
      s.transaction(sql::render(m));
      s.line("\\endif");
    }
    roles = rs;
  }
  constexpr void to(script& s, std::string_view r) {
    std::vector<std::string> one;
    if (!r.empty()) one.emplace_back(r);
    to(s, one);
  }
  constexpr void close(script& s) {
    for (std::size_t i = 0; i < roles.size(); ++i) {
      sql::membership_statement m;
      m.revoke = true;
      m.group = roles[i];
      m.member_is_current_user = true;
      s.line("\\if :dsql_lent_" + decimal(static_cast<long long>(i)));
      s.transaction(sql::render(m));
      s.line("\\endif");
    }
    roles.clear();
  }
};

// The roles whose membership the runner needs for statements on schema `name` and what
// is in it: its declared owner, and (postgres_local) the creators of default privileges
// there, whose objects the grants on all tables reach.
constexpr std::vector<std::string> acting_for(const model::cluster& c, std::string_view name, bool local) {
  std::vector<std::string> out;
  auto add = [&out](const std::string& r) {
    for (const auto& x : out)
      if (x == r) return;
    out.push_back(r);
  };
  for (const auto& s : c.schemas)
    if (s.name == name && !s.owner.empty()) add(s.owner);
  if (local)
    for (const auto& d : c.default_privileges)
      if (d.schema == name) add(d.creator);
  return out;
}

constexpr bool contains(const std::vector<std::string_view>& v, std::string_view x) noexcept {
  for (auto e : v)
    if (e == x) return true;
  return false;
}

}  // namespace detail

// ---- bootstrap ----------------------------------------------------------------------

constexpr std::string render_bootstrap(const model::cluster& c, target t, const render_options& o = {}) {
  validate_for(c, t);
  if (!c.retired_roles.empty()) detail::fail(messages::retired_roles_not_rendered);
  std::string account;  // (not a ?: of two strings: GCC 12 rejects that in constant evaluation)
  if (detail::needs_account(c)) account = detail::resolve_account(c, o);
  const bool local = t == target::postgres_local;
  detail::script s;
  s.text.reserve(4096 + 400 * (c.roles.size() + c.grants.size() + c.mappings.size()));

  s.comment({"dsql-roles bootstrap of cluster \"", c.name, "\" for target ", to_string(t), "."});
  s.line("-- Generated from the C++ declaration. Run it with psql as the admin role; running it");
  s.line("-- again prints no error and changes nothing.");
  if (local) {
    s.line("--   1. roles              CREATE ROLE when missing, then the declared attributes (LOGIN or");
    s.line("--                         NOLOGIN, INHERIT, CONNECTION LIMIT) when they differ");
  } else {
    s.line("--   1. roles              CREATE ROLE when missing, with the declared attributes (LOGIN,");
    s.line("--                         INHERIT, CONNECTION LIMIT); Aurora DSQL refuses ALTER ROLE ... WITH,");
    s.line("--                         so a role that differs is reported (\\warn) with the way out");
  }
  s.line("--   2. memberships        GRANT role TO role when missing, ADMIN OPTION as declared; the");
  s.line("--                         runner joins schema owners and default-privilege creators, as");
  s.line("--                         PostgreSQL requires");
  s.line("--   3. schemas            CREATE SCHEMA when missing (an existing schema is only used),");
  s.line("--                         ALTER SCHEMA ... OWNER TO when the owner differs");
  if (local) {
    s.line("--   4. schema privileges  GRANT USAGE/CREATE ON SCHEMA (and CONNECT, CREATE, TEMPORARY on the");
    s.line("--                         database), re-run every time");
  } else {
    s.line("--   4. schema privileges  GRANT USAGE/CREATE ON SCHEMA, re-run every time; schema public is a");
    s.line("--                         system entity on Aurora DSQL (every role has USAGE through PUBLIC):");
    s.line("--                         grants on it are listed, not run, and its objects are granted one by");
    s.line("--                         one from the catalog (\\gexec)");
  }
  s.line("--   5. table privileges   GRANT ... ON ALL TABLES (SEQUENCES, FUNCTIONS) IN SCHEMA, re-run");
  s.line("--                         every time so that objects created since the last run are");
  s.line("--                         reached; grants on named objects run when the object exists");
  s.line("--   6. revokes            REVOKE ... FROM PUBLIC (or a role), re-run every time; PUBLIC gets");
  s.line("--                         nothing on a sensitive schema and the objects in it");
  if (local) {
    s.line("--   7. default privileges ALTER DEFAULT PRIVILEGES FOR ROLE creator: objects that role");
    s.line("--                         creates later get the privileges");
    s.line("--   8. IAM mappings       CALL sys.aws_iam_grant (extension dsql_iam) when missing");
  } else {
    s.line("--   7. default privileges not set: Aurora DSQL refuses ALTER DEFAULT PRIVILEGES FOR another");
    s.line("--                         role, so run this script again after every migration (section 5");
    s.line("--                         then reaches the new objects); the intended ones are listed");
    s.line("--   8. IAM mappings       AWS IAM GRANT when the mapping is missing");
  }
  s.line("-- Guards are catalog queries read with \\gset and tested with \\if (no DO block, no");
  s.line("-- PL/pgSQL). Each DDL runs in its own transaction. Identifiers are double-quoted and");
  s.line("-- literals single-quoted (standard_conforming_strings on).");
  s.line("\\set ON_ERROR_STOP on");

  s.blank();
  s.line("-- 1. roles");
  for (const auto& r : c.roles) {
    const sql::role_attributes attrs{r.login, r.inherit, r.connection_limit};
    std::string differs = r.login ? "NOT rolcanlogin" : "rolcanlogin";
    bool extra = false;
    if (r.inherit) {
      differs += *r.inherit ? " OR NOT rolinherit" : " OR rolinherit";
      extra = true;
    }
    if (r.connection_limit) {
      differs += " OR rolconnlimit <> " + detail::decimal(*r.connection_limit);
      extra = true;
    }
    s.guarded("NOT " + detail::role_exists(r.name), "dsql_missing", sql::create_role(r.name, attrs));
    std::string condition = " AND ";  // (no ?: of two strings: GCC 12 rejects it in constant evaluation)
    if (extra)
      condition += "(" + differs + ")";
    else
      condition += differs;
    if (local) {
      s.guarded(detail::role_exists(r.name, condition), "dsql_differs", sql::alter_role(r.name, attrs));
    } else {
      // Aurora DSQL refuses ALTER ROLE ... WITH: the attributes are set at CREATE ROLE, and
      // a role that differs is reported with the way out
      s.open_if(detail::role_exists(r.name, condition), "dsql_differs");
      std::string warning = "role \"";
      warning += r.name;
      warning += "\" exists with other attributes than declared (";
      warning += sql::attribute_clause(attrs).substr(6);
      warning +=
          "); Aurora DSQL cannot alter them: revoke its IAM mappings, drop the role (the revoke script "
          "with drop) and run this script again to create it as declared";
      detail::warn(s, warning);
      s.line("\\endif");
    }
    if (local && !r.password_env.empty()) {
      s.comment({"password of \"", r.name, "\" from the environment variable ", r.password_env,
                 " (set on every run; left as it is when the variable is unset)"});
      s.line("\\unset dsql_password");
      std::string get = "\\getenv dsql_password ";
      get += r.password_env;
      s.line(get);
      s.line("\\if :{?dsql_password}");
      s.transaction(sql::alter_role_password(r.name, ":'dsql_password'"));
      s.line("\\unset dsql_password");
      s.line("\\endif");
    }
  }

  s.blank();
  s.line("-- 2. memberships");
  for (const auto& m : c.memberships) {
    sql::membership_statement st;
    st.group = m.group;
    st.member = m.member;
    st.admin_option = m.admin_option;
    s.guarded("NOT " + detail::membership_exists(m.group, m.member, m.admin_option), "dsql_missing", sql::render(st));
    if (!m.admin_option && local) {  // declared without: an ADMIN OPTION granted by hand is taken back
      st.revoke = true;
      st.admin_option = true;
      s.guarded(detail::membership_exists(m.group, m.member, true), "dsql_differs", sql::render(st));
    }
  }
  std::vector<std::string_view> acting;  // roles the runner is lent membership in
  for (const auto& sc : c.schemas)
    if (!sc.owner.empty() && !detail::contains(acting, sc.owner)) acting.push_back(sc.owner);
  if (local)
    for (const auto& d : c.default_privileges)
      if (!detail::contains(acting, d.creator)) acting.push_back(d.creator);
  detail::lending lend;  // postgres_local: see detail::lending
  auto lend_for = [&](std::string_view schema) {
    if (local) lend.to(s, detail::acting_for(c, schema, local));
  };

  s.blank();
  s.line("-- 3. schemas");
  for (const auto& sc : c.schemas) {
    lend_for(sc.name);
    if (!sc.create)
      s.comment({"schema \"", sc.name, "\" exists already: it is used, not created"});
    else
      s.guarded("NOT " + detail::schema_exists(sc.name), "dsql_missing", sql::create_schema(sc.name, sc.owner));
    if (!sc.owner.empty()) {
      std::string cond = "EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ";
      append_literal(cond, sc.name);
      cond += " AND pg_catalog.pg_get_userbyid(nspowner) <> ";
      append_literal(cond, sc.owner);
      cond += ')';
      s.guarded(cond, "dsql_differs", sql::alter_schema_owner(sc.name, sc.owner));
    }
  }
  lend.close(s);

  bool database_grants = false;
  for (const auto& g : c.grants) database_grants = database_grants || g.on == object_kind::database;
  for (const auto& g : c.revokes) database_grants = database_grants || g.on == object_kind::database;
  if (database_grants) {
    s.blank();
    s.line("-- the database privileges below name the database this script runs in");
    s.line("SELECT pg_catalog.current_database() AS dsql_database \\gset");
  }

  // grants WITH GRANT OPTION to a role the runner is a member of run only where missing
  auto acting_option = [&](const model::grant& g) {
    return local && g.with_grant_option && !g.to_public && detail::contains(acting, g.grantee);
  };

  s.blank();
  s.line("-- 4. schema privileges");
  for (const auto& g : c.grants) {
    if (g.on != object_kind::schema && g.on != object_kind::database) continue;
    if (g.on == object_kind::schema && !g.to_public && !g.grantee.empty() &&
        detail::acting_for(c, g.schema, false) == std::vector<std::string>{g.grantee}) {
      // the owner holds every privilege on its schema as its owner (a GRANT would only
      // write the owner's own entry into the ACL: the same privileges, another catalog)
      s.comment({"held by the schema's owner as its owner: ", detail::grant_statement(g)});
      continue;
    }
    lend_for(g.schema);
    if (acting_option(g)) {
      detail::grant_option_to_acting_role(s, g);
      continue;
    }
    if (!local && detail::is_dsql_public(g)) {  // USAGE only (the target rule): PUBLIC holds it there
      s.comment(
          {"on Aurora DSQL every role has USAGE on schema public through PUBLIC, and a GRANT on that "
           "system entity is refused: ",
           detail::grant_statement(g)});
      continue;
    }
    s.transaction(detail::grant_statement(g));
  }
  lend.close(s);

  s.blank();
  s.line("-- 5. table privileges");
  for (const auto& g : c.grants) {
    if (g.on == object_kind::schema || g.on == object_kind::database) continue;
    lend_for(g.schema);
    if (acting_option(g))
      detail::grant_option_to_acting_role(s, g);
    else if (detail::is_named_object(g.on))
      s.guarded(detail::object_present(g), "dsql_present", detail::grant_statement(g));
    else if (!local && g.schema == "public")
      detail::per_object(s, g, false);
    else
      s.transaction(detail::grant_statement(g));
  }
  lend.close(s);

  s.blank();
  s.line("-- 6. revokes");
  for (const auto& g : c.revokes) {
    lend_for(g.schema);
    if (!local && detail::is_dsql_public(g)) {  // CREATE from PUBLIC only (the target rule): never held there
      s.comment(
          {"on Aurora DSQL only admin creates in schema public, and a REVOKE on that system entity is "
           "refused: ",
           detail::revoke_statement(g)});
      continue;
    }
    if (detail::is_named_object(g.on))
      s.guarded(detail::object_present(g), "dsql_present", detail::revoke_statement(g));
    else if (!local && g.schema == "public" && g.on != object_kind::database)
      detail::per_object(s, g, true);
    else
      s.transaction(detail::revoke_statement(g));
  }
  for (const auto& sc : c.schemas) {
    if (!sc.sensitive) continue;
    lend_for(sc.name);
    for (object_kind k : {object_kind::schema, object_kind::all_tables_in_schema, object_kind::all_sequences_in_schema,
                          object_kind::all_functions_in_schema}) {
      model::grant g;  // privileges empty: REVOKE ALL
      g.on = k;
      g.schema = sc.name;
      g.to_public = true;
      sql::privilege_statement st = detail::statement_of(g, true);
      st.routine = local;  // postgres_local: procedures too (ALL ROUTINES); Aurora DSQL has none
      s.transaction(sql::render(st));
    }
  }
  lend.close(s);

  s.blank();
  s.line("-- 7. default privileges");
  for (const auto& d : c.default_privileges) {
    if (!local) {
      s.comment({"not on aurora_dsql (re-run after migrations): ", detail::default_privilege_statement(d, true)});
      continue;
    }
    lend.to(s, d.creator);  // ALTER DEFAULT PRIVILEGES FOR ROLE needs membership in it
    s.transaction(detail::default_privilege_statement(d, true));
  }
  lend.close(s);

  s.blank();
  s.line("-- 8. IAM mappings");
  for (const auto& m : c.mappings) {
    const std::string arn = m.who.arn(account);
    s.guarded("NOT " + detail::mapping_exists(m.role, arn), "dsql_missing",
              detail::iam_statement(t, true, m.role, arn));
  }
  for (const auto& a : c.admins)
    s.comment({"admin identity ", a.arn(account), " connects as admin with dsql:DbConnectAdmin; never mapped"});
  return std::move(s.text);
}

template <cluster_spec Spec>
constexpr std::string render_bootstrap(target t, const render_options& o = {}) {
  static_assert(detail::fire<check_t<Spec>>());  // the culprit first, without model_of's frame
  return render_bootstrap(model_of<Spec>(), t, o);
}

// The target fixed at compile time: the target's rules are compile errors too.
template <cluster_spec Spec, target T>
constexpr std::string render_bootstrap(const render_options& o = {}) {
  static_assert(verify_for<Spec, T>());
  if constexpr (check_for_t<Spec, T>::ok)
    return render_bootstrap(model_of<Spec>(), T, o);
  else
    return {};
}

// ---- revoke (offboarding) -------------------------------------------------------------

namespace detail {

// The revoke block of one role, inside `\if` on the role's existence.
constexpr void revoke_role(script& s, const model::cluster& c, std::string_view role, target t,
                           const std::string& account, const revoke_options& ro) {
  const bool local = t == target::postgres_local;
  // The schemas the role is granted anything on, in declaration order, and the kinds of
  // ALL ... IN SCHEMA it has there.
  std::vector<std::string_view> schemas;
  for (const auto& sc : c.schemas) {
    bool any = false;
    for (const auto& g : c.grants) any = any || (g.grantee == role && !g.to_public && g.schema == sc.name);
    for (const auto& d : c.default_privileges) any = any || (d.grantee == role && d.schema == sc.name);
    if (any) schemas.push_back(sc.name);
  }
  lending lend;  // postgres_local: membership in a schema's owner or a creator, for its statements
  auto lend_for = [&](std::string_view schema) {
    if (local) lend.to(s, acting_for(c, schema, local));
  };
  s.comment({"role \"", role, "\""});
  s.open_if(role_exists(role), "dsql_role");
  s.line("-- 1. table privileges");
  for (auto sc : schemas) {
    lend_for(sc);
    bool seq = false, fn = false;
    for (const auto& g : c.grants)
      if (g.grantee == role && g.schema == sc) {
        seq = seq || g.on == object_kind::all_sequences_in_schema || g.on == object_kind::sequence;
        fn = fn || g.on == object_kind::all_functions_in_schema || g.on == object_kind::function;
      }
    for (object_kind kind : {object_kind::all_tables_in_schema, object_kind::all_sequences_in_schema,
                             object_kind::all_functions_in_schema}) {
      if ((kind == object_kind::all_sequences_in_schema && !seq) ||
          (kind == object_kind::all_functions_in_schema && !fn))
        continue;
      model::grant all;  // privileges empty: REVOKE ALL
      all.on = kind;
      all.schema = std::string(sc);
      all.grantee = std::string(role);
      if (!local && sc == "public")
        per_object(s, all, true);
      else
        s.transaction(revoke_statement(all));
    }
  }
  for (const auto& g : c.grants)
    if (g.grantee == role && !g.to_public && is_named_object(g.on)) {
      lend_for(g.schema);
      model::grant all = g;
      if (g.on != object_kind::columns) {  // columns: exactly what was granted
        auto set = privileges_of(g.on);
        all.privileges.assign(set.begin(), set.end());
      }
      s.guarded(object_present(g), "dsql_present", revoke_statement(all));
    }
  lend.close(s);
  for (const auto& d : c.default_privileges)
    if (d.grantee == role && !d.to_public) {
      if (!local) {
        s.comment({"not on aurora_dsql: ", default_privilege_statement(d, false)});
        continue;
      }
      s.open_if(role_exists(d.creator), "dsql_present");
      lend.to(s, d.creator);  // ALTER DEFAULT PRIVILEGES FOR ROLE needs membership in it
      s.transaction(default_privilege_statement(d, false));
      lend.close(s);
      s.line("\\endif");
    }
  s.line("-- 2. schema privileges");
  for (auto sc : schemas) {
    lend_for(sc);
    model::grant all;
    all.on = object_kind::schema;
    all.schema = std::string(sc);
    all.grantee = std::string(role);
    all.privileges = {privilege_kind::usage, privilege_kind::create};
    if (!local && sc == "public") {
      s.comment(
          {"schema public is a system entity on Aurora DSQL (a REVOKE on it is refused); the role holds "
           "nothing there but through PUBLIC"});
      continue;
    }
    s.transaction(revoke_statement(all));
  }
  lend.close(s);
  for (const auto& m : c.memberships)
    if (m.member == role) {
      sql::membership_statement st;
      st.revoke = true;
      st.group = m.group;
      st.member = std::string(role);
      s.guarded(membership_exists(m.group, role, false), "dsql_present", sql::render(st));
    }
  s.line("-- 3. IAM mappings");
  for (const auto& m : c.mappings)
    if (m.role == role) {
      const std::string arn = m.who.arn(account);
      s.guarded(mapping_exists(role, arn), "dsql_present", iam_statement(t, false, role, arn));
    }
  if (ro.drop) {
    s.line("-- 4. drop");
    lend.to(s, role);  // REASSIGN OWNED and DROP OWNED need membership in it
    s.transaction(sql::reassign_owned(role));
    s.transaction(sql::drop_owned(role));
    lend.close(s);
    s.transaction(sql::drop_role(role));
  }
  s.line("\\endif");
}

constexpr void revoke_header(script& s, std::string_view what, const model::cluster& c, target t,
                             const revoke_options& ro) {
  s.comment(
      {"dsql-roles revoke (offboarding) of ", what, " in cluster \"", c.name, "\" for target ", to_string(t), "."});
  s.line("-- Generated from the C++ declaration. Run it with psql as the admin role; running it");
  if (ro.drop)
    s.line("-- again prints no error and changes nothing. Each role is dropped at the end.");
  else
    s.line("-- again prints no error and changes nothing. The role itself is kept.");
  s.line("-- For each role, when it exists:");
  s.line("--   1. table privileges   REVOKE ALL ON ALL TABLES IN SCHEMA, each schema the role is granted on,");
  s.line("--                         and on the named objects it is granted on; its default privileges");
  s.line("--   2. schema privileges  REVOKE USAGE, CREATE ON SCHEMA, the same schemas; its memberships");
  if (t == target::postgres_local)
    s.line("--   3. IAM mappings       CALL sys.aws_iam_revoke (extension dsql_iam) when the mapping exists");
  else
    s.line("--   3. IAM mappings       AWS IAM REVOKE when the mapping exists");
  if (ro.drop) s.line("--   4. drop               REASSIGN OWNED BY the role TO the runner, DROP OWNED, DROP ROLE");
  s.line("-- Guards are catalog queries read with \\gset and tested with \\if (no DO block, no");
  s.line("-- PL/pgSQL). Each statement runs in its own transaction.");
  s.line("\\set ON_ERROR_STOP on");
}

}  // namespace detail

constexpr std::string render_revoke(const model::cluster& c, std::string_view role, target t,
                                    const render_options& o = {}, const revoke_options& ro = {}) {
  validate(c);
  if (!c.find_role(role)) detail::fail(messages::unknown_role);
  std::string account;
  for (const auto& m : c.mappings)
    if (m.role == role && m.who.account.empty() && account.empty()) account = detail::resolve_account(c, o);
  detail::script s;
  std::string what = "role \"";
  what += role;
  what += '"';
  detail::revoke_header(s, what, c, t, ro);
  s.blank();
  detail::revoke_role(s, c, role, t, account, ro);
  return std::move(s.text);
}

// Every role of the spec, in declaration order.
constexpr std::string render_revoke_all(const model::cluster& c, target t, const render_options& o = {},
                                        const revoke_options& ro = {}) {
  validate(c);
  std::string account;
  if (detail::needs_account(c)) account = detail::resolve_account(c, o);
  detail::script s;
  detail::revoke_header(s, "every role", c, t, ro);
  for (const auto& r : c.roles) {
    s.blank();
    detail::revoke_role(s, c, r.name, t, account, ro);
  }
  return std::move(s.text);
}

template <cluster_spec Spec>
constexpr std::string render_revoke(std::string_view role, target t, const render_options& o = {},
                                    const revoke_options& ro = {}) {
  static_assert(detail::fire<check_t<Spec>>());  // the culprit first, without model_of's frame
  return render_revoke(model_of<Spec>(), role, t, o, ro);
}

template <cluster_spec Spec, class Role>
requires declares_role<Spec, Role>
constexpr std::string render_revoke(target t, const render_options& o = {}, const revoke_options& ro = {}) {
  static_assert(detail::fire<check_t<Spec>>());  // the culprit first, without model_of's frame
  return render_revoke(model_of<Spec>(), detail::role_traits<Role>::name, t, o, ro);
}

template <cluster_spec Spec>
constexpr std::string render_revoke_all(target t, const render_options& o = {}, const revoke_options& ro = {}) {
  static_assert(detail::fire<check_t<Spec>>());  // the culprit first, without model_of's frame
  return render_revoke_all(model_of<Spec>(), t, o, ro);
}

// ---- IAM policies -------------------------------------------------------------------

namespace detail {
constexpr void append_json_string(std::string& out, std::string_view s) {
  constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20U) {
      out += "\\u00";
      out += hex[u >> 4U];
      out += hex[u & 0xFU];
    } else {
      out += c;
    }
  }
  out += '"';
}
}  // namespace detail

// arn:aws:dsql:<region>:<account>:cluster/<cluster id>
constexpr std::string cluster_arn(std::string_view region, std::string_view account, std::string_view cluster_id) {
  std::string s = "arn:aws:dsql:";
  s += region;
  s += ':';
  s += account;
  s += ":cluster/";
  s += cluster_id;
  return s;
}

// One IAM policy document allowing `action` (dsql:DbConnect or dsql:DbConnectAdmin) on
// `resource`, indented by `indent` spaces after the first line.
constexpr std::string render_policy_document(std::string_view action, std::string_view resource,
                                             std::size_t indent = 0) {
  const std::string pad(indent, ' ');
  std::string s = "{\n";
  s += pad + "  \"Version\": \"2012-10-17\",\n";
  s += pad + "  \"Statement\": [\n";
  s += pad + "    {\n";
  s += pad + "      \"Effect\": \"Allow\",\n";
  s += pad + "      \"Action\": ";
  detail::append_json_string(s, action);
  s += ",\n";
  s += pad + "      \"Resource\": ";
  detail::append_json_string(s, resource);
  s += '\n';
  s += pad + "    }\n";
  s += pad + "  ]\n";
  s += pad + "}";
  return s;
}

namespace detail {
// The Resource of the IAM policies: arn:aws:dsql:<region>:<account>:cluster/<id>.
constexpr std::string policy_resource(const model::cluster& c, const render_options& o, const std::string& account) {
  if (!o.region.empty() && !is_pattern_or_star(o.region, true)) fail(messages::bad_region);
  if (!o.cluster_id.empty() && !is_pattern_or_star(o.cluster_id, false)) fail(messages::bad_cluster_id);
  // (in this order: the region's sentence first)
  const std::string region =
      resolve_bound(c.region, o.region, messages::region_differs, messages::policy_region_missing);
  const std::string id =
      resolve_bound(c.cluster_id, o.cluster_id, messages::cluster_id_differs, messages::policy_cluster_id_missing);
  return cluster_arn(region, account, id);
}
}  // namespace detail

// A JSON object: principal ARN -> its policy document. Mapped principals get
// dsql:DbConnect (once each), admin identities dsql:DbConnectAdmin.
constexpr std::string render_policies(const model::cluster& c, const render_options& o = {}) {
  validate(c);
  const std::string account = detail::resolve_account(c, o);
  const std::string resource = detail::policy_resource(c, o, account);

  std::vector<std::pair<std::string, std::string_view>> entries;  // arn, action
  for (const auto& m : c.mappings) {
    std::string arn = m.who.arn(account);
    bool seen = false;
    for (const auto& e : entries) seen = seen || e.first == arn;
    if (!seen) entries.emplace_back(std::move(arn), "dsql:DbConnect");
  }
  for (const auto& a : c.admins) entries.emplace_back(a.arn(account), "dsql:DbConnectAdmin");

  std::string s = "{";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    s += i ? ",\n  " : "\n  ";
    detail::append_json_string(s, entries[i].first);
    s += ": ";
    s += render_policy_document(entries[i].second, resource, 2);
  }
  s += entries.empty() ? "}\n" : "\n}\n";
  return s;
}

// A render of the IAM policy of one principal (by ARN): its document only.
constexpr std::string render_policy(const model::cluster& c, std::string_view arn, const render_options& o = {}) {
  validate(c);
  const std::string account = detail::resolve_account(c, o);
  const std::string resource = detail::policy_resource(c, o, account);
  for (const auto& a : c.admins)
    if (a.arn(account) == arn) return render_policy_document("dsql:DbConnectAdmin", resource) + "\n";
  for (const auto& m : c.mappings)
    if (m.who.arn(account) == arn) return render_policy_document("dsql:DbConnect", resource) + "\n";
  detail::fail("The principal is neither mapped nor an admin identity in the cluster.");
}

template <cluster_spec Spec>
constexpr std::string render_policies(const render_options& o = {}) {
  static_assert(detail::fire<check_t<Spec>>());  // the culprit first, without model_of's frame
  return render_policies(model_of<Spec>(), o);
}

// ---- access matrix (Markdown) ---------------------------------------------------------

namespace detail {
constexpr void append_markdown_cell(std::string& out, std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '|')
      out += "\\|";
    else if (c == '`')
      out += '\'';
    else if (u < 0x20U || u == 0x7FU)
      out += '?';
    else
      out += c;
  }
}
}  // namespace detail

// The seed's component table, one row per role:
// | component | database role | IAM principal | IAM action | privileges | schemas |
// then the admin identities. Principals show `<account>` when no account is bound or given.
constexpr std::string render_matrix(const model::cluster& c, const render_options& o = {}) {
  validate(c);
  std::string account = !c.account_id.empty() ? c.account_id : o.account_id;
  if (account.empty()) account = "<account>";
  std::string s = "| component | database role | IAM principal | IAM action | privileges | schemas |\n";
  s += "|---|---|---|---|---|---|\n";
  for (const auto& r : c.roles) {
    s += "| ";
    if (r.component.empty())
      s += "-";
    else
      detail::append_markdown_cell(s, r.component);
    s += " | `";
    detail::append_markdown_cell(s, r.name);
    s += r.login ? "`" : "` (NOLOGIN)";
    s += " | ";
    bool first = true;
    for (const auto& m : c.mappings)
      if (m.role == r.name) {
        if (!first) s += ", ";
        first = false;
        s += '`';
        detail::append_markdown_cell(s, m.who.arn(account));
        s += '`';
      }
    s += first ? "(none) | - | " : " | dsql:DbConnect | ";
    bool any = false;
    std::vector<std::string_view> schemas;
    auto note_schema = [&schemas](std::string_view n) {
      if (!detail::contains(schemas, n)) schemas.push_back(n);
    };
    auto sep = [&] {
      if (any) s += "; ";
      any = true;
    };
    for (const auto& m : c.memberships)
      if (m.member == r.name) {
        sep();
        s += "member of `";
        detail::append_markdown_cell(s, m.group);
        s += m.admin_option ? "` (admin option)" : "`";
      }
    for (const auto& g : c.grants)
      if (g.grantee == r.name && !g.to_public) {
        sep();
        s += detail::privilege_sql(g.privileges);
        switch (g.on) {
          case object_kind::schema:
            s += " on schema ";
            break;
          case object_kind::all_tables_in_schema:
            s += " on all tables in ";
            break;
          case object_kind::all_sequences_in_schema:
            s += " on all sequences in ";
            break;
          case object_kind::all_functions_in_schema:
            s += " on all functions in ";
            break;
          default:
            s += " on ";
            break;
        }
        detail::append_markdown_cell(s, g.schema);
        if (detail::is_named_object(g.on)) {
          s += '.';
          detail::append_markdown_cell(s, g.object);
        }
        if (g.on == object_kind::columns) s += " (some columns)";
        if (g.with_grant_option) s += " with grant option";
        note_schema(g.schema);
      }
    for (const auto& d : c.default_privileges)
      if (d.grantee == r.name && !d.to_public) {
        sep();
        s += detail::privilege_sql(d.privileges);
        s += " on future ";
        s += d.on == object_kind::all_tables_in_schema
                 ? "tables"
                 : (d.on == object_kind::all_sequences_in_schema ? "sequences" : "functions");
        s += " of `";
        detail::append_markdown_cell(s, d.creator);
        s += "` in ";
        detail::append_markdown_cell(s, d.schema);
        note_schema(d.schema);
      }
    if (!any) s += "-";
    s += " | ";
    for (std::size_t i = 0; i < schemas.size(); ++i) {
      if (i) s += ", ";
      detail::append_markdown_cell(s, schemas[i]);
    }
    if (schemas.empty()) s += "-";
    s += " |\n";
  }
  for (const auto& a : c.admins) {
    s += "| administration | `admin` | `";
    detail::append_markdown_cell(s, a.arn(account));
    s += "` | dsql:DbConnectAdmin | setup only (never mapped) | all |\n";
  }
  return s;
}

template <cluster_spec Spec>
constexpr std::string render_matrix(const render_options& o = {}) {
  static_assert(detail::fire<check_t<Spec>>());  // the culprit first, without model_of's frame
  return render_matrix(model_of<Spec>(), o);
}

}  // namespace dsql

#endif  // DSQL_RENDER_HPP
