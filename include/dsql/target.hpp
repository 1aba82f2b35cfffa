// dsql/target.hpp - where a spec is rendered for.
//
//   aurora_dsql     Amazon Aurora DSQL: IAM token authentication only, AWS IAM GRANT,
//                   10 schemas per database, no ALTER DEFAULT PRIVILEGES FOR another role
//   postgres_local  PostgreSQL 15 with the dsql_iam extension (CALL sys.aws_iam_grant)
#ifndef DSQL_TARGET_HPP
#define DSQL_TARGET_HPP

#include <cstddef>
#include <optional>
#include <string_view>

namespace dsql {

enum class target { aurora_dsql, postgres_local };

constexpr std::string_view to_string(target t) noexcept {
  return t == target::aurora_dsql ? "aurora_dsql" : "postgres_local";
}

constexpr std::optional<target> parse_target(std::string_view s) noexcept {
  if (s == "aurora_dsql") return target::aurora_dsql;
  if (s == "postgres_local") return target::postgres_local;
  return std::nullopt;
}

// Aurora DSQL's quota of schemas per database (SQLSTATE 54000 beyond it).
inline constexpr std::size_t dsql_max_schemas = 10;

}  // namespace dsql

#endif  // DSQL_TARGET_HPP
