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

void print_info(const local::cluster_info& info) {
    std::cout << "PostgreSQL running in " << info.dir.string() << "\n"
              << "  pid:       " << info.pid << " (started " << local_time(info.started_at) << ", OS user "
              << info.run_user << ")\n"
              << "  socket:    " << (info.socket_dir / (".s.PGSQL." + std::to_string(info.port))).string() << "\n"
              << "  log:       " << info.log_file.string() << "\n"
              << "  dsql_iam:  " << (info.extension ? "preloaded and created" : "NOT loaded (DSQL_LOCAL_NO_EXTENSION=1)")
              << "\n"
              << (info.tcp ? "  endpoint:  " + info.tcp_conninfo() + " (password: dsqlctl token generate --hostname " +
                                 std::string(local::local_endpoint) + " --region " + std::string(local::local_region) +
                                 " ...)\n  IAM state: " + info.iam_state.string() + " (dsqlctl iam --dir DIR ...)\n"
                           : std::string())
              << "  psql:      " << shell_line(info.psql_argv()) << "\n"
              << "  conninfo:  " << info.conninfo() << "\n"
              << "  or:        dsqlctl local psql --dir " << shell_word(info.dir.string()) << "\n";
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
        case command_kind::help: std::cout << dsql::cli::usage(c.topic); return exit_ok;
        case command_kind::version: std::cout << "dsqlctl 0.1.0\n"; return exit_ok;
        case command_kind::local_up: {
            const auto info = local::up(local::cluster_options{dir_of(c), c.port, c.quiet});
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
        case command_kind::sql: {
            const std::string text = read_input(c.file);
            std::string rewritten;
            try {
                rewritten = dsql::rewrite_dsql_script(text);
            } catch (const dsql::dialect_error& e) {
                std::cerr << "dsqlctl: " << (c.file == "-" ? "<stdin>" : c.file) << ":" << e.line() << ":" << e.column()
                          << ": " << e.message() << "\n";
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
                std::string out = line.starts_with(from) ? label + ":" + std::string(line.substr(from.size()))
                                                         : std::string(line);
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
    if (dsql::cli::is_iam_command(args)) return dsql::cli::run_iam_command(args);  // iam_cmd.cpp
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
