// dsql/role.hpp - database roles and their attributes.
//
//   using app_readonly = dsql::role<"app_readonly", dsql::login>;
//   using batch_owner  = dsql::role<"batch_owner">;            // NOLOGIN (the default)
//   using worker = dsql::role<"worker", dsql::login, dsql::noinherit, dsql::connection_limit<20>,
//                             dsql::component<"Batch worker">>;
//
// Options, each at most once: dsql::login | dsql::nologin (default NOLOGIN),
// dsql::inherit | dsql::noinherit (default: left as PostgreSQL's INHERIT and not
// enforced), dsql::connection_limit<N> (N >= -1; -1 = no limit), dsql::password_from_env<"VAR">
// (postgres_local only: DSQL authenticates with IAM tokens, never passwords),
// dsql::component<"text"> (the component column of the access matrix).
// dsql::superuser, dsql::replication and dsql::bypassrls exist only to be refused.
//
// A role is created when missing and its declared attributes are set when they differ.
// `dsql::admin` names DSQL's predefined admin role: it is never created, granted to or
// mapped (its IAM identity gets DbConnectAdmin, see iam.hpp). dsql::predefined_role<"pg_...">
// names a role of the server (pg_read_all_data, ...) only to be refused: it is never
// granted privileges nor made a group of a declared role (DSQL's admin cannot grant it).
#ifndef DSQL_ROLE_HPP
#define DSQL_ROLE_HPP

#include <array>
#include <string_view>
#include <type_traits>

#include "detail/rule.hpp"
#include "fixed_string.hpp"
#include "name.hpp"

