// dsql/sql.hpp - the one set of SQL statement builders.
//
// Every statement the project sends to a server or writes into a script is built here,
// from typed values: the renderers (render.hpp: bootstrap, revoke) and the plan/apply
// engine (dsl/engine: plan steps carry these values and render them at print or apply
// time) call the same functions, so the text of a GRANT cannot differ between the two.
// Every identifier is double-quoted (name.hpp), every literal single-quoted; all
// functions are constexpr and throw dsql::error only on a NUL byte in a name.
//
//   dsql::sql::privilege_statement g{.privileges = {privilege_kind::select},
//                                    .on = object_kind::table,
//                                    .objects = {{"app", "orders"}},
//                                    .grantees = {{"api"}}};
//   dsql::sql::render(g) == R"(GRANT SELECT ON TABLE "app"."orders" TO "api";)"
//
// Forms (PostgreSQL 15 grammar; the ones Aurora DSQL was seen accepting are listed in
// ../shared/reference/dsql-rules.md and AWS's dsql-lint grammar):
//   GRANT privs ON kind objects TO grantees [WITH GRANT OPTION] [GRANTED BY role]
//   REVOKE [GRANT OPTION FOR] privs ON kind objects FROM grantees [GRANTED BY role] [CASCADE]
//   column privileges: GRANT SELECT (c1, c2), UPDATE (c1, c2) ON TABLE t ...
//   several objects of one kind in one statement (ON TABLE a, b; ON ALL TABLES IN SCHEMA s1, s2)
//   CREATE ROLE / ALTER ROLE with attributes; GRANT/REVOKE role membership; CREATE SCHEMA,
//   ALTER SCHEMA OWNER TO; ALTER DEFAULT PRIVILEGES; AWS IAM GRANT/REVOKE (aurora_dsql) or
//   CALL sys.aws_iam_grant/revoke (postgres_local, extension dsql_iam); REASSIGN OWNED,
//   DROP OWNED, DROP ROLE; SET LOCAL ROLE / RESET ROLE.
#ifndef DSQL_SQL_HPP
#define DSQL_SQL_HPP

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "error.hpp"
#include "name.hpp"
#include "privilege.hpp"
#include "target.hpp"

#include <type_traits>

namespace dsql::sql {

// A role or PUBLIC (the pseudo-role; a role named "PUBLIC" is {"PUBLIC", false}).
struct grantee {
  std::string name{};
  bool is_public = false;
  constexpr bool operator==(const grantee&) const = default;
};

// One object of a GRANT/REVOKE. By the statement's kind:
//   database            name (the database); psql_variable: name is a psql variable holding it
//   schema              name (the schema)
//   all_*_in_schema     schema
//   table, columns, sequence   schema, name
//   function            schema, name, arguments (argument types, as declared)
struct object_ref {
  std::string schema{};
  std::string name{};
  std::string arguments{};
  bool psql_variable = false;  // database only: `:"name"`, set by \gset in a psql script
  constexpr bool operator==(const object_ref&) const = default;
};

// One GRANT or REVOKE of privileges.
struct privilege_statement {
  bool revoke = false;
  bool grant_option_for = false;             // REVOKE GRANT OPTION FOR
  std::vector<privilege_kind> privileges{};  // written in this order; empty: ALL
  std::vector<std::string> columns{};        // on == columns: each privilege applies to these
  object_kind on = object_kind::schema;
  std::vector<object_ref> objects{};
  std::vector<grantee> grantees{};
  bool with_grant_option = false;  // GRANT only
  std::string granted_by{};        // empty: no GRANTED BY clause
  bool cascade = false;            // REVOKE only
  // ON ROUTINE / ON ALL ROUTINES IN SCHEMA instead of FUNCTION(S): procedures too
  bool routine = false;
  constexpr bool operator==(const privilege_statement&) const = default;
};

constexpr void append_grantee(std::string& s, const grantee& g) {
  if (g.is_public)
    s += "PUBLIC";
  else
    append_identifier(s, g.name);
}

// "schema"."name"
constexpr std::string qualified(std::string_view schema, std::string_view name) {
  std::string s;
  append_identifier(s, schema);
  s += '.';
  append_identifier(s, name);
  return s;
}

constexpr void append_object(std::string& s, object_kind on, const object_ref& o) {
  switch (on) {
    case object_kind::database:
      if (o.psql_variable) {
        s += ":\"";
        s += o.name;
        s += '"';
      } else {
        append_identifier(s, o.name);
      }
      break;
    case object_kind::schema:
      append_identifier(s, o.name);
      break;
    case object_kind::all_tables_in_schema:
    case object_kind::all_sequences_in_schema:
    case object_kind::all_functions_in_schema:
      append_identifier(s, o.schema);
      break;
    case object_kind::table:
    case object_kind::columns:
    case object_kind::sequence:
      s += qualified(o.schema, o.name);
      break;
    case object_kind::function:
      s += qualified(o.schema, o.name);
      s += '(';
      s += o.arguments;
      s += ')';
      break;
  }
}

// "ON TABLE ", "ON ALL TABLES IN SCHEMA ", ...
constexpr std::string_view on_keyword(object_kind on) noexcept {
  switch (on) {
    case object_kind::database:
      return " ON DATABASE ";
    case object_kind::schema:
      return " ON SCHEMA ";
    case object_kind::all_tables_in_schema:
      return " ON ALL TABLES IN SCHEMA ";
    case object_kind::all_sequences_in_schema:
      return " ON ALL SEQUENCES IN SCHEMA ";
    case object_kind::all_functions_in_schema:
      return " ON ALL FUNCTIONS IN SCHEMA ";
    case object_kind::table:
    case object_kind::columns:
      return " ON TABLE ";
    case object_kind::sequence:
      return " ON SEQUENCE ";
    case object_kind::function:
      return " ON FUNCTION ";
  }
  return {};
}

constexpr std::string privilege_list(const std::vector<privilege_kind>& ps) {
  std::string s;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    if (i) s += ", ";
    s += sql_keyword(ps[i]);
  }
  return s;
}

