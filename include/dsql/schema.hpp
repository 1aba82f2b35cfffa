// dsql/schema.hpp - schemas.
//
//   using users_schema = dsql::schema<"users_schema">;      // created when missing
//   using dsql::public_schema;                              // = existing_schema<"public">
//
// An existing schema is only referenced (granted on), never created.
#ifndef DSQL_SCHEMA_HPP
#define DSQL_SCHEMA_HPP

#include <string_view>
#include <type_traits>

#include "detail/rule.hpp"
#include "fixed_string.hpp"
#include "name.hpp"

namespace dsql {

// Schema origins.
struct created {};
struct existing {};

template <class T>
concept schema_origin = std::is_same_v<T, created> || std::is_same_v<T, existing>;

template <fixed_string Name, schema_origin Origin = created>
struct schema;

template <fixed_string Name>
using existing_schema = schema<Name, existing>;

#include "detail/rule_define.hpp"
DSQL_RULE(assert_schema_name_not_reserved_t,
          "A schema to create must not start with pg_, because PostgreSQL reserves that prefix.");
#include "detail/rule_undef.hpp"

namespace detail {

template <class T>
struct schema_traits {
  static constexpr bool is_schema = false;
  static constexpr std::string_view name{};
  static constexpr bool create = false;
};

template <fixed_string Name, class Origin>
struct schema_traits<schema<Name, Origin>> {
  static constexpr bool is_schema = true;
  static constexpr std::string_view name = Name.view();
  static constexpr bool create = std::is_same_v<Origin, created>;
};

template <fixed_string Name, class Origin>
using schema_check_t = first_failure_t<
    name_check_t<Name>,
    rule_if_t<std::is_same_v<Origin, created> && Name.view().starts_with("pg_"),
              assert_schema_name_not_reserved_t>>;

template <fixed_string Name, class Origin>
struct check<schema<Name, Origin>> {
  using type = schema_check_t<Name, Origin>;
};

}  // namespace detail

template <fixed_string Name, schema_origin Origin>
struct schema {
  static_assert(verify<schema>());
  static constexpr std::string_view name = Name.view();
  static constexpr bool create = std::is_same_v<Origin, created>;
};

using public_schema = existing_schema<"public">;

template <class T>
concept schema_type = detail::schema_traits<T>::is_schema;

// Negative-test concept: a schema<Name> to create breaks a rule.
template <fixed_string Name>
concept cannot_create_schema = !detail::schema_check_t<Name, created>::ok;

}  // namespace dsql

#endif  // DSQL_SCHEMA_HPP
