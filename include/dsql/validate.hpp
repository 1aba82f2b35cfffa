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
namespace messages {
inline constexpr std::string_view role_declared_and_retired =
    "A role is either declared or retired, never both (a retired role is dropped by the engine).";
}  // namespace messages
namespace detail {

[[noreturn]] inline void fail(std::string_view message) { throw error(std::string(message)); }

constexpr void check_name_or_fail(std::string_view n) {
  if (auto s = check_name(n); s != name_status::ok) fail(name_message(s));
}

constexpr bool is_object_kind_all(object_kind k) noexcept {
  return k == object_kind::all_tables_in_schema || k == object_kind::all_sequences_in_schema ||
         k == object_kind::all_functions_in_schema;
}

template <class G>
constexpr void check_privileges(const std::vector<privilege_kind>& ps, object_kind on) {
  if (ps.empty()) fail(assert_privileges_listed_once_t::message);
  for (std::size_t i = 0; i < ps.size(); ++i) {
    for (std::size_t j = i + 1; j < ps.size(); ++j)
      if (ps[i] == ps[j]) fail(assert_privileges_listed_once_t::message);
    if (!privilege_applies(ps[i], on)) fail(assert_privilege_fits_object_t::message);
  }
}

constexpr bool has_cycle_at_run_time(const std::vector<model::membership>& ms) {
  for (const auto& start : ms) {
    std::vector<std::string_view> frontier{start.member};
    std::vector<bool> seen(ms.size(), false);
    for (std::size_t head = 0; head < frontier.size(); ++head)
      for (std::size_t e = 0; e < ms.size(); ++e) {
        if (seen[e] || ms[e].member != frontier[head]) continue;
        seen[e] = true;
        if (ms[e].group == start.member) return true;
        frontier.push_back(ms[e].group);
      }
  }
  return false;
}

// Sorted names for logarithmic lookups (validate is linear-logarithmic in the spec).
struct name_index {
  std::vector<std::string_view> names;
  constexpr bool contains(std::string_view n) const { return std::binary_search(names.begin(), names.end(), n); }
  constexpr bool has_duplicate() const { return std::adjacent_find(names.begin(), names.end()) != names.end(); }
};
template <class T>
constexpr name_index index_names(const std::vector<T>& items) {
  name_index ix;
  ix.names.reserve(items.size());
  for (const auto& i : items) ix.names.push_back(i.name);
  std::sort(ix.names.begin(), ix.names.end());
  return ix;
}

}  // namespace detail

