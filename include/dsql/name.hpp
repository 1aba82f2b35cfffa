// dsql/name.hpp - identifier rules and quoting.
//
// A PostgreSQL name is any sequence of bytes except NUL, at most NAMEDATALEN-1 = 63
// bytes (a longer one is silently truncated by the server, so two distinct names could
// become one). Every identifier the renderers emit is double-quoted with `"` doubled and
// every literal single-quoted with `'` doubled (standard_conforming_strings), so names
// such as `Mixed`, `with space`, `a.b`, `quote"inside`, `PUBLIC` or `rôle_ü` reach the
// server exactly. The same constexpr validator serves templates and run time.
#ifndef DSQL_NAME_HPP
#define DSQL_NAME_HPP

#include <cstddef>
#include <string>
#include <iterator>
#include <string_view>

#include "detail/rule.hpp"
#include "error.hpp"
#include "fixed_string.hpp"

namespace dsql {

// PostgreSQL's NAMEDATALEN - 1.
inline constexpr std::size_t max_name_bytes = 63;

#include "detail/rule_define.hpp"
DSQL_RULE(assert_name_not_empty_t, "A role or schema name must not be empty.");
DSQL_RULE(assert_name_at_most_63_bytes_t,
          "A role or schema name must be at most 63 bytes, because PostgreSQL would silently "
          "truncate a longer one.");
DSQL_RULE(assert_name_without_nul_t, "A role or schema name must not contain a NUL byte.");
#include "detail/rule_undef.hpp"

enum class name_status { ok, empty, too_long, contains_nul };

// The one validator of role and schema names, for templates and for run time.
constexpr name_status check_name(std::string_view name) noexcept {
  if (name.empty()) return name_status::empty;
  if (name.size() > max_name_bytes) return name_status::too_long;
  if (name.find('\0') != std::string_view::npos) return name_status::contains_nul;
  return name_status::ok;
}

// The rule type for a name_status (ok_t when ok).
template <name_status S>
using name_rule_t = detail::type_at_t<static_cast<std::size_t>(S), ok_t, assert_name_not_empty_t,
                                      assert_name_at_most_63_bytes_t, assert_name_without_nul_t>;

template <fixed_string Name>
using name_check_t = name_rule_t<check_name(Name.view())>;

// The column list of a column grant, one rule for compile and run time: every name valid
// (check_name) and none listed twice (PostgreSQL accepts `GRANT SELECT (a, a)`, but a spec
// that lists a column twice is a mistake). Range: anything iterable of string-like names.
template <class Names>
constexpr bool column_names_valid(const Names& names) noexcept {
  for (auto i = std::begin(names); i != std::end(names); ++i) {
    if (check_name(std::string_view(*i)) != name_status::ok) return false;
    for (auto j = std::next(i); j != std::end(names); ++j)
      if (std::string_view(*i) == std::string_view(*j)) return false;
  }
  return true;
}

constexpr std::string_view name_message(name_status s) noexcept {
  switch (s) {
    case name_status::ok:
      return ok_t::message;
    case name_status::empty:
      return assert_name_not_empty_t::message;
    case name_status::too_long:
      return assert_name_at_most_63_bytes_t::message;
    case name_status::contains_nul:
      return assert_name_without_nul_t::message;
  }
  return {};
}

// Run-time form: throws dsql::error with the rule's sentence.
inline void validate_name(std::string_view name) {
  if (auto s = check_name(name); s != name_status::ok) throw error(std::string(name_message(s)));
}

// Negative-test concept: Name is refused as a role or schema name.
template <fixed_string Name>
concept cannot_name = !name_check_t<Name>::ok;

namespace detail {
template <char Q>
constexpr void append_quoted(std::string& out, std::string_view text) {
  out += Q;
  for (char c : text) {
    if (c == '\0') throw error("A quoted identifier or literal must not contain a NUL byte.");
    if (c == Q) out += Q;
    out += c;
  }
  out += Q;
}
}  // namespace detail

// "name" with every " doubled; throws on NUL.
constexpr void append_identifier(std::string& out, std::string_view name) { detail::append_quoted<'"'>(out, name); }
constexpr std::string quote_identifier(std::string_view name) {
  std::string out;
  append_identifier(out, name);
  return out;
}

// 'text' with every ' doubled (standard_conforming_strings = on); throws on NUL.
constexpr void append_literal(std::string& out, std::string_view text) { detail::append_quoted<'\''>(out, text); }
constexpr std::string quote_literal(std::string_view text) {
  std::string out;
  append_literal(out, text);
  return out;
}

// Text safe inside a `--` comment line: control bytes (newline included) become '?'.
constexpr void append_comment_text(std::string& out, std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20U || u == 0x7FU) ? '?' : c;
  }
}

}  // namespace dsql

#endif  // DSQL_NAME_HPP
