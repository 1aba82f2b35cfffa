// dsql/grant.hpp - privileges granted to roles (and to PUBLIC), revokes from PUBLIC,
// default privileges for future objects, and role membership.
//
//   dsql::grant<dsql::usage, dsql::on_schema<dsql::public_schema>, app_readonly>
//   dsql::grant<dsql::privileges<dsql::select, dsql::insert>,
//               dsql::on_all_tables_in<dsql::public_schema>, app_readwrite, batch>
//   dsql::grant<dsql::all, dsql::on_table<app, "orders">, owner, dsql::with_grant_option>
//   dsql::grant<dsql::privileges<dsql::select, dsql::update>, dsql::on_columns<app, "users", "email", "name">, svc>
//   dsql::grant<dsql::execute, dsql::on_function<app, "refresh", "integer, text">, svc>
//   dsql::grant<dsql::usage, dsql::on_schema<app>, dsql::public_>            // to PUBLIC
//   dsql::revoke<dsql::create, dsql::on_schema<dsql::public_schema>, dsql::public_>
//   dsql::default_privileges<dsql::for_role<user_service>, dsql::select,
//                            dsql::on_all_tables_in<users_schema>, reporting>
//   dsql::membership<readers, alice>                                       // GRANT readers TO alice
//   dsql::membership<readers, alice, dsql::with_admin_option>
//
// Objects: on_database (the current database); on_schema<S>; on_all_tables_in<S>, on_all_sequences_in<S>, on_all_functions_in<S>
// (every object of that kind in S when the grant runs); on_table<S, "t">,
// on_sequence<S, "q">, on_function<S, "f", "argument types">, on_columns<S, "t", "c"...>.
// GRANT is idempotent in PostgreSQL, so the bootstrap re-runs every grant; a grant ON ALL
// TABLES IN SCHEMA reaches the tables that exist when it runs (re-apply after
// migrations), and default privileges reach the tables their FOR ROLE creator makes later.
#ifndef DSQL_GRANT_HPP
#define DSQL_GRANT_HPP

#include <algorithm>
#include <array>
#include <string_view>
#include <type_traits>

#include "detail/rule.hpp"
#include "fixed_string.hpp"
#include "name.hpp"
#include "privilege.hpp"
#include "role.hpp"
#include "schema.hpp"

