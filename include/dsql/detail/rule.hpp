// dsql/detail/rule.hpp - the machinery shared by every rule.
//
// A check of a declaration is a type: `ok_t` when the declaration is fine, otherwise the
// rule type (declared with DSQL_RULE next to the feature it guards) of the first rule it
// breaks. Tests ask which rule fired (`dsql::fails_with<T, Rule>`); entry points call
// `check_t<T>::verify<T>()`, which is a no-op for ok_t and a static_assert quoting the
// rule's one sentence otherwise.
#ifndef DSQL_DETAIL_RULE_HPP
#define DSQL_DETAIL_RULE_HPP

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace dsql {

// The check result of a declaration that breaks no rule.
struct ok_t {
  static constexpr bool ok = true;
  static constexpr std::string_view message{};
  template <class Where>
  static constexpr bool verify() noexcept { return true; }
};

namespace detail {

template <class...>
inline constexpr bool dependent_false = false;

// check<T>::type is the check result of declaration T; specialised next to each
// declaration template. The primary template has no `type`: T is not a declaration.
template <class T>
struct check {};

template <class T>
concept declaration = requires { typename check<T>::type; };

// The check of T, or ok_t when T is not a declaration at all (a malformed element is
// reported by the shape rule of its container, which comes first).
template <class T>
struct check_or_ok { using type = ok_t; };
template <declaration T>
struct check_or_ok<T> { using type = typename check<T>::type; };
template <class T>
using check_or_ok_t = typename check_or_ok<T>::type;

template <std::size_t I, class... T>
using type_at_t = std::tuple_element_t<I, std::tuple<T...>>;

// Index of the first false in `flags`, or N when all are true.
template <std::size_t N>
constexpr std::size_t first_false(const std::array<bool, N>& flags) noexcept {
  std::size_t i = 0;
  while (i < N && flags[i]) ++i;
  return i;
}

// Index of the first true in `flags`, or N when none is.
template <std::size_t N>
constexpr std::size_t first_true(const std::array<bool, N>& flags) noexcept {
  std::size_t i = 0;
  while (i < N && !flags[i]) ++i;
  return i;
}

// The first check result that is not ok_t, or ok_t.
template <class... Checks>
using first_failure_t =
    type_at_t<first_false(std::array<bool, sizeof...(Checks)>{Checks::ok...}), Checks..., ok_t>;

// `Rule` when `broken`, else ok_t: how a boolean condition becomes a check result.
template <bool broken, class Rule>
using rule_if_t = std::conditional_t<broken, Rule, ok_t>;

template <template <class...> class L, class T>
inline constexpr bool is_instance_of = false;
template <template <class...> class L, class... X>
inline constexpr bool is_instance_of<L, L<X...>> = true;

template <class T, class... Set>
inline constexpr bool one_of = (std::is_same_v<T, Set> || ...);

template <class T, class... Set>
inline constexpr std::size_t count_of = (std::size_t{0} + ... + (std::is_same_v<T, Set> ? 1U : 0U));

template <class... T>
inline constexpr bool all_distinct = ((count_of<T, T...> == 1) && ...);

template <std::size_t N>
constexpr bool has_duplicate(const std::array<std::string_view, N>& names) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = i + 1; j < N; ++j)
      if (names[i] == names[j]) return true;
  return false;
}

}  // namespace detail

// The check result of declaration T (ok_t or the first rule it breaks).
template <detail::declaration T>
using check_t = typename detail::check<T>::type;

// Fires the static_assert of the rule T breaks, if any; returns true.
template <detail::declaration T>
constexpr bool verify() noexcept {
  return check_t<T>::template verify<T>();
}

}  // namespace dsql

#endif  // DSQL_DETAIL_RULE_HPP
