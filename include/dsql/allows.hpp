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
// The one rule of effective privileges in the project: dsql::access::each_source (below)
// enumerates where a role's privileges on an object come from; dsql::allows and
// dsql::statement ask it at compile time, dsql::testing at run time (through model_view,
// with the owners of the live catalog) for the access matrix's expectations.
//
// The answer is computed in constexpr by dsql::access::holds() from the spec's
// descriptions (detail::descriptions in model.hpp: the literal values, one per declaration,
// that dsql::model_of<Cluster>() builds the dsql::model::cluster from - the same roles,
// grants with `all` expanded the same way, revokes, memberships, schemas), computed once per
// spec: reading them allocates nothing, so 100 checked statements do not build 100 models
// (gcc's constant evaluation of std::string and std::vector is slow). PostgreSQL 15's rules:
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

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalog.hpp"
#include "grant.hpp"
#include "model.hpp"
#include "privilege.hpp"

namespace dsql {
namespace access {

using detail::grant_desc;
using detail::grant_desc_kind;

// One object a privilege is asked on. kind: schema, table (table level), columns (the one
// column `column`), sequence, function, database.
struct target {
  object_kind kind = object_kind::table;
  std::string_view schema{};
  std::string_view object{};
  std::string_view arguments{};
  std::string_view column{};
};

// The owner of one live object (kind table for every relation but sequences; schema: object
// is the schema's name and `schema` empty).
struct object_owner {
  object_kind kind = object_kind::table;
  std::string_view schema{}, object{}, arguments{}, owner{};
};

// A spec as its descriptions (static storage, computed once per spec type).
struct spec_view {
  std::span<const detail::role_desc> roles{};
  std::span<const detail::schema_desc> schemas{};
  std::span<const grant_desc> grants{};
  std::span<const detail::table_desc> tables{};
  std::span<const std::string_view> path{};
  bool path_declared = false;
  // Owners the live catalog reports (dsql::testing, through model_view below): objects
  // of any kind, and schemas whose owner the spec does not declare. Empty at compile time.
  std::span<const object_owner> owners{};

  constexpr std::string_view owner_of(object_kind k, std::string_view s, std::string_view o,
                                      std::string_view args = {}) const {
    for (const auto& x : owners)
      if (x.kind == k && x.schema == s && x.object == o && (k != object_kind::function || x.arguments == args))
        return x.owner;
    return {};
  }

  constexpr const detail::table_desc* find_table(std::string_view s, std::string_view t) const {
    for (const auto& d : tables)
      if (d.schema == s && d.name == t) return &d;
    return nullptr;
  }
  // Is any table of schema s declared (then its tables are exactly the declared ones)?
  constexpr bool declares_schema(std::string_view s) const {
    for (const auto& d : tables)
      if (d.schema == s) return true;
    return false;
  }
  constexpr const detail::schema_desc* find_schema(std::string_view s) const {
    for (const auto& d : schemas)
      if (d.name == s) return &d;
    return nullptr;
  }
};

template <class Spec>
constexpr spec_view view_of() {
  using c = cluster_of_t<Spec>;
  static_assert(detail::fire<check_t<c>>());
  using t = detail::cluster_traits<c>;
  using d = detail::descriptions<typename t::roles, typename t::schemas, typename t::grants, typename t::iam>;
  spec_view v{d::roles, d::schemas, d::grants, {}, {}, false};
  if constexpr (requires { typename detail::catalog_parts<Spec>::tables; }) {
    using parts = detail::catalog_parts<Spec>;
    using cd = detail::catalog_descriptions<typename parts::tables, typename parts::path>;
    v.tables = cd::tables;
    v.path = cd::path;
    v.path_declared = parts::path_declared;
  }
  return v;
}

// The roles one role acts with.
struct context {
  const spec_view* spec = nullptr;
  std::string_view role{};
  std::vector<std::string_view> effective{};  // role first, then inherited groups
};

template <class Range>
constexpr bool contains(const Range& v, std::string_view s) {
  for (const auto& x : v)
    if (x == s) return true;
  return false;
}

constexpr bool inherits(const spec_view& v, std::string_view r) {
  for (const auto& d : v.roles)
    if (d.name == r) return d.inherit != 0;  // -1 (not declared): PostgreSQL's INHERIT
  return true;
}

// The role and every group whose privileges it holds without SET ROLE.
constexpr std::vector<std::string_view> effective_roles(const spec_view& v, std::string_view role) {
  std::vector<std::string_view> out{role};
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!inherits(v, out[i])) continue;
    for (const auto& g : v.grants)
      if (g.kind == grant_desc_kind::membership && g.member == out[i] && !contains(out, g.group))
        out.push_back(g.group);
  }
  return out;
}

