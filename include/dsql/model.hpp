// dsql/model.hpp - the run-time model of a spec: plain values the renderers walk.
//
// dsql::model_of<Spec>() turns a checked cluster type into a model::cluster (vectors of
// plain structs, in declaration order; a grant to several roles becomes one entry per
// role). It is constexpr (C++20 transient allocation), so a rendering can be compared
// with a constant in a static_assert, and it is what a run-time program may build by
// other means (a plan engine, a test). Fields are only ever added (the engine reads the
// first cut's fields with their first meanings); dsql::validate(model) and
// dsql::validate_for(model, target) check a model with the compile-time rules' sentences.
#ifndef DSQL_MODEL_HPP
#define DSQL_MODEL_HPP

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cluster.hpp"
#include "iam.hpp"
#include "privilege.hpp"

namespace dsql {
namespace model {

struct role {
  std::string name{};
  bool login = false;
  std::optional<bool> inherit{};          // INHERIT / NOINHERIT when declared
  std::optional<int> connection_limit{};  // CONNECTION LIMIT when declared (-1: none)
  std::string password_env{};             // postgres_local: password from this variable
  std::string component{};                // the access matrix's component column
  constexpr bool operator==(const role&) const = default;
};

struct schema {
  std::string name{};
  bool create = true;   // false: an existing schema such as public, never created
  std::string owner{};  // empty: whoever runs the script
  bool sensitive = false;
  std::vector<std::string> readers{};  // sensitive: the only roles that may be granted on it
  constexpr bool operator==(const schema&) const = default;
};

// A grant (or, in cluster::revokes, a revoke) of privileges on one object or on all
// objects of a kind in a schema.
struct grant {
  std::vector<privilege_kind> privileges{};  // `all` is expanded to the object kind's set
  object_kind on = object_kind::schema;
  std::string schema{};
  std::string grantee{};               // empty when to_public
  std::string object{};                // table, sequence or function name (named objects)
  std::string arguments{};             // function argument types
  std::vector<std::string> columns{};  // object_kind::columns
  bool with_grant_option = false;
  bool to_public = false;  // PUBLIC, the pseudo-role (not a role named "PUBLIC")
  constexpr bool operator==(const grant&) const = default;
};

// ALTER DEFAULT PRIVILEGES FOR ROLE creator IN SCHEMA schema GRANT ... ON TABLES|SEQUENCES|FUNCTIONS.
struct default_privilege {
  std::string creator{};
  std::vector<privilege_kind> privileges{};
  object_kind on = object_kind::all_tables_in_schema;  // all_{tables,sequences,functions}_in_schema
  std::string schema{};
  std::string grantee{};  // empty when to_public
  bool with_grant_option = false;
  bool to_public = false;
  constexpr bool operator==(const default_privilege&) const = default;
};

// GRANT group TO member [WITH ADMIN OPTION].
struct membership {
  std::string group{};
  std::string member{};
  bool admin_option = false;
  bool predefined_group = false;  // a server role such as pg_read_all_data: refused by validate
  constexpr bool operator==(const membership&) const = default;
};

struct principal {
  principal_kind kind = principal_kind::iam_role;
  std::string name{};     // without account: "AppReadOnlyRole" or "path/Name"
  std::string account{};  // empty: the cluster's account (dsql::iam_arn names its own)
  constexpr std::string arn(std::string_view account_id) const {
    if (!account.empty()) return principal_arn(kind, account, name);
    return principal_arn(kind, account_id, name);
  }
  constexpr bool operator==(const principal&) const = default;
};

struct mapping {
  std::string role{};
  principal who{};
  constexpr bool operator==(const mapping&) const = default;
};

struct cluster {
  std::string name{};
  std::string account_id{};  // empty: to be given at render time
  std::vector<role> roles{};
  std::vector<schema> schemas{};
  std::vector<grant> grants{};
  std::vector<mapping> mappings{};
  std::vector<principal> admins{};
  // Added after the first cut.
  std::string region{};          // empty: a render option (default *)
  std::string cluster_id{};      // empty: a render option (default *)
  std::vector<grant> revokes{};  // REVOKE ... FROM (typically PUBLIC)
  std::vector<default_privilege> default_privileges{};
  std::vector<membership> memberships{};
  std::vector<principal> principals{};  // declared bare in dsql::iam<...>
  // Added for the plan/apply engine: roles that must not exist, removed in one apply
  // (privilege-bugs P7). A DSL spec lists what it has, so model_of never fills it; JSON
  // specs do. The static bootstrap refuses a model with retired roles (the engine's job).
  std::vector<std::string> retired_roles{};