namespace dsql {

// What a grant is on.
struct on_database {};  // the database the script or the engine runs in
template <class Schema>
struct on_schema {};
template <class Schema>
struct on_all_tables_in {};
template <class Schema>
struct on_all_sequences_in {};
template <class Schema>
struct on_all_functions_in {};
template <class Schema, fixed_string Table>
struct on_table {};
template <class Schema, fixed_string Sequence>
struct on_sequence {};
template <class Schema, fixed_string Function, fixed_string Arguments = "">
struct on_function {};
template <class Schema, fixed_string Table, fixed_string... Columns>
struct on_columns {};

// The PUBLIC pseudo-role (every role, present and future). Not a role named "PUBLIC":
// a real role of that name is dsql::role<"PUBLIC"> and is always quoted.
struct public_ {};
// Grant options.
struct with_grant_option {};
struct with_admin_option {};
// The creator whose future objects default privileges cover (FOR ROLE).
template <class Role>
struct for_role {};

template <class Privileges, class On, class... Grantees>
struct grant;
template <class Privileges, class On, class... Grantees>
struct revoke;
template <class ForRole, class Privileges, class On, class... Grantees>
struct default_privileges;
template <class Group, class Member, class... Options>
struct membership;

#include "detail/rule_define.hpp"
DSQL_RULE(assert_grant_shape_t,
          "A grant is written dsql::grant<privilege, dsql::privileges<...> or dsql::all, an object such as "
          "dsql::on_schema<S> or dsql::on_all_tables_in<S>, role or dsql::public_...> with at least one "
          "grantee and dsql::with_grant_option at most once.");
DSQL_RULE(assert_privilege_fits_object_t,
          "Each privilege must be one PostgreSQL grants on the object: USAGE, CREATE on schemas; SELECT, "
          "INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER on tables; SELECT, INSERT, UPDATE, "
          "REFERENCES on columns; USAGE, SELECT, UPDATE on sequences; EXECUTE on functions; CREATE, CONNECT, "
          "TEMPORARY on the database.");
DSQL_RULE(assert_grantee_not_reserved_t,
          "A grant must not name admin or a reserved role (postgres, pg_*, rds*, sys), because applications "
          "never act as them and their privileges are the server's.");
DSQL_RULE(assert_object_name_valid_t,
          "A table, sequence, function or column name must be 1 to 63 bytes without NUL, and function "
          "argument types only letters, digits, spaces, underscores, commas, dots, brackets and parentheses.");
DSQL_RULE(assert_grant_option_to_roles_t,
          "dsql::with_grant_option needs role grantees, because PostgreSQL refuses grant options to PUBLIC.");
DSQL_RULE(assert_default_privileges_shape_t,
          "Default privileges are written dsql::default_privileges<dsql::for_role<creator>, privileges, "
          "dsql::on_all_tables_in<S>, on_all_sequences_in<S> or on_all_functions_in<S>, grantee...>, the "
          "creator explicit because they cover only the objects that role creates.");
DSQL_RULE(assert_membership_shape_t,
          "A membership is written dsql::membership<group role, member role> with dsql::with_admin_option at "
          "most once, and a role is never a member of itself.");
DSQL_RULE(assert_group_not_predefined_t,
          "A role must not be made a member of a predefined pg_ role, because their powers are the server's "
          "and Aurora DSQL's admin cannot grant them.");
#include "detail/rule_undef.hpp"

// Function argument types: letters, digits, spaces and _ , . [ ] ( ) only (no quote, no
// semicolon): they are written into the statement as they are.
constexpr bool is_valid_function_arguments(std::string_view args) noexcept {
  for (char c : args) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ' ||
                    c == '_' || c == ',' || c == '.' || c == '[' || c == ']' || c == '(' || c == ')';
    if (!ok) return false;
  }
  return args.size() <= 1024;
}

