// dsql/cluster.hpp - the cluster spec: roles, schemas, grants, IAM mappings, account.
//
//   using seed = dsql::cluster<"seed",
//       dsql::roles<app_readonly, app_readwrite>,
//       dsql::schemas<dsql::public_schema, users_schema>,
//       dsql::grants<dsql::grant<dsql::usage, dsql::on_schema<dsql::public_schema>, app_readonly>>,
//       dsql::iam<dsql::iam_grant<app_readonly, dsql::iam_role<"AppReadOnlyRole">>,
//                 dsql::iam_admin<dsql::iam_role<"DsqlAdminRole">>>>;
//
// Parts may come in any order, each at most once; dsql::aws_account<"...">,
// dsql::aws_region<"..."> and dsql::cluster_id<"..."> bind the account, region and cluster
// in code (otherwise they are render options). dsql::grants<...> holds grants, revokes,
// default privileges and memberships.
//
// Rules that depend on the target (aurora_dsql: no password, at most 10 schemas, no
// owned_by, no WITH ADMIN OPTION, no database privileges, only USAGE and per-object
// grants on schema public) are one constexpr validator in validate.hpp, used by
// dsql::verify_for<Spec, target>(), the target-templated renderers
// (render_bootstrap<Spec, dsql::target::aurora_dsql>()) and, throwing the same sentences,
// by dsql::validate_for at run time. A cluster is checked when it is
// rendered or instantiated: its own rules (declared, unique, ...) after the rules of
// every element, the first broken rule reported with its one sentence. The cluster's own
// rules are one constexpr function too, dsql::first_cluster_rule (cluster_rules.hpp),
// which dsql::validate runs on a model at run time.
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
#include "target.hpp"

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
          "dsql::iam<iam_grant, iam_admin or principal...>, dsql::aws_account<\"...\">, "
          "dsql::aws_region<\"...\"> and dsql::cluster_id<\"...\">, each at most once.");
DSQL_RULE(assert_role_names_unique_t, "Each role name must be declared once in a cluster.");
DSQL_RULE(assert_schema_names_unique_t, "Each schema name must be declared once in a cluster.");
DSQL_RULE(assert_grantee_declared_t, "Every role a grant names must be declared in the cluster's dsql::roles<...>.");
DSQL_RULE(assert_grant_schema_declared_t,
          "Every schema a grant names must be declared in the cluster's dsql::schemas<...>.");
DSQL_RULE(assert_mapped_role_declared_t,
          "Every role an IAM mapping names must be declared in the cluster's dsql::roles<...>.");
DSQL_RULE(assert_admin_identity_not_mapped_t,
          "An admin identity gets DbConnectAdmin and must not also be mapped to a database role.");
DSQL_RULE(assert_iam_entries_unique_t, "Each IAM mapping and admin identity must be declared once in a cluster.");
DSQL_RULE(assert_creator_declared_t,
          "The creator role of default privileges (dsql::for_role<R>) must be declared in the cluster's "
          "dsql::roles<...>.");
DSQL_RULE(assert_schema_owner_declared_t,
          "The owner of a schema (dsql::owned_by<R>) must be declared in the cluster's dsql::roles<...>.");
DSQL_RULE(assert_membership_acyclic_t,
          "Role memberships must not form a cycle, because PostgreSQL refuses to make a role a member of "
          "itself through other roles.");
DSQL_RULE(assert_sensitive_schema_reader_t,
          "A sensitive schema may be granted on only to the roles its dsql::sensitive<...> lists, never to "
          "PUBLIC, and a listed role's members must be listed too, because they inherit its access.");
DSQL_RULE(assert_revoke_not_from_schema_owner_t,
          "A revoke on a schema must not name the schema's owner (dsql::owned_by), because PostgreSQL would then "
          "refuse the owner its own schema while it can grant itself the privileges back at any time.");
DSQL_RULE(assert_principal_mapped_t,
          "Every IAM principal declared in dsql::iam<...> must be mapped to a role with dsql::iam_grant or "
          "be an admin identity with dsql::iam_admin.");
