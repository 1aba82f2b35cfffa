// dsqlctl's command line: parsed into a command value, no side effects (tested in
// tests/cli). Usage text lives here too so that --help and errors agree.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dsql::cli {

enum class command_kind {
  help,
  version,
  local_up,
  local_down,
  local_status,
  local_psql,
  local_strict,
  local_hosts,
  sql
};

struct command {
  command_kind kind = command_kind::help;
  std::string topic;                   ///< help: "", "local", "local up", ..., "sql"
  std::filesystem::path dir;           ///< --dir; empty → dsql::local::default_dir()
  int port = 0;                        ///< local up --port; 0 → default
  bool quiet = false;                  ///< local up --quiet
  bool strict = true;                  ///< local up: false with --no-strict; local strict on|off
  bool keep_data = false;              ///< local down --keep-data
  std::string user = "admin";          ///< local psql / sql --user
  std::string dbname = "postgres";     ///< sql --dbname (-d)
  std::string file;                    ///< sql FILE ("-" = stdin)
  bool print = false;                  ///< sql --print
  std::vector<std::string> psql_args;  ///< local psql -- ARGS...
  // local up: the front door (nullopt: what the cluster records, else the defaults)
  std::optional<std::string> cluster_id, region;
  std::optional<int> max_connections, connection_rate, connection_burst, max_connection_age, auth_timeout;
  bool hosts_add = false;     ///< local hosts --add
  bool hosts_remove = false;  ///< local hosts --remove
};

/// Bad command line: exit status 2; topic names the usage text to show.
class usage_error : public std::runtime_error {
 public:
  usage_error(const std::string& message, std::string topic) : std::runtime_error(message), topic_(std::move(topic)) {}
  [[nodiscard]] const std::string& topic() const noexcept { return topic_; }

 private:
  std::string topic_;
};

/// Parses the arguments after argv[0]. Throws usage_error.
[[nodiscard]] command parse_args(const std::vector<std::string>& args);

/// Usage text of a topic ("" for the overview).
[[nodiscard]] std::string usage(std::string_view topic);

}  // namespace dsql::cli
