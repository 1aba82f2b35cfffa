// dsql/detail/rule.hpp - the machinery shared by every rule.
//
// A check of a declaration is a type: `ok_t` when the declaration is fine, otherwise the
// rule type (declared with DSQL_RULE next to the feature it guards) of the first rule it
// breaks. Tests ask which rule fired (`dsql::fails_with<T, Rule>`); entry points call
// `check_t<T>::verify<T>()`, which is a no-op for ok_t and a static_assert quoting the
// rule's one sentence otherwise.
//
// Culprits (issue 12 item 5): a rule broken inside a cluster is reported as
// detail::located<Rule, Element>, Element being the role, schema, grant, membership or IAM
// entry at fault. Its static_assert then fires in Rule::verify<dsql::culprit<"...">>(), so
// gcc's first error line reads
//   .../iam.hpp: In instantiation of 'static constexpr bool dsql::assert_mapped_role_has_login_t::verify()
//   [with Where = dsql::culprit<dsql::fixed_string<46>{"IAM mapping of role batch_worker to BatchRole"}>]':
// and detail::fire<Check>() is templated on the check result only, so the whole spec's type
// is printed only in the frames of the caller's own entry point (render_bootstrap<Spec>,
// model_of<Spec>), not in the rule's. fails_with<T, Rule> compares the rule, located or not.
#ifndef DSQL_DETAIL_RULE_HPP
#define DSQL_DETAIL_RULE_HPP

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../fixed_string.hpp"

namespace dsql {

// What a compile error blames: the role, schema, grant, membership or IAM entry at fault.
template <fixed_string What>
struct culprit {};

// The check result of a declaration that breaks no rule.
struct ok_t {
  static constexpr bool ok = true;
  static constexpr std::string_view message{};
  template <class Where>
  static constexpr bool verify() noexcept {
    return true;
  }
};

namespace detail {

template <class...>
inline constexpr bool dependent_false = false;

// check<T>::type is the check result of declaration T; specialised next to each
// declaration template. The primary template has no `type`: T is not a declaration.
template <class T>
struct check {};

template <class T>
concept declaration = requires {
  typename check<T>::type;
};

// The check of T, or ok_t when T is not a declaration at all (a malformed element is
// reported by the shape rule of its container, which comes first).
template <class T>
struct check_or_ok {
  using type = ok_t;
};
template <declaration T>
struct check_or_ok<T> {
  using type = typename check<T>::type;
};
template <class T>
using check_or_ok_t = typename check_or_ok<T>::type;

// The I-th of T..., without recursion (std::tuple_element recurses in libstdc++ 12, and a
// spec of thousands of declarations would exceed the template depth): overload resolution
// picks the one base indexed<I, X> of an indexer. The call is qualified: argument-dependent
// lookup would instantiate every T (and fire the static_assert of a broken declaration).
template <std::size_t I, class X>
struct indexed {
  using type = X;
};
template <class Indices, class... T>
struct indexer;
template <std::size_t... I, class... T>
struct indexer<std::index_sequence<I...>, T...> : indexed<I, T>... {};
template <std::size_t I, class X>
indexed<I, X> select_indexed(const indexed<I, X>&);
template <std::size_t I, class... T>
using type_at_t = typename decltype(detail::select_indexed<I>(indexer<std::index_sequence_for<T...>, T...>{}))::type;

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
using first_failure_t = type_at_t<first_false(std::array<bool, sizeof...(Checks)>{Checks::ok...}), Checks..., ok_t>;

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

// The words naming element E in a culprit; specialised next to each kind (cluster.hpp).
template <class E>
struct culprit_parts {
  static constexpr std::array<std::string_view, 1> parts{"a declaration of the cluster"};
};
template <class Parts>
constexpr std::size_t parts_size(const Parts& parts) noexcept {
  std::size_t n = 0;
  for (std::size_t k = 0; k < parts.size(); ++k) n += parts[k].size();
  return n;
}
template <std::size_t N, class Parts>
constexpr fixed_string<N + 1> parts_text(const Parts& parts) noexcept {
  char a[N + 1]{};
  std::size_t i = 0;
  for (std::size_t k = 0; k < parts.size(); ++k)
    for (std::size_t j = 0; j < parts[k].size() && i < N; ++j) a[i++] = parts[k][j];
  return fixed_string<N + 1>(a);
}
template <class E>
struct culprit_text {
  static constexpr auto parts = culprit_parts<E>::parts;
  static constexpr std::size_t size = parts_size(parts);
  static constexpr fixed_string<size + 1> value = parts_text<size>(parts);
};
template <class E>
using culprit_of_t = culprit<culprit_text<E>::value>;

// Rule, broken by Element (the culprit's text is built only when the rule fires).
template <class Rule, class Element>
struct located {
  static constexpr bool ok = false;
  static constexpr std::string_view message = Rule::message;
  using rule = Rule;
  using element = Element;
  template <class Where>
  static constexpr bool verify() noexcept {
    return Rule::template verify<culprit_of_t<Element>>();
  }
};
template <class C>
inline constexpr bool is_located = false;
template <class R, class E>
inline constexpr bool is_located<located<R, E>> = true;
template <class C>
struct rule_of {
  using type = C;
};
template <class R, class E>
struct rule_of<located<R, E>> {
  using type = R;
};
template <class C>
using rule_of_t = typename rule_of<C>::type;

// A check result located at Element (unless ok or located already).
template <class Check, class Element>
struct locate {
  using type = located<Check, Element>;
};
template <class Element>
struct locate<ok_t, Element> {
  using type = ok_t;
};
template <class R, class E, class Element>
struct locate<located<R, E>, Element> {
  using type = located<R, E>;
};
template <class Check, class Element>
using locate_t = typename locate<Check, Element>::type;

// `Rule` located at the first element whose flag is set, else ok_t.
template <class Rule, auto Flags, class... Elements>
using rule_at_t = std::conditional_t<first_true(Flags) < Flags.size(),
                                     located<Rule, type_at_t<first_true(Flags), Elements..., void>>, ok_t>;

// Fires the static_assert of check result Check, if it is a broken rule; returns true.
// Templated on the check result alone, so a spec's whole type is not printed in its frame.
template <class Check>
constexpr bool fire() noexcept {
  if constexpr (is_located<Check>)
    return Check::rule::template verify<culprit_of_t<typename Check::element>>();
  else
    return Check::template verify<Check>();
}

}  // namespace detail

// The check result of declaration T (ok_t or the first rule it breaks).
template <detail::declaration T>
using check_t = typename detail::check<T>::type;

// Fires the static_assert of the rule T breaks, if any; returns true.
template <detail::declaration T>
constexpr bool verify() noexcept {
  using c = check_t<T>;
  if constexpr (detail::is_located<c>)
    return detail::fire<c>();
  else
    return c::template verify<T>();
}

}  // namespace dsql

#endif  // DSQL_DETAIL_RULE_HPP
