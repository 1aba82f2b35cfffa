#include "cli/args.hpp"

#include <charconv>

namespace dsql::cli {
namespace {

const char* const overview =
    "usage: dsqlctl <command> [options]\n"
    "\n"
    "commands:\n"
    "  local up       create (if needed) and start a throwaway local PostgreSQL 15 with dsql_iam\n"
    "  local down     stop it and remove its directory\n"
    "  local status   is it running, and how to connect (exit 3 when not running)\n"
    "  local psql     run psql on it as admin\n"
    "  local strict   turn strict mode (Aurora DSQL's SQL rules) on or off, no restart\n"
    "  local hosts    its DSQL-shaped name in /etc/hosts (--add, --remove)\n"
    "  sql            run a DSQL-dialect script (AWS IAM GRANT/REVOKE) on it with psql\n"
    "  plan           the ordered change from a live database to a spec (--spec FILE)\n"
    "  apply          plan, execute, inspect again (convergence)\n"
    "  inspect        the live roles and privileges as the engine reads them\n"
    "  iam ...        the local IAM state: principals, policies, access keys (dsqlctl iam --help)\n"
    "  token generate a DSQL connection token (SigV4), local keys or AWS credentials\n"
    "\n"
    "Run `dsqlctl <command> --help` for its options. Exit status: 0 ok, 1 error, 2 usage.\n";

const char* const dir_help =
    "  --dir DIR        cluster directory (default: $DSQL_LOCAL_DIR, else\n"
    "                   /var/tmp/dsql-roles-0/local as root, ${XDG_RUNTIME_DIR:-/tmp}/dsql-roles-UID)\n";

struct spec {
  bool port = false, quiet = false, keep_data = false, user = false, print = false, file = false, passthrough = false,
       no_strict = false, front = false, hosts = false, dbname = false;
};

int parse_count(const std::string& arg, const std::string& v, const std::string& topic) {
  int n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 1)
    throw usage_error(arg + " needs a positive whole number, not '" + v + "'", topic);
  return n;
}

int parse_port(const std::string& v, const std::string& topic) {
  int port = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), port);
  if (ec != std::errc() || end != v.data() + v.size() || port < 1 || port > 65535)
    throw usage_error("invalid port: " + v, topic);
  return port;
}

void parse_options(const std::vector<std::string>& a, std::size_t i, const spec& s, command& c) {
  bool have_file = false;
  for (; i < a.size(); ++i) {
    std::string arg = a[i];
    std::string value;
    bool inline_value = false;
    if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
      if (const auto eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg.resize(eq);
        inline_value = true;
      }
    }
    auto take = [&]() -> std::string {
      if (inline_value) return value;
      if (i + 1 >= a.size()) throw usage_error(arg + " needs a value", c.topic);
      return a[++i];
    };
    auto no_value = [&] {
      if (inline_value) throw usage_error(arg + " takes no value", c.topic);
    };
    if (arg == "--help" || arg == "-h") {
      no_value();
      c.kind = command_kind::help;
      return;
    }
    if (arg == "--dir") {
      c.dir = take();
      if (c.dir.empty()) throw usage_error("--dir needs a non-empty value", c.topic);
    } else if (s.port && arg == "--port") {
      c.port = parse_port(take(), c.topic);
    } else if (s.quiet && (arg == "--quiet" || arg == "-q")) {
      no_value();
      c.quiet = true;
    } else if (s.no_strict && arg == "--no-strict") {
      no_value();
      c.strict = false;
    } else if (s.keep_data && arg == "--keep-data") {
      no_value();
      c.keep_data = true;
    } else if (s.user && (arg == "--user" || arg == "-U")) {
      c.user = take();
      if (c.user.empty()) throw usage_error("--user needs a non-empty value", c.topic);
    } else if (s.front && arg == "--cluster-id") {
      c.cluster_id = take();
    } else if (s.front && arg == "--region") {
      c.region = take();
    } else if (s.front && arg == "--max-connections") {
      c.max_connections = parse_count(arg, take(), c.topic);
    } else if (s.front && arg == "--connection-rate") {
      c.connection_rate = parse_count(arg, take(), c.topic);
    } else if (s.front && arg == "--connection-burst") {
      c.connection_burst = parse_count(arg, take(), c.topic);
    } else if (s.front && arg == "--max-connection-age") {
      c.max_connection_age = parse_count(arg, take(), c.topic);
    } else if (s.front && arg == "--auth-timeout") {
      c.auth_timeout = parse_count(arg, take(), c.topic);
    } else if (s.hosts && (arg == "--add" || arg == "--remove")) {
      no_value();
      (arg == "--add" ? c.hosts_add : c.hosts_remove) = true;
      if (c.hosts_add && c.hosts_remove) throw usage_error("give --add or --remove, not both", c.topic);
    } else if (s.dbname && (arg == "--dbname" || arg == "-d")) {
      c.dbname = take();
      if (c.dbname.empty()) throw usage_error("--dbname needs a non-empty value", c.topic);
    } else if (s.print && arg == "--print") {
      no_value();
      c.print = true;
    } else if (s.passthrough && arg == "--") {
      c.psql_args.assign(a.begin() + static_cast<std::ptrdiff_t>(i) + 1, a.end());
      return;
    } else if (s.file && !have_file && (arg == "-" || arg.empty() || arg[0] != '-')) {
      if (arg.empty()) throw usage_error("empty file name", c.topic);
      c.file = arg;
      have_file = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      throw usage_error("unknown option " + arg, c.topic);
    } else {
      throw usage_error("unexpected argument " + arg, c.topic);
    }
  }
  if (s.file && !have_file) throw usage_error("missing FILE (use - for standard input)", c.topic);
}

}  // namespace

