// dsql/cluster.hpp - the cluster spec: roles, schemas, grants, IAM mappings, account.
//
//   using seed = dsql::cluster<"seed",
//       dsql::roles<app_readonly, app_readwrite>,
//       dsql::schemas<dsql::public_schema, users_schema>,
//       dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<dsql::public_schema>, app_readonly>>,
//       dsql::iam<dsql::iam_grant<app_readonly, dsql::iam_role<"AppReadOnlyRole">>,
//                 dsql::iam_admin<dsql::iam_role<"DsqlAdminRole">>>>;
//
// Parts may come in any order, each at most once; dsql::aws_account<"..."> binds the
// account in code (otherwise it is a render option). A cluster is checked when it is
// rendered or instantiated: its own rules (declared, unique, ...) after the rules of
// every element, the first broken rule reported with its one sentence.
#ifndef DSQL_CLUSTER_HPP
#define DSQL_CLUSTER_HPP

#include <array>
#include <string_view>
#include <type_traits>

#include "detail/rule.hpp"
#include "fixed_string.hpp"
#include "grant.hpp"
#include "iam.hpp"
#include "role.hpp"
#include "schema.hpp"

namespace dsql {

template <class... Roles>
struct roles {};
template <class... Schemas>
struct schemas {};
template <class... Grants>
struct grants {};
template <class... Entries>
struct iam {};

template <fixed_string Name, class... Parts>
struct cluster;

#include "detail/rule_define.hpp"
DSQL_RULE(assert_cluster_shape_t,
          "A cluster takes dsql::roles<role...>, dsql::schemas<schema...>, dsql::grants<grant...>, "
          "dsql::iam<iam_grant or iam_admin...> and dsql::aws_account<\"...\">, each at most once.");
DSQL_RULE(assert_role_names_unique_t, "Each role name must be declared once in a cluster.");
DSQL_RULE(assert_schema_names_unique_t, "Each schema name must be declared once in a cluster.");
DSQL_RULE(assert_grantee_declared_t,
          "Every role a grant names must be declared in the cluster's dsql::roles<...>.");
DSQL_RULE(assert_grant_schema_declared_t,
          "Every schema a grant names must be declared in the cluster's dsql::schemas<...>.");
DSQL_RULE(assert_mapped_role_declared_t,
          "Every role an IAM mapping names must be declared in the cluster's dsql::roles<...>.");
DSQL_RULE(assert_admin_identity_not_mapped_t,
          "An admin identity gets DbConnectAdmin and must not also be mapped to a database role.");
DSQL_RULE(assert_iam_entries_unique_t,
          "Each IAM mapping and admin identity must be declared once in a cluster.");
#include "detail/rule_undef.hpp"

namespace detail {

struct no_account {};

template <class T>
inline constexpr bool is_account = false;
template <fixed_string A>
inline constexpr bool is_account<aws_account<A>> = true;

template <class T>
inline constexpr std::string_view account_of = {};
template <fixed_string A>
inline constexpr std::string_view account_of<aws_account<A>> = A.view();

// The part of kind L among Parts, or an empty L<>.
template <template <class...> class L, class... Parts>
using part_t = type_at_t<first_true(std::array<bool, sizeof...(Parts)>{is_instance_of<L, Parts>...}),
                         Parts..., L<>>;
template <class... Parts>
using account_part_t =
    type_at_t<first_true(std::array<bool, sizeof...(Parts)>{is_account<Parts>...}), Parts..., no_account>;

template <class T>
inline constexpr bool elements_well_typed = false;
template <class... R>
inline constexpr bool elements_well_typed<roles<R...>> = (role_type<R> && ...);
template <class... S>
inline constexpr bool elements_well_typed<schemas<S...>> = (schema_type<S> && ...);
template <class... G>
inline constexpr bool elements_well_typed<grants<G...>> = (grant_type<G> && ...);
template <class... E>
inline constexpr bool elements_well_typed<iam<E...>> = (iam_entry_traits<E>::is_entry && ...);

template <class... Parts>
inline constexpr bool cluster_shape_ok =
    ((elements_well_typed<Parts> || is_account<Parts>) && ...) &&
    (0 + ... + int{is_instance_of<roles, Parts>}) <= 1 && (0 + ... + int{is_instance_of<schemas, Parts>}) <= 1 &&
    (0 + ... + int{is_instance_of<grants, Parts>}) <= 1 && (0 + ... + int{is_instance_of<iam, Parts>}) <= 1 &&
    (0 + ... + int{is_account<Parts>}) <= 1;

// Is principal P mapped by one of the entries E?
template <class P, class... E>
inline constexpr bool principal_mapped =
    ((iam_entry_traits<E>::is_mapping && std::is_same_v<typename iam_entry_traits<E>::principal, P>) || ...);

template <bool ShapeOk, class Account, class Roles, class Schemas, class Grants, class Iam>
struct cluster_check;

template <bool ShapeOk, class Account, class... R, class... S, class... G, class... E>
struct cluster_check<ShapeOk, Account, roles<R...>, schemas<S...>, grants<G...>, iam<E...>> {
  using type = first_failure_t<
      rule_if_t<!ShapeOk, assert_cluster_shape_t>,
      check_or_ok_t<Account>, check_or_ok_t<R>..., check_or_ok_t<S>..., check_or_ok_t<G>...,
      check_or_ok_t<E>...,
      rule_if_t<has_duplicate(std::array<std::string_view, sizeof...(R)>{role_traits<R>::name...}),
                assert_role_names_unique_t>,
      rule_if_t<has_duplicate(std::array<std::string_view, sizeof...(S)>{schema_traits<S>::name...}),
                assert_schema_names_unique_t>,
      rule_if_t<!(grant_traits<G>::template grantees_among<R...> && ...), assert_grantee_declared_t>,
      rule_if_t<!(one_of<typename grant_traits<G>::schema, S...> && ...), assert_grant_schema_declared_t>,
      rule_if_t<!((!iam_entry_traits<E>::is_mapping || one_of<typename iam_entry_traits<E>::role, R...>) && ...),
                assert_mapped_role_declared_t>,
      rule_if_t<((iam_entry_traits<E>::is_admin &&
                  principal_mapped<typename iam_entry_traits<E>::principal, E...>) || ...),
                assert_admin_identity_not_mapped_t>,
      rule_if_t<!all_distinct<E...>, assert_iam_entries_unique_t>>;
};

template <class T>
struct cluster_traits {
  static constexpr bool is_cluster = false;
};

template <fixed_string Name, class... Parts>
struct cluster_traits<cluster<Name, Parts...>> {
  static constexpr bool is_cluster = true;
  static constexpr std::string_view name = Name.view();
  static constexpr bool shape_ok = cluster_shape_ok<Parts...>;
  using roles = std::conditional_t<shape_ok, part_t<dsql::roles, Parts...>, dsql::roles<>>;
  using schemas = std::conditional_t<shape_ok, part_t<dsql::schemas, Parts...>, dsql::schemas<>>;
  using grants = std::conditional_t<shape_ok, part_t<dsql::grants, Parts...>, dsql::grants<>>;
  using iam = std::conditional_t<shape_ok, part_t<dsql::iam, Parts...>, dsql::iam<>>;
  using account = std::conditional_t<shape_ok, account_part_t<Parts...>, no_account>;
  static constexpr std::string_view account_id = account_of<account>;
};

template <fixed_string Name, class... Parts>
struct check<cluster<Name, Parts...>> {
  using traits = cluster_traits<cluster<Name, Parts...>>;
  using type = typename cluster_check<traits::shape_ok, typename traits::account, typename traits::roles,
                                      typename traits::schemas, typename traits::grants,
                                      typename traits::iam>::type;
};

template <class Role, class Roles>
inline constexpr bool role_among = false;
template <class Role, class... R>
inline constexpr bool role_among<Role, roles<R...>> = one_of<Role, R...>;

}  // namespace detail

template <fixed_string Name, class... Parts>
struct cluster {
  static_assert(verify<cluster>());
  static constexpr std::string_view name = Name.view();
};

// A specialization of dsql::cluster (valid or not).
template <class T>
concept cluster_spec = detail::cluster_traits<T>::is_cluster;

// A declaration (role, schema, grant, iam_role, iam_grant, iam_admin, aws_account,
// cluster) that breaks no rule.
template <class T>
concept valid = detail::declaration<T> && check_t<T>::ok;

// Negative-test concept: declaration T breaks a rule.
template <class T>
concept cannot_declare = detail::declaration<T> && !check_t<T>::ok;

// Which rule T breaks: dsql::fails_with<T, dsql::assert_grantee_declared_t>.
template <class T, class Rule>
inline constexpr bool fails_with = std::is_same_v<check_t<T>, Rule>;

// Role is one of the roles declared in Spec.
template <class Spec, class Role>
concept declares_role =
    cluster_spec<Spec> && detail::role_among<Role, typename detail::cluster_traits<Spec>::roles>;

}  // namespace dsql

#endif  // DSQL_CLUSTER_HPP