namespace dsql {

// Role options.
struct login {};
struct nologin {};
struct inherit {};
struct noinherit {};
template <int N>
struct connection_limit {
  static constexpr int value = N;
};
template <fixed_string Var>
struct password_from_env {
  static constexpr std::string_view variable = Var.view();
};
template <fixed_string Text>
struct component {
  static constexpr std::string_view text = Text.view();
};
// Attributes no declared role may have.
struct superuser {};
struct replication {};
struct bypassrls {};

template <fixed_string Name, class... Options>
struct role;

// DSQL's predefined administrative role (not a dsql::role: it cannot be declared).
struct admin {
  static constexpr std::string_view name = "admin";
};

template <fixed_string Name>
struct predefined_role;

#include "detail/rule_define.hpp"
DSQL_RULE(assert_role_name_not_reserved_t,
          "A role must not be named admin, postgres, public, none or sys, nor start with pg_ or rds, "
          "because those names are reserved.");
DSQL_RULE(assert_role_options_t,
          "A role takes dsql::login or dsql::nologin, dsql::inherit or dsql::noinherit, "
          "dsql::connection_limit<N>, dsql::password_from_env<\"VAR\"> and dsql::component<\"...\">, "
          "each at most once.");
DSQL_RULE(assert_role_attribute_supported_t,
          "A role must not be SUPERUSER, REPLICATION or BYPASSRLS, because Aurora DSQL has none of "
          "them and an application role must never hold them.");
DSQL_RULE(assert_connection_limit_t, "A connection limit must be -1 (no limit) or a count of 0 or more.");
DSQL_RULE(assert_predefined_role_name_t,
          "A dsql::predefined_role names one of the server's pg_ roles, such as pg_read_all_data.");
#include "detail/rule_undef.hpp"

// Names no declared role may take (the run-time twin of the rule above).
constexpr bool is_reserved_role_name(std::string_view name) noexcept {
  return name == "admin" || name == "postgres" || name == "public" || name == "none" || name == "sys" ||
         name.starts_with("pg_") || name.starts_with("rds");
}

// CONNECTION LIMIT: -1 (none) or a count of 0 or more (PostgreSQL's CREATE ROLE).
constexpr bool is_valid_connection_limit(int limit) noexcept { return limit >= -1; }

namespace detail {

template <class T>
inline constexpr bool is_connection_limit = false;
template <int N>
inline constexpr bool is_connection_limit<connection_limit<N>> = true;
template <class T>
inline constexpr bool is_password = false;
template <fixed_string V>
inline constexpr bool is_password<password_from_env<V>> = true;
template <class T>
inline constexpr bool is_component = false;
template <fixed_string V>
inline constexpr bool is_component<component<V>> = true;

template <class T>
inline constexpr int limit_of = -1;
template <int N>
inline constexpr int limit_of<connection_limit<N>> = N;
template <class T>
inline constexpr std::string_view password_of{};
template <fixed_string V>
inline constexpr std::string_view password_of<password_from_env<V>> = V.view();
template <class T>
inline constexpr std::string_view component_of{};
template <fixed_string V>
inline constexpr std::string_view component_of<component<V>> = V.view();

// Inherit: 1 declared INHERIT, 0 declared NOINHERIT, -1 not declared.
template <class... Options>
inline constexpr int inherit_of = (std::is_same_v<Options, inherit> || ...)
                                      ? 1
                                      : ((std::is_same_v<Options, noinherit> || ...) ? 0 : -1);

template <class... Options>
constexpr std::string_view password_env_of() noexcept {
  std::string_view r;
  ((r = is_password<Options> && r.empty() ? password_of<Options> : r), ...);
  return r;
}
template <class... Options>
constexpr std::string_view component_text_of() noexcept {
  std::string_view r;
  ((r = is_component<Options> && r.empty() ? component_of<Options> : r), ...);
  return r;
}

template <class T>
struct role_traits {
  static constexpr bool is_role = false;
  static constexpr std::string_view name{};
  static constexpr bool can_login = false;
};

template <fixed_string Name, class... Options>
struct role_traits<role<Name, Options...>> {
  static constexpr bool is_role = true;
  static constexpr std::string_view name = Name.view();
  static constexpr bool can_login = (std::is_same_v<Options, login> || ...);
  static constexpr int inherit = inherit_of<Options...>;
  static constexpr int connection_limit = (-1 + ... + (is_connection_limit<Options> ? limit_of<Options> + 1 : 0));
  static constexpr bool declares_connection_limit = (is_connection_limit<Options> || ...);
  static constexpr std::string_view password_env = password_env_of<Options...>();
  static constexpr std::string_view component = component_text_of<Options...>();
};

template <class... Options>
inline constexpr bool role_options_ok =
    ((one_of<Options, login, nologin, inherit, noinherit, superuser, replication, bypassrls> ||
      is_connection_limit<Options> || is_password<Options> || is_component<Options>)&&...) &&
    (0 + ... + int{one_of<Options, login, nologin>}) <= 1 &&
    (0 + ... + int{one_of<Options, inherit, noinherit>}) <= 1 && (0 + ... + int{is_connection_limit<Options>}) <= 1 &&
    (0 + ... + int{is_password<Options>}) <= 1 &&
    (0 + ... + int{is_component<Options>}) <= 1 && all_distinct<Options...>;

template <fixed_string Name, class... Options>
using role_check_t = first_failure_t<
    name_check_t<Name>, rule_if_t<is_reserved_role_name(Name.view()), assert_role_name_not_reserved_t>,
    rule_if_t<!role_options_ok<Options...>, assert_role_options_t>,
    rule_if_t<(one_of<Options, superuser, replication, bypassrls> || ...), assert_role_attribute_supported_t>,
    rule_if_t<((is_connection_limit<Options> && !is_valid_connection_limit(limit_of<Options>)) || ...),
              assert_connection_limit_t>>;

template <fixed_string Name, class... Options>
struct check<role<Name, Options...>> {
  using type = role_check_t<Name, Options...>;
};

template <fixed_string Name>
struct check<predefined_role<Name>> {
  using type =
      first_failure_t<name_check_t<Name>, rule_if_t<!Name.view().starts_with("pg_"), assert_predefined_role_name_t>>;
};

}  // namespace detail

template <fixed_string Name, class... Options>
struct role {
  static_assert(verify<role>());
  static constexpr std::string_view name = Name.view();
  static constexpr bool can_login = detail::role_traits<role>::can_login;
  // 1 INHERIT, 0 NOINHERIT, -1 not declared.
  static constexpr int inherit = detail::role_traits<role>::inherit;
  // -1: no limit (or not declared).
  static constexpr int connection_limit = detail::role_traits<role>::connection_limit;
  static constexpr std::string_view password_env = detail::role_traits<role>::password_env;
  static constexpr std::string_view component = detail::role_traits<role>::component;
};

template <fixed_string Name>
struct predefined_role {
  static_assert(verify<predefined_role>());
  static constexpr std::string_view name = Name.view();
};

template <class T>
concept role_type = detail::role_traits<T>::is_role;

// Negative-test concept: role<Name, Options...> breaks a rule.
template <fixed_string Name, class... Options>
concept cannot_declare_role = !detail::role_check_t<Name, Options...>::ok;

}  // namespace dsql

#endif  // DSQL_ROLE_HPP
