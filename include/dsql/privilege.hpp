// dsql/privilege.hpp - privileges and the kinds of object they are granted on.
//
// Schema:             dsql::usage, dsql::create
// Table:              dsql::select, insert, update, delete_, truncate, references, trigger
// Column:             dsql::select, insert, update, references
// Sequence:           dsql::usage, select, update
// Function:           dsql::execute
// Database:           dsql::create, dsql::connect_, dsql::temporary (the current database)
// Any of the above:   dsql::all, which expands to the exact PostgreSQL 15 set of the
//                     object's kind (the same set in PostgreSQL 16, DSQL's base).
// Several at once:    dsql::privileges<dsql::select, dsql::insert>.
// (`delete` is a C++ keyword, hence the underscore; `connect` names the application's
// dsql::connect<Spec, Role>, hence the underscore of the privilege.)
#ifndef DSQL_PRIVILEGE_HPP
#define DSQL_PRIVILEGE_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "detail/rule.hpp"

namespace dsql {

// Values are only ever appended (serialised models and the engine's bit sets use them).
enum class privilege_kind {
  usage,
  create,
  select,
  insert,
  update,
  delete_,
  truncate,
  references,
  trigger,
  execute,
  connect,
  temporary
};
inline constexpr std::size_t privilege_kind_count = 12;

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
  database,  // the current database (appended: values are only ever appended)
};

constexpr std::string_view to_string(object_kind k) noexcept {
  switch (k) {
    case object_kind::schema:
      return "schema";
    case object_kind::all_tables_in_schema:
      return "all_tables_in_schema";
    case object_kind::table:
      return "table";
    case object_kind::columns:
      return "columns";
    case object_kind::sequence:
      return "sequence";
    case object_kind::all_sequences_in_schema:
      return "all_sequences_in_schema";
    case object_kind::function:
      return "function";
    case object_kind::all_functions_in_schema:
      return "all_functions_in_schema";
    case object_kind::database:
      return "database";
  }
  return {};
}

constexpr std::string_view sql_keyword(privilege_kind p) noexcept {
  switch (p) {
    case privilege_kind::usage:
      return "USAGE";
    case privilege_kind::create:
      return "CREATE";
    case privilege_kind::select:
      return "SELECT";
    case privilege_kind::insert:
      return "INSERT";
    case privilege_kind::update:
      return "UPDATE";
    case privilege_kind::delete_:
      return "DELETE";
    case privilege_kind::truncate:
      return "TRUNCATE";
    case privilege_kind::references:
      return "REFERENCES";
    case privilege_kind::trigger:
      return "TRIGGER";
    case privilege_kind::execute:
      return "EXECUTE";
    case privilege_kind::connect:
      return "CONNECT";
    case privilege_kind::temporary:
      return "TEMPORARY";
  }
  return {};
}

// "SELECT" -> select; TEMP is TEMPORARY's other spelling. nullopt for anything else.
constexpr std::optional<privilege_kind> privilege_of_keyword(std::string_view k) noexcept {
  for (std::size_t i = 0; i < privilege_kind_count; ++i)
    if (sql_keyword(static_cast<privilege_kind>(i)) == k) return static_cast<privilege_kind>(i);
  if (k == "TEMP") return privilege_kind::temporary;
  return std::nullopt;
}

// The privileges PostgreSQL 15 accepts on each kind of object, in its own order; `ALL`
// on that kind means exactly this set.
namespace detail {
inline constexpr privilege_kind schema_set[] = {privilege_kind::usage, privilege_kind::create};
inline constexpr privilege_kind table_set[] = {
    privilege_kind::select,   privilege_kind::insert,     privilege_kind::update, privilege_kind::delete_,
    privilege_kind::truncate, privilege_kind::references, privilege_kind::trigger};
inline constexpr privilege_kind column_set[] = {privilege_kind::select, privilege_kind::insert, privilege_kind::update,
                                                privilege_kind::references};
inline constexpr privilege_kind sequence_set[] = {privilege_kind::usage, privilege_kind::select,
                                                  privilege_kind::update};
inline constexpr privilege_kind function_set[] = {privilege_kind::execute};
inline constexpr privilege_kind database_set[] = {privilege_kind::create, privilege_kind::connect,
                                                  privilege_kind::temporary};
}  // namespace detail

constexpr std::span<const privilege_kind> privileges_of(object_kind k) noexcept {
  switch (k) {
    case object_kind::schema:
      return detail::schema_set;
    case object_kind::all_tables_in_schema:
    case object_kind::table:
      return detail::table_set;
    case object_kind::columns:
      return detail::column_set;
    case object_kind::sequence:
    case object_kind::all_sequences_in_schema:
      return detail::sequence_set;
    case object_kind::function:
    case object_kind::all_functions_in_schema:
      return detail::function_set;
    case object_kind::database:
      return detail::database_set;
  }
  return {};
}

