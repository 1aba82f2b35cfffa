// dsql/grant.hpp - grants of privileges to roles.
//
//   dsql::grant<dsql::usage, dsql::on_schema<dsql::public_schema>, app_readonly>
//   dsql::grant<dsql::privileges<dsql::select, dsql::insert>,
//               dsql::on_all_tables_in<dsql::public_schema>, app_readwrite, batch>
//
// GRANT is idempotent in PostgreSQL, so the bootstrap re-runs every grant; a grant ON ALL
// TABLES IN SCHEMA reaches the tables that exist when it runs, and re-applying reaches
// the tables created since.
#ifndef DSQL_GRANT_HPP
#define DSQL_GRANT_HPP

#include <algorithm>
#include <array>
#include <string_view>

#include "detail/rule.hpp"
#include "privilege.hpp"
#include "role.hpp"
#include "schema.hpp"

namespace dsql {

// What a grant is on.
template <class Schema>
struct on_schema {};
template <class Schema>
struct on_all_tables_in {};

template <class Privileges, class On, class... Grantees>
struct grant;

#include "detail/rule_define.hpp"
DSQL_RULE(assert_grant_shape_t,
          "A grant is written dsql::grant<privilege or dsql::privileges<...>, dsql::on_schema<S> "
          "or dsql::on_all_tables_in<S>, role...> with at least one role.");
DSQL_RULE(assert_privilege_fits_object_t,
          "USAGE and CREATE are granted dsql::on_schema<S>, and SELECT, INSERT, UPDATE and DELETE "
          "dsql::on_all_tables_in<S>.");
#include "detail/rule_undef.hpp"

namespace detail {

template <class On>
struct object_traits {
  static constexpr bool well_formed = false;
  using schema = void;
  static constexpr object_kind kind = object_kind::schema;
};
template <class S>
struct object_traits<on_schema<S>> {
  static constexpr bool well_formed = schema_type<S>;
  using schema = S;
  static constexpr object_kind kind = object_kind::schema;
};
template <class S>
struct object_traits<on_all_tables_in<S>> {
  static constexpr bool well_formed = schema_type<S>;
  using schema = S;
  static constexpr object_kind kind = object_kind::all_tables_in_schema;
};

template <class T>
struct grant_traits {
  static constexpr bool is_grant = false;
  using schema = void;
  template <class... Roles>
  static constexpr bool grantees_among = true;
};

template <class Privileges, class On, class... Grantees>
struct grant_traits<grant<Privileges, On, Grantees...>> {
  static constexpr bool is_grant = true;
  using privilege_list = detail::privilege_list<Privileges>;
  using object = object_traits<On>;
  using schema = typename object::schema;
  static constexpr object_kind kind = object::kind;
  static constexpr auto kinds = privilege_list::kinds;
  static constexpr std::array<std::string_view, sizeof...(Grantees)> grantee_names{
      role_traits<Grantees>::name...};

  static constexpr bool well_formed =
      privilege_list::well_formed && object::well_formed && sizeof...(Grantees) > 0 &&
      (role_type<Grantees> && ...);
  static constexpr bool fits_object =
      std::all_of(kinds.begin(), kinds.end(), [](privilege_kind p) { return applies_to(p) == kind; });

  // Every grantee is one of Roles (compared as types).
  template <class... Roles>
  static constexpr bool grantees_among = (one_of<Grantees, Roles...> && ...);
  template <class Role>
  static constexpr bool grants_to = one_of<Role, Grantees...>;
};

template <class Privileges, class On, class... Grantees>
struct check<grant<Privileges, On, Grantees...>> {
  using traits = grant_traits<grant<Privileges, On, Grantees...>>;
  using type = first_failure_t<
      rule_if_t<!traits::well_formed, assert_grant_shape_t>,
      rule_if_t<!traits::privilege_list::listed_once, assert_privileges_listed_once_t>,
      rule_if_t<!traits::fits_object, assert_privilege_fits_object_t>>;
};

}  // namespace detail

template <class Privileges, class On, class... Grantees>
struct grant {
  static_assert(verify<grant>());
};

template <class T>
concept grant_type = detail::grant_traits<T>::is_grant;

// Negative-test concept: this grant breaks a rule on its own (shape, list, object).
template <class Privileges, class On, class... Grantees>
concept cannot_grant = !check_t<grant<Privileges, On, Grantees...>>::ok;

}  // namespace dsql

#endif  // DSQL_GRANT_HPP
