// dsql/role.hpp - database roles.
//
//   using app_readonly = dsql::role<"app_readonly", dsql::login>;
//   using batch_owner  = dsql::role<"batch_owner">;            // NOLOGIN (the default)
//
// A role is created when missing and its LOGIN attribute is set to the declared one.
// `dsql::admin` names DSQL's predefined admin role: it is never created, granted to or
// mapped (its IAM identity gets DbConnectAdmin, see iam.hpp).
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

template <fixed_string Name, class... Options>
struct role;

// DSQL's predefined administrative role (not a dsql::role: it cannot be declared).
struct admin {
  static constexpr std::string_view name = "admin";
};

#include "detail/rule_define.hpp"
DSQL_RULE(assert_role_name_not_reserved_t,
          "A role must not be named admin, postgres, public or none, nor start with pg_, "
          "because those names are reserved.");
DSQL_RULE(assert_role_options_t, "A role takes at most one option: dsql::login or dsql::nologin.");
#include "detail/rule_undef.hpp"

constexpr bool is_reserved_role_name(std::string_view name) noexcept {
  return name == "admin" || name == "postgres" || name == "public" || name == "none" ||
         name.starts_with("pg_");
}

namespace detail {

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
};

template <fixed_string Name, class... Options>
using role_check_t = first_failure_t<
    name_check_t<Name>,
    rule_if_t<is_reserved_role_name(Name.view()), assert_role_name_not_reserved_t>,
    rule_if_t<(sizeof...(Options) > 1 || !(one_of<Options, login, nologin> && ...)),
              assert_role_options_t>>;

template <fixed_string Name, class... Options>
struct check<role<Name, Options...>> {
  using type = role_check_t<Name, Options...>;
};

}  // namespace detail

template <fixed_string Name, class... Options>
struct role {
  static_assert(verify<role>());
  static constexpr std::string_view name = Name.view();
  static constexpr bool can_login = detail::role_traits<role>::can_login;
};

template <class T>
concept role_type = detail::role_traits<T>::is_role;

// Negative-test concept: role<Name, Options...> breaks a rule.
template <fixed_string Name, class... Options>
concept cannot_declare_role = !detail::role_check_t<Name, Options...>::ok;

}  // namespace dsql

#endif  // DSQL_ROLE_HPP