// A set of privileges, one bit per privilege_kind: what an ACL entry holds (aclitem's
// letters arwdDxtXUCcT), what a plan grants or revokes. Listed in canonical_privileges
// order, the order the engine writes them in.
inline constexpr privilege_kind canonical_privileges[] = {
    privilege_kind::select,   privilege_kind::insert,     privilege_kind::update,  privilege_kind::delete_,
    privilege_kind::truncate, privilege_kind::references, privilege_kind::trigger, privilege_kind::execute,
    privilege_kind::usage,    privilege_kind::create,     privilege_kind::connect, privilege_kind::temporary};

struct privilege_set {
  std::uint32_t bits = 0;

  constexpr privilege_set() noexcept = default;
  constexpr privilege_set(privilege_kind p) noexcept
      : bits(1U << static_cast<unsigned>(p)) {}  // NOLINT: implicit on purpose
  template <class Range>
  static constexpr privilege_set of(const Range& kinds) noexcept {
    privilege_set s;
    for (privilege_kind p : kinds) s |= p;
    return s;
  }
  constexpr bool has(privilege_kind p) const noexcept { return (bits & privilege_set(p).bits) != 0; }
  constexpr bool empty() const noexcept { return bits == 0; }
  explicit constexpr operator bool() const noexcept { return bits != 0; }
  constexpr privilege_set operator|(privilege_set o) const noexcept { return from_bits(bits | o.bits); }
  constexpr privilege_set operator&(privilege_set o) const noexcept { return from_bits(bits & o.bits); }
  // what this set has and o has not
  constexpr privilege_set minus(privilege_set o) const noexcept { return from_bits(bits & ~o.bits); }
  constexpr privilege_set& operator|=(privilege_set o) noexcept {
    bits |= o.bits;
    return *this;
  }
  constexpr privilege_set& operator&=(privilege_set o) noexcept {
    bits &= o.bits;
    return *this;
  }
  constexpr bool operator==(const privilege_set&) const noexcept = default;
  // the members in canonical order
  constexpr std::vector<privilege_kind> list() const {
    std::vector<privilege_kind> out;
    for (privilege_kind p : canonical_privileges)
      if (has(p)) out.push_back(p);
    return out;
  }
  static constexpr privilege_set from_bits(std::uint32_t b) noexcept {
    privilege_set s;
    s.bits = b;
    return s;
  }
};

constexpr bool privilege_applies(privilege_kind p, object_kind k) noexcept {
  for (auto q : privileges_of(k))
    if (q == p) return true;
  return false;
}

// Every privilege of the object's kind (what ALL means there).
constexpr privilege_set all_privileges(object_kind k) noexcept { return privilege_set::of(privileges_of(k)); }

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
struct connect_ : detail::privilege_tag<privilege_kind::connect> {};
struct temporary : detail::privilege_tag<privilege_kind::temporary> {};
// Every privilege of the object's kind (expanded when the grant is modelled).
struct all {};

template <class T>
concept privilege = detail::one_of<T, usage, create, select, insert, update, delete_, truncate, references, trigger,
                                   execute, connect_, temporary>;

// A list of privileges granted together.
template <class... P>
struct privileges {};

// The rules of a privilege list, for the type checks (grant.hpp) and validate():
// at least one privilege, each once; each applies to the object kind (privilege_applies).
constexpr bool privileges_listed_once(std::span<const privilege_kind> ps) noexcept {
  if (ps.empty()) return false;
  for (std::size_t i = 0; i < ps.size(); ++i)
    for (std::size_t j = i + 1; j < ps.size(); ++j)
      if (ps[i] == ps[j]) return false;
  return true;
}
constexpr bool privileges_fit(std::span<const privilege_kind> ps, object_kind on) noexcept {
  for (privilege_kind p : ps)
    if (!privilege_applies(p, on)) return false;
  return true;
}

#include "detail/rule_define.hpp"
DSQL_RULE(assert_privileges_listed_once_t, "A grant must list at least one privilege, and each privilege once.");
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
  static constexpr bool is_all = false;
  static constexpr std::array<privilege_kind, well_formed ? sizeof...(P) : 0> kinds = [] {
    if constexpr (well_formed)
      return std::array<privilege_kind, sizeof...(P)>{P::kind...};
    else
      return std::array<privilege_kind, 0>{};
  }();
  static constexpr bool listed_once = !well_formed || privileges_listed_once(kinds);
};

}  // namespace detail
}  // namespace dsql

#endif  // DSQL_PRIVILEGE_HPP
