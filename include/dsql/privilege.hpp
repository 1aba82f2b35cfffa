// dsql/privilege.hpp - privileges.
//
// Schema privileges: dsql::usage, dsql::create (granted with dsql::on_schema<S>).
// Table privileges:  dsql::select, dsql::insert, dsql::update, dsql::delete_ (granted
// with dsql::on_all_tables_in<S>; `delete` is a C++ keyword, hence the underscore).
// Several at once: dsql::privileges<dsql::select, dsql::insert>.
#ifndef DSQL_PRIVILEGE_HPP
#define DSQL_PRIVILEGE_HPP

#include <array>
#include <cstddef>
#include <string_view>

#include "detail/rule.hpp"

namespace dsql {

enum class privilege_kind { usage, create, select, insert, update, delete_ };

// What a privilege is granted on.
enum class object_kind { schema, all_tables_in_schema };

constexpr std::string_view sql_keyword(privilege_kind p) noexcept {
  switch (p) {
    case privilege_kind::usage: return "USAGE";
    case privilege_kind::create: return "CREATE";
    case privilege_kind::select: return "SELECT";
    case privilege_kind::insert: return "INSERT";
    case privilege_kind::update: return "UPDATE";
    case privilege_kind::delete_: return "DELETE";
  }
  return {};
}

constexpr object_kind applies_to(privilege_kind p) noexcept {
  return (p == privilege_kind::usage || p == privilege_kind::create) ? object_kind::schema
                                                                     : object_kind::all_tables_in_schema;
}

namespace detail {
template <privilege_kind K>
struct privilege_tag {
  static constexpr privilege_kind kind = K;
};
}  // namespace detail

struct usage : detail::privilege_tag<privilege_kind::usage> {};
struct create : detail::privilege_tag<privilege_kind::create> {};
struct select : detail::privilege_tag<privilege_kind::select> {};
struct insert : detail::privilege_tag<privilege_kind::insert> {};
struct update : detail::privilege_tag<privilege_kind::update> {};
struct delete_ : detail::privilege_tag<privilege_kind::delete_> {};

template <class T>
concept privilege = detail::one_of<T, usage, create, select, insert, update, delete_>;

// A list of privileges granted together.
template <class... P>
struct privileges {};

#include "detail/rule_define.hpp"
DSQL_RULE(assert_privileges_listed_once_t,
          "A grant must list at least one privilege, and each privilege once.");
#include "detail/rule_undef.hpp"

namespace detail {

// privilege_list<X>: X itself as privileges<X> when X is one privilege.
template <class X>
struct privilege_list {
  static constexpr bool well_formed = false;
  static constexpr bool listed_once = true;
  static constexpr std::array<privilege_kind, 0> kinds{};
};
template <privilege X>
struct privilege_list<X> {
  static constexpr bool well_formed = true;
  static constexpr bool listed_once = true;
  static constexpr std::array<privilege_kind, 1> kinds{X::kind};
};
template <class... P>
struct privilege_list<privileges<P...>> {
  static constexpr bool well_formed = (privilege<P> && ...);
  static constexpr bool listed_once = sizeof...(P) > 0 && all_distinct<P...>;
  static constexpr std::array<privilege_kind, well_formed ? sizeof...(P) : 0> kinds = [] {
    if constexpr (well_formed) return std::array<privilege_kind, sizeof...(P)>{P::kind...};
    else return std::array<privilege_kind, 0>{};
  }();
};

}  // namespace detail
}  // namespace dsql

#endif  // DSQL_PRIVILEGE_HPP
