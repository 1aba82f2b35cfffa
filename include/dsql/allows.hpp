// dsql/allows.hpp - what a role may do, answered from the one model at compile time.
//
//   static_assert(dsql::allows<seed::spec, seed::app_readonly, dsql::select,
//                              dsql::on_table<dsql::public_schema, "products">>);
//   static_assert(!dsql::allows<seed::spec, seed::app_readonly, dsql::insert,
//                               dsql::on_table<dsql::public_schema, "products">>);
//   static_assert(dsql::allows<app, svc, dsql::update, dsql::on_columns<s, "users", "email">>);
//
// Spec: a dsql::cluster or a dsql::catalog of one (catalog.hpp). Role: a declared role.
// Privilege: one of dsql::usage ... dsql::temporary. Object: on_database, on_schema<S>,
// on_table<S, "t"> (the table-level privilege, what has_table_privilege answers),
// on_columns<S, "t", "c"...> (each column: a table-level grant or a column grant of it),
// on_sequence<S, "q">, on_function<S, "f", "argument types">.
//
// The answer is computed in constexpr from dsql::model_of<Cluster>() (the model every
// renderer and the engine use) by dsql::access::holds(), PostgreSQL 15's rules:
//   - effective roles: the role, and every group reached through memberships whose member
//     has INHERIT (PostgreSQL: a NOINHERIT member gets a group's privileges only after SET
//     ROLE, so they do not count here); dsql::role's default is PostgreSQL's INHERIT;
//   - grants to an effective role or to PUBLIC; `all` is already expanded by the model;
//   - the revokes of the spec (applied after the grants, as the bootstrap runs them)
//     remove a privilege from the grantee they name, on the objects they cover: a revoke
//     ON ALL TABLES IN SCHEMA or ON TABLE also takes the column privileges (PostgreSQL:
//     revoking a table privilege revokes it on each column);
//   - a grant ON ALL TABLES/SEQUENCES/FUNCTIONS IN SCHEMA covers every such object of the
//     schema (the bootstrap re-runs it after migrations; see grant.hpp);
//   - reaching any object in a schema needs USAGE on the schema too (PostgreSQL checks the
//     schema first), so allows<..., on_table<...>> is false without it;
//   - server defaults: PUBLIC has USAGE on schema public, EXECUTE on functions, CONNECT and
//     TEMPORARY on the database (PostgreSQL 15; DSQL keeps public's USAGE), unless revoked;
//     a schema's declared owner has USAGE and CREATE on it; a catalog table's declared
//     owner has every table privilege;
//   - default privileges (ALTER DEFAULT PRIVILEGES FOR ROLE creator IN SCHEMA s) count for
//     the catalog's tables of s declared dsql::owned_by<creator> only: the assumption is
//     that a table's owner created it, and a table whose owner is not declared gets none;
//   - dsql::sensitive<...> schemas: a role not listed gets nothing in the schema, whatever
//     PUBLIC or a group holds.
#ifndef DSQL_ALLOWS_HPP
#define DSQL_ALLOWS_HPP

#include <string>
#include <string_view>
#include <vector>

#include "catalog.hpp"
#include "grant.hpp"
#include "model.hpp"
#include "privilege.hpp"

namespace dsql {
namespace access {

// One object a privilege is asked on. kind: schema, table (table level), columns (the one
// column `column`), sequence, function, database.
struct target {
  object_kind kind = object_kind::table;
  std::string_view schema{};
  std::string_view object{};
  std::string_view arguments{};
  std::string_view column{};
};

// The model of a spec and the roles one role acts with.
struct context {
  const model::cluster* spec = nullptr;
  const model::catalog* cat = nullptr;
  std::string_view role{};
  std::vector<std::string> effective{};  // role first, then inherited groups
};

constexpr bool inherits(const model::cluster& c, std::string_view r) {
  const model::role* m = c.find_role(r);
  return m == nullptr || m->inherit.value_or(true);
}

// The role and every group whose privileges it holds without SET ROLE.
constexpr std::vector<std::string> effective_roles(const model::cluster& c, std::string_view role) {
  std::vector<std::string> out{std::string(role)};
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!inherits(c, out[i])) continue;
    for (const auto& m : c.memberships) {
      if (m.member != out[i]) continue;
      bool seen = false;
      for (const auto& o : out) seen = seen || o == m.group;
      if (!seen) out.push_back(m.group);
    }
  }
  return out;
}

