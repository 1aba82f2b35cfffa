// The parts of dsql_local that need no server: paths, connection strings, refusals.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <optional>
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
  CHECK(info.conninfo("app", "x") == "host='/tmp/it\\'s' port=5544 user='app' dbname='x'");
  CHECK(info.psql_argv("app") == std::vector<std::string>{"/usr/lib/postgresql/15/bin/psql", "-X", "-h", "/tmp/it's",
                                                          "-p", "5544", "-U", "app", "-d", "postgres"});
}

TEST_CASE("the bootstrap superuser's sessions pin search_path to pg_catalog", "[local]") {
  local::cluster_info info;
  info.socket_dir = "/tmp/c";
  info.pg_bindir = "/usr/lib/postgresql/15/bin";
  info.port = 5544;
  CHECK(info.conninfo("postgres") ==
        "host='/tmp/c' port=5544 user='postgres' dbname='postgres' options='-c search_path=pg_catalog'");
  CHECK(info.psql_argv("postgres").back() == "dbname='postgres' options='-c search_path=pg_catalog'");
  // admin and other roles keep their own search_path
  CHECK(info.conninfo("admin").find("options") == std::string::npos);
  CHECK(info.psql_argv("Postgres").back() == "postgres");
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

// --- hardening: state file, directories, paths ---------------------------------------

namespace {

bool is_root() { return geteuid() == 0; }

// The OS user a cluster of ours runs as (root: $DSQL_RUN_USER or dsqlrun).
std::optional<local::os_user> run_user() {
  if (!is_root()) return local::current_user();
  const char* e = getenv("DSQL_RUN_USER");
  return local::find_user(e && *e ? e : "dsqlrun");
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const local::cluster_error& e) {
    return e.what();
  }
  return "";
}

// A stopped cluster as up() leaves it: dir (0700, the run user's) and our state file.
void fake_cluster(const fs::path& dir, const std::string& state) {
  fs::create_directories(dir / "data");
  std::ofstream(dir / "dsqlctl.conf") << state;
  fs::permissions(dir, fs::perms::owner_all);
  if (is_root()) {
    const auto u = run_user();
    REQUIRE(u.has_value());
    REQUIRE(lchown(dir.c_str(), u->uid, u->gid) == 0);
    REQUIRE(lchown((dir / "data").c_str(), u->uid, u->gid) == 0);
  }
}

// A temporary directory the run user can traverse.
struct open_temp_dir : temp_dir {
  open_temp_dir() { fs::permissions(path, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec); }
};

const uid_t nobody = 65534;

}  // namespace

TEST_CASE("cluster paths with shell or control characters are refused before anything is created", "[local][paths]") {
  temp_dir t;
  const fs::path marker = t.path / "INJ";
  for (const std::string& name : {"nc-$(touch " + marker.string() + ")", "nc-`touch " + marker.string() + "`",
                                  std::string("q\"uote"), std::string("back\\slash"), std::string("it's"),
                                  std::string("line\nbreak"), std::string("ctl\x01x"), std::string("del\x7f")}) {
    INFO(name);
    const fs::path dir = t.path / name;
    const std::string e = error_of([&] { (void)local::up(local::cluster_options{dir, 0, true}); });
    CHECK_THAT(e, Catch::Contains("which is not allowed: pg_ctl starts the server through a shell command line"));
    CHECK_FALSE(fs::exists(dir));
    CHECK_THAT(error_of([&] { (void)local::status(dir); }), Catch::Contains("is not allowed"));
    CHECK_THAT(error_of([&] { (void)local::down(dir); }), Catch::Contains("is not allowed"));
  }
  CHECK_FALSE(fs::exists(marker));
  CHECK_THAT(error_of([&] {
               (void)local::up(local::cluster_options{t.path / "a$b", 0, true});
             }),
             Catch::Contains("contains the character $"));
}

TEST_CASE("up refuses a --dir that is a symbolic link, and leaves its target alone", "[local][paths]") {
  temp_dir t;
  fs::create_directory(t.path / "target");
  fs::permissions(t.path / "target", fs::perms::all | fs::perms::sticky_bit);
  fs::create_directory_symlink(t.path / "target", t.path / "link");
  setenv("DSQL_LOCAL_NO_EXTENSION", "1", 1);
  CHECK_THAT(error_of([&] {
               (void)local::up(local::cluster_options{t.path / "link", 0, true});
             }),
             Catch::Contains("is a symbolic link"));
  unsetenv("DSQL_LOCAL_NO_EXTENSION");
  CHECK(fs::status(t.path / "target").permissions() == (fs::perms::all | fs::perms::sticky_bit));
  CHECK(fs::is_empty(t.path / "target"));
}

