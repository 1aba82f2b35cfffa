// dsql/privilege.hpp - privileges and the kinds of object they are granted on.
//
// Schema:             dsql::usage, dsql::create
// Table:              dsql::select, insert, update, delete_, truncate, references, trigger
// Column:             dsql::select, insert, update, references
// Sequence:           dsql::usage, select, update
// Function:           dsql::execute
// Any of the above:   dsql::all, which expands to the exact PostgreSQL 15 set of the
//                     object's kind (the same set in PostgreSQL 16, DSQL's base).
// Several at once:    dsql::privileges<dsql::select, dsql::insert>.
// (`delete` is a C++ keyword, hence the underscore.)
#ifndef DSQL_PRIVILEGE_HPP
#define DSQL_PRIVILEGE_HPP

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "detail/rule.hpp"

namespace dsql {

// The first six keep their values from the first cut (the engine stores them).
enum class privilege_kind { usage, create, select, insert, update, delete_, truncate, references, trigger, execute };

// What a privilege is granted on. The first two keep their values from the first cut.
enum class object_kind {
  schema,
  all_tables_in_schema,
  table,
  columns,
  sequence,
  all_sequences_in_schema,
  function,
  all_functions_in_schema,
};

constexpr std::string_view sql_keyword(privilege_kind p) noexcept {
  switch (p) {
    case privilege_kind::usage: return "USAGE";
    case privilege_kind::create: return "CREATE";
    case privilege_kind::select: return "SELECT";
    case privilege_kind::insert: return "INSERT";
    case privilege_kind::update: return "UPDATE";
    case privilege_kind::delete_: return "DELETE";
    case privilege_kind::truncate: return "TRUNCATE";
    case privilege_kind::references: return "REFERENCES";
    case privilege_kind::trigger: return "TRIGGER";
    case privilege_kind::execute: return "EXECUTE";
  }
  return {};
}

// The privileges PostgreSQL 15 accepts on each kind of object, in its own order; `ALL`
// on that kind means exactly this set.
namespace detail {
inline constexpr privilege_kind schema_set[] = {privilege_kind::usage, privilege_kind::create};
inline constexpr privilege_kind table_set[] = {privilege_kind::select,   privilege_kind::insert,
                                               privilege_kind::update,   privilege_kind::delete_,
                                               privilege_kind::truncate, privilege_kind::references,
                                               privilege_kind::trigger};
inline constexpr privilege_kind column_set[] = {privilege_kind::select, privilege_kind::insert,
                                                privilege_kind::update, privilege_kind::references};
inline constexpr privilege_kind sequence_set[] = {privilege_kind::usage, privilege_kind::select,
                                                  privilege_kind::update};
inline constexpr privilege_kind function_set[] = {privilege_kind::execute};
}  // namespace detail

constexpr std::span<const privilege_kind> privileges_of(object_kind k) noexcept {
  switch (k) {
    case object_kind::schema: return detail::schema_set;
    case object_kind::all_tables_in_schema:
    case object_kind::table: return detail::table_set;
    case object_kind::columns: return detail::column_set;
    case object_kind::sequence:
    case object_kind::all_sequences_in_schema: return detail::sequence_set;
    case object_kind::function:
    case object_kind::all_functions_in_schema: return detail::function_set;
  }
  return {};
}

constexpr bool privilege_applies(privilege_kind p, object_kind k) noexcept {
  for (auto q : privileges_of(k))
    if (q == p) return true;
  return false;
}

// The first cut's question, kept for its callers: the kind of object a schema-level
// privilege goes with (usage/create: schema; the others: all tables in schema).
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
struct truncate : detail::privilege_tag<privilege_kind::truncate> {};
struct references : detail::privilege_tag<privilege_kind::references> {};
struct trigger : detail::privilege_tag<privilege_kind::trigger> {};
struct execute : detail::privilege_tag<privilege_kind::execute> {};
// Every privilege of the object's kind (expanded when the grant is modelled).
struct all {};

template <class T>
concept privilege =
    detail::one_of<T, usage, create, select, insert, update, delete_, truncate, references, trigger, execute>;

// A list of privileges granted together.
template <class... P>
struct privileges {};

#include "detail/rule_define.hpp"
DSQL_RULE(assert_privileges_listed_once_t,
          "A grant must list at least one privilege, and each privilege once.");
#include "detail/rule_undef.hpp"

namespace detail {

// privilege_list<X>: X itself as privileges<X> when X is one privilege; dsql::all alone.
template <class X>
struct privilege_list {
  static constexpr bool well_formed = false;
  static constexpr bool listed_once = true;
  static constexpr bool is_all = false;
  static constexpr std::array<privilege_kind, 0> kinds{};
};
template <privilege X>
struct privilege_list<X> {
  static constexpr bool well_formed = true;
  static constexpr bool listed_once = true;
  static constexpr bool is_all = false;
  static constexpr std::array<privilege_kind, 1> kinds{X::kind};
};
template <>
struct privilege_list<all> {
  static constexpr bool well_formed = true;
  static constexpr bool listed_once = true;
  static constexpr bool is_all = true;
  static constexpr std::array<privilege_kind, 0> kinds{};
};
template <class... P>
struct privilege_list<privileges<P...>> {
  static constexpr bool well_formed = (privilege<P> && ...);
  static constexpr bool listed_once = sizeof...(P) > 0 && all_distinct<P...>;
  static constexpr bool is_all = false;
  static constexpr std::array<privilege_kind, well_formed ? sizeof...(P) : 0> kinds = [] {
    if constexpr (well_formed) return std::array<privilege_kind, sizeof...(P)>{P::kind...};
    else return std::array<privilege_kind, 0>{};
  }();
};

}  // namespace detail
}  // namespace dsql

#endif  // DSQL_PRIVILEGE_HPP