command parse_args(const std::vector<std::string>& a) {
  command c;
  if (a.empty()) throw usage_error("missing command", "");
  const std::string& first = a[0];
  if (first == "--help" || first == "-h" || first == "help") {
    c.kind = command_kind::help;
    if (first == "help" && a.size() > 1) {
      c.topic = a[1];
      for (std::size_t i = 2; i < a.size(); ++i) c.topic += " " + a[i];
      (void)usage(c.topic);  // throws usage_error for an unknown topic
    }
    return c;
  }
  if (first == "--version") {
    c.kind = command_kind::version;
    return c;
  }
  if (first == "local") {
    c.topic = "local";
    if (a.size() < 2) throw usage_error("missing local subcommand (up, down, status, psql, strict, hosts)", "local");
    const std::string& sub = a[1];
    if (sub == "--help" || sub == "-h") return c;
    spec s;
    if (sub == "up") {
      c.kind = command_kind::local_up;
      s.port = s.quiet = s.no_strict = s.front = true;
    } else if (sub == "down") {
      c.kind = command_kind::local_down;
      s.keep_data = true;
    } else if (sub == "status") {
      c.kind = command_kind::local_status;
    } else if (sub == "psql") {
      c.kind = command_kind::local_psql;
      s.user = s.passthrough = true;
    } else if (sub == "strict") {
      c.kind = command_kind::local_strict;
      c.topic = "local strict";
      if (a.size() > 2 && (a[2] == "--help" || a[2] == "-h")) {
        c.kind = command_kind::help;
        return c;
      }
      if (a.size() < 3 || (a[2] != "on" && a[2] != "off"))
        throw usage_error("local strict needs on or off", "local strict");
      c.strict = a[2] == "on";
      parse_options(a, 3, s, c);
      return c;
    } else if (sub == "hosts") {
      c.kind = command_kind::local_hosts;
      s.hosts = true;
    } else {
      throw usage_error("unknown local subcommand " + sub, "local");
    }
    c.topic = "local " + sub;
    parse_options(a, 2, s, c);
    return c;
  }
  if (first == "sql") {
    c.kind = command_kind::sql;
    c.topic = "sql";
    spec s;
    s.user = s.print = s.file = s.dbname = true;
    parse_options(a, 1, s, c);
    return c;
  }
  throw usage_error("unknown command " + first, "");
}

