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
#include <optional>
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
  std::optional<bool> inherit{};            // INHERIT / NOINHERIT when declared
  std::optional<int> connection_limit{};    // CONNECTION LIMIT when declared (-1: none)
  std::string password_env{};               // postgres_local: password from this variable
  std::string component{};                  // the access matrix's component column
  constexpr bool operator==(const role&) const = default;
};

struct schema {
  std::string name{};
  bool create = true;  // false: an existing schema such as public, never created
  std::string owner{};   // empty: whoever runs the script
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
  std::string grantee{};                     // empty when to_public
  std::string object{};                    // table, sequence or function name (named objects)
  std::string arguments{};                   // function argument types
  std::vector<std::string> columns{};        // object_kind::columns
  bool with_grant_option = false;
  bool to_public = false;                  // PUBLIC, the pseudo-role (not a role named "PUBLIC")
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
  bool predefined_group = false;  // a server role such as pg_read_all_data
  constexpr bool operator==(const membership&) const = default;
};

struct principal {
  principal_kind kind = principal_kind::iam_role;
  std::string name{};     // without account: "AppReadOnlyRole" or "path/Name"
  std::string account{};// empty: the cluster's account (dsql::iam_arn names its own)
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
  std::string region{};    // empty: a render option (default *)
  std::string cluster_id{};// empty: a render option (default *)
  std::vector<grant> revokes{};// REVOKE ... FROM (typically PUBLIC)
  std::vector<default_privilege> default_privileges{};
  std::vector<membership> memberships{};
  std::vector<principal> principals{};  // declared bare in dsql::iam<...>

  constexpr const role* find_role(std::string_view n) const {
    auto it = std::find_if(roles.begin(), roles.end(), [n](const role& r) { return r.name == n; });
    return it == roles.end() ? nullptr : &*it;
  }
  constexpr bool operator==(const cluster&) const = default;
};

}  // namespace model

namespace detail {

template <class R>
constexpr model::role model_role() {
  using t = role_traits<R>;
  model::role r{std::string(t::name), t::can_login, {}, {}, std::string(t::password_env), std::string(t::component)};
  if constexpr (t::inherit >= 0) r.inherit = t::inherit == 1;
  if constexpr (t::declares_connection_limit) r.connection_limit = t::connection_limit;
  return r;
}

template <class R>
constexpr void add_reader(std::vector<std::string>& out) {
  out.emplace_back(role_traits<R>::name);
}
template <class T>
struct readers_of {
  static constexpr void add(std::vector<std::string>&) {}
};
template <class... R>
struct readers_of<sensitive<R...>> {
  static constexpr void add(std::vector<std::string>& out) { (add_reader<R>(out), ...); }
};

template <class S>
constexpr model::schema model_schema() {
  using t = schema_traits<S>;
  model::schema m{std::string(t::name), t::create, {}, t::is_sensitive, {}};
  if constexpr (!std::is_void_v<typename t::owner>) m.owner = std::string(role_traits<typename t::owner>::name);
  if constexpr (t::is_sensitive) readers_of<typename t::sensitivity>::add(m.readers);
  return m;
}

template <class P>
constexpr model::principal model_principal() {
  return {principal_traits<P>::kind, std::string(principal_traits<P>::name), std::string(principal_traits<P>::account)};
}

template <class t>
constexpr std::vector<privilege_kind> expanded_privileges() {
  if constexpr (t::is_all) {
    auto set = privileges_of(t::kind);
    return std::vector<privilege_kind>(set.begin(), set.end());
  } else {
    return std::vector<privilege_kind>(t::kinds.begin(), t::kinds.end());
  }
}

template <class t>
constexpr void add_privilege_grants(std::vector<model::grant>& out) {
  for (std::string_view grantee : t::grantee_names) {
    model::grant g;
    g.privileges = expanded_privileges<t>();
    g.on = t::kind;
    g.schema = std::string(schema_traits<typename t::schema>::name);
    g.grantee = std::string(grantee);
    g.object = std::string(t::object::object);
    g.arguments = std::string(t::object::arguments);
    for (auto c : t::object::columns) g.columns.emplace_back(c);
    g.to_public = grantee.empty();
    g.with_grant_option = t::grantees::grant_option;
    out.push_back(std::move(g));
  }
}

template <class G>
constexpr void add_grants(model::cluster& c) {
  using t = grant_traits<G>;
  if constexpr (requires { t::is_membership; }) {
    c.memberships.push_back({std::string(t::group), std::string(t::member), t::admin_option, t::predefined_group});
  } else if constexpr (requires { typename t::creator; }) {
    for (std::string_view grantee : t::grantee_names) {
      model::default_privilege d;
      d.creator = std::string(role_traits<typename t::creator>::name);
      d.privileges = expanded_privileges<t>();
      d.on = t::kind;
      d.schema = std::string(schema_traits<typename t::schema>::name);
      d.grantee = std::string(grantee);
      d.to_public = grantee.empty();
      d.with_grant_option = t::grantees::grant_option;
      c.default_privileges.push_back(std::move(d));
    }
  } else if constexpr (t::is_revoke) {
    add_privilege_grants<t>(c.revokes);
  } else {
    add_privilege_grants<t>(c.grants);
  }
}

template <class E>
constexpr void add_iam_entry(model::cluster& c) {
  using t = iam_entry_traits<E>;
  if constexpr (t::is_mapping)
    c.mappings.push_back({std::string(role_traits<typename t::role>::name), model_principal<typename t::principal>()});
  else if constexpr (t::is_admin)
    c.admins.push_back(model_principal<typename t::principal>());
  else
    c.principals.push_back(model_principal<typename t::principal>());
}

template <class Roles, class Schemas, class Grants, class Iam>
struct model_builder;

template <class... R, class... S, class... G, class... E>
struct model_builder<roles<R...>, schemas<S...>, grants<G...>, iam<E...>> {
  static constexpr void fill(model::cluster& c) {
    c.roles = {model_role<R>()...};
    c.schemas = {model_schema<S>()...};
    (add_grants<G>(c), ...);
    (add_iam_entry<E>(c), ...);
  }
};

}  // namespace detail

// The model of a spec. The spec is checked first: a broken rule is a compile error.
template <cluster_spec Spec>
constexpr model::cluster model_of() {
  static_assert(verify<Spec>());
  using t = detail::cluster_traits<Spec>;
  model::cluster c;
  c.name = std::string(t::name);
  c.account_id = std::string(t::account_id);
  c.region = std::string(t::region_id);
  c.cluster_id = std::string(t::cluster_id_value);
  if constexpr (valid<Spec>)
    detail::model_builder<typename t::roles, typename t::schemas, typename t::grants, typename t::iam>::fill(c);
  return c;
}

}  // namespace dsql

#endif  // DSQL_MODEL_HPP