DSQL_RULE(assert_no_password_on_dsql_t,
          "Aurora DSQL authenticates with IAM tokens only, so a role rendered for aurora_dsql must not "
          "declare dsql::password_from_env.");
DSQL_RULE(assert_dsql_schema_limit_t,
          "Aurora DSQL allows at most 10 schemas per database, so a spec rendered for aurora_dsql must "
          "declare 10 schemas or fewer.");
DSQL_RULE(assert_dsql_schema_owner_t,
          "Aurora DSQL was seen setting a schema's owner only to the current user (AUTHORIZATION CURRENT_USER), "
          "so a spec rendered for aurora_dsql must not declare dsql::owned_by: let admin own the schema and grant "
          "CREATE on it to the role that creates the objects.");
DSQL_RULE(assert_dsql_admin_option_t,
          "Aurora DSQL was seen accepting GRANT role TO role only without WITH ADMIN OPTION, so a spec rendered "
          "for aurora_dsql must not declare dsql::with_admin_option: let admin grant the membership.");
DSQL_RULE(assert_dsql_database_privileges_t,
          "Aurora DSQL has one database whose privileges its admin manages, so a spec rendered for aurora_dsql "
          "must not declare dsql::on_database: grant on schemas and their objects instead.");
DSQL_RULE(assert_dsql_public_schema_t,
          "Aurora DSQL refuses grants and revokes on schema public, a system entity where every role has USAGE "
          "through PUBLIC and no other role creates, so a spec rendered for aurora_dsql may only grant USAGE on "
          "it, revoke CREATE on it from PUBLIC, and grant on the tables, sequences and functions in it: use a "
          "schema of your own for anything more.");
DSQL_RULE(assert_role_declared_or_retired_t,
          "A role is either declared or retired, never both (a retired role is dropped by the engine).");
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

template <class T>
inline constexpr bool is_region = false;
template <fixed_string A>
inline constexpr bool is_region<aws_region<A>> = true;
template <class T>
inline constexpr std::string_view region_of = {};
template <fixed_string A>
inline constexpr std::string_view region_of<aws_region<A>> = A.view();
template <class T>
inline constexpr bool is_cluster_id = false;
template <fixed_string A>
inline constexpr bool is_cluster_id<cluster_id<A>> = true;
template <class T>
inline constexpr std::string_view cluster_id_of = {};
template <fixed_string A>
inline constexpr std::string_view cluster_id_of<cluster_id<A>> = A.view();

template <class T>
inline constexpr bool is_binding = is_account<T> || is_region<T> || is_cluster_id<T>;

// The part of kind L among Parts, or an empty L<>.
template <template <class...> class L, class... Parts>
using part_t = type_at_t<first_true(std::array<bool, sizeof...(Parts)>{is_instance_of<L, Parts>...}), Parts..., L<>>;
template <class... Parts>
using account_part_t =
    type_at_t<first_true(std::array<bool, sizeof...(Parts)>{is_account<Parts>...}), Parts..., no_account>;
template <class... Parts>
using region_part_t =
    type_at_t<first_true(std::array<bool, sizeof...(Parts)>{is_region<Parts>...}), Parts..., no_account>;
template <class... Parts>
using cluster_id_part_t =
    type_at_t<first_true(std::array<bool, sizeof...(Parts)>{is_cluster_id<Parts>...}), Parts..., no_account>;

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
inline constexpr bool cluster_shape_ok = ((elements_well_typed<Parts> || is_binding<Parts>)&&...) &&
                                         (0 + ... + int{is_instance_of<roles, Parts>}) <= 1 &&
                                         (0 + ... + int{is_instance_of<schemas, Parts>}) <= 1 &&
                                         (0 + ... + int{is_instance_of<grants, Parts>}) <= 1 &&
                                         (0 + ... + int{is_instance_of<iam, Parts>}) <= 1 &&
                                         (0 + ... + int{is_account<Parts>}) <= 1 &&
                                         (0 + ... + int{is_region<Parts>}) <= 1 &&
                                         (0 + ... + int{is_cluster_id<Parts>}) <= 1;

template <bool ShapeOk, class Bindings, class Roles, class Schemas, class Grants, class Iam>
struct cluster_check;