constexpr context make_context(const model::cluster& c, const model::catalog& cat, std::string_view role) {
  return {&c, &cat, role, effective_roles(c, role)};
}

constexpr bool contains(const std::vector<std::string>& v, std::string_view s) {
  for (const auto& x : v)
    if (x == s) return true;
  return false;
}

// Does a grant or revoke on `on` (schema, object, columns, arguments) reach target t?
constexpr bool covers(object_kind on, std::string_view schema, std::string_view object,
                      std::string_view arguments, const std::vector<std::string>& columns, const target& t) {
  switch (t.kind) {
    case object_kind::database: return on == object_kind::database;
    case object_kind::schema: return on == object_kind::schema && schema == t.schema;
    case object_kind::table:
      return schema == t.schema &&
             (on == object_kind::all_tables_in_schema || (on == object_kind::table && object == t.object));
    case object_kind::columns:
      return schema == t.schema &&
             (on == object_kind::all_tables_in_schema || (on == object_kind::table && object == t.object) ||
              (on == object_kind::columns && object == t.object && contains(columns, t.column)));
    case object_kind::sequence:
      return schema == t.schema &&
             (on == object_kind::all_sequences_in_schema || (on == object_kind::sequence && object == t.object));
    case object_kind::function:
      return schema == t.schema && (on == object_kind::all_functions_in_schema ||
                                    (on == object_kind::function && object == t.object && arguments == t.arguments));
    default: return false;
  }
}

constexpr bool lists(const std::vector<privilege_kind>& ps, privilege_kind p) {
  for (auto q : ps)
    if (q == p) return true;
  return false;
}

constexpr bool grantee_is(const model::grant& g, bool to_public, std::string_view grantee) {
  return g.to_public == to_public && (to_public || g.grantee == grantee);
}

constexpr bool revoked(const context& x, privilege_kind p, bool to_public, std::string_view grantee, const target& t) {
  for (const auto& r : x.spec->revokes)
    if (lists(r.privileges, p) && grantee_is(r, to_public, grantee) &&
        covers(r.on, r.schema, r.object, r.arguments, r.columns, t))
      return true;
  return false;
}

constexpr bool is_sensitive_for(const context& x, std::string_view schema) {
  for (const auto& s : x.spec->schemas)
    if (s.name == schema && s.sensitive) return !contains(s.readers, x.role);
  return false;
}

// Does the role hold privilege p on t itself (schema USAGE not included)?
constexpr bool holds_here(const context& x, privilege_kind p, const target& t) {
  const model::cluster& c = *x.spec;
  if (t.kind != object_kind::database && is_sensitive_for(x, t.schema)) return false;
  // The spec's grants, to an effective role or to PUBLIC, minus the revokes.
  for (const auto& g : c.grants) {
    if (!lists(g.privileges, p) || !covers(g.on, g.schema, g.object, g.arguments, g.columns, t)) continue;
    if (!(g.to_public || contains(x.effective, g.grantee))) continue;
    if (!revoked(x, p, g.to_public, g.grantee, t)) return true;
  }
  // Server defaults for PUBLIC, unless revoked from PUBLIC.
  const bool public_default =
      (t.kind == object_kind::schema && t.schema == "public" && p == privilege_kind::usage) ||
      (t.kind == object_kind::function && p == privilege_kind::execute) ||
      (t.kind == object_kind::database && (p == privilege_kind::connect || p == privilege_kind::temporary));
  if (public_default && !revoked(x, p, true, {}, t)) return true;
  // Owners.
  if (t.kind == object_kind::schema) {
    for (const auto& s : c.schemas)
      if (s.name == t.schema && !s.owner.empty() && contains(x.effective, s.owner) &&
          (p == privilege_kind::usage || p == privilege_kind::create))
        return true;
  }
  if (t.kind == object_kind::table || t.kind == object_kind::columns) {
    const model::table* tab = x.cat->find(t.schema, t.object);
    if (tab != nullptr && !tab->owner.empty()) {
      if (contains(x.effective, tab->owner)) return true;
      // Default privileges of the table's creator (its owner, see above).
      for (const auto& d : c.default_privileges)
        if (d.creator == tab->owner && d.schema == t.schema && d.on == object_kind::all_tables_in_schema &&
            lists(d.privileges, p) && (d.to_public || contains(x.effective, d.grantee)))
          return true;
    }
  }
  return false;
}