  constexpr const role* find_role(std::string_view n) const {
    auto it = std::find_if(roles.begin(), roles.end(), [n](const role& r) { return r.name == n; });
    return it == roles.end() ? nullptr : &*it;
  }
  constexpr bool operator==(const cluster&) const = default;
};

}  // namespace model

namespace detail {

// Each declaration is first described by a literal value (string views into the
// type's constants, fixed arrays), computed at compile time; one non-template loop then
// builds the model from the descriptions. No code is generated per declaration, which
// keeps compile time and object size linear and small for specs of 1,000 grants.
struct role_desc {
  std::string_view name;
  bool login = false;
  int inherit = -1;
  bool has_limit = false;
  int limit = -1;
  std::string_view password_env, component;
};

template <class R>
consteval role_desc describe_role() {
  using t = role_traits<R>;
  return {t::name,         t::can_login, t::inherit, t::declares_connection_limit, t::connection_limit,
          t::password_env, t::component};
}

template <class T>
struct readers_of {
  static constexpr std::array<std::string_view, 0> names{};
};
template <class... R>
struct readers_of<sensitive<R...>> {
  static constexpr std::array<std::string_view, sizeof...(R)> names{role_traits<R>::name...};
};

struct schema_desc {
  std::string_view name;
  bool create = true;
  std::string_view owner;
  bool sensitive = false;
  std::span<const std::string_view> readers;
};

template <class S>
consteval schema_desc describe_schema() {
  using t = schema_traits<S>;
  schema_desc d{t::name, t::create, {}, t::is_sensitive, readers_of<typename t::sensitivity>::names};
  if constexpr (!std::is_void_v<typename t::owner>) d.owner = role_traits<typename t::owner>::name;
  return d;
}

enum class grant_desc_kind { grant, revoke, default_privileges, membership };

struct grant_desc {
  grant_desc_kind kind = grant_desc_kind::grant;
  std::span<const privilege_kind> privileges;  // empty with is_all
  bool is_all = false;
  object_kind on = object_kind::schema;
  std::string_view schema, object, arguments;
  std::span<const std::string_view> columns;
  std::span<const std::string_view> grantees;  // "" for PUBLIC
  bool grant_option = false;
  std::string_view creator;        // default privileges
  std::string_view group, member;  // membership
  bool admin_option = false, predefined_group = false;
};

template <class G>
consteval grant_desc describe_grant() {
  using t = grant_traits<G>;
  grant_desc d;
  if constexpr (requires { t::is_membership; }) {
    d.kind = grant_desc_kind::membership;
    d.group = t::group;
    d.member = t::member;
    d.admin_option = t::admin_option;
    d.predefined_group = t::predefined_group;
  } else {
    if constexpr (requires { typename t::creator; }) {
      d.kind = grant_desc_kind::default_privileges;
      d.creator = role_traits<typename t::creator>::name;
    } else {
      d.kind = t::is_revoke ? grant_desc_kind::revoke : grant_desc_kind::grant;
    }
    d.privileges = t::kinds;
    d.is_all = t::is_all;
    d.on = t::kind;
    d.schema = schema_traits<typename t::schema>::name;
    d.object = t::object::object;
    d.arguments = t::object::arguments;
    d.columns = t::object::columns;
    d.grantees = t::grantee_names;
    d.grant_option = t::grantees::grant_option;
  }
  return d;
}

struct principal_desc {
  principal_kind kind = principal_kind::iam_role;
  std::string_view name, account;
};
struct iam_desc {
  int which = 0;  // 0 mapping, 1 admin, 2 declared principal
  std::string_view role;
  principal_desc who;
};

template <class E>
consteval iam_desc describe_iam() {
  using t = iam_entry_traits<E>;
  using p = principal_traits<typename t::principal>;
  iam_desc d{t::is_mapping ? 0 : (t::is_admin ? 1 : 2), {}, {p::kind, p::name, p::account}};
  if constexpr (t::is_mapping) d.role = role_traits<typename t::role>::name;
  return d;
}

template <class Roles, class Schemas, class Grants, class Iam>
struct descriptions;

template <class... R, class... S, class... G, class... E>
struct descriptions<roles<R...>, schemas<S...>, grants<G...>, iam<E...>> {
  static constexpr std::array<role_desc, sizeof...(R)> roles{describe_role<R>()...};
  static constexpr std::array<schema_desc, sizeof...(S)> schemas{describe_schema<S>()...};
  static constexpr std::array<grant_desc, sizeof...(G)> grants{describe_grant<G>()...};
  static constexpr std::array<iam_desc, sizeof...(E)> iam{describe_iam<E>()...};
};

constexpr model::principal model_principal(const principal_desc& p) {
  return {p.kind, std::string(p.name), std::string(p.account)};
}

constexpr std::vector<privilege_kind> expanded_privileges(const grant_desc& d) {
  std::span<const privilege_kind> set = d.is_all ? privileges_of(d.on) : d.privileges;
  return std::vector<privilege_kind>(set.begin(), set.end());
}

// The one loop that builds a model from the descriptions.
constexpr void fill_model(model::cluster& c, std::span<const role_desc> roles, std::span<const schema_desc> schemas,
                          std::span<const grant_desc> grants, std::span<const iam_desc> iam) {
  c.roles.reserve(roles.size());
  for (const auto& r : roles) {
    model::role m{std::string(r.name), r.login, {}, {}, std::string(r.password_env), std::string(r.component)};
    if (r.inherit >= 0) m.inherit = r.inherit == 1;
    if (r.has_limit) m.connection_limit = r.limit;
    c.roles.push_back(std::move(m));
  }
  c.schemas.reserve(schemas.size());
  for (const auto& s : schemas) {
    model::schema m{std::string(s.name), s.create, std::string(s.owner), s.sensitive, {}};
    for (auto r : s.readers) m.readers.emplace_back(r);
    c.schemas.push_back(std::move(m));
  }
  c.grants.reserve(grants.size());
  for (const auto& d : grants) {
    if (d.kind == grant_desc_kind::membership) {
      c.memberships.push_back({std::string(d.group), std::string(d.member), d.admin_option, d.predefined_group});
      continue;
    }
    for (std::string_view grantee : d.grantees) {
      if (d.kind == grant_desc_kind::default_privileges) {
        model::default_privilege m;
        m.creator = std::string(d.creator);
        m.privileges = expanded_privileges(d);
        m.on = d.on;
        m.schema = std::string(d.schema);
        m.grantee = std::string(grantee);
        m.to_public = grantee.empty();
        m.with_grant_option = d.grant_option;
        c.default_privileges.push_back(std::move(m));
        continue;
      }
      model::grant g;
      g.privileges = expanded_privileges(d);
      g.on = d.on;
      g.schema = std::string(d.schema);
      g.grantee = std::string(grantee);
      g.object = std::string(d.object);
      g.arguments = std::string(d.arguments);
      for (auto col : d.columns) g.columns.emplace_back(col);
      g.to_public = grantee.empty();
      g.with_grant_option = d.grant_option;
      (d.kind == grant_desc_kind::revoke ? c.revokes : c.grants).push_back(std::move(g));
    }
  }
  for (const auto& e : iam) {
    if (e.which == 0)
      c.mappings.push_back({std::string(e.role), model_principal(e.who)});
    else if (e.which == 1)
      c.admins.push_back(model_principal(e.who));
    else
      c.principals.push_back(model_principal(e.who));
  }
}

}  // namespace detail

// The model of a spec. The spec is checked first: a broken rule is a compile error.
template <cluster_spec Spec>
constexpr model::cluster model_of() {
  static_assert(detail::fire<check_t<Spec>>());
  using t = detail::cluster_traits<Spec>;
  model::cluster c;
  c.name = std::string(t::name);
  c.account_id = std::string(t::account_id);
  c.region = std::string(t::region_id);
  c.cluster_id = std::string(t::cluster_id_value);
  if constexpr (valid<Spec>) {
    using d = detail::descriptions<typename t::roles, typename t::schemas, typename t::grants, typename t::iam>;
    detail::fill_model(c, d::roles, d::schemas, d::grants, d::iam);
  }
  return c;
}

}  // namespace dsql

// The cluster's rules over this model, also asked by the cluster's type check.
#include "cluster_rules.hpp"

#endif  // DSQL_MODEL_HPP