constexpr context make_context(const spec_view& v, std::string_view role) {
  return {&v, role, effective_roles(v, role)};
}

// Does a grant or revoke (or default privilege) on its object reach target t?
constexpr bool covers(const grant_desc& g, const target& t) {
  switch (t.kind) {
    case object_kind::database:
      return g.on == object_kind::database;
    case object_kind::schema:
      return g.on == object_kind::schema && g.schema == t.schema;
    case object_kind::table:
      return g.schema == t.schema &&
             (g.on == object_kind::all_tables_in_schema || (g.on == object_kind::table && g.object == t.object));
    case object_kind::columns:
      return g.schema == t.schema &&
             (g.on == object_kind::all_tables_in_schema || (g.on == object_kind::table && g.object == t.object) ||
              (g.on == object_kind::columns && g.object == t.object && contains(g.columns, t.column)));
    case object_kind::sequence:
      return g.schema == t.schema &&
             (g.on == object_kind::all_sequences_in_schema || (g.on == object_kind::sequence && g.object == t.object));
    case object_kind::function:
      return g.schema == t.schema &&
             (g.on == object_kind::all_functions_in_schema ||
              (g.on == object_kind::function && g.object == t.object && g.arguments == t.arguments));
    default:
      return false;
  }
}

// The privileges a description grants (`all`: the object kind's whole set, as model_of expands it).
constexpr privilege_set set_of(const grant_desc& g) {
  if (g.is_all) return all_privileges(g.on);
  return privilege_set::of(g.privileges);
}
constexpr bool lists(const grant_desc& g, privilege_kind p) { return set_of(g).has(p); }

// What of `ps` on t is revoked from `grantee` ("" for PUBLIC).
constexpr privilege_set revoked_set(const context& x, std::string_view grantee, const target& t) {
  privilege_set out;
  for (const auto& r : x.spec->grants)
    if (r.kind == grant_desc_kind::revoke && covers(r, t) && contains(r.grantees, grantee)) out |= set_of(r);
  return out;
}

constexpr bool is_sensitive_for(const context& x, std::string_view schema) {
  const detail::schema_desc* s = x.spec->find_schema(schema);
  return s != nullptr && s->sensitive && !contains(s->readers, x.role);
}

// Where a privilege on a target comes from, one source at a time (see each_source).
struct source {
  enum class kind { grant, server_default, owner, default_privileges } from = kind::grant;
  const grant_desc* declaration = nullptr;  // grant and default_privileges
  std::string_view grantee{};               // the effective role or "" (PUBLIC) it reaches through
  std::string_view owner{};                 // owner
};

// The object kind a default privilege on `t` needs (tables for columns too), or none.
constexpr bool default_reaches(const grant_desc& d, const target& t) {
  switch (t.kind) {
    case object_kind::table:
    case object_kind::columns:
      return d.on == object_kind::all_tables_in_schema;
    case object_kind::sequence:
      return d.on == object_kind::all_sequences_in_schema;
    case object_kind::function:
      return d.on == object_kind::all_functions_in_schema;
    default:
      return false;
  }
}

