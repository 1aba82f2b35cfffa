// dsql/error.hpp - the one exception type of the run-time side.
//
// Compile-time rules are static_asserts; the same validators used at run time (names
// given on a command line, the account id given as a render option, a NUL byte in a
// literal) throw dsql::error with the same one-sentence message.
#ifndef DSQL_ERROR_HPP
#define DSQL_ERROR_HPP

#include <stdexcept>
#include <string>

namespace dsql {

class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace dsql

#endif  // DSQL_ERROR_HPP
