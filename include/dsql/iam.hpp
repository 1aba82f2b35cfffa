// dsql/iam.hpp - IAM principals, their mapping to database roles, the account.
//
//   dsql::iam_grant<app_readonly, dsql::iam_role<"AppReadOnlyRole">>   // AWS IAM GRANT
//   dsql::iam_admin<dsql::iam_role<"DsqlAdminRole">>                  // DbConnectAdmin
//   dsql::aws_account<"123456789012">                                 // optional, in cluster<>
//   dsql::iam_grant<app, dsql::iam_arn<"arn:aws:iam::111122223333:role/Other">>  // full ARN
//
// A full ARN names its own account (a concrete 12-digit one: `*` is refused, bind the
// account instead) and must be an IAM role or user, never an STS session
// (arn:aws:sts::...:assumed-role/...): DSQL maps the role, not one session of it.
// A principal listed bare in dsql::iam<...> is declared; it must also be mapped or be an
// admin identity (a declared principal that maps to nothing is a mistake).
//
// A principal is named without its account: arn:aws:iam::<account>:role/<name> is built
// at render time from the account bound in the cluster (dsql::aws_account) or given as a
// render option. A mapped principal gets dsql:DbConnect in its policy; the admin
// principal gets dsql:DbConnectAdmin and is never mapped (DSQL's admin role connects
// without a mapping).
#ifndef DSQL_IAM_HPP
#define DSQL_IAM_HPP

#include <cstddef>
#include <string>
#include <string_view>

#include "detail/rule.hpp"
#include "error.hpp"
#include "fixed_string.hpp"
#include "role.hpp"

namespace dsql {

enum class principal_kind { iam_role, iam_user };

template <fixed_string Name>
struct iam_role;
template <fixed_string Name>
struct iam_user;
template <fixed_string Arn>
struct iam_arn;
template <fixed_string Account>
struct aws_account;
template <fixed_string Region>
struct aws_region;
template <fixed_string Id>
struct cluster_id;

template <class Role, class Principal>
struct iam_grant;
template <class Principal>
struct iam_admin;

#include "detail/rule_define.hpp"
DSQL_RULE(assert_iam_name_valid_t,
          "An IAM role or user name must be 1 to 64 letters, digits or +=,.@_- characters, "
          "optionally after a path of such segments separated by /.");
DSQL_RULE(assert_aws_account_12_digits_t, "An AWS account id must be exactly 12 digits.");
DSQL_RULE(assert_iam_grant_shape_t,
          "An IAM mapping is written dsql::iam_grant<role, dsql::iam_role<\"Name\"> or "
          "dsql::iam_user<\"Name\">>.");
DSQL_RULE(assert_iam_admin_shape_t,
          "An admin identity is written dsql::iam_admin<dsql::iam_role<\"Name\"> or "
          "dsql::iam_user<\"Name\">>.");
DSQL_RULE(assert_admin_not_mapped_t,
          "The predefined admin role cannot be mapped to an IAM principal; declare the admin "
          "identity with dsql::iam_admin<principal> instead.");
DSQL_RULE(assert_mapped_role_has_login_t,
          "An IAM mapping needs a role declared with dsql::login, because DSQL refuses to map a "
          "role without LOGIN.");
DSQL_RULE(assert_principal_not_session_t,
          "An IAM mapping needs the IAM role's ARN, not an sts assumed-role or session ARN, because DSQL "
          "maps the role and every session of it.");
DSQL_RULE(assert_principal_account_bound_t,
          "A mapped principal needs a concrete account, not *: bind it with dsql::aws_account<\"123456789012\"> "
          "or at render time and name the principal with dsql::iam_role<\"Name\">.");
DSQL_RULE(assert_iam_arn_valid_t,
          "A principal ARN must look like arn:aws:iam::<12-digit account>:role/<name> or :user/<name>.");
DSQL_RULE(assert_aws_region_valid_t, "An AWS region must be lowercase letters, digits and dashes, such as us-east-1.");
DSQL_RULE(assert_cluster_id_valid_t, "A DSQL cluster id must be 1 to 64 lowercase letters and digits.");
#include "detail/rule_undef.hpp"

enum class arn_status { ok, session, wildcard_account, malformed };

// The one validator of full principal ARNs (compile time and run time).
constexpr arn_status check_principal_arn(std::string_view arn) noexcept {
  if (arn.starts_with("arn:aws:sts::") || arn.find(":assumed-role/") != std::string_view::npos ||
      arn.find(":federated-user/") != std::string_view::npos)
    return arn_status::session;
  constexpr std::string_view prefix = "arn:aws:iam::";
  if (!arn.starts_with(prefix)) return arn_status::malformed;
  arn.remove_prefix(prefix.size());
  const auto colon = arn.find(':');
  if (colon == std::string_view::npos) return arn_status::malformed;
  const std::string_view account = arn.substr(0, colon);
  std::string_view rest = arn.substr(colon + 1);
  if (account.find('*') != std::string_view::npos) return arn_status::wildcard_account;
  if (account.size() != 12) return arn_status::malformed;
  for (char c : account)
    if (c < '0' || c > '9') return arn_status::malformed;
  if (rest.starts_with("role/"))
    rest.remove_prefix(5);
  else if (rest.starts_with("user/"))
    rest.remove_prefix(5);
  else
    return arn_status::malformed;
  if (rest.find('*') != std::string_view::npos) return arn_status::wildcard_account;
  return arn_status::ok;
}

// IAM role and user names: [A-Za-z0-9+=,.@_-]{1,64}, optionally after path segments
// of the same characters separated by '/'; 512 bytes at most in all.
constexpr bool is_valid_iam_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 512) return false;
  std::size_t segment = 0;
  for (char c : name) {
    if (c == '/') {
      if (segment == 0) return false;
      segment = 0;
      continue;
    }
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                         c == '=' || c == ',' || c == '.' || c == '@' || c == '_' || c == '-';
    if (!allowed) return false;
    ++segment;
  }
  return segment >= 1 && segment <= 64;
}