namespace detail {

template <class On>
struct object_traits {
  static constexpr bool well_formed = false;
  static constexpr bool names_valid = true;
  static constexpr bool all_in_schema = false;
  using schema = void;
  static constexpr object_kind kind = object_kind::schema;
  static constexpr std::string_view object{};
  static constexpr std::string_view arguments{};
  static constexpr std::array<std::string_view, 0> columns{};
};

template <class S, object_kind K, bool All>
struct object_base {
  static constexpr bool well_formed = schema_type<S>;
  static constexpr bool names_valid = true;
  static constexpr bool all_in_schema = All;
  using schema = S;
  static constexpr object_kind kind = K;
  static constexpr std::string_view object{};
  static constexpr std::string_view arguments{};
  static constexpr std::array<std::string_view, 0> columns{};
};

template <>
struct object_traits<on_database> : object_base<void, object_kind::database, false> {
  static constexpr bool well_formed = true;
};
template <class S>
struct object_traits<on_schema<S>> : object_base<S, object_kind::schema, false> {};
template <class S>
struct object_traits<on_all_tables_in<S>> : object_base<S, object_kind::all_tables_in_schema, true> {};
template <class S>
struct object_traits<on_all_sequences_in<S>> : object_base<S, object_kind::all_sequences_in_schema, true> {};
template <class S>
struct object_traits<on_all_functions_in<S>> : object_base<S, object_kind::all_functions_in_schema, true> {};
template <class S, fixed_string T>
struct object_traits<on_table<S, T>> : object_base<S, object_kind::table, false> {
  static constexpr bool names_valid = check_name(T.view()) == name_status::ok;
  static constexpr std::string_view object = T.view();
};
template <class S, fixed_string Q>
struct object_traits<on_sequence<S, Q>> : object_base<S, object_kind::sequence, false> {
  static constexpr bool names_valid = check_name(Q.view()) == name_status::ok;
  static constexpr std::string_view object = Q.view();
};
template <class S, fixed_string F, fixed_string A>
struct object_traits<on_function<S, F, A>> : object_base<S, object_kind::function, false> {
  static constexpr bool names_valid = check_name(F.view()) == name_status::ok && is_valid_function_arguments(A.view());
  static constexpr std::string_view object = F.view();
  static constexpr std::string_view arguments = A.view();
};
template <class S, fixed_string T, fixed_string... C>
struct object_traits<on_columns<S, T, C...>> : object_base<S, object_kind::columns, false> {
  static constexpr bool well_formed = schema_type<S> && sizeof...(C) > 0;
  static constexpr bool names_valid = check_name(T.view()) == name_status::ok &&
                                      column_names_valid(std::array<std::string_view, sizeof...(C)>{C.view()...});
  static constexpr std::string_view object = T.view();
  static constexpr std::array<std::string_view, sizeof...(C)> columns{C.view()...};
};

template <class T>
inline constexpr bool is_reserved_grantee = std::is_same_v<T, admin>;
template <fixed_string N>
inline constexpr bool is_reserved_grantee<predefined_role<N>> = true;

template <class G>
inline constexpr bool is_grantee_element =
    role_type<G> || std::is_same_v<G, public_> || std::is_same_v<G, with_grant_option> || is_reserved_grantee<G>;

// The grantee part shared by grant, revoke and default_privileges.
template <class... Grantees>
struct grantee_list {
  static constexpr std::size_t count =
      (std::size_t{0} + ... + std::size_t{role_type<Grantees> || std::is_same_v<Grantees, public_>});
  static constexpr bool well_formed =
      count > 0 && (is_grantee_element<Grantees> && ...) && count_of<with_grant_option, Grantees...> <= 1;
  static constexpr bool reserved = (is_reserved_grantee<Grantees> || ...);
  static constexpr bool grant_option = one_of<with_grant_option, Grantees...>;
  static constexpr bool to_public = one_of<public_, Grantees...>;
  static constexpr bool option_to_public = grant_option && to_public;
  // Names in order, "" for PUBLIC.
  static constexpr auto names = [] {
    std::array<std::string_view, count> a{};
    std::size_t i = 0;
    ((role_type<Grantees> ? (void)(a[i++] = role_traits<Grantees>::name)
                          : (std::is_same_v<Grantees, public_> ? (void)(a[i++] = std::string_view{}) : (void)0)),
     ...);
    return a;
  }();
};

template <class Privileges, class On>
constexpr bool fits(privilege_kind p) noexcept {
  return privilege_applies(p, object_traits<On>::kind);
}

// grant and revoke: privileges on an object for grantees.
template <class Privileges, class On, class... Grantees>
struct privilege_grant_traits {
  static constexpr bool is_grant = true;
  using privilege_list = detail::privilege_list<Privileges>;
  using object = object_traits<On>;
  using grantees = grantee_list<Grantees...>;
  using schema = typename object::schema;
  static constexpr object_kind kind = object::kind;
  static constexpr auto kinds = privilege_list::kinds;
  static constexpr bool is_all = privilege_list::is_all;
  static constexpr auto grantee_names = grantees::names;
  static constexpr bool well_formed = privilege_list::well_formed && object::well_formed && grantees::well_formed;
  static constexpr bool fits_object = privileges_fit(kinds, kind);
};

template <class Checked>
using privilege_grant_check_t =
    first_failure_t<rule_if_t<Checked::grantees::reserved, assert_grantee_not_reserved_t>,
                    rule_if_t<!Checked::well_formed, assert_grant_shape_t>,
                    rule_if_t<!Checked::privilege_list::listed_once, assert_privileges_listed_once_t>,
                    rule_if_t<!Checked::fits_object, assert_privilege_fits_object_t>,
                    rule_if_t<!Checked::object::names_valid, assert_object_name_valid_t>,
                    rule_if_t<Checked::grantees::option_to_public, assert_grant_option_to_roles_t>>;

template <class T>
struct grant_traits {
  static constexpr bool is_grant = false;
  using schema = void;
};

template <class P, class On, class... G>
struct grant_traits<grant<P, On, G...>> : privilege_grant_traits<P, On, G...> {
  static constexpr bool is_revoke = false;
};
template <class P, class On, class... G>
struct grant_traits<revoke<P, On, G...>> : privilege_grant_traits<P, On, G...> {
  static constexpr bool is_revoke = true;
};

template <class T>
struct creator_of {
  static constexpr bool well_formed = false;
  using role = void;
};
template <class R>
struct creator_of<for_role<R>> {
  static constexpr bool well_formed = role_type<R>;
  using role = R;
};

template <class F, class P, class On, class... G>
struct grant_traits<default_privileges<F, P, On, G...>> : privilege_grant_traits<P, On, G...> {
  using base = privilege_grant_traits<P, On, G...>;
  using creator = typename creator_of<F>::role;
  static constexpr bool shape_ok = creator_of<F>::well_formed && object_traits<On>::all_in_schema;
};

template <class F, class P, class On, class... G>
using default_privileges_check_t = first_failure_t<
    rule_if_t<!grant_traits<default_privileges<F, P, On, G...>>::shape_ok, assert_default_privileges_shape_t>,
    privilege_grant_check_t<grant_traits<default_privileges<F, P, On, G...>>>>;

// Membership.
template <class T>
inline constexpr bool is_group = role_type<T>;
template <fixed_string N>
inline constexpr bool is_group<predefined_role<N>> = true;

template <class Group, class Member, class... Options>
struct grant_traits<membership<Group, Member, Options...>> {
  static constexpr bool is_grant = true;
  static constexpr bool is_membership = true;
  using schema = void;
  static constexpr bool well_formed = is_group<Group> && role_type<Member> && !std::is_same_v<Group, Member> &&
                                      (std::is_same_v<Options, with_admin_option> && ...) && sizeof...(Options) <= 1;
  static constexpr bool admin_option = sizeof...(Options) == 1;
  static constexpr bool predefined_group = !role_type<Group>;
  static constexpr std::string_view group = is_group<Group> ? Group::name : std::string_view{};
  static constexpr std::string_view member = role_traits<Member>::name;
};

}  // namespace detail