TEST_CASE("up refuses an existing empty directory of another user and does not change it", "[local][paths]") {
  if (!is_root()) {
    WARN("needs root to give a directory away");
    return;
  }
  open_temp_dir t;
  const fs::path d = t.path / "shared";
  fs::create_directory(d);
  fs::permissions(d, fs::perms::all | fs::perms::sticky_bit);
  REQUIRE(chown(d.c_str(), nobody, nobody) == 0);
  setenv("DSQL_LOCAL_NO_EXTENSION", "1", 1);
  CHECK_THAT(
      error_of([&] {
        (void)local::up(local::cluster_options{d, 0, true});
      }),
      Catch::Contains("exists and is owned by nobody (uid 65534), not by you") && Catch::Contains("choose a new path"));
  unsetenv("DSQL_LOCAL_NO_EXTENSION");
  struct stat st {};
  REQUIRE(stat(d.c_str(), &st) == 0);
  CHECK(st.st_uid == nobody);
  CHECK((st.st_mode & 07777) == 01777);
}

TEST_CASE("a parent directory of another user, or writable by others, is refused", "[local][paths]") {
  temp_dir t;
  const fs::path open_parent = t.path / "open";
  fs::create_directory(open_parent);
  fs::permissions(open_parent, fs::perms::all);  // 0777, no sticky bit
  const std::string e1 = error_of([&] { (void)local::up(local::cluster_options{open_parent / "local", 0, true}); });
  CHECK_THAT(e1, Catch::Contains("the parent directory " + open_parent.string()) &&
                     Catch::Contains("mode 0777) is writable by group or others"));
  CHECK_FALSE(fs::exists(open_parent / "local"));

  if (!is_root()) return;
  // Root's default layout pre-created by someone else: /var/tmp/dsql-roles-0 with a forged cluster.
  const fs::path parent = t.path / "dsql-roles-0";
  fs::create_directory(parent);
  const fs::path dir = parent / "local";
  fake_cluster(dir, "port=5432\npg_bindir=/nonexistent/evil\nrun_user=root\n");
  REQUIRE(chown(parent.c_str(), nobody, nobody) == 0);
  for (const auto& e : {error_of([&] {
                          (void)local::up(local::cluster_options{dir, 0, true});
                        }),
                        error_of([&] { (void)local::status(dir); }), error_of([&] { (void)local::down(dir); })}) {
    CHECK_THAT(e, Catch::Contains("the parent directory " + parent.string()) &&
                      Catch::Contains("is owned by nobody (uid 65534), not by you or root"));
  }
  CHECK(fs::exists(dir / "dsqlctl.conf"));
}

TEST_CASE("the state file must be ours, a regular file and small; its programs and users are never used",
          "[local][state]") {
  open_temp_dir t;
  const fs::path dir = t.path / "c";
  const fs::path marker = t.path / "evil-ran";
  // A forged configuration naming programs and root, and a postmaster.pid naming a
  // live process whose working directory is the data directory.
  const fs::path evil = t.path / "evil";
  fs::create_directory(evil);
  for (const char* tool : {"pg_ctl", "psql", "postgres"}) {
    std::ofstream(evil / tool) << "#!/bin/sh\ntouch " << marker.string() << "\n";
    fs::permissions(evil / tool, fs::perms::owner_all | fs::perms::others_exec | fs::perms::others_read);
  }
  fake_cluster(dir, "port=5433\npg_bindir=" + evil.string() + "\nrun_user=root\nextension=1\ncreated=1\n");
  local::run_options bg;
  bg.cwd = dir / "data";
  // `sleep` in the data directory, as the run user, backgrounded by a shell that prints its pid.
  if (auto u = run_user(); is_root()) bg.as = *u;
  const std::string pid = local::check_run({"/bin/sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!"}, bg).output;
  std::ofstream(dir / "data" / "postmaster.pid") << pid << (dir / "data").string() << "\n1700000000\n5433\n"
                                                 << dir.string() << "\n";
  CHECK_FALSE(local::status(dir).has_value());  // not postgres: not our server
  const auto r = local::down(dir);
  CHECK(r.existed);
  CHECK_FALSE(r.was_running);
  CHECK(r.removed);
  CHECK_FALSE(fs::exists(marker));
  CHECK(kill(static_cast<pid_t>(std::stol(pid)), 0) == 0);  // not killed
  kill(static_cast<pid_t>(std::stol(pid)), SIGKILL);

  // Replaced by another user (as the run user could): refused.
  if (is_root()) {
    fake_cluster(dir, "port=5433\n");
    REQUIRE(lchown((dir / "dsqlctl.conf").c_str(), nobody, nobody) == 0);
    for (const auto& e :
         {error_of([&] { (void)local::status(dir); }), error_of([&] { (void)local::down(dir); }), error_of([&] {
            (void)local::up(local::cluster_options{dir, 0, true});
          })})
      CHECK_THAT(e, Catch::Contains("dsqlctl.conf is owned by nobody (uid 65534), not by you") &&
                        Catch::Contains("refusing to use the cluster in " + dir.string()));
    CHECK(fs::exists(dir / "dsqlctl.conf"));
    fs::remove_all(dir);
  }
  // A symbolic link, something too large, a port out of range: refused.
  fake_cluster(dir, "");
  fs::remove(dir / "dsqlctl.conf");
  fs::create_symlink("/etc/passwd", dir / "dsqlctl.conf");
  CHECK_THAT(error_of([&] { (void)local::status(dir); }), Catch::Contains("is a symbolic link"));
  fs::remove(dir / "dsqlctl.conf");
  std::ofstream(dir / "dsqlctl.conf") << std::string(70000, '#');
  CHECK_THAT(error_of([&] { (void)local::down(dir); }), Catch::Contains("is larger than 64 KiB"));
  std::ofstream(dir / "dsqlctl.conf", std::ios::trunc) << "port=99999\n";
  CHECK_THAT(error_of([&] { (void)local::status(dir); }), Catch::Contains("invalid port"));
  CHECK(fs::exists(dir));
}