// Calls visit(privileges, source) for every source of privileges the role has on t itself
// (schema USAGE not included): the spec's grants to an effective role or to PUBLIC, minus
// the spec's revokes from that grantee; PostgreSQL's defaults for PUBLIC (USAGE on schema
// public, EXECUTE on functions, CONNECT and TEMPORARY on the database) minus revokes from
// PUBLIC; ownership (every privilege of the kind); default privileges of the object's
// owner (ALTER DEFAULT PRIVILEGES FOR ROLE owner: the owner created it) to an effective
// role or PUBLIC, minus the revokes (the bootstrap re-runs its revokes after migrations).
// Nothing in a sensitive<> schema the role is not listed in. The one rule both
// dsql::allows (compile time) and dsql::testing's expectations (run time) use.
template <class Visit>
constexpr void each_source(const context& x, const target& t, Visit&& visit) {
  const spec_view& v = *x.spec;
  if (t.kind != object_kind::database && is_sensitive_for(x, t.schema)) return;
  auto reaches = [&x](std::string_view grantee) { return grantee.empty() || contains(x.effective, grantee); };
  for (const auto& g : v.grants) {
    if (g.kind != grant_desc_kind::grant || !covers(g, t)) continue;
    for (std::string_view grantee : g.grantees)
      if (reaches(grantee))
        if (const privilege_set ps = set_of(g).minus(revoked_set(x, grantee, t)); !ps.empty())
          visit(ps, source{source::kind::grant, &g, grantee, {}});
  }
  privilege_set defaults;
  if (t.kind == object_kind::schema && t.schema == "public") defaults |= privilege_kind::usage;
  if (t.kind == object_kind::function) defaults |= privilege_kind::execute;
  if (t.kind == object_kind::database) defaults = defaults | privilege_kind::connect | privilege_kind::temporary;
  if (const privilege_set ps = defaults.minus(revoked_set(x, {}, t)); !ps.empty())
    visit(ps, source{source::kind::server_default, nullptr, {}, {}});
  // the owner: the spec's (schemas), the catalog declaration's (tables), the live catalog's
  std::string_view owner;
  if (t.kind == object_kind::schema) {
    if (const detail::schema_desc* s = v.find_schema(t.schema); s != nullptr) owner = s->owner;
    if (owner.empty()) owner = v.owner_of(object_kind::schema, {}, t.schema);
  } else if (t.kind == object_kind::table || t.kind == object_kind::columns) {
    if (const detail::table_desc* tab = v.find_table(t.schema, t.object); tab != nullptr) owner = tab->owner;
    if (owner.empty()) owner = v.owner_of(object_kind::table, t.schema, t.object);
  } else if (t.kind == object_kind::sequence || t.kind == object_kind::function) {
    owner = v.owner_of(t.kind, t.schema, t.object, t.arguments);
  }
  if (owner.empty()) return;
  if (contains(x.effective, owner)) visit(all_privileges(t.kind), source{source::kind::owner, nullptr, {}, owner});
  for (const auto& d : v.grants) {
    if (d.kind != grant_desc_kind::default_privileges || d.creator != owner || d.schema != t.schema ||
        !default_reaches(d, t))
      continue;
    for (std::string_view grantee : d.grantees)
      if (reaches(grantee))
        if (const privilege_set ps = (set_of(d) & all_privileges(t.kind)).minus(revoked_set(x, grantee, t));
            !ps.empty())
          visit(ps, source{source::kind::default_privileges, &d, grantee, {}});
  }
}

// Every privilege the role holds on t itself (schema USAGE not included).
constexpr privilege_set held_here(const context& x, const target& t) {
  privilege_set out;
  each_source(x, t, [&out](privilege_set ps, const source&) { out |= ps; });
  return out;
}