template <class P, class On, class... G>
struct detail::check<grant<P, On, G...>> {
  using type = privilege_grant_check_t<grant_traits<grant<P, On, G...>>>;
};
template <class P, class On, class... G>
struct detail::check<revoke<P, On, G...>> {
  using type = privilege_grant_check_t<grant_traits<revoke<P, On, G...>>>;
};
template <class F, class P, class On, class... G>
struct detail::check<default_privileges<F, P, On, G...>> {
  using type = default_privileges_check_t<F, P, On, G...>;
};
template <class Group, class Member, class... Options>
struct detail::check<membership<Group, Member, Options...>> {
  using traits = detail::grant_traits<membership<Group, Member, Options...>>;
  using type = detail::first_failure_t<
      detail::rule_if_t<traits::well_formed && traits::predefined_group, assert_group_not_predefined_t>,
      detail::rule_if_t<!traits::well_formed, assert_membership_shape_t>>;
};

template <class Privileges, class On, class... Grantees>
struct grant {
  static_assert(verify<grant>());
};
template <class Privileges, class On, class... Grantees>
struct revoke {
  static_assert(verify<revoke>());
};
template <class ForRole, class Privileges, class On, class... Grantees>
struct default_privileges {
  static_assert(verify<default_privileges>());
};
template <class Group, class Member, class... Options>
struct membership {
  static_assert(verify<membership>());
};

// An element of dsql::grants<...>: grant, revoke, default_privileges or membership.
template <class T>
concept grant_type = detail::grant_traits<T>::is_grant;

// Negative-test concepts: this grant (membership, default privileges) breaks a rule on its own.
template <class Privileges, class On, class... Grantees>
concept cannot_grant = !check_t<grant<Privileges, On, Grantees...>>::ok;
template <class Group, class Member, class... Options>
concept cannot_grant_role = !check_t<membership<Group, Member, Options...>>::ok;
template <class ForRole, class Privileges, class On, class... Grantees>
concept cannot_default = !check_t<default_privileges<ForRole, Privileges, On, Grantees...>>::ok;

}  // namespace dsql

#endif  // DSQL_GRANT_HPP