// The privileges (with their columns) and the ON part.
constexpr std::string privileges_on(const privilege_statement& g) {
  std::string s;
  if (g.on == object_kind::columns) {
    std::string cols = " (";
    for (std::size_t i = 0; i < g.columns.size(); ++i) {
      if (i) cols += ", ";
      append_identifier(cols, g.columns[i]);
    }
    cols += ')';
    for (std::size_t i = 0; i < g.privileges.size(); ++i) {
      if (i) s += ", ";
      s += sql_keyword(g.privileges[i]);
      s += cols;
    }
  } else if (g.privileges.empty()) {
    s = "ALL";
  } else {
    s = privilege_list(g.privileges);
  }
  if (g.routine && g.on == object_kind::function)
    s += " ON ROUTINE ";
  else if (g.routine && g.on == object_kind::all_functions_in_schema)
    s += " ON ALL ROUTINES IN SCHEMA ";
  else
    s += on_keyword(g.on);
  for (std::size_t i = 0; i < g.objects.size(); ++i) {
    if (i) s += ", ";
    append_object(s, g.on, g.objects[i]);
  }
  return s;
}

// GRANT ... ; or REVOKE ... ;
constexpr std::string render(const privilege_statement& g) {
  std::string s = g.revoke ? (g.grant_option_for ? "REVOKE GRANT OPTION FOR " : "REVOKE ") : "GRANT ";
  s += privileges_on(g);
  s += g.revoke ? " FROM " : " TO ";
  for (std::size_t i = 0; i < g.grantees.size(); ++i) {
    if (i) s += ", ";
    append_grantee(s, g.grantees[i]);
  }
  if (!g.revoke && g.with_grant_option) s += " WITH GRANT OPTION";
  if (!g.granted_by.empty()) {
    s += " GRANTED BY ";
    append_identifier(s, g.granted_by);
  }
  if (g.revoke && g.cascade) s += " CASCADE";
  s += ';';
  return s;
}

// ---- roles ------------------------------------------------------------------------------

// The attributes a spec declares for a role (dsql::model::role's).
struct role_attributes {
  bool login = false;
  std::optional<bool> inherit{};
  std::optional<int> connection_limit{};
  constexpr bool operator==(const role_attributes&) const = default;
};

