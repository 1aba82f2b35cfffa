// dsql/model.hpp - the run-time model of a spec: plain values the renderers walk.
//
// dsql::model_of<Spec>() turns a checked cluster type into a model::cluster (vectors of
// plain structs, in declaration order; a grant to several roles becomes one entry per
// role). It is constexpr (C++20 transient allocation), so a rendering can be compared
// with a constant in a static_assert, and it is what a run-time program may build by
// other means (a plan engine, a test).
#ifndef DSQL_MODEL_HPP
#define DSQL_MODEL_HPP

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "cluster.hpp"
#include "iam.hpp"
#include "privilege.hpp"

namespace dsql {
namespace model {

struct role {
  std::string name;
  bool login = false;
  constexpr bool operator==(const role&) const = default;
};

struct schema {
  std::string name;
  bool create = true;  // false: an existing schema such as public, never created
  constexpr bool operator==(const schema&) const = default;
};

struct grant {
  std::vector<privilege_kind> privileges;
  object_kind on = object_kind::schema;
  std::string schema;
  std::string grantee;
  constexpr bool operator==(const grant&) const = default;
};

struct principal {
  principal_kind kind = principal_kind::iam_role;
  std::string name;  // without account: "AppReadOnlyRole" or "path/Name"
  constexpr std::string arn(std::string_view account_id) const { return principal_arn(kind, account_id, name); }
  constexpr bool operator==(const principal&) const = default;
};

struct mapping {
  std::string role;
  principal who;
  constexpr bool operator==(const mapping&) const = default;
};

struct cluster {
  std::string name;
  std::string account_id;  // empty: to be given at render time
  std::vector<role> roles;
  std::vector<schema> schemas;
  std::vector<grant> grants;
  std::vector<mapping> mappings;
  std::vector<principal> admins;

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
  return {std::string(role_traits<R>::name), role_traits<R>::can_login};
}

template <class S>
constexpr model::schema model_schema() {
  return {std::string(schema_traits<S>::name), schema_traits<S>::create};
}

template <class P>
constexpr model::principal model_principal() {
  return {principal_traits<P>::kind, std::string(principal_traits<P>::name)};
}

template <class G>
constexpr void add_grants(std::vector<model::grant>& out) {
  using t = grant_traits<G>;
  for (std::string_view grantee : t::grantee_names) {
    model::grant g;
    g.privileges.assign(t::kinds.begin(), t::kinds.end());
    g.on = t::kind;
    g.schema = std::string(schema_traits<typename t::schema>::name);
    g.grantee = std::string(grantee);
    out.push_back(std::move(g));
  }
}

template <class E>
constexpr void add_iam_entry(model::cluster& c) {
  using t = iam_entry_traits<E>;
  if constexpr (t::is_mapping)
    c.mappings.push_back({std::string(role_traits<typename t::role>::name), model_principal<typename t::principal>()});
  else
    c.admins.push_back(model_principal<typename t::principal>());
}

template <class Roles, class Schemas, class Grants, class Iam>
struct model_builder;

template <class... R, class... S, class... G, class... E>
struct model_builder<roles<R...>, schemas<S...>, grants<G...>, iam<E...>> {
  static constexpr void fill(model::cluster& c) {
    c.roles = {model_role<R>()...};
    c.schemas = {model_schema<S>()...};
    (add_grants<G>(c.grants), ...);
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
  if constexpr (valid<Spec>)
    detail::model_builder<typename t::roles, typename t::schemas, typename t::grants, typename t::iam>::fill(c);
  return c;
}

}  // namespace dsql

#endif  // DSQL_MODEL_HPP
