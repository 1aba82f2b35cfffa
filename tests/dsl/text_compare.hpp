// REQUIRE_SAME_TEXT(expected, received...): exact comparison of rendered text: on mismatch, prints the first differing line and
// both texts between delimiters so that a diff tool can be pointed at them.
#ifndef DSQL_TESTS_TEXT_COMPARE_HPP
#define DSQL_TESTS_TEXT_COMPARE_HPP

#include <catch2/catch.hpp>

#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>

namespace dsql_test {

inline std::string describe_difference(std::string_view expected, std::string_view received) {
  std::size_t line = 1, i = 0;
  while (i < expected.size() && i < received.size() && expected[i] == received[i]) {
    if (expected[i] == '\n') ++line;
    ++i;
  }
  std::ostringstream os;
  os << "texts differ at byte " << i << " (line " << line << ")\n"
     << "---- expected ----8<----\n"
     << expected << "\n---- end of expected ----8<----\n"
     << "---- received ----8<----\n"
     << received << "\n---- end of received ----8<----\n";
  return os.str();
}

}  // namespace dsql_test

#define REQUIRE_SAME_TEXT(expected, ...)                                                                          \
  do {                                                                                                            \
    const std::string dsql_expected_(expected);                                                                   \
    const std::string dsql_received_(__VA_ARGS__);                                                                \
    if (dsql_expected_ != dsql_received_) FAIL(::dsql_test::describe_difference(dsql_expected_, dsql_received_)); \
    SUCCEED("texts are equal");                                                                                   \
  } while (false)

#endif  // DSQL_TESTS_TEXT_COMPARE_HPP