std::string usage(std::string_view topic) {
  if (topic.empty()) return overview;
  if (topic == "local")
    return "usage: dsqlctl local <up|down|status|psql|strict|hosts> [options]\n"
           "  A throwaway PostgreSQL 15 with the dsql_iam extension: a Unix socket (trust), and the\n"
           "  emulated DSQL endpoint <id>.dsql.<region>.on.aws on 127.0.0.1 (the front door: TLS\n"
           "  with SNI under the cluster's own CA, IAM tokens as passwords, DSQL's dialect and\n"
           "  quotas); and a DSQL-like admin role (LOGIN CREATEROLE, owns postgres, not superuser).\n"
           "  As root the server runs as the OS user dsqlrun ($DSQL_RUN_USER), created on first use.\n"
           "  Strict mode (on by default) refuses what Aurora DSQL refuses: dsqlctl local strict on|off.\n";
  if (topic == "local up")
    return std::string(
               "usage: dsqlctl local up [--dir DIR] [--port PORT] [--quiet] [--no-strict] [--cluster-id ID]\n"
               "                       [--region R] [--max-connections N] [--connection-rate N]\n"
               "                       [--connection-burst N] [--max-connection-age S] [--auth-timeout S]\n"
               "  Create (initdb) if needed and start the cluster and its front door; idempotent.\n"
               "  Prints how to connect. Each option is kept in DIR for later starts.\n") +
           dir_help +
           "  --port PORT      port of the Unix socket and of 127.0.0.1 (default: a free port, kept)\n"
           "  --quiet, -q      no progress lines\n"
           "  --no-strict      strict mode off: plain PostgreSQL 15 rules (default: on, Aurora DSQL's\n"
           "                   SQL rules; also set on a running cluster)\n"
           "  --cluster-id ID  the endpoint is ID.dsql.REGION.on.aws (default local)\n"
           "  --region R       (default us-east-1); tokens are signed for R, policies name\n"
           "                   arn:aws:dsql:R:123456789012:cluster/ID\n"
           "  --max-connections N     open connections, then 53300 (default 100; DSQL: 10,000)\n"
           "  --connection-rate N     new connections per second, then 53400 (default 100, as DSQL)\n"
           "  --connection-burst N    burst capacity of that rate (default 1000, as DSQL)\n"
           "  --max-connection-age S  a session ends after S seconds (default 3600, as DSQL)\n"
           "  --auth-timeout S        seconds a client has for TLS, startup and token (default 10)\n"
           "  DSQL_LOCAL_NO_EXTENSION=1 skips dsql_iam and the front door (development only).\n";
  if (topic == "local down")
    return std::string(
               "usage: dsqlctl local down [--dir DIR] [--keep-data]\n"
               "  Stop the cluster and remove its directory. A missing directory is not an error.\n") +
           dir_help + "  --keep-data      stop only; keep the directory for a later `local up`\n";
  if (topic == "local status")
    return std::string(
               "usage: dsqlctl local status [--dir DIR]\n"
               "  Exit 0 and print pid, start time and connection details when running; exit 3 otherwise.\n") +
           dir_help;
  if (topic == "local strict")
    return std::string(
               "usage: dsqlctl local strict on|off [--dir DIR]\n"
               "  Turn strict mode (dsql_iam.strict: the cluster refuses what Aurora DSQL refuses) on or\n"
               "  off on a running cluster, without a restart (ALTER SYSTEM as the bootstrap superuser,\n"
               "  then a reload). Open sessions follow the rules at once; DSQL's session environment\n"
               "  (server_version 16.15, UTC, REPEATABLE READ) applies to sessions started afterwards.\n") +
           dir_help;
  if (topic == "local psql")
    return std::string(
               "usage: dsqlctl local psql [--dir DIR] [--user USER] [-- PSQL-ARGS...]\n"
               "  Run psql -X on the cluster's socket, database postgres.\n") +
           dir_help +
           "  --user, -U USER  database user (default admin); as the bootstrap superuser postgres\n"
           "                   (break-glass) search_path is pinned to pg_catalog: qualify other names\n";
  if (topic == "local hosts")
    return std::string(
               "usage: dsqlctl local hosts [--dir DIR] [--add | --remove]\n"
               "  Print the /etc/hosts line that resolves the cluster's DSQL-shaped name to\n"
               "  127.0.0.1; --add appends it (as root), --remove takes it out again.\n"
               "  $DSQL_HOSTS_FILE names another file.\n") +
           dir_help;
  if (topic == "sql")
    return std::string(
               "usage: dsqlctl sql FILE|- [--dir DIR] [--user USER] [--dbname DB] [--print]\n"
               "  Rewrite the DSQL dialect (AWS IAM GRANT/REVOKE) of a psql script into calls of\n"
               "  sys.aws_iam_grant/sys.aws_iam_revoke and run it with psql -X -q -v ON_ERROR_STOP=1\n"
               "  in database DB (default postgres); psql's messages name FILE and its line; the\n"
               "  exit status is psql's.\n") +
           dir_help +
           "  --user, -U USER  database user (default admin; postgres: search_path pinned to pg_catalog)\n"
           "  --print          print the rewritten script instead of running it (no cluster needed)\n";
  throw usage_error("no help on " + std::string(topic), "");
}

}  // namespace dsql::cli