constexpr bool is_valid_account_id(std::string_view id) noexcept {
  if (id.size() != 12) return false;
  for (char c : id)
    if (c < '0' || c > '9') return false;
  return true;
}

// Run-time form of the account rule.
// The sentence for a wrong account id: a `*` is told to bind the account.
constexpr std::string_view account_id_message(std::string_view id) noexcept {
  return id.find('*') != std::string_view::npos ? assert_principal_account_bound_t::message
                                                : assert_aws_account_12_digits_t::message;
}

inline void validate_account_id(std::string_view id) {
  if (!is_valid_account_id(id)) throw error(std::string(account_id_message(id)));
}

constexpr std::string_view arn_resource_type(principal_kind k) noexcept {
  return k == principal_kind::iam_role ? "role" : "user";
}

// arn:aws:iam::<account>:role/<name> (or :user/<name>).
constexpr std::string principal_arn(principal_kind kind, std::string_view account, std::string_view name) {
  std::string arn = "arn:aws:iam::";
  arn += account;
  arn += ':';
  arn += arn_resource_type(kind);
  arn += '/';
  arn += name;
  return arn;
}

namespace detail {

template <class T>
struct principal_traits {
  static constexpr bool is_principal = false;
  static constexpr principal_kind kind = principal_kind::iam_role;
  static constexpr std::string_view name{};
  static constexpr std::string_view account{};
};
template <fixed_string Name>
struct principal_traits<iam_role<Name>> {
  static constexpr bool is_principal = true;
  static constexpr principal_kind kind = principal_kind::iam_role;
  static constexpr std::string_view name = Name.view();
  static constexpr std::string_view account{};
};
template <fixed_string Name>
struct principal_traits<iam_user<Name>> {
  static constexpr bool is_principal = true;
  static constexpr principal_kind kind = principal_kind::iam_user;
  static constexpr std::string_view name = Name.view();
  static constexpr std::string_view account{};
};

// The parts of a well-formed full ARN (empty when malformed).
struct arn_parts {
  principal_kind kind = principal_kind::iam_role;
  std::string_view account;
  std::string_view name;
};
constexpr arn_parts split_arn(std::string_view arn) noexcept {
  if (check_principal_arn(arn) != arn_status::ok) return {};
  arn.remove_prefix(13);
  const auto colon = arn.find(':');
  arn_parts p;
  p.account = arn.substr(0, colon);
  std::string_view rest = arn.substr(colon + 1);
  p.kind = rest.starts_with("user/") ? principal_kind::iam_user : principal_kind::iam_role;
  p.name = rest.substr(5);
  return p;
}

template <fixed_string Arn>
struct principal_traits<iam_arn<Arn>> {
  static constexpr bool is_principal = true;
  static constexpr principal_kind kind = split_arn(Arn.view()).kind;
  static constexpr std::string_view name = split_arn(Arn.view()).name;
  static constexpr std::string_view account = split_arn(Arn.view()).account;
};

template <fixed_string Arn>
struct check<iam_arn<Arn>> {
  static constexpr arn_status status = check_principal_arn(Arn.view());
  using type = first_failure_t<
      rule_if_t<status == arn_status::session, assert_principal_not_session_t>,
      rule_if_t<status == arn_status::wildcard_account, assert_principal_account_bound_t>,
      rule_if_t<status == arn_status::malformed, assert_iam_arn_valid_t>,
      rule_if_t<status == arn_status::ok && !is_valid_iam_name(split_arn(Arn.view()).name), assert_iam_name_valid_t>>;
};

constexpr bool is_valid_region(std::string_view r) noexcept {
  if (r.empty() || r.size() > 32) return false;
  for (char c : r)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}
constexpr bool is_valid_cluster_id(std::string_view r) noexcept {
  if (r.empty() || r.size() > 64) return false;
  for (char c : r)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}
template <fixed_string R>
struct check<aws_region<R>> {
  using type = rule_if_t<!is_valid_region(R.view()), assert_aws_region_valid_t>;
};
template <fixed_string I>
struct check<cluster_id<I>> {
  using type = rule_if_t<!is_valid_cluster_id(I.view()), assert_cluster_id_valid_t>;
};

template <fixed_string Name>
struct check<iam_role<Name>> {
  using type = rule_if_t<!is_valid_iam_name(Name.view()), assert_iam_name_valid_t>;
};
template <fixed_string Name>
struct check<iam_user<Name>> {
  using type = rule_if_t<!is_valid_iam_name(Name.view()), assert_iam_name_valid_t>;
};
template <fixed_string Account>
struct check<aws_account<Account>> {
  // `*` is fine in a policy's Resource, never as the account of a mapping: bind it.
  using type =
      first_failure_t<rule_if_t<Account.view().find('*') != std::string_view::npos, assert_principal_account_bound_t>,
                      rule_if_t<!is_valid_account_id(Account.view()), assert_aws_account_12_digits_t>>;
};

// Entries of dsql::iam<...>: mappings and admin identities.
template <class T>
struct iam_entry_traits {
  static constexpr bool is_entry = false;
  static constexpr bool is_mapping = false;
  static constexpr bool is_admin = false;
  static constexpr bool is_declaration = false;
  using role = void;
  using principal = void;
};
template <class Role, class Principal>
struct iam_entry_traits<iam_grant<Role, Principal>> {
  static constexpr bool is_entry = true;
  static constexpr bool is_mapping = true;
  static constexpr bool is_admin = false;
  static constexpr bool is_declaration = false;
  using role = Role;
  using principal = Principal;
};
template <class Principal>
requires principal_traits<Principal>::is_principal struct iam_entry_traits<Principal> {
  static constexpr bool is_entry = true;
  static constexpr bool is_mapping = false;
  static constexpr bool is_admin = false;
  static constexpr bool is_declaration = true;
  using role = void;
  using principal = Principal;
};
template <class Principal>
struct iam_entry_traits<iam_admin<Principal>> {
  static constexpr bool is_entry = true;
  static constexpr bool is_mapping = false;
  static constexpr bool is_admin = true;
  static constexpr bool is_declaration = false;
  using role = void;
  using principal = Principal;
};

template <class Role, class Principal>
using iam_grant_check_t =
    first_failure_t<rule_if_t<std::is_same_v<Role, admin>, assert_admin_not_mapped_t>,
                    rule_if_t<!role_type<Role> || !principal_traits<Principal>::is_principal, assert_iam_grant_shape_t>,
                    check_or_ok_t<Role>, check_or_ok_t<Principal>,
                    rule_if_t<!role_traits<Role>::can_login, assert_mapped_role_has_login_t>>;

template <class Role, class Principal>
struct check<iam_grant<Role, Principal>> {
  using type = iam_grant_check_t<Role, Principal>;
};
template <class Principal>
struct check<iam_admin<Principal>> {
  using type = first_failure_t<rule_if_t<!principal_traits<Principal>::is_principal, assert_iam_admin_shape_t>,
                               check_or_ok_t<Principal>>;
};

}  // namespace detail