// The cluster rules' check of a spec whose elements are well-formed (cluster_rules.hpp).
template <class Roles, class Schemas, class Grants, class Iam>
struct cluster_rules_check;
template <bool ElementsOk, class Roles, class Schemas, class Grants, class Iam, class ElementFailure>
struct lazy_cluster_rules {
  using type = ElementFailure;
};
template <class Roles, class Schemas, class Grants, class Iam, class ElementFailure>
struct lazy_cluster_rules<true, Roles, Schemas, Grants, Iam, ElementFailure> {
  using type = typename cluster_rules_check<Roles, Schemas, Grants, Iam>::type;
};

template <class... B>
struct bindings {};

template <bool ShapeOk, class... B, class... R, class... S, class... G, class... E>
struct cluster_check<ShapeOk, bindings<B...>, roles<R...>, schemas<S...>, grants<G...>, iam<E...>> {
  // Each rule is reported at its culprit (detail/rule.hpp: located): first the element
  // that breaks its own rule, then the element the cluster's rules find at fault. The
  // cluster's rules are dsql::first_cluster_rule over the model the declarations
  // describe (cluster_rules.hpp), the very function dsql::validate runs; they are asked
  // only when every element is well-formed, since only then can it be described.
  using elements = first_failure_t<rule_if_t<!ShapeOk, assert_cluster_shape_t>, locate_t<check_or_ok_t<B>, B>...,
                                   locate_t<check_or_ok_t<R>, R>..., locate_t<check_or_ok_t<S>, S>...,
                                   locate_t<check_or_ok_t<G>, G>..., locate_t<check_or_ok_t<E>, E>...>;
  using type =
      typename lazy_cluster_rules<elements::ok, roles<R...>, schemas<S...>, grants<G...>, iam<E...>, elements>::type;
};