// Privilege p on t, with USAGE on t's schema when t is in one (PostgreSQL's order).
constexpr bool holds(const context& x, privilege_kind p, const target& t) {
  if (t.kind != object_kind::schema && t.kind != object_kind::database &&
      !holds_here(x, privilege_kind::usage, target{object_kind::schema, t.schema}))
    return false;
  return holds_here(x, p, t);
}

// The table-level privileges held on a table (its schema's USAGE aside).
constexpr privilege_set table_privileges(const context& x, std::string_view schema, std::string_view table) {
  privilege_set s;
  for (auto p : privileges_of(object_kind::table))
    if (holds_here(x, p, target{object_kind::table, schema, table})) s |= p;
  return s;
}

// Column-level privilege p on some column the spec names for the table (grants on_columns).
constexpr std::vector<std::string> granted_columns(const context& x, privilege_kind p, std::string_view schema,
                                                   std::string_view table) {
  std::vector<std::string> out;
  const model::table* tab = x.cat->find(schema, table);
  std::vector<std::string> candidates;
  if (tab != nullptr && tab->columns_declared) candidates = tab->columns;
  for (const auto& g : x.spec->grants)
    if (g.on == object_kind::columns && g.schema == schema && g.object == table)
      for (const auto& col : g.columns)
        if (!contains(candidates, col)) candidates.push_back(col);
  for (const auto& col : candidates)
    if (holds_here(x, p, target{object_kind::columns, schema, table, {}, col}) && !contains(out, col))
      out.push_back(col);
  return out;
}

// "SELECT, INSERT, UPDATE (email, name)" or "nothing": what the spec grants the role on a
// table, for the refusal sentences.
constexpr std::string describe_table_grants(const context& x, std::string_view schema, std::string_view table) {
  std::string out;
  const privilege_set whole = table_privileges(x, schema, table);
  for (auto p : privileges_of(object_kind::table)) {
    std::string part;
    if (whole.has(p)) {
      part = std::string(sql_keyword(p));
    } else if (privilege_applies(p, object_kind::columns)) {
      auto cols = granted_columns(x, p, schema, table);
      if (!cols.empty()) {
        part = std::string(sql_keyword(p)) + " (";
        for (std::size_t i = 0; i < cols.size(); ++i) {
          if (i > 0) part += ", ";
          part += cols[i];
        }
        part += ")";
      }
    }
    if (part.empty()) continue;
    if (!out.empty()) out += ", ";
    out += part;
  }
  if (out.empty()) return std::string("nothing");
  return out;
}

}  // namespace access

namespace detail {

template <class Object>
constexpr access::target target_of() {
  using o = object_traits<Object>;
  access::target t;
  t.kind = o::kind;
  if constexpr (!std::is_void_v<typename o::schema>) t.schema = schema_traits<typename o::schema>::name;
  t.object = o::object;
  t.arguments = o::arguments;
  return t;
}

template <class Spec, class Role, class Privilege, class Object>
constexpr bool allows_eval() {
  using o = object_traits<Object>;
  static_assert(privilege<Privilege>, "dsql::allows<Spec, Role, Privilege, Object> takes one privilege such as "
                                      "dsql::select.");
  static_assert(o::well_formed && o::kind != object_kind::all_tables_in_schema &&
                    o::kind != object_kind::all_sequences_in_schema && o::kind != object_kind::all_functions_in_schema,
                "dsql::allows asks about one object: on_database, on_schema<S>, on_table<S, \"t\">, "
                "on_columns<S, \"t\", \"c\"...>, on_sequence<S, \"q\"> or on_function<S, \"f\", \"args\">.");
  const model::cluster c = model_of<cluster_of_t<Spec>>();
  const model::catalog cat = catalog_of<Spec>();
  const access::context x = access::make_context(c, cat, role_traits<Role>::name);
  access::target t = target_of<Object>();
  if constexpr (o::kind == object_kind::columns) {
    for (auto col : o::columns) {
      t.column = col;
      if (!access::holds(x, Privilege::kind, t)) return false;
    }
    return true;
  } else {
    return access::holds(x, Privilege::kind, t);
  }
}

}  // namespace detail

// May Role do Privilege on Object under Spec (a cluster or a catalog)? See above.
template <class Spec, class Role, class Privilege, class Object>
  requires spec_or_catalog<Spec> && declares_role<cluster_of_t<Spec>, Role>
inline constexpr bool allows = detail::allows_eval<Spec, Role, Privilege, Object>();

}  // namespace dsql

#endif  // DSQL_ALLOWS_HPP