// Does the role hold privilege p on t itself (schema USAGE not included)?
constexpr bool holds_here(const context& x, privilege_kind p, const target& t) { return held_here(x, t).has(p); }

// Privilege p on t, with USAGE on t's schema when t is in one (PostgreSQL's order).
constexpr bool holds(const context& x, privilege_kind p, const target& t) {
  if (t.kind != object_kind::schema && t.kind != object_kind::database &&
      !holds_here(x, privilege_kind::usage, target{object_kind::schema, t.schema}))
    return false;
  return holds_here(x, p, t);
}

// The table-level privileges held on a table (its schema's USAGE aside).
constexpr privilege_set table_privileges(const context& x, std::string_view schema, std::string_view table) {
  return held_here(x, target{object_kind::table, schema, table});
}

// The columns of a table the role holds p on (the catalog's columns and those the spec's
// column grants name).
constexpr std::vector<std::string_view> granted_columns(const context& x, privilege_kind p, std::string_view schema,
                                                        std::string_view table) {
  std::vector<std::string_view> candidates, out;
  const detail::table_desc* tab = x.spec->find_table(schema, table);
  if (tab != nullptr && tab->columns_declared)
    for (auto c : tab->columns) candidates.push_back(c);
  for (const auto& g : x.spec->grants)
    if (g.on == object_kind::columns && g.schema == schema && g.object == table)
      for (auto col : g.columns)
        if (!contains(candidates, col)) candidates.push_back(col);
  for (auto col : candidates)
    if (holds_here(x, p, target{object_kind::columns, schema, table, {}, col})) out.push_back(col);
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
          part += std::string(cols[i]);
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

// A spec_view of a dsql::model::cluster made at run time, with the owners a live catalog
// reports: how dsql::testing asks each_source() what a role should hold on the objects it
// finds (the same rule dsql::allows answers at compile time). Holds string_views into the
// model and the owners' strings: both must outlive it. `normalize_arguments` maps a
// function grant's declared argument types to the catalog's spelling (nullptr: as written).
class model_view {
 public:
  struct owned {
    object_kind kind = object_kind::table;
    std::string schema, object, arguments, owner;
  };

  model_view(const model::cluster& m, std::vector<owned> owners,
             std::string (*normalize_arguments)(std::string_view) = nullptr)
      : owned_(std::move(owners)), described_(m, normalize_arguments) {
    for (const auto& o : owned_) owners_.push_back({o.kind, o.schema, o.object, o.arguments, o.owner});
    const detail::cluster_desc d = described_.view();
    view_ = spec_view{d.roles, d.schemas, d.grants, {}, {}, false, owners_};
  }
  model_view(const model_view&) = delete;
  model_view& operator=(const model_view&) = delete;

  [[nodiscard]] const spec_view& view() const noexcept { return view_; }

 private:
  std::vector<owned> owned_;
  detail::model_description described_;  // the model's declarations, as the cluster rules read them
  std::vector<object_owner> owners_;
  spec_view view_;
};

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

template <class Spec>
struct spec_view_of {
  static constexpr access::spec_view value = access::view_of<Spec>();
};

template <class Spec, class Role, class Privilege, class Object>
constexpr bool allows_eval() {
  using o = object_traits<Object>;
  static_assert(privilege<Privilege>,
                "dsql::allows<Spec, Role, Privilege, Object> takes one privilege such as "
                "dsql::select.");
  static_assert(o::well_formed && o::kind != object_kind::all_tables_in_schema &&
                    o::kind != object_kind::all_sequences_in_schema && o::kind != object_kind::all_functions_in_schema,
                "dsql::allows asks about one object: on_database, on_schema<S>, on_table<S, \"t\">, "
                "on_columns<S, \"t\", \"c\"...>, on_sequence<S, \"q\"> or on_function<S, \"f\", \"args\">.");
  const access::context x = access::make_context(spec_view_of<Spec>::value, role_traits<Role>::name);
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
