// dsql/iam.hpp - IAM principals, their mapping to database roles, the account.
//
//   dsql::iam_grant<app_readonly, dsql::iam_role<"AppReadOnlyRole">>   // AWS IAM GRANT
//   dsql::iam_admin<dsql::iam_role<"DsqlAdminRole">>                  // DbConnectAdmin
//   dsql::aws_account<"123456789012">                                 // optional, in cluster<>
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
template <fixed_string Account>
struct aws_account;

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
#include "detail/rule_undef.hpp"

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
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                         c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '_' || c == '-';
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
inline void validate_account_id(std::string_view id) {
  if (!is_valid_account_id(id)) throw error(std::string(assert_aws_account_12_digits_t::message));
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
};
template <fixed_string Name>
struct principal_traits<iam_role<Name>> {
  static constexpr bool is_principal = true;
  static constexpr principal_kind kind = principal_kind::iam_role;
  static constexpr std::string_view name = Name.view();
};
template <fixed_string Name>
struct principal_traits<iam_user<Name>> {
  static constexpr bool is_principal = true;
  static constexpr principal_kind kind = principal_kind::iam_user;
  static constexpr std::string_view name = Name.view();
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
  using type = rule_if_t<!is_valid_account_id(Account.view()), assert_aws_account_12_digits_t>;
};

// Entries of dsql::iam<...>: mappings and admin identities.
template <class T>
struct iam_entry_traits {
  static constexpr bool is_entry = false;
  static constexpr bool is_mapping = false;
  static constexpr bool is_admin = false;
  using role = void;
  using principal = void;
};
template <class Role, class Principal>
struct iam_entry_traits<iam_grant<Role, Principal>> {
  static constexpr bool is_entry = true;
  static constexpr bool is_mapping = true;
  static constexpr bool is_admin = false;
  using role = Role;
  using principal = Principal;
};
template <class Principal>
struct iam_entry_traits<iam_admin<Principal>> {
  static constexpr bool is_entry = true;
  static constexpr bool is_mapping = false;
  static constexpr bool is_admin = true;
  using role = void;
  using principal = Principal;
};

template <class Role, class Principal>
using iam_grant_check_t = first_failure_t<
    rule_if_t<std::is_same_v<Role, admin>, assert_admin_not_mapped_t>,
    rule_if_t<!role_type<Role> || !principal_traits<Principal>::is_principal, assert_iam_grant_shape_t>,
    check_or_ok_t<Role>, check_or_ok_t<Principal>,
    rule_if_t<!role_traits<Role>::can_login, assert_mapped_role_has_login_t>>;

template <class Role, class Principal>
struct check<iam_grant<Role, Principal>> {
  using type = iam_grant_check_t<Role, Principal>;
};
template <class Principal>
struct check<iam_admin<Principal>> {
  using type = first_failure_t<
      rule_if_t<!principal_traits<Principal>::is_principal, assert_iam_admin_shape_t>,
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

template <fixed_string Account>
struct aws_account {
  static_assert(verify<aws_account>());
  static constexpr std::string_view id = Account.view();
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
