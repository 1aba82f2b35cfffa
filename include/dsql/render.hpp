// dsql/render.hpp - from a spec (or its model) to text: bootstrap, revoke, policies.
//
//   std::string sql = dsql::render_bootstrap<seed>(dsql::target::aurora_dsql,
//                                                  {.account_id = "123456789012"});
//
// The bootstrap is a psql script; its structure is a contract with `dsqlctl sql` and the
// demo (see the header comment it prints): `\set ON_ERROR_STOP on`; guards are catalog
// queries read with `\gset` and tested with `\if :var ... \endif`; no DO block, no
// PL/pgSQL; every DDL in its own BEGIN/COMMIT; sections in the order roles, schemas,
// schema privileges, table privileges, IAM mappings. GRANTs are idempotent and re-run
// every time (so ON ALL TABLES IN SCHEMA reaches tables created since the last run).
// Target aurora_dsql emits `AWS IAM GRANT "role" TO 'arn';`, target postgres_local
// calls the dsql_iam extension: `CALL sys.aws_iam_grant('role', 'arn');`.
//
// Every function is constexpr; run-time mistakes (no account id, a bad region, a role
// not in the spec) throw dsql::error with one sentence.
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

namespace dsql {

enum class target { aurora_dsql, postgres_local };

constexpr std::string_view to_string(target t) noexcept {
  return t == target::aurora_dsql ? "aurora_dsql" : "postgres_local";
}

constexpr std::optional<target> parse_target(std::string_view s) noexcept {
  if (s == "aurora_dsql") return target::aurora_dsql;
  if (s == "postgres_local") return target::postgres_local;
  return std::nullopt;
}

struct render_options {
  // 12 digits; required when the spec has IAM principals and binds no dsql::aws_account.
  std::string account_id;
  // Region and cluster id of the policies' Resource ARN; "*" matches any.
  std::string region = "*";
  std::string cluster_id = "*";
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
inline constexpr std::string_view unknown_role = "The role to revoke is not declared in the cluster.";
inline constexpr std::string_view reserved_role = assert_role_name_not_reserved_t::message;
}  // namespace messages

namespace detail {

[[noreturn]] inline void fail(std::string_view message) { throw error(std::string(message)); }

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

// The run-time twin of the compile-time rules, for a model built by other means.
constexpr void validate_model(const model::cluster& c) {
  for (const auto& r : c.roles) {
    if (auto s = check_name(r.name); s != name_status::ok) fail(name_message(s));
    if (is_reserved_role_name(r.name)) fail(messages::reserved_role);
  }
  for (const auto& s : c.schemas)
    if (auto st = check_name(s.name); st != name_status::ok) fail(name_message(st));
  auto has_schema = [&c](std::string_view n) {
    for (const auto& s : c.schemas)
      if (s.name == n) return true;
    return false;
  };
  for (const auto& g : c.grants) {
    if (!c.find_role(g.grantee)) fail(assert_grantee_declared_t::message);
    if (!has_schema(g.schema)) fail(assert_grant_schema_declared_t::message);
    if (g.privileges.empty()) fail(assert_privileges_listed_once_t::message);
    for (auto p : g.privileges)
      if (applies_to(p) != g.on) fail(assert_privilege_fits_object_t::message);
  }
  for (const auto& m : c.mappings) {
    const model::role* r = c.find_role(m.role);
    if (!r) fail(assert_mapped_role_declared_t::message);
    if (!r->login) fail(assert_mapped_role_has_login_t::message);
    if (!is_valid_iam_name(m.who.name)) fail(assert_iam_name_valid_t::message);
  }
  for (const auto& a : c.admins)
    if (!is_valid_iam_name(a.name)) fail(assert_iam_name_valid_t::message);
}

// The account the principals' ARNs use.
constexpr std::string resolve_account(const model::cluster& c, const render_options& o) {
  if (!c.account_id.empty()) {
    if (!is_valid_account_id(c.account_id)) fail(assert_aws_account_12_digits_t::message);
    if (!o.account_id.empty() && o.account_id != c.account_id) fail(messages::account_differs);
    return c.account_id;
  }
  if (o.account_id.empty()) fail(messages::no_account);
  if (!is_valid_account_id(o.account_id)) fail(assert_aws_account_12_digits_t::message);
  return o.account_id;
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
  // SELECT <condition> AS <var> \gset, then \if :<var> BEGIN; <statement> COMMIT; \endif
  constexpr void guarded(const std::string& condition, std::string_view var, const std::string& statement) {
    text += "SELECT ";
    text += condition;
    text += " AS ";
    text += var;
    text += " \\gset\n\\if :";
    text += var;
    text += '\n';
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

constexpr std::string privilege_sql(const std::vector<privilege_kind>& ps) {
  std::string s;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    if (i) s += ", ";
    s += sql_keyword(ps[i]);
  }
  return s;
}

constexpr std::string grant_statement(const model::grant& g) {
  std::string s = "GRANT ";
  s += privilege_sql(g.privileges);
  s += g.on == object_kind::schema ? " ON SCHEMA " : " ON ALL TABLES IN SCHEMA ";
  append_identifier(s, g.schema);
  s += " TO ";
  append_identifier(s, g.grantee);
  s += ';';
  return s;
}

// AWS IAM GRANT/REVOKE (aurora_dsql) or the extension's function (postgres_local).
constexpr std::string iam_statement(target t, bool grant, std::string_view role, std::string_view arn) {
  std::string s;
  if (t == target::aurora_dsql) {
    s = grant ? "AWS IAM GRANT " : "AWS IAM REVOKE ";
    append_identifier(s, role);
    s += grant ? " TO " : " FROM ";
    append_literal(s, arn);
  } else {
    s = grant ? "CALL sys.aws_iam_grant(" : "CALL sys.aws_iam_revoke(";
    append_literal(s, role);
    s += ", ";
    append_literal(s, arn);
    s += ')';
  }
  s += ';';
  return s;
}

constexpr bool has_principals(const model::cluster& c) noexcept {
  return !c.mappings.empty() || !c.admins.empty();
}

}  // namespace detail

// ---- bootstrap ----------------------------------------------------------------------

constexpr std::string render_bootstrap(const model::cluster& c, target t, const render_options& o = {}) {
  detail::validate_model(c);
  std::string account;  // (not a ?: of two strings: GCC 12 rejects that in constant evaluation)
  if (detail::has_principals(c)) account = detail::resolve_account(c, o);
  const bool local = t == target::postgres_local;
  detail::script s;

  s.comment({"dsql-roles bootstrap of cluster \"", c.name, "\" for target ", to_string(t), "."});
  s.line("-- Generated from the C++ declaration. Run it with psql as the admin role; running it");
  s.line("-- again prints no error and changes nothing.");
  s.line("--   1. roles              CREATE ROLE when missing, then LOGIN or NOLOGIN as declared");
  s.line("--   2. schemas            CREATE SCHEMA when missing (an existing schema is only used)");
  s.line("--   3. schema privileges  GRANT USAGE/CREATE ON SCHEMA, re-run every time");
  s.line("--   4. table privileges   GRANT ... ON ALL TABLES IN SCHEMA, re-run every time so that");
  s.line("--                         tables created since the last run are reached");
  if (local)
    s.line("--   5. IAM mappings       CALL sys.aws_iam_grant (extension dsql_iam) when missing");
  else
    s.line("--   5. IAM mappings       AWS IAM GRANT when the mapping is missing");
  s.line("-- Guards are catalog queries read with \\gset and tested with \\if (no DO block, no");
  s.line("-- PL/pgSQL). Each DDL runs in its own transaction. Identifiers are double-quoted and");
  s.line("-- literals single-quoted (standard_conforming_strings on).");
  s.line("\\set ON_ERROR_STOP on");

  s.blank();
  s.line("-- 1. roles");
  for (const auto& r : c.roles) {
    std::string create = "CREATE ROLE ";
    append_identifier(create, r.name);
    create += r.login ? " WITH LOGIN;" : " WITH NOLOGIN;";
    s.guarded("NOT " + detail::role_exists(r.name), "dsql_missing", create);
    std::string alter = "ALTER ROLE ";
    append_identifier(alter, r.name);
    alter += r.login ? " WITH LOGIN;" : " WITH NOLOGIN;";
    s.guarded(detail::role_exists(r.name, r.login ? " AND NOT rolcanlogin" : " AND rolcanlogin"), "dsql_differs",
              alter);
  }

  s.blank();
  s.line("-- 2. schemas");
  for (const auto& sc : c.schemas) {
    if (!sc.create) {
      s.comment({"schema \"", sc.name, "\" exists already: it is used, not created"});
      continue;
    }
    std::string create = "CREATE SCHEMA ";
    append_identifier(create, sc.name);
    create += ';';
    s.guarded("NOT " + detail::schema_exists(sc.name), "dsql_missing", create);
  }

  s.blank();
  s.line("-- 3. schema privileges");
  for (const auto& g : c.grants)
    if (g.on == object_kind::schema) s.transaction(detail::grant_statement(g));

  s.blank();
  s.line("-- 4. table privileges");
  for (const auto& g : c.grants)
    if (g.on == object_kind::all_tables_in_schema) s.transaction(detail::grant_statement(g));

  s.blank();
  s.line("-- 5. IAM mappings");
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
  return render_bootstrap(model_of<Spec>(), t, o);
}

// ---- revoke (offboarding) -------------------------------------------------------------

constexpr std::string render_revoke(const model::cluster& c, std::string_view role, target t,
                                    const render_options& o = {}) {
  detail::validate_model(c);
  if (!c.find_role(role)) detail::fail(messages::unknown_role);
  std::vector<const model::mapping*> mappings;
  for (const auto& m : c.mappings)
    if (m.role == role) mappings.push_back(&m);
  std::string account;
  if (!mappings.empty()) account = detail::resolve_account(c, o);
  // The schemas the role is granted anything on, in declaration order.
  std::vector<std::string_view> schemas;
  for (const auto& sc : c.schemas)
    for (const auto& g : c.grants)
      if (g.grantee == role && g.schema == sc.name) {
        schemas.push_back(sc.name);
        break;
      }

  detail::script s;
  s.comment({"dsql-roles revoke (offboarding) of role \"", role, "\" in cluster \"", c.name, "\" for target ",
             to_string(t), "."});
  s.line("-- Generated from the C++ declaration. Run it with psql as the admin role; running it");
  s.line("-- again prints no error and changes nothing. The role itself is kept.");
  s.line("--   1. table privileges   REVOKE ALL ON ALL TABLES IN SCHEMA, each schema the role is granted on");
  s.line("--   2. schema privileges  REVOKE USAGE, CREATE ON SCHEMA, the same schemas");
  if (t == target::postgres_local)
    s.line("--   3. IAM mappings       CALL sys.aws_iam_revoke (extension dsql_iam) when the mapping exists");
  else
    s.line("--   3. IAM mappings       AWS IAM REVOKE when the mapping exists");
  s.line("-- Guards are catalog queries read with \\gset and tested with \\if (no DO block, no");
  s.line("-- PL/pgSQL). Each statement runs in its own transaction.");
  s.line("\\set ON_ERROR_STOP on");

  s.blank();
  s.line("-- 1. table privileges");
  for (auto sc : schemas) {
    std::string st = "REVOKE ALL ON ALL TABLES IN SCHEMA ";
    append_identifier(st, sc);
    st += " FROM ";
    append_identifier(st, role);
    st += ';';
    s.transaction(st);
  }
  s.blank();
  s.line("-- 2. schema privileges");
  for (auto sc : schemas) {
    std::string st = "REVOKE USAGE, CREATE ON SCHEMA ";
    append_identifier(st, sc);
    st += " FROM ";
    append_identifier(st, role);
    st += ';';
    s.transaction(st);
  }
  s.blank();
  s.line("-- 3. IAM mappings");
  for (const auto* m : mappings) {
    const std::string arn = m->who.arn(account);
    s.guarded(detail::mapping_exists(role, arn), "dsql_present", detail::iam_statement(t, false, role, arn));
  }
  return std::move(s.text);
}

template <cluster_spec Spec>
constexpr std::string render_revoke(std::string_view role, target t, const render_options& o = {}) {
  return render_revoke(model_of<Spec>(), role, t, o);
}

template <cluster_spec Spec, class Role>
  requires declares_role<Spec, Role>
constexpr std::string render_revoke(target t, const render_options& o = {}) {
  return render_revoke(model_of<Spec>(), detail::role_traits<Role>::name, t, o);
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

// A JSON object: principal ARN -> its policy document. Mapped principals get
// dsql:DbConnect (once each), admin identities dsql:DbConnectAdmin.
constexpr std::string render_policies(const model::cluster& c, const render_options& o = {}) {
  detail::validate_model(c);
  const std::string account = detail::resolve_account(c, o);
  if (!detail::is_pattern_or_star(o.region, true)) detail::fail(messages::bad_region);
  if (!detail::is_pattern_or_star(o.cluster_id, false)) detail::fail(messages::bad_cluster_id);
  const std::string resource = cluster_arn(o.region, account, o.cluster_id);

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

template <cluster_spec Spec>
constexpr std::string render_policies(const render_options& o = {}) {
  return render_policies(model_of<Spec>(), o);
}

// ---- access matrix (Markdown) ---------------------------------------------------------

namespace detail {
constexpr void append_markdown_cell(std::string& out, std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '|') out += "\\|";
    else if (c == '`') out += '\'';
    else if (u < 0x20U || u == 0x7FU) out += '?';
    else out += c;
  }
}
}  // namespace detail

// | database role | login | IAM principals | schema privileges | table privileges |
// Principals show `<account>` when no account is bound or given.
constexpr std::string render_matrix(const model::cluster& c, const render_options& o = {}) {
  detail::validate_model(c);
  std::string account = !c.account_id.empty() ? c.account_id : o.account_id;
  if (account.empty()) account = "<account>";
  std::string s = "| database role | login | IAM principals (dsql:DbConnect) | schema privileges | table privileges |\n";
  s += "|---|---|---|---|---|\n";
  for (const auto& r : c.roles) {
    s += "| `";
    detail::append_markdown_cell(s, r.name);
    s += "` | ";
    s += r.login ? "LOGIN" : "NOLOGIN";
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
    if (first) s += "(none)";
    for (object_kind k : {object_kind::schema, object_kind::all_tables_in_schema}) {
      s += " | ";
      bool any = false;
      for (const auto& g : c.grants)
        if (g.grantee == r.name && g.on == k) {
          if (any) s += "; ";
          any = true;
          s += detail::privilege_sql(g.privileges);
          s += k == object_kind::schema ? " on " : " on all tables in ";
          detail::append_markdown_cell(s, g.schema);
        }
      if (!any) s += "-";
    }
    s += " |\n";
  }
  for (const auto& a : c.admins) {
    s += "| `admin` | LOGIN | `";
    detail::append_markdown_cell(s, a.arn(account));
    s += "` (dsql:DbConnectAdmin, never mapped) | setup only | setup only |\n";
  }
  return s;
}

template <cluster_spec Spec>
constexpr std::string render_matrix(const render_options& o = {}) {
  return render_matrix(model_of<Spec>(), o);
}

}  // namespace dsql

#endif  // DSQL_RENDER_HPP
