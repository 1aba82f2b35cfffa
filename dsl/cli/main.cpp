// dsqlctl: the local cluster and the DSQL-dialect bridge from the command line.
// Exit status: 0 ok, 1 error, 2 usage, 3 `local status` when not running; `sql`
// exits with psql's status.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/args.hpp"
#include "cli/iam_cmd.hpp"
#include "cli/engine_cmd.hpp"
#include "local/cluster.hpp"
#include "local/hosts.hpp"
#include "sql/dialect.hpp"

namespace {

namespace fs = std::filesystem;
namespace local = dsql::local;
using dsql::cli::command;
using dsql::cli::command_kind;

constexpr int exit_ok = 0;
constexpr int exit_error = 1;
constexpr int exit_usage = 2;
constexpr int exit_not_running = 3;

// One argument, quoted for a POSIX shell when it needs it (for printing only).
std::string shell_word(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./=:@,+") ==
                        std::string::npos)
    return s;
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string shell_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + shell_word(a);
  return out;
}

std::string local_time(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm);
  return buf;
}

fs::path dir_of(const command& c) { return c.dir.empty() ? local::default_dir() : c.dir; }

std::string strict_line(const local::cluster_info& info) {
  if (!info.extension) return "";
  try {
    const auto st = local::strict_state(info);
    return std::string("  strict:    ") + (st.on ? "on" : "off") + " (ruleset " + st.ruleset + ", recorded " +
           st.recorded + ", " + std::to_string(st.rules) + " rules; dsqlctl local strict on|off)\n";
  } catch (const std::exception& e) {
    return std::string("  strict:    unknown (") + e.what() + ")\n";
  }
}

void print_info(const local::cluster_info& info) {
  std::cout << "PostgreSQL running in " << info.dir.string() << "\n"
            << "  pid:       " << info.pid << " (started " << local_time(info.started_at) << ", OS user "
            << info.run_user << ")\n"
            << "  socket:    " << (info.socket_dir / (".s.PGSQL." + std::to_string(info.port))).string() << "\n"
            << "  log:       " << info.log_file.string() << "\n"
            << "  dsql_iam:  " << (info.extension ? "preloaded and created" : "NOT loaded (DSQL_LOCAL_NO_EXTENSION=1)")
            << "\n";
  if (info.tcp) {
    const std::string port = std::to_string(info.port);
    const auto& l = info.limits;
    std::cout << "  endpoint:  " << info.endpoint << ":" << port << " (also localhost:" << port
              << "), TLS with SNI, IAM tokens\n"
              << "  front door: "
              << (info.front_pid ? "pid " + std::to_string(info.front_pid)
                                 : std::string("NOT running (dsqlctl local up starts it)"))
              << ", log " << (info.dir / "front.log").string() << "\n"
              << "  limits:    " << l.max_connections << " connections (53300), " << l.connection_rate
              << " new/s with bursts of " << l.connection_burst << " (53400), sessions end after "
              << l.max_connection_age << " s, login within " << l.auth_timeout << " s\n"
              << "  cluster:   " << info.cluster_arn << "\n"
              << "  IAM state: " << info.iam_state.string() << " (dsqlctl iam --dir DIR ...)\n";
  }
  std::cout << strict_line(info) << "  psql:      " << shell_line(info.psql_argv()) << "  (Unix socket)\n"
            << "  conninfo:  " << info.conninfo() << "\n"
            << "  or:        dsqlctl local psql --dir " << shell_word(info.dir.string()) << "\n";
  if (!info.tcp) return;
  const std::string d = shell_word(info.dir.string());
  const std::string ca = shell_word(info.ca_file.string());
  const bool resolves = local::hosts_maps(local::hosts_file(), info.endpoint);
  std::cout << "\nConnect as to Aurora DSQL (sslmode=verify-full; trust the cluster's CA " << info.ca_file.string()
            << "):\n"
            << "  export PGSSLROOTCERT=" << ca << "                # libpq: psql, psycopg, pgx (sslrootcert=)\n"
            << "  export NODE_EXTRA_CA_CERTS=" << ca << "          # Node.js: AWS's node-postgres connector\n"
            << "  export SSL_CERT_FILE=" << ca << " AWS_CA_BUNDLE=" << ca
            << "  # Python, Go, AWS CLI: replaces the system roots\n"
            << "  name:  " << info.endpoint
            << (resolves ? " resolves to 127.0.0.1 (" + local::hosts_file().string() + ")\n"
                         : " does not resolve here: dsqlctl local hosts --add --dir " + d +
                               " (as root) adds\n         \"" + local::hosts_line(info.endpoint) +
                               "\" to /etc/hosts; libpq can use hostaddr=127.0.0.1 instead\n")
            << "  token: dsqlctl token generate --dir " << d << " --hostname " << info.endpoint << " --region "
            << info.region << " --principal ARN [--admin]\n"
            << "  psql \"" << info.tcp_conninfo() << "\"\n";
}

local::cluster_info require_running(const command& c) {
  const fs::path dir = dir_of(c);
  auto info = local::status(dir);
  if (!info)
    throw local::cluster_error("no cluster is running in " + dir.string() + ": run `dsqlctl local up" +
                               (c.dir.empty() ? std::string() : " --dir " + shell_word(dir.string())) + "` first");
  return *info;
}

