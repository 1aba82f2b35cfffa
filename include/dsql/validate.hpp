// dsql/validate.hpp - the rules at run time: dsql::validate(model) and
// dsql::validate_for(model, target) throw dsql::error with the very sentence the
// compile-time rule quotes (`assert_..._t::message`), for models built by other means
// (the engine, a CLI reading names from its command line, a test). A model made by
// dsql::model_of<Spec>() from a valid spec always passes.
#ifndef DSQL_VALIDATE_HPP
#define DSQL_VALIDATE_HPP

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cluster.hpp"
#include "cluster_rules.hpp"
#include "error.hpp"
#include "grant.hpp"
#include "iam.hpp"
#include "model.hpp"
#include "name.hpp"
#include "privilege.hpp"
#include "role.hpp"
#include "schema.hpp"
#include "target.hpp"

namespace dsql {
namespace detail {

[[noreturn]] inline void fail(std::string_view message) { throw error(std::string(message)); }

constexpr void check_name_or_fail(std::string_view n) {
  if (auto s = check_name(n); s != name_status::ok) fail(name_message(s));
}

constexpr bool is_object_kind_all(object_kind k) noexcept {
  return k == object_kind::all_tables_in_schema || k == object_kind::all_sequences_in_schema ||
         k == object_kind::all_functions_in_schema;
}

constexpr void check_privileges(const std::vector<privilege_kind>& ps, object_kind on) {
  if (!privileges_listed_once(ps)) fail(assert_privileges_listed_once_t::message);
  if (!privileges_fit(ps, on)) fail(assert_privilege_fits_object_t::message);
}

constexpr bool is_reserved_grantee_name(std::string_view n) { return n == admin::name || is_reserved_role_name(n); }

// The rules of one grant or revoke on its own (grant.hpp's type check).
constexpr void check_grant_element(const model::grant& g) {
  if (!g.to_public && is_reserved_grantee_name(g.grantee)) fail(assert_grantee_not_reserved_t::message);
  if (g.on == object_kind::database && (!g.schema.empty() || !g.object.empty())) fail(assert_grant_shape_t::message);
  if (g.on == object_kind::columns && g.columns.empty()) fail(assert_grant_shape_t::message);
  check_privileges(g.privileges, g.on);
  const bool named = g.on == object_kind::table || g.on == object_kind::sequence || g.on == object_kind::function ||
                     g.on == object_kind::columns;
  if (named && check_name(g.object) != name_status::ok) fail(assert_object_name_valid_t::message);
  if (!is_valid_function_arguments(g.arguments)) fail(assert_object_name_valid_t::message);
  if (!column_names_valid(g.columns)) fail(assert_object_name_valid_t::message);
  if (g.to_public && g.with_grant_option) fail(assert_grant_option_to_roles_t::message);
}

constexpr void check_principal(const model::principal& p) {
  if (!is_valid_iam_name(p.name)) fail(assert_iam_name_valid_t::message);
  if (!p.account.empty() && !is_valid_account_id(p.account)) fail(assert_principal_account_bound_t::message);
}

// The rules of each element on its own (validate's first half; below).
constexpr void validate_elements(const model::cluster& c);

}  // namespace detail

// The run-time twin of the compile-time rules of a cluster. Throws dsql::error with the
// rule's sentence. First the rules of each element on its own, as each declaration's type
// check asks them (with the same predicates: check_name, privilege_applies,
// is_valid_iam_name ...), then the rules of the cluster as a whole: first_cluster_rule
// (cluster_rules.hpp), the very function a cluster's type check evaluates.

constexpr void validate(const model::cluster& c) {
  detail::validate_elements(c);
  const detail::model_description d(c);
  if (const cluster_rule_violation v = detail::first_cluster_rule(d.view())) detail::fail(cluster_rule_message(v.rule));
}

constexpr void detail::validate_elements(const model::cluster& c) {
  using detail::fail;
  for (const auto& r : c.roles) {
    detail::check_name_or_fail(r.name);
    if (is_reserved_role_name(r.name)) fail(assert_role_name_not_reserved_t::message);
    if (r.connection_limit && !is_valid_connection_limit(*r.connection_limit)) fail(assert_connection_limit_t::message);
  }
  for (const auto& s : c.schemas) {
    detail::check_name_or_fail(s.name);
    if (is_reserved_schema_name(s.name, s.create)) fail(assert_schema_name_not_reserved_t::message);
  }
  for (const auto& g : c.grants) detail::check_grant_element(g);
  for (const auto& g : c.revokes) detail::check_grant_element(g);
  for (const auto& d : c.default_privileges) {
    if (!detail::is_object_kind_all(d.on)) fail(assert_default_privileges_shape_t::message);
    if (!d.to_public && detail::is_reserved_grantee_name(d.grantee)) fail(assert_grantee_not_reserved_t::message);
    detail::check_privileges(d.privileges, d.on);
    if (d.to_public && d.with_grant_option) fail(assert_grant_option_to_roles_t::message);
  }
  for (const auto& m : c.memberships) {
    if (m.predefined_group || m.group.starts_with("pg_")) fail(assert_group_not_predefined_t::message);
    if (m.group == m.member) fail(assert_membership_shape_t::message);
  }
  for (const auto& m : c.mappings) {
    if (m.role == admin::name) fail(assert_admin_not_mapped_t::message);
    detail::check_principal(m.who);
  }
  for (const auto& a : c.admins) detail::check_principal(a);
  for (const auto& p : c.principals) detail::check_principal(p);
  for (const auto& r : c.retired_roles) {
    detail::check_name_or_fail(r);
    if (is_reserved_role_name(r)) fail(assert_role_name_not_reserved_t::message);
  }
  if (!c.account_id.empty() && !is_valid_account_id(c.account_id)) fail(account_id_message(c.account_id));
  if (!c.region.empty() && !detail::is_valid_region(c.region)) fail(assert_aws_region_valid_t::message);
  if (!c.cluster_id.empty() && !detail::is_valid_cluster_id(c.cluster_id)) fail(assert_cluster_id_valid_t::message);
}

// The rules of a target, once: the first one model c breaks for target t (ok_t's index 0
// when none). Compile time (check_for_t, below) and run time (validate_for) both ask it.
enum class target_rule {
  ok,
  no_password_on_dsql,
  dsql_schema_limit,
  dsql_schema_owner,
  dsql_admin_option,
  dsql_database_privileges,
  dsql_public_schema,
};
namespace detail {
using target_rules_table =
    rule_table<ok_t, assert_no_password_on_dsql_t, assert_dsql_schema_limit_t, assert_dsql_schema_owner_t,
               assert_dsql_admin_option_t, assert_dsql_database_privileges_t, assert_dsql_public_schema_t>;
}  // namespace detail
template <target_rule R>
using target_rule_t = detail::target_rules_table::type<R>;

constexpr std::string_view target_rule_message(target_rule r) noexcept {
  return detail::target_rules_table::message(r);
}

namespace detail {
// The privileges a description grants or revokes (`all` expanded to its object kind's set).
constexpr std::span<const privilege_kind> privileges_in(const grant_desc& d) {
  return d.is_all ? privileges_of(d.on) : d.privileges;
}
}  // namespace detail

// Over the declarations' descriptions (cluster_rules.hpp: a spec's constants at compile
// time, a model's description at run time), so a spec of thousands of grants is checked
// without building its model inside the compiler.
constexpr target_rule first_target_rule(const detail::cluster_desc& c, target t) {
  using detail::grant_desc_kind;
  if (t != target::aurora_dsql) return target_rule::ok;
  for (const auto& r : c.roles)
    if (!r.password_env.empty()) return target_rule::no_password_on_dsql;
  if (c.schemas.size() > dsql_max_schemas) return target_rule::dsql_schema_limit;
  for (const auto& s : c.schemas)
    if (!s.owner.empty()) return target_rule::dsql_schema_owner;
  for (const auto& g : c.grants)
    if (g.kind == grant_desc_kind::membership && g.admin_option) return target_rule::dsql_admin_option;
  for (const auto& g : c.grants)
    if ((g.kind == grant_desc_kind::grant || g.kind == grant_desc_kind::revoke) && g.on == object_kind::database)
      return target_rule::dsql_database_privileges;
  // schema public: USAGE granted to a role or PUBLIC (which holds it there already), CREATE
  // revoked from PUBLIC (which never held it there); grants on the objects in it are fine
  for (const auto& g : c.grants) {
    if (g.on != object_kind::schema || g.schema != "public") continue;
    if (g.kind == grant_desc_kind::grant)
      for (auto p : detail::privileges_in(g))
        if (p != privilege_kind::usage || g.grant_option) return target_rule::dsql_public_schema;
    if (g.kind == grant_desc_kind::revoke)
      for (auto p : detail::privileges_in(g))
        for (std::string_view grantee : g.grantees)
          if (p != privilege_kind::create || !grantee.empty()) return target_rule::dsql_public_schema;
  }
  for (const auto& s : c.schemas)
    if (s.name == "public" && s.sensitive) return target_rule::dsql_public_schema;
  return target_rule::ok;
}

constexpr target_rule first_target_rule(const model::cluster& c, target t) {
  const detail::model_description d(c);
  return first_target_rule(d.view(), t);
}

// validate(c), then the rules of target t.
// The model is described once for both (it is on every render's path).
constexpr void validate_for(const model::cluster& c, target t) {
  detail::validate_elements(c);
  const detail::model_description d(c);
  if (const cluster_rule_violation v = detail::first_cluster_rule(d.view())) detail::fail(cluster_rule_message(v.rule));
  if (const target_rule r = first_target_rule(d.view(), t); r != target_rule::ok) detail::fail(target_rule_message(r));
}

namespace detail {
template <class Spec, target T>
consteval target_rule target_rule_of() {
  if constexpr (!check_t<Spec>::ok)
    return target_rule::ok;  // the spec's own rule is reported first
  else {
    using s = cluster_traits<Spec>;
    using d = descriptions<typename s::roles, typename s::schemas, typename s::grants, typename s::iam>;
    return first_target_rule(cluster_desc{d::roles, d::schemas, d::grants, d::iam, {}}, T);
  }
}
}  // namespace detail

// The check of Spec for target T: its own rules first, then the target's.
template <class Spec, target T>
requires detail::cluster_traits<Spec>::is_cluster using check_for_t =
    detail::first_failure_t<check_t<Spec>, target_rule_t<detail::target_rule_of<Spec, T>()>>;

// Fires the static_assert of the first rule Spec breaks for target T, if any.
template <class Spec, target T>
constexpr bool verify_for() noexcept {
  return detail::fire<check_for_t<Spec, T>>();
}

// Negative-test concept: Spec cannot be rendered for target T.
template <class Spec, target T>
concept cannot_target = detail::cluster_traits<Spec>::is_cluster && !check_for_t<Spec, T>::ok;
template <class Spec, target T, class Rule>
inline constexpr bool fails_for_with = std::is_same_v<detail::rule_of_t<check_for_t<Spec, T>>, Rule>;

// A full principal ARN given at run time: the compile-time rule's sentence when wrong.
inline void validate_principal_arn(std::string_view arn) {
  switch (check_principal_arn(arn)) {
    case arn_status::ok:
      break;
    case arn_status::session:
      detail::fail(assert_principal_not_session_t::message);
    case arn_status::wildcard_account:
      detail::fail(assert_principal_account_bound_t::message);
    case arn_status::malformed:
      detail::fail(assert_iam_arn_valid_t::message);
  }
}

}  // namespace dsql

#endif  // DSQL_VALIDATE_HPP