template <class T>
concept principal = detail::principal_traits<T>::is_principal;

template <fixed_string Name>
struct iam_role {
  static_assert(verify<iam_role>());
  static constexpr principal_kind kind = principal_kind::iam_role;
  static constexpr std::string_view name = Name.view();
};

template <fixed_string Name>
struct iam_user {
  static_assert(verify<iam_user>());
  static constexpr principal_kind kind = principal_kind::iam_user;
  static constexpr std::string_view name = Name.view();
};

template <fixed_string Arn>
struct iam_arn {
  static_assert(verify<iam_arn>());
  static constexpr principal_kind kind = detail::principal_traits<iam_arn>::kind;
  static constexpr std::string_view name = detail::principal_traits<iam_arn>::name;
  static constexpr std::string_view account = detail::principal_traits<iam_arn>::account;
};

template <fixed_string Account>
struct aws_account {
  static_assert(verify<aws_account>());
  static constexpr std::string_view id = Account.view();
};

template <fixed_string Region>
struct aws_region {
  static_assert(verify<aws_region>());
  static constexpr std::string_view id = Region.view();
};

template <fixed_string Id>
struct cluster_id {
  static_assert(verify<cluster_id>());
  static constexpr std::string_view id = Id.view();
};

template <class Role, class Principal>
struct iam_grant {
  static_assert(verify<iam_grant>());
};

template <class Principal>
struct iam_admin {
  static_assert(verify<iam_admin>());
};

// Negative-test concept: this mapping breaks a rule on its own.
template <class Role, class Principal>
concept cannot_map = !detail::iam_grant_check_t<Role, Principal>::ok;

}  // namespace dsql

#endif  // DSQL_IAM_HPP
