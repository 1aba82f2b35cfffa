// dsqlctl's argument parser.
#include <catch2/catch.hpp>

#include "cli/args.hpp"

using dsql::cli::command_kind;
using dsql::cli::parse_args;
using dsql::cli::usage_error;

namespace {
// The topic of the usage_error thrown for args ("<none>" when parsing succeeds).
std::string usage_topic(const std::vector<std::string>& args) {
  try {
    (void)parse_args(args);
  } catch (const usage_error& e) {
    return e.topic();
  }
  return "<none>";
}
}  // namespace

TEST_CASE("local up takes --dir and --port in both spellings", "[args]") {
  auto c = parse_args({"local", "up", "--dir", "/tmp/x", "--port=5544", "-q"});
  CHECK(c.kind == command_kind::local_up);
  CHECK(c.dir == "/tmp/x");
  CHECK(c.port == 5544);
  CHECK(c.quiet);
  c = parse_args({"local", "up", "--dir=/tmp/y"});
  CHECK(c.dir == "/tmp/y");
  CHECK(c.port == 0);
}

TEST_CASE("ports outside 1..65535 and non-numbers are usage errors", "[args]") {
  CHECK(usage_topic({"local", "up", "--port", "0"}) == "local up");
  CHECK(usage_topic({"local", "up", "--port", "65536"}) == "local up");
  CHECK(usage_topic({"local", "up", "--port", "54x"}) == "local up");
  CHECK(usage_topic({"local", "up", "--port"}) == "local up");
}

TEST_CASE("local down, status and psql", "[args]") {
  auto c = parse_args({"local", "down", "--keep-data"});
  CHECK(c.kind == command_kind::local_down);
  CHECK(c.keep_data);
  CHECK(c.dir.empty());
  CHECK(parse_args({"local", "status", "--dir", "d"}).kind == command_kind::local_status);
  c = parse_args({"local", "psql", "--user", "app_readonly", "--", "-c", "select 1", "--dir"});
  CHECK(c.kind == command_kind::local_psql);
  CHECK(c.user == "app_readonly");
  CHECK(c.psql_args == std::vector<std::string>{"-c", "select 1", "--dir"});
  CHECK(parse_args({"local", "psql"}).user == "admin");
}

TEST_CASE("options belong to their subcommand", "[args]") {
  CHECK(usage_topic({"local", "down", "--port", "5432"}) == "local down");
  CHECK(usage_topic({"local", "status", "--keep-data"}) == "local status");
  CHECK(usage_topic({"local", "up", "--print"}) == "local up");
  CHECK(usage_topic({"local", "psql", "-c", "select 1"}) == "local psql");  // psql args go after --
  CHECK(usage_topic({"local", "status", "extra"}) == "local status");
  CHECK(usage_topic({"local", "down", "--keep-data=yes"}) == "local down");
}

TEST_CASE("sql takes one FILE or - and --print", "[args]") {
  auto c = parse_args({"sql", "bootstrap.sql", "--print"});
  CHECK(c.kind == command_kind::sql);
  CHECK(c.file == "bootstrap.sql");
  CHECK(c.print);
  c = parse_args({"sql", "--dir", "/tmp/x", "-", "--user", "admin"});
  CHECK(c.file == "-");
  CHECK(c.dir == "/tmp/x");
  CHECK(usage_topic({"sql"}) == "sql");
  CHECK(usage_topic({"sql", "a.sql", "b.sql"}) == "sql");
  CHECK(usage_topic({"sql", "--frobnicate", "a.sql"}) == "sql");
  CHECK(usage_topic({"sql", "a.sql", "--user"}) == "sql");
}

TEST_CASE("help is available everywhere and unknown commands are usage errors", "[args]") {
  CHECK(parse_args({"--help"}).kind == command_kind::help);
  CHECK(parse_args({"help", "local", "up"}).topic == "local up");
  CHECK(parse_args({"local", "--help"}).topic == "local");
  auto c = parse_args({"local", "up", "--port", "1", "--help"});
  CHECK(c.kind == command_kind::help);
  CHECK(c.topic == "local up");
  CHECK(parse_args({"sql", "-h"}).topic == "sql");
  for (const char* t : {"", "local", "local up", "local down", "local status", "local psql", "sql"})
    CHECK_FALSE(dsql::cli::usage(t).empty());
  CHECK(usage_topic({}) == "");
  CHECK(usage_topic({"frob"}) == "");
  CHECK(usage_topic({"local"}) == "local");
  CHECK(usage_topic({"local", "restart"}) == "local");
  CHECK(usage_topic({"help", "nothing"}) == "");
  CHECK(parse_args({"--version"}).kind == command_kind::version);
}

TEST_CASE("strict mode: on by default in local up, --no-strict turns it off, local strict on|off", "[args]") {
  CHECK(parse_args({"local", "up"}).strict);
  CHECK_FALSE(parse_args({"local", "up", "--no-strict", "--dir", "d"}).strict);
  auto c = parse_args({"local", "strict", "off", "--dir", "/tmp/d"});
  CHECK(c.kind == command_kind::local_strict);
  CHECK_FALSE(c.strict);
  CHECK(c.dir == "/tmp/d");
  CHECK(parse_args({"local", "strict", "on"}).strict);
  CHECK(usage_topic({"local", "strict"}) == "local strict");
  CHECK(usage_topic({"local", "strict", "maybe"}) == "local strict");
  CHECK(usage_topic({"local", "strict", "on", "--no-strict"}) == "local strict");
  CHECK(usage_topic({"local", "down", "--no-strict"}) == "local down");
  CHECK(usage_topic({"local", "up", "--no-strict=1"}) == "local up");
  CHECK(parse_args({"local", "strict", "--help"}).kind == command_kind::help);
  CHECK_NOTHROW(dsql::cli::usage("local strict"));
}

TEST_CASE("local up takes the front door's name and limits; local hosts takes --add or --remove", "[args]") {
  auto c = parse_args({"local", "up", "--cluster-id", "abc", "--region=eu-west-1", "--max-connections", "5",
                       "--connection-rate", "2", "--connection-burst", "3", "--max-connection-age", "60",
                       "--auth-timeout", "4"});
  CHECK(c.kind == command_kind::local_up);
  CHECK(c.cluster_id == "abc");
  CHECK(c.region == "eu-west-1");
  CHECK(c.max_connections == 5);
  CHECK(c.connection_rate == 2);
  CHECK(c.connection_burst == 3);
  CHECK(c.max_connection_age == 60);
  CHECK(c.auth_timeout == 4);
  c = parse_args({"local", "up"});
  CHECK_FALSE(c.cluster_id);  // kept from the cluster directory, else the default
  CHECK_FALSE(c.max_connections);
  CHECK(usage_topic({"local", "up", "--max-connections", "0"}) == "local up");
  CHECK(usage_topic({"local", "up", "--auth-timeout", "ten"}) == "local up");
  CHECK(usage_topic({"local", "down", "--cluster-id", "x"}) == "local down");
  c = parse_args({"local", "hosts", "--add", "--dir", "/tmp/c"});
  CHECK(c.kind == command_kind::local_hosts);
  CHECK(c.hosts_add);
  CHECK_FALSE(c.hosts_remove);
  CHECK(parse_args({"local", "hosts", "--remove"}).hosts_remove);
  CHECK(usage_topic({"local", "hosts", "--add", "--remove"}) == "local hosts");
  CHECK(usage_topic({"local", "hosts", "--add=1"}) == "local hosts");
}