// The run-time twin of the compile-time rules of a cluster. Throws dsql::error.
constexpr void validate(const model::cluster& c) {
  using detail::fail;
  const detail::name_index roles = detail::index_names(c.roles);
  for (const auto& r : c.roles) {
    detail::check_name_or_fail(r.name);
    if (is_reserved_role_name(r.name)) fail(assert_role_name_not_reserved_t::message);
    if (r.connection_limit && *r.connection_limit < -1) fail(assert_connection_limit_t::message);
  }
  if (roles.has_duplicate()) fail(assert_role_names_unique_t::message);
  auto find_schema = [&c](std::string_view n) -> const model::schema* {
    for (const auto& s : c.schemas)
      if (s.name == n) return &s;
    return nullptr;
  };
  const detail::name_index schemas = detail::index_names(c.schemas);
  for (const auto& s : c.schemas) {
    detail::check_name_or_fail(s.name);
    if (s.create && s.name.starts_with("pg_")) fail(assert_schema_name_not_reserved_t::message);
    if (!s.owner.empty() && !roles.contains(s.owner)) fail(assert_schema_owner_declared_t::message);
  }
  if (schemas.has_duplicate()) fail(assert_schema_names_unique_t::message);
  auto check_grant = [&](const model::grant& g) {
    if (!g.to_public) {
      if (g.grantee == "admin" || is_reserved_role_name(g.grantee)) fail(assert_grantee_not_reserved_t::message);
      if (!roles.contains(g.grantee)) fail(assert_grantee_declared_t::message);
    }
    const model::schema* s = g.on == object_kind::database ? nullptr : find_schema(g.schema);
    if (!s && g.on != object_kind::database) fail(assert_grant_schema_declared_t::message);
    if (g.on == object_kind::database && (!g.schema.empty() || !g.object.empty())) fail(assert_grant_shape_t::message);
    detail::check_privileges<void>(g.privileges, g.on);
    const bool named = g.on == object_kind::table || g.on == object_kind::sequence || g.on == object_kind::function ||
                       g.on == object_kind::columns;
    if (named && check_name(g.object) != name_status::ok) fail(assert_object_name_valid_t::message);
    if (!is_valid_function_arguments(g.arguments)) fail(assert_object_name_valid_t::message);
    if (g.on == object_kind::columns && g.columns.empty()) fail(assert_grant_shape_t::message);
    if (!column_names_valid(g.columns)) fail(assert_object_name_valid_t::message);
    if (g.to_public && g.with_grant_option) fail(assert_grant_option_to_roles_t::message);
    return s;
  };
  auto sensitive_ok = [](const model::schema& s, const std::string& grantee, bool to_public) {
    if (!s.sensitive) return true;
    if (to_public) return false;
    for (const auto& r : s.readers)
      if (r == grantee) return true;
    return false;
  };
  for (const auto& g : c.grants) {
    const model::schema* s = check_grant(g);
    if (s && !sensitive_ok(*s, g.grantee, g.to_public)) fail(assert_sensitive_schema_reader_t::message);
  }
  for (const auto& g : c.revokes) {
    const model::schema* s = check_grant(g);
    if (s && g.on == object_kind::schema && !g.to_public && !s->owner.empty() && g.grantee == s->owner)
      fail(assert_revoke_not_from_schema_owner_t::message);
  }
  for (const auto& d : c.default_privileges) {
    if (!detail::is_object_kind_all(d.on)) fail(assert_default_privileges_shape_t::message);
    if (!roles.contains(d.creator)) fail(assert_creator_declared_t::message);
    if (!d.to_public) {
      if (d.grantee == "admin" || is_reserved_role_name(d.grantee)) fail(assert_grantee_not_reserved_t::message);
      if (!roles.contains(d.grantee)) fail(assert_grantee_declared_t::message);
    }
    const model::schema* s = find_schema(d.schema);
    if (!s) fail(assert_grant_schema_declared_t::message);
    detail::check_privileges<void>(d.privileges, d.on);
    if (d.to_public && d.with_grant_option) fail(assert_grant_option_to_roles_t::message);
    if (!sensitive_ok(*s, d.grantee, d.to_public)) fail(assert_sensitive_schema_reader_t::message);
  }
  for (const auto& m : c.memberships) {
    if (m.group == m.member) fail(assert_membership_shape_t::message);
    if (m.predefined_group || m.group.starts_with("pg_")) fail(assert_group_not_predefined_t::message);
    if (!roles.contains(m.group)) fail(assert_grantee_declared_t::message);
    if (!roles.contains(m.member)) fail(assert_grantee_declared_t::message);
  }
  if (detail::has_cycle_at_run_time(c.memberships)) fail(assert_membership_acyclic_t::message);
  for (const auto& m : c.memberships)
    for (const auto& s : c.schemas)
      if (s.sensitive && sensitive_ok(s, m.group, false) && !sensitive_ok(s, m.member, false))
        fail(assert_sensitive_schema_reader_t::message);
  auto check_principal = [](const model::principal& p) {
    if (!is_valid_iam_name(p.name)) fail(assert_iam_name_valid_t::message);
    if (!p.account.empty() && !is_valid_account_id(p.account)) fail(assert_principal_account_bound_t::message);
  };
  for (std::size_t i = 0; i < c.mappings.size(); ++i)
    for (std::size_t j = i + 1; j < c.mappings.size(); ++j)
      if (c.mappings[i] == c.mappings[j]) fail(assert_iam_entries_unique_t::message);
  for (std::size_t i = 0; i < c.admins.size(); ++i)
    for (std::size_t j = i + 1; j < c.admins.size(); ++j)
      if (c.admins[i] == c.admins[j]) fail(assert_iam_entries_unique_t::message);
  for (const auto& m : c.mappings) {
    if (m.role == admin::name) fail(assert_admin_not_mapped_t::message);
    const model::role* r = c.find_role(m.role);
    if (!r) fail(assert_mapped_role_declared_t::message);
    if (!r->login) fail(assert_mapped_role_has_login_t::message);
    check_principal(m.who);
  }
  for (const auto& a : c.admins) {
    check_principal(a);
    for (const auto& m : c.mappings)
      if (m.who == a) fail(assert_admin_identity_not_mapped_t::message);
  }
  for (const auto& p : c.principals) {
    check_principal(p);
    bool used = false;
    for (const auto& m : c.mappings) used = used || m.who == p;
    for (const auto& a : c.admins) used = used || a == p;
    if (!used) fail(assert_principal_mapped_t::message);
  }
  for (const auto& r : c.retired_roles) {
    detail::check_name_or_fail(r);
    if (is_reserved_role_name(r)) fail(assert_role_name_not_reserved_t::message);
    if (roles.contains(r)) fail(messages::role_declared_and_retired);
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
template <target_rule R>
using target_rule_t =
    detail::type_at_t<static_cast<std::size_t>(R), ok_t, assert_no_password_on_dsql_t, assert_dsql_schema_limit_t,
                      assert_dsql_schema_owner_t, assert_dsql_admin_option_t, assert_dsql_database_privileges_t,
                      assert_dsql_public_schema_t>;

constexpr std::string_view target_rule_message(target_rule r) noexcept {
  switch (r) {
    case target_rule::ok:
      return {};
    case target_rule::no_password_on_dsql:
      return assert_no_password_on_dsql_t::message;
    case target_rule::dsql_schema_limit:
      return assert_dsql_schema_limit_t::message;
    case target_rule::dsql_schema_owner:
      return assert_dsql_schema_owner_t::message;
    case target_rule::dsql_admin_option:
      return assert_dsql_admin_option_t::message;
    case target_rule::dsql_database_privileges:
      return assert_dsql_database_privileges_t::message;
    case target_rule::dsql_public_schema:
      return assert_dsql_public_schema_t::message;
  }
  return {};
}

constexpr target_rule first_target_rule(const model::cluster& c, target t) {
  if (t != target::aurora_dsql) return target_rule::ok;
  for (const auto& r : c.roles)
    if (!r.password_env.empty()) return target_rule::no_password_on_dsql;
  if (c.schemas.size() > dsql_max_schemas) return target_rule::dsql_schema_limit;
  for (const auto& s : c.schemas)
    if (!s.owner.empty()) return target_rule::dsql_schema_owner;
  for (const auto& m : c.memberships)
    if (m.admin_option) return target_rule::dsql_admin_option;
  for (const auto& g : c.grants)
    if (g.on == object_kind::database) return target_rule::dsql_database_privileges;
  for (const auto& g : c.revokes)
    if (g.on == object_kind::database) return target_rule::dsql_database_privileges;
  // schema public: USAGE granted to a role or PUBLIC (which holds it there already), CREATE
  // revoked from PUBLIC (which never held it there); grants on the objects in it are fine
  for (const auto& g : c.grants)
    if (g.on == object_kind::schema && g.schema == "public")
      for (auto p : g.privileges)
        if (p != privilege_kind::usage || g.with_grant_option) return target_rule::dsql_public_schema;
  for (const auto& g : c.revokes)
    if (g.on == object_kind::schema && g.schema == "public")
      for (auto p : g.privileges)
        if (p != privilege_kind::create || !g.to_public) return target_rule::dsql_public_schema;
  for (const auto& s : c.schemas)
    if (s.name == "public" && s.sensitive) return target_rule::dsql_public_schema;
  return target_rule::ok;
}

// validate(c), then the rules of target t.
constexpr void validate_for(const model::cluster& c, target t) {
  validate(c);
  if (const target_rule r = first_target_rule(c, t); r != target_rule::ok) detail::fail(target_rule_message(r));
}

namespace detail {
template <class Spec, target T>
consteval target_rule target_rule_of() {
  if constexpr (!check_t<Spec>::ok)
    return target_rule::ok;  // the spec's own rule is reported first
  else
    return first_target_rule(model_of<Spec>(), T);
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