// std::to_string is not constexpr in C++20.
constexpr std::string decimal(long long v) {
  char buf[24]{};
  std::size_t pos = sizeof buf;
  const bool negative = v < 0;
  unsigned long long u = negative ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
  do {
    buf[--pos] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (negative) buf[--pos] = '-';
  std::string out;
  out.append(buf + pos, sizeof buf - pos);
  return out;
}

// " WITH LOGIN NOINHERIT CONNECTION LIMIT 20"
constexpr std::string attribute_clause(const role_attributes& a) {
  std::string s = a.login ? " WITH LOGIN" : " WITH NOLOGIN";
  if (a.inherit) s += *a.inherit ? " INHERIT" : " NOINHERIT";
  if (a.connection_limit) s += " CONNECTION LIMIT " + decimal(*a.connection_limit);
  return s;
}

// CREATE ROLE "r" WITH ...; (Aurora DSQL refuses ALTER ROLE ... WITH, so a role's
// attributes are set here, at creation.)
// (A role without LOGIN or other attributes is a plain CREATE ROLE "r": the default,
// the form every server accepts.)
constexpr std::string create_role(std::string_view role, const role_attributes& a) {
  std::string s = "CREATE ROLE ";
  append_identifier(s, role);
  if (a.login || a.inherit || a.connection_limit) s += attribute_clause(a);
  s += ';';
  return s;
}
constexpr std::string alter_role(std::string_view role, const role_attributes& a) {
  std::string s = "ALTER ROLE ";
  append_identifier(s, role);
  s += attribute_clause(a);
  s += ';';
  return s;
}
// ALTER ROLE "r" WITH PASSWORD <value>; the value is a psql variable (`:'var'`) or a literal.
constexpr std::string alter_role_password(std::string_view role, std::string_view value_sql) {
  std::string s = "ALTER ROLE ";
  append_identifier(s, role);
  s += " WITH PASSWORD ";
  s += value_sql;
  s += ';';
  return s;
}

// GRANT "group" TO "member" [WITH ADMIN OPTION]; member may be CURRENT_USER.
struct membership_statement {
  bool revoke = false;
  bool admin_option = false;  // GRANT: WITH ADMIN OPTION; REVOKE: REVOKE ADMIN OPTION FOR
  std::string group{};
  std::string member{};
  bool member_is_current_user = false;
  std::string granted_by{};
  constexpr bool operator==(const membership_statement&) const = default;
};
constexpr std::string render(const membership_statement& m) {
  std::string s = m.revoke ? (m.admin_option ? "REVOKE ADMIN OPTION FOR " : "REVOKE ") : "GRANT ";
  append_identifier(s, m.group);
  s += m.revoke ? " FROM " : " TO ";
  if (m.member_is_current_user)
    s += "CURRENT_USER";
  else
    append_identifier(s, m.member);
  if (!m.revoke && m.admin_option) s += " WITH ADMIN OPTION";
  if (!m.granted_by.empty()) {
    s += " GRANTED BY ";
    append_identifier(s, m.granted_by);
  }
  s += ';';
  return s;
}

// ---- schemas ------------------------------------------------------------------------------

constexpr std::string create_schema(std::string_view schema, std::string_view owner = {}) {
  std::string s = "CREATE SCHEMA ";
  append_identifier(s, schema);
  if (!owner.empty()) {
    s += " AUTHORIZATION ";
    append_identifier(s, owner);
  }
  s += ';';
  return s;
}
constexpr std::string alter_schema_owner(std::string_view schema, std::string_view owner) {
  std::string s = "ALTER SCHEMA ";
  append_identifier(s, schema);
  s += " OWNER TO ";
  append_identifier(s, owner);
  s += ';';
  return s;
}

// ---- default privileges ----------------------------------------------------------------

// pg_default_acl.defaclobjtype: r tables, S sequences, f functions, T types, n schemas.
constexpr std::string_view default_object_keyword(char objtype) noexcept {
  switch (objtype) {
    case 'S':
      return "SEQUENCES";
    case 'f':
      return "FUNCTIONS";
    case 'T':
      return "TYPES";
    case 'n':
      return "SCHEMAS";
    default:
      return "TABLES";
  }
}
// The pg_default_acl object type of default privileges ON ALL ... IN SCHEMA.
constexpr char default_object_type(object_kind k) noexcept {
  switch (k) {
    case object_kind::all_sequences_in_schema:
      return 'S';
    case object_kind::all_functions_in_schema:
      return 'f';
    default:
      return 'r';
  }
}

// ALTER DEFAULT PRIVILEGES FOR ROLE creator [IN SCHEMA s] GRANT ... ON TABLES TO ...
struct default_privilege_statement {
  bool revoke = false;
  bool grant_option_for = false;
  std::string creator{};
  std::string schema{};                      // empty: every schema (a global entry)
  std::vector<privilege_kind> privileges{};  // empty: ALL
  char objtype = 'r';
  std::vector<grantee> grantees{};
  bool with_grant_option = false;
  constexpr bool operator==(const default_privilege_statement&) const = default;
};
constexpr std::string render(const default_privilege_statement& d) {
  std::string s = "ALTER DEFAULT PRIVILEGES FOR ROLE ";
  append_identifier(s, d.creator);
  if (!d.schema.empty()) {
    s += " IN SCHEMA ";
    append_identifier(s, d.schema);
  }
  s += d.revoke ? (d.grant_option_for ? " REVOKE GRANT OPTION FOR " : " REVOKE ") : " GRANT ";
  if (d.privileges.empty())
    s += "ALL";
  else
    s += privilege_list(d.privileges);
  s += " ON ";
  s += default_object_keyword(d.objtype);
  s += d.revoke ? " FROM " : " TO ";
  for (std::size_t i = 0; i < d.grantees.size(); ++i) {
    if (i) s += ", ";
    append_grantee(s, d.grantees[i]);
  }
  if (!d.revoke && d.with_grant_option) s += " WITH GRANT OPTION";
  s += ';';
  return s;
}

// ---- IAM mappings ----------------------------------------------------------------------

// AWS IAM GRANT "role" TO 'arn'; (aurora_dsql) or CALL sys.aws_iam_grant('role', 'arn');
// (postgres_local: the dsql_iam extension's procedure, the role name verbatim).
constexpr std::string iam_mapping(target t, bool grant, std::string_view role, std::string_view arn) {
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

// ---- removing a role -----------------------------------------------------------------------

// REASSIGN OWNED BY "r" TO "to" (CURRENT_USER when to is empty)
constexpr std::string reassign_owned(std::string_view role, std::string_view to = {}) {
  std::string s = "REASSIGN OWNED BY ";
  append_identifier(s, role);
  s += " TO ";
  if (to.empty())
    s += "CURRENT_USER";
  else
    append_identifier(s, to);
  s += ';';
  return s;
}
constexpr std::string drop_owned(std::string_view role) {
  std::string s = "DROP OWNED BY ";
  append_identifier(s, role);
  s += ';';
  return s;
}
constexpr std::string drop_role(std::string_view role) {
  std::string s = "DROP ROLE ";
  append_identifier(s, role);
  s += ';';
  return s;
}

// ---- acting as another role (postgres_local) ----------------------------------------------

constexpr std::string set_local_role(std::string_view role) {
  std::string s = "SET LOCAL ROLE ";
  append_identifier(s, role);
  s += ';';
  return s;
}
inline constexpr std::string_view reset_role = "RESET ROLE;";

// ---- statements as values ----------------------------------------------------------------
// What a plan step carries: the statement as typed fields, rendered when it is printed or
// executed (the engine's steps hold these; the renderers build the same values).

struct role_statement {
  bool alter = false;  // ALTER ROLE instead of CREATE ROLE
  std::string role{};
  role_attributes attributes{};
  constexpr bool operator==(const role_statement&) const = default;
};
struct schema_statement {
  bool alter_owner = false;  // ALTER SCHEMA ... OWNER TO instead of CREATE SCHEMA
  std::string schema{};
  std::string owner{};  // CREATE: empty for no AUTHORIZATION clause
  constexpr bool operator==(const schema_statement&) const = default;
};
struct iam_statement {
  bool grant = true;
  std::string role{};
  std::string arn{};
  constexpr bool operator==(const iam_statement&) const = default;
};
struct owned_statement {
  enum class action { reassign_owned, drop_owned, drop_role };
  action what = action::drop_role;
  std::string role{};
  std::string to{};  // reassign: empty for CURRENT_USER
  constexpr bool operator==(const owned_statement&) const = default;
};

using statement = std::variant<privilege_statement, membership_statement, default_privilege_statement, role_statement,
                               schema_statement, iam_statement, owned_statement>;

constexpr std::string render(const role_statement& r) {
  return r.alter ? alter_role(r.role, r.attributes) : create_role(r.role, r.attributes);
}
constexpr std::string render(const schema_statement& s) {
  return s.alter_owner ? alter_schema_owner(s.schema, s.owner) : create_schema(s.schema, s.owner);
}
constexpr std::string render(const owned_statement& o) {
  switch (o.what) {
    case owned_statement::action::reassign_owned:
      return reassign_owned(o.role, o.to);
    case owned_statement::action::drop_owned:
      return drop_owned(o.role);
    case owned_statement::action::drop_role:
      return drop_role(o.role);
  }
  return {};
}
// Any statement for a target (only the IAM mapping's text depends on it).
constexpr std::string render(const statement& st, target t) {
  if (const auto* m = std::get_if<iam_statement>(&st)) return iam_mapping(t, m->grant, m->role, m->arn);
  return std::visit(
      [](const auto& x) -> std::string {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, iam_statement>)
          return {};
        else
          return render(x);
      },
      st);
}

}  // namespace dsql::sql

#endif  // DSQL_SQL_HPP