// How a culprit is named in the first error line (detail/rule.hpp).
template <fixed_string N, class... O>
struct culprit_parts<role<N, O...>> {
  static constexpr std::array<std::string_view, 2> parts{"role ", N.view()};
};
template <fixed_string N, class... O>
struct culprit_parts<schema<N, O...>> {
  static constexpr std::array<std::string_view, 2> parts{"schema ", N.view()};
};
template <class Group, class Member, class... O>
struct culprit_parts<membership<Group, Member, O...>> {
  using t = grant_traits<membership<Group, Member, O...>>;
  static constexpr std::array<std::string_view, 4> parts{"membership of role ", t::member, " in ", t::group};
};
// grant, revoke, default privileges: "grant to a, PUBLIC in schema s", with the creator.
template <class G>
constexpr std::string_view grant_word() {
  if constexpr (requires { typename grant_traits<G>::creator; })
    return "default privileges of ";
  else if constexpr (grant_traits<G>::is_revoke)
    return "revoke from ";
  else
    return "grant to ";
}
template <class G>
struct grant_culprit_parts {
  using t = grant_traits<G>;
  static constexpr std::size_t n = t::grantee_names.size();
  static constexpr std::array<std::string_view, 2 * n + 5> parts = [] {
    std::array<std::string_view, 2 * n + 5> a{};
    std::size_t i = 0;
    a[i++] = grant_word<G>();
    if constexpr (requires { typename t::creator; }) {
      if constexpr (role_type<typename t::creator>) a[i++] = role_traits<typename t::creator>::name;
      a[i++] = " for ";
    }
    for (std::size_t k = 0; k < n; ++k) {
      a[i++] = t::grantee_names[k].empty() ? std::string_view("PUBLIC") : t::grantee_names[k];
      if (k + 1 < n) a[i++] = ", ";
    }
    if constexpr (!std::is_void_v<typename t::schema>) {
      a[i++] = " in schema ";
      a[i++] = schema_traits<typename t::schema>::name;
    }
    return a;
  }();
};
template <class P, class On, class... G>
struct culprit_parts<grant<P, On, G...>> : grant_culprit_parts<grant<P, On, G...>> {};
template <class P, class On, class... G>
struct culprit_parts<revoke<P, On, G...>> : grant_culprit_parts<revoke<P, On, G...>> {};
template <class F, class P, class On, class... G>
struct culprit_parts<default_privileges<F, P, On, G...>> : grant_culprit_parts<default_privileges<F, P, On, G...>> {};
// A principal as written (an ARN in full), a role by its name (admin: "admin").
template <class P>
inline constexpr std::string_view principal_label = principal_traits<P>::name;
template <fixed_string A>
inline constexpr std::string_view principal_label<iam_arn<A>> = A.view();
template <class R>
inline constexpr std::string_view role_label = role_traits<R>::name;
template <>
inline constexpr std::string_view role_label<admin> = admin::name;
template <class R, class P>
struct culprit_parts<iam_grant<R, P>> {
  static constexpr std::array<std::string_view, 4> parts{"IAM mapping of role ", role_label<R>, " to ",
                                                         principal_label<P>};
};
template <class P>
struct culprit_parts<iam_admin<P>> {
  static constexpr std::array<std::string_view, 2> parts{"IAM admin identity ", principal_label<P>};
};
template <fixed_string N>
struct culprit_parts<iam_role<N>> {
  static constexpr std::array<std::string_view, 2> parts{"IAM role ", N.view()};
};
template <fixed_string N>
struct culprit_parts<iam_user<N>> {
  static constexpr std::array<std::string_view, 2> parts{"IAM user ", N.view()};
};
template <fixed_string N>
struct culprit_parts<iam_arn<N>> {
  static constexpr std::array<std::string_view, 2> parts{"IAM principal ", N.view()};
};
template <fixed_string N>
struct culprit_parts<aws_account<N>> {
  static constexpr std::array<std::string_view, 2> parts{"aws_account ", N.view()};
};
template <fixed_string N>
struct culprit_parts<aws_region<N>> {
  static constexpr std::array<std::string_view, 2> parts{"aws_region ", N.view()};
};
template <fixed_string N>
struct culprit_parts<cluster_id<N>> {
  static constexpr std::array<std::string_view, 2> parts{"cluster_id ", N.view()};
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
  using region = std::conditional_t<shape_ok, region_part_t<Parts...>, no_account>;
  using cluster_id = std::conditional_t<shape_ok, cluster_id_part_t<Parts...>, no_account>;
  static constexpr std::string_view account_id = account_of<account>;
  static constexpr std::string_view region_id = region_of<region>;
  static constexpr std::string_view cluster_id_value = cluster_id_of<cluster_id>;
};

template <fixed_string Name, class... Parts>
struct check<cluster<Name, Parts...>> {
  using traits = cluster_traits<cluster<Name, Parts...>>;
  using type = typename cluster_check<
      traits::shape_ok, bindings<typename traits::account, typename traits::region, typename traits::cluster_id>,
      typename traits::roles, typename traits::schemas, typename traits::grants, typename traits::iam>::type;
};

template <class Role, class Roles>
inline constexpr bool role_among = false;
template <class Role, class... R>
inline constexpr bool role_among<Role, roles<R...>> = one_of<Role, R...>;

}  // namespace detail

template <fixed_string Name, class... Parts>
struct cluster {
  static_assert(detail::fire<check_t<cluster>>());
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
inline constexpr bool fails_with = std::is_same_v<detail::rule_of_t<check_t<T>>, Rule>;

// The culprit a rule broken by T is reported at: dsql::culprit<"role batch_worker">, or void
// when T breaks no rule or a rule of its own shape (detail/rule.hpp).
template <class T>
struct culprit_of {
  using type = void;
};
template <class T>
requires detail::is_located<check_t<T>>
struct culprit_of<T> {
  using type = detail::culprit_of_t<typename check_t<T>::element>;
};
template <class T>
using culprit_of_t = typename culprit_of<T>::type;

// Role is one of the roles declared in Spec.
template <class Spec, class Role>
concept declares_role = cluster_spec<Spec> && detail::role_among<Role, typename detail::cluster_traits<Spec>::roles>;

}  // namespace dsql

// The cluster rules need the model; model.hpp includes cluster_rules.hpp at its end.
#include "model.hpp"

#endif  // DSQL_CLUSTER_HPP
