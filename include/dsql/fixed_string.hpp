// dsql/fixed_string.hpp - a string literal usable as a template argument.
//
// Every name in a declaration (role, schema, IAM principal, account, cluster) is a
// fixed_string template parameter: `dsql::role<"app_readonly">`. The bytes are kept
// exactly as written (UTF-8 in, UTF-8 out); an embedded NUL is kept too, so that the
// name rules can refuse it with a sentence instead of silently cutting the name.
#ifndef DSQL_FIXED_STRING_HPP
#define DSQL_FIXED_STRING_HPP

#include <cstddef>
#include <string_view>

namespace dsql {

template <std::size_t N>
struct fixed_string {
  static_assert(N >= 1, "A fixed_string is built from a string literal.");

  // Public so that fixed_string is a structural type; includes the final NUL.
  char chars[N]{};

  constexpr fixed_string(const char (&literal)[N]) noexcept {
    for (std::size_t i = 0; i < N; ++i) chars[i] = literal[i];
  }

  // Length in bytes, without the terminating NUL of the literal.
  static constexpr std::size_t size() noexcept { return N - 1; }
  constexpr std::string_view view() const noexcept { return {chars, N - 1}; }
  constexpr operator std::string_view() const noexcept { return view(); }

  template <std::size_t M>
  friend constexpr bool operator==(const fixed_string& a, const fixed_string<M>& b) noexcept {
    return a.view() == b.view();
  }
};

template <std::size_t N>
fixed_string(const char (&)[N]) -> fixed_string<N>;

}  // namespace dsql

#endif  // DSQL_FIXED_STRING_HPP
