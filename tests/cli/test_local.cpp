// The parts of dsql_local that need no server: paths, connection strings, refusals.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "local/cluster.hpp"

namespace fs = std::filesystem;
namespace local = dsql::local;

namespace {
struct temp_dir {
    fs::path path;
    temp_dir() {
        std::string t = (fs::temp_directory_path() / "dsql-cli-test.XXXXXX").string();
        REQUIRE(mkdtemp(t.data()) != nullptr);
        path = t;
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};
}  // namespace

TEST_CASE("the default directory honours DSQL_LOCAL_DIR and is short otherwise", "[local]") {
    const char* old = getenv("DSQL_LOCAL_DIR");
    const std::string saved = old ? old : "";
    setenv("DSQL_LOCAL_DIR", "/tmp/somewhere/", 1);
    CHECK(local::default_dir() == "/tmp/somewhere");
    unsetenv("DSQL_LOCAL_DIR");
    const fs::path d = local::default_dir();
    CHECK(d.is_absolute());
    CHECK(d.string().size() < 60);
    if (geteuid() == 0) CHECK(d == "/var/tmp/dsql-roles-0/local");
    if (old) setenv("DSQL_LOCAL_DIR", saved.c_str(), 1);
}

TEST_CASE("conninfo quotes its values for libpq and psql_argv names the socket", "[local]") {
    local::cluster_info info;
    info.socket_dir = "/tmp/it's";
    info.pg_bindir = "/usr/lib/postgresql/15/bin";
    info.port = 5544;
    CHECK(info.conninfo() == "host='/tmp/it\\'s' port=5544 user='admin' dbname='postgres'");
    CHECK(info.conninfo("postgres", "x") == "host='/tmp/it\\'s' port=5544 user='postgres' dbname='x'");
    CHECK(info.psql_argv("app") == std::vector<std::string>{"/usr/lib/postgresql/15/bin/psql", "-X", "-h",
                                                             "/tmp/it's", "-p", "5544", "-U", "app", "-d", "postgres"});
}

TEST_CASE("down of a missing directory is a no-op and status says not running", "[local]") {
    temp_dir t;
    const fs::path missing = t.path / "nothing";
    const auto r = local::down(missing);
    CHECK_FALSE(r.existed);
    CHECK_FALSE(local::status(missing).has_value());
    CHECK_FALSE(local::is_cluster_dir(missing));
}

TEST_CASE("down refuses a directory that up did not make", "[local]") {
    temp_dir t;
    std::ofstream(t.path / "precious.txt") << "keep me";
    CHECK_THROWS_AS(local::down(t.path), local::cluster_error);
    CHECK(fs::exists(t.path / "precious.txt"));
}

TEST_CASE("up refuses a socket path over the Unix limit before creating anything", "[local]") {
    temp_dir t;
    const fs::path deep = t.path / std::string(100, 'd');
    try {
        (void)local::up(local::cluster_options{deep, 0, true});
        FAIL("up succeeded");
    } catch (const local::cluster_error& e) {
        CHECK_THAT(e.what(), Catch::Contains("over the Unix socket limit of 107"));
    }
    CHECK_FALSE(fs::exists(deep));
}

TEST_CASE("up refuses a non-empty directory that is not a cluster", "[local]") {
    temp_dir t;
    std::ofstream(t.path / "precious.txt") << "keep me";
    setenv("DSQL_LOCAL_NO_EXTENSION", "1", 1);
    CHECK_THROWS_WITH(local::up(local::cluster_options{t.path, 0, true}),
                      Catch::Contains("is not empty and is not a dsqlctl cluster"));
    unsetenv("DSQL_LOCAL_NO_EXTENSION");
    CHECK(fs::exists(t.path / "precious.txt"));
}

TEST_CASE("run passes argv without a shell and reports exit codes", "[local][process]") {
    const auto r = local::run({"/bin/echo", "$HOME", "a b", ";"});
    CHECK(r.exit_code == 0);
    CHECK(r.output == "$HOME a b ;\n");
    CHECK(local::run({"/bin/sh", "-c", "exit 7"}).exit_code == 7);
    local::run_options in;
    in.input = std::string(1 << 20, 'x');  // more than a pipe buffer, both directions
    CHECK(local::run({"/bin/cat"}, in).output.size() == (1u << 20));
    CHECK_THROWS_WITH(local::run({"/nonexistent/tool"}), Catch::Contains("cannot run /nonexistent/tool"));
    CHECK_THROWS_WITH(local::check_run({"/bin/sh", "-c", "echo oops >&2; exit 3"}),
                      Catch::Contains("exit 3") && Catch::Contains("oops"));
}