TEST_CASE("down removes only what up created", "[local][state]") {
  open_temp_dir t;
  const fs::path mine = t.path / "mine";
  fs::create_directory(mine);  // existed before up: created=0
  fake_cluster(mine, "port=5432\ncreated=0\n");
  std::ofstream(mine / "server.log") << "log";
  CHECK_FALSE(local::down(mine).removed);
  CHECK(fs::is_directory(mine));
  CHECK(fs::is_empty(mine));
  struct stat st {};
  REQUIRE(stat(mine.c_str(), &st) == 0);
  CHECK(st.st_uid == geteuid());  // given back

  const fs::path parent = t.path / "p";
  fake_cluster(parent / "c", "created=2\n");
  fake_cluster(parent / "other", "");
  CHECK(local::down(parent / "c").removed);
  CHECK_FALSE(fs::exists(parent / "c"));
  CHECK(fs::exists(parent / "other"));  // a parent that is not empty stays
  fs::remove_all(parent / "other");
  fake_cluster(parent / "c", "created=2\n");
  CHECK(local::down(parent / "c").removed);
  CHECK_FALSE(fs::exists(parent));
  CHECK(fs::exists(t.path));  // never above what was created
}

TEST_CASE("another user is told permission denied, not 'not a cluster'", "[local][messages]") {
  if (!is_root()) {
    WARN("needs root to switch to another user");
    return;
  }
  open_temp_dir t;
  const fs::path dir = t.path / "c";
  fake_cluster(dir, "port=5432\n");
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    std::string msg;
    if (setgid(nobody) != 0 || setuid(nobody) != 0)
      msg = "cannot become nobody";
    else
      msg = error_of([&] { (void)local::status(dir); }) + "\n" + error_of([&] { (void)local::down(dir); });
    (void)!write(fds[1], msg.data(), msg.size());
    _exit(0);
  }
  close(fds[1]);
  std::string got;
  char buf[512];
  ssize_t n = 0;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) got.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  CHECK_THAT(got, Catch::Contains("permission denied reading " + (dir / "dsqlctl.conf").string() +
                                  ": the cluster "
                                  "belongs to another user"));
  CHECK_THAT(got, !Catch::Contains("not a dsqlctl cluster"));
}

TEST_CASE("an unreachable cluster directory names the parent that blocks the run user", "[local][messages]") {
  if (!is_root()) {
    WARN("needs root (the run user differs from the caller)");
    return;
  }
  temp_dir t;  // 0700 root: the run user may not enter it
  setenv("DSQL_LOCAL_NO_EXTENSION", "1", 1);
  const std::string e = error_of([&] { (void)local::up(local::cluster_options{t.path / "c", 0, true}); });
  unsetenv("DSQL_LOCAL_NO_EXTENSION");
  CHECK_THAT(e, Catch::Contains("cannot reach " + (t.path / "c").string() + ": it may not enter " + t.path.string() +
                                " (owner root (uid 0), mode 0700)"));
  CHECK_THAT(e, !Catch::Contains("choose a directory under /tmp"));
  CHECK_FALSE(fs::exists(t.path / "c"));
}