std::string read_input(const std::string& file) {
  if (file == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream in(file, std::ios::binary);
  if (!in) throw local::cluster_error("cannot read " + file + ": " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int run_command(const command& c) {
  switch (c.kind) {
    case command_kind::help:
      std::cout << dsql::cli::usage(c.topic);
      return exit_ok;
    case command_kind::version:
      std::cout << "dsqlctl 0.1.0\n";
      return exit_ok;
    case command_kind::local_up: {
      local::cluster_options o{dir_of(c), c.port, c.quiet};
      o.strict = c.strict;
      o.cluster_id = c.cluster_id;
      o.region = c.region;
      o.max_connections = c.max_connections;
      o.connection_rate = c.connection_rate;
      o.connection_burst = c.connection_burst;
      o.max_connection_age = c.max_connection_age;
      o.auth_timeout = c.auth_timeout;
      const auto info = local::up(o);
      print_info(info);
      return exit_ok;
    }
    case command_kind::local_down: {
      const fs::path dir = dir_of(c);
      const auto r = local::down(dir, c.keep_data);
      if (!r.existed) {
        std::cout << "no cluster in " << dir.string() << ": nothing to do\n";
        return exit_ok;
      }
      std::cout << (r.was_running ? "stopped the cluster in " : "the cluster was not running in ") << dir.string()
                << (r.removed     ? "; removed the directory\n"
                    : c.keep_data ? "; kept the directory\n"
                                  : "; removed its files but kept the directory (dsqlctl did not create it)\n");
      return exit_ok;
    }
    case command_kind::local_status: {
      const fs::path dir = dir_of(c);
      if (const auto info = local::status(dir)) {
        print_info(*info);
        return exit_ok;
      }
      std::cout << (local::is_cluster_dir(dir) ? "not running: " : "no cluster in ") << dir.string() << "\n";
      return exit_not_running;
    }
    case command_kind::local_strict: {
      const auto info = require_running(c);
      if (!info.extension)
        throw local::cluster_error("this cluster runs without dsql_iam (DSQL_LOCAL_NO_EXTENSION=1): no strict mode");
      local::set_strict(info, c.strict);
      const auto st = local::strict_state(info);
      std::cout << "strict mode " << (st.on ? "on" : "off") << " in " << info.dir.string() << " (ruleset " << st.ruleset
                << ", recorded " << st.recorded << ", " << st.rules << " rules)\n";
      return exit_ok;
    }
    case command_kind::local_psql: {
      const auto info = require_running(c);
      std::vector<std::string> argv = info.psql_argv(c.user);
      argv.insert(argv.end(), c.psql_args.begin(), c.psql_args.end());
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      std::cout.flush();
      execv(args[0], args.data());
      throw local::cluster_error("cannot run " + argv[0] + ": " + std::strerror(errno));
    }
    case command_kind::local_hosts: {
      const auto info = require_running(c);
      if (!info.tcp) throw local::cluster_error("the cluster has no endpoint (started without dsql_iam)");
      const auto file = local::hosts_file();
      if (c.hosts_add) {
        const auto r = local::add_hosts_entry(file, info.endpoint);
        std::cout << (r == local::hosts_change::added ? "added to " : "already in ") << file.string() << ": "
                  << local::hosts_line(info.endpoint) << "\n";
      } else if (c.hosts_remove) {
        const auto r = local::remove_hosts_entry(file, info.endpoint);
        std::cout << (r == local::hosts_change::removed ? "removed from " : "no line of dsqlctl in ") << file.string()
                  << " for " << info.endpoint << "\n";
      } else {
        std::cout << local::hosts_line(info.endpoint) << "\n";
      }
      return exit_ok;
    }
    case command_kind::sql: {
      const std::string text = read_input(c.file);
      std::string rewritten;
      try {
        rewritten = dsql::rewrite_dsql_script(text);
      } catch (const dsql::dialect_error& e) {
        std::cerr << "dsqlctl: " << (c.file == "-" ? "<stdin>" : c.file) << ":" << e.line() << ":" << e.column() << ": "
                  << e.message() << "\n";
        return exit_error;
      }
      if (c.print) {
        std::cout << rewritten;
        return exit_ok;
      }
      const auto info = require_running(c);
      std::vector<std::string> argv = info.psql_argv(c.user, c.dbname);
      argv.insert(argv.end(), {"-q", "-v", "ON_ERROR_STOP=1", "-f", "-"});
      std::cout.flush();
      local::run_options o;
      o.capture = false;
      o.input = std::move(rewritten);
      o.strip_pg_env = false;
      // psql names the script <stdin>: its messages name the file instead (the
      // rewriting keeps every line where it was, so the line numbers hold)
      const std::string label = c.file == "-" ? "<stdin>" : c.file;
      o.on_stderr_line = [&label](std::string_view line) {
        constexpr std::string_view from = "psql:<stdin>:";
        std::string out =
            line.starts_with(from) ? label + ":" + std::string(line.substr(from.size())) : std::string(line);
        out += '\n';
        std::cerr << out << std::flush;
      };
      return local::run(argv, o).exit_code;
    }
  }
  return exit_error;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (dsql::cli::is_iam_command(args)) return dsql::cli::run_iam_command(args);        // iam_cmd.cpp
  if (dsql::cli::is_engine_command(args)) return dsql::cli::run_engine_command(args);  // plan | apply | inspect
  command c;
  try {
    c = dsql::cli::parse_args(args);
  } catch (const dsql::cli::usage_error& e) {
    std::cerr << "dsqlctl: " << e.what() << "\n\n" << dsql::cli::usage(e.topic());
    return exit_usage;
  }
  try {
    return run_command(c);
  } catch (const std::exception& e) {
    std::cerr << "dsqlctl: " << e.what() << "\n";
    return exit_error;
  }
}
