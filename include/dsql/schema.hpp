// dsql/schema.hpp - schemas.
//
//   using users_schema = dsql::schema<"users_schema">;                  // created when missing
//   using ledger = dsql::schema<"ledger", dsql::owned_by<ledger_owner>>; // with its owner
//   using pii = dsql::schema<"pii", dsql::sensitive<user_service>>;      // readable by these only
//   using dsql::public_schema;                                          // = existing_schema<"public">
//
// Options, each at most once: dsql::created (default) or dsql::existing (only referenced,
// never created), dsql::owned_by<Role> (CREATE SCHEMA ... AUTHORIZATION, ALTER SCHEMA
// OWNER TO when it differs), dsql::sensitive<Role...> (only these roles may be granted
// anything on or in the schema; see assert_sensitive_schema_reader_t in cluster.hpp).
#ifndef DSQL_SCHEMA_HPP
#define DSQL_SCHEMA_HPP

#include <array>
#include <string_view>
#include <type_traits>

#include "detail/rule.hpp"
#include "fixed_string.hpp"
#include "name.hpp"
#include "role.hpp"

namespace dsql {

// Schema options.
struct created {};
struct existing {};
template <class Role>
struct owned_by {};
template <class... Roles>
struct sensitive {};

template <fixed_string Name, class... Options>
struct schema;

template <fixed_string Name>
using existing_schema = schema<Name, existing>;

#include "detail/rule_define.hpp"
DSQL_RULE(assert_schema_name_not_reserved_t,
          "A schema to create must not start with pg_, because PostgreSQL reserves that prefix.");
DSQL_RULE(assert_schema_options_t,
          "A schema takes dsql::created or dsql::existing, dsql::owned_by<role> and "
          "dsql::sensitive<role...>, each at most once.");
#include "detail/rule_undef.hpp"

// A schema to create must not be named pg_..., the prefix PostgreSQL reserves for system
// schemas (CREATE SCHEMA refuses it); an existing schema (pg_catalog ...) may be named.
constexpr bool is_reserved_schema_name(std::string_view name, bool to_create) noexcept {
  return to_create && name.starts_with("pg_");
}

namespace detail {

template <class T>
struct owner_of {
  static constexpr bool is = false;
  using role = void;
};
template <class R>
struct owner_of<owned_by<R>> {
  static constexpr bool is = true;
  using role = R;
};
template <class T>
struct sensitive_of {
  static constexpr bool is = false;
  template <class R>
  static constexpr bool allows = true;
};
template <class... R>
struct sensitive_of<sensitive<R...>> {
  static constexpr bool is = true;
  template <class X>
  static constexpr bool allows = one_of<X, R...>;
};

template <class... Options>
inline constexpr bool schema_options_ok =
    ((one_of<Options, created, existing> || owner_of<Options>::is || sensitive_of<Options>::is) && ...) &&
    (0 + ... + int{one_of<Options, created, existing>}) <= 1 && (0 + ... + int{owner_of<Options>::is}) <= 1 &&
    (0 + ... + int{sensitive_of<Options>::is}) <= 1 &&
    ((!owner_of<Options>::is || role_type<typename owner_of<Options>::role>)&&...);

template <class T>
struct schema_traits {
  static constexpr bool is_schema = false;
  static constexpr std::string_view name{};
  static constexpr bool create = false;
  using owner = void;
  static constexpr bool is_sensitive = false;
  template <class R>
  static constexpr bool allows = true;
};

template <fixed_string Name, class... Options>
struct schema_traits<schema<Name, Options...>> {
  static constexpr bool is_schema = true;
  static constexpr std::string_view name = Name.view();
  static constexpr bool create = !(std::is_same_v<Options, existing> || ...);
  using owner =
      typename owner_of<type_at_t<first_true(std::array<bool, sizeof...(Options) + 1>{owner_of<Options>::is..., true}),
                                  Options..., void>>::role;
  using sensitivity =
      type_at_t<first_true(std::array<bool, sizeof...(Options) + 1>{sensitive_of<Options>::is..., true}), Options...,
                void>;
  static constexpr bool is_sensitive = sensitive_of<sensitivity>::is;
  // May role R be granted anything on or in this schema?
  template <class R>
  static constexpr bool allows = sensitive_of<sensitivity>::template allows<R>;
};

template <fixed_string Name, class... Options>
using schema_check_t =
    first_failure_t<name_check_t<Name>, rule_if_t<!schema_options_ok<Options...>, assert_schema_options_t>,
                    rule_if_t<is_reserved_schema_name(Name.view(), !(std::is_same_v<Options, existing> || ...)),
                              assert_schema_name_not_reserved_t>>;

template <fixed_string Name, class... Options>
struct check<schema<Name, Options...>> {
  using type = schema_check_t<Name, Options...>;
};

}  // namespace detail

template <fixed_string Name, class... Options>
struct schema {
  static_assert(verify<schema>());
  static constexpr std::string_view name = Name.view();
  static constexpr bool create = detail::schema_traits<schema>::create;
};

using public_schema = existing_schema<"public">;

template <class T>
concept schema_type = detail::schema_traits<T>::is_schema;

// Negative-test concept: a schema<Name> to create breaks a rule.
template <fixed_string Name, class... Options>
concept cannot_create_schema = !detail::schema_check_t<Name, Options...>::ok;

}  // namespace dsql

#endif  // DSQL_SCHEMA_HPP
