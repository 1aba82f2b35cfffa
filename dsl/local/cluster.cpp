#include "local/cluster.hpp"

#include <fcntl.h>
#include <locale.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <iostream>
#include <limits>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <pqxx/pqxx>

#include "iam/state.hpp"
#include "local/certificates.hpp"
#include "local/files.hpp"
#include "local/front_daemon.hpp"

#ifndef DSQL_PG_BINDIR_DEFAULT
#define DSQL_PG_BINDIR_DEFAULT "/usr/lib/postgresql/15/bin"
#endif

namespace dsql::local {
namespace fs = std::filesystem;

namespace {

constexpr int default_port = 5432;
constexpr const char* state_file_name = "dsqlctl.conf";
constexpr const char* server_conf_name = "dsqlctl-local.conf";
constexpr const char* default_run_user = "dsqlrun";

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

bool no_extension_mode() { return env("DSQL_LOCAL_NO_EXTENSION") == "1"; }

void progress(bool quiet, const std::string& line) {
  if (!quiet) std::cerr << "dsqlctl: " << line << '\n';
}

// Characters refused in a cluster path. pg_ctl starts the server through
// `/bin/sh -c 'exec "postgres" -D "DIR" ... >> "DIR/server.log"'`: inside those double
// quotes $ and ` expand (command substitution), " ends the quoting and \ escapes; a
// ' would need quoting in the server's configuration files; line breaks and other
// control characters break the configuration, the pid file and the logs.
std::optional<std::string> unsafe_path_char(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '$' || c == '`' || c == '\\' || c == '\'') return std::string(1, c);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      return std::string(buf);
    }
  }
  return std::nullopt;
}

fs::path absolute_dir(const fs::path& dir) {
  fs::path p = fs::absolute(dir).lexically_normal();
  if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
  const std::string s = p.string();
  if (const auto bad = unsafe_path_char(s)) {
    const bool printable = bad->size() == 1;  // else a control character: do not echo the path
    throw cluster_error("the cluster directory " + (printable ? s + " " : std::string()) + "contains the character " +
                        *bad +
                        ", which is not allowed: pg_ctl starts the server through a shell command line in "
                        "which \" $ ` and \\ inside the quoted data directory would be interpreted (or run "
                        "commands), ' would break the server's configuration, and line breaks or other "
                        "control characters break its files; choose a path without \" $ ` \\ ' or control "
                        "characters (spaces are fine)");
  }
  return p;
}

// --- state file ---------------------------------------------------------------
//
// DIR/dsqlctl.conf is written by `up` as the invoking user (root's file when root,
// mode 0644, although DIR belongs to the run user), and read only when it still is:
// the run user (the database server) can replace it, and the replacement is then
// its file, which we refuse. It never names a program or a user to run as: only the
// port, whether dsql_iam is on, how many directory levels `up` created, the
// cluster's id and region and the front door's limits (each checked when read);
// run_user and pg_bindir are written for people and ignored when read.

constexpr std::size_t max_state_bytes = 64 * 1024;

struct state {
  int port = 0;  ///< 0: none recorded
  bool extension = true;
  int created = 0;  ///< path levels `up` created: 0 none, 1 DIR, 2 DIR and its parent, ...
  std::string cluster_id{default_cluster_id};
  std::string region{default_region};
  front_door_limits limits;
};

// The bounds of each front-door limit (dsqlctl.conf and `local up` options).
struct limit_field {
  const char* key;
  int front_door_limits::*field;
  int lo, hi;
};
constexpr limit_field limit_fields[] = {
    {"max_connections", &front_door_limits::max_connections, 1, 100000},
    {"connection_rate", &front_door_limits::connection_rate, 1, 100000},
    {"connection_burst", &front_door_limits::connection_burst, 1, 1000000},
    {"max_connection_age", &front_door_limits::max_connection_age, 1, 366 * 86400},
    {"auth_timeout", &front_door_limits::auth_timeout, 1, 600},
};

std::optional<int> parse_int(const std::string& s, int lo, int hi) {
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const int v = std::stoi(s);
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

[[noreturn]] void refuse_state(const fs::path& file, int e) {
  const fs::path dir = file.parent_path();
  switch (e) {
    case ENOENT:
      throw cluster_error(dir.string() + " is not a dsqlctl cluster (no " + state_file_name + "); not touching it");
    case EACCES:
    case EPERM:
      throw cluster_error("permission denied reading " + file.string() +
                          ": the cluster belongs to another user (run dsqlctl as the user who ran `local up`)");
    case ELOOP:
      throw cluster_error(file.string() +
                          " is a symbolic link, not a file written by dsqlctl; refusing to use the cluster in " +
                          dir.string());
    case EINVAL:
      throw cluster_error(file.string() + " is not a regular file; refusing to use the cluster in " + dir.string());
    case EFBIG:
      throw cluster_error(file.string() +
                          " is larger than 64 KiB, not a file written by dsqlctl; refusing to use the cluster in " +
                          dir.string());
    default:
      throw cluster_error("cannot read " + file.string() + ": " + std::strerror(e));
  }
}

// The checked state of the cluster in dir (throws when it is missing or not ours).
state read_state(const fs::path& dir) {
  const fs::path file = dir / state_file_name;
  std::string text;
  struct stat st {};
  if (const int e = read_small_file(file, max_state_bytes, text, st); e != 0) refuse_state(file, e);
  if (st.st_uid != geteuid())
    throw cluster_error(file.string() + " is owned by " + user_name_of(st.st_uid) + ", not by you (" +
                        user_name_of(geteuid()) +
                        "): dsqlctl writes it as the user who runs `local up`, so "
                        "either the cluster is that user's (run dsqlctl as them) or the file has been "
                        "replaced (the database server's OS user can do that); refusing to use the cluster in " +
                        dir.string());
  state s;
  std::istringstream in(text);
  std::string line;
  int levels = 0;
  for (const auto& part : dir.relative_path()) {
    (void)part;
    ++levels;
  }
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq);
    const std::string value = line.substr(eq + 1);
    const auto bad = [&] {
      return cluster_error("invalid " + key + " in " + file.string() + ": '" + value.substr(0, 40) + "'");
    };
    if (key == "port") {
      const auto v = parse_int(value, 1, 65535);
      if (!v) throw bad();
      s.port = *v;
    } else if (key == "extension") {
      if (value != "0" && value != "1") throw bad();
      s.extension = value == "1";
    } else if (key == "created") {
      const auto v = parse_int(value, 0, levels);
      if (!v) throw bad();
      s.created = *v;
    } else if (key == "cluster_id") {
      if (cluster_id_problem(value)) throw bad();
      s.cluster_id = value;
    } else if (key == "region") {
      if (region_problem(value)) throw bad();
      s.region = value;
    } else {
      for (const auto& f : limit_fields) {
        if (key != f.key) continue;
        const auto v = parse_int(value, f.lo, f.hi);
        if (!v) throw bad();
        s.limits.*f.field = *v;
      }
    }
    // run_user, pg_bindir: informational only, never used.
  }
  return s;
}

// Whether dir holds a state file; EACCES and friends are errors for people.
bool has_state_file(const fs::path& dir) {
  struct stat st {};
  if (lstat((dir / state_file_name).c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  refuse_state(dir / state_file_name, errno);
}

// --- server settings ------------------------------------------------------------

// A postgresql.conf string value: backslash and quote escaped.
std::string conf_quote(std::string_view v) {
  std::string out = "'";
  for (const char c : v) {
    if (c == '\'')
      out += "''";
    else if (c == '\\')
      out += "\\\\";
    else
      out += c;
  }
  return out + "'";
}

std::string libpq_quote(std::string_view v) {
  std::string out = "'";
  for (const char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// --- the emulated endpoint: TCP + TLS on 127.0.0.1, IAM tokens (dsql_iam auth hook) ---
constexpr const char* iam_state_name = "iam.sqlite";

// A TCP port on 127.0.0.1 that nobody listens on right now (the kernel's choice).
int free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw cluster_error(std::string("cannot create a socket: ") + std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  if (port == 0) throw cluster_error("cannot find a free TCP port on 127.0.0.1");
  return port;
}

// pg_hba.conf of the local cluster: the Unix socket stays trust (tooling and the
// bootstrap superuser's break-glass path; dsql_iam.auth_mode = on leaves sockets
// alone) -- except for the connections the front door relays, which set
// dsql_iam.front_door=on and so need a DSQL token, which the dsql_iam auth hook
// verifies; the front door refuses any login the server does not ask a token for.
// PostgreSQL listens on no TCP address; TCP lines would be refused anyway.
std::string hba_conf(bool extension) {
  std::ostringstream o;
  o << "# Written by dsqlctl local up on every start; edits here are overwritten.\n"
    << "# TYPE   DATABASE USER ADDRESS       METHOD\n";
  if (extension)
    o << "# socket: trust for local tools and the bootstrap superuser (break-glass); the\n"
      << "# front door's connections (dsql_iam.front_door=on) need a token (dsql_iam.auth_mode = on)\n";
  o << "local    all      all                trust\n"
    << "host     all      all  0.0.0.0/0     reject\n"
    << "host     all      all  ::/0          reject\n";
  return o.str();
}

// PostgreSQL listens on its Unix socket only: TCP clients come through the front
// door (dsl/front), which relays them over that socket with dsql_iam.front_door=on.
// ssl stays on with the endpoint's certificate for tools that add a TCP listener of
// their own (bench/front_door.sh compares the front door with PostgreSQL's TLS).
std::string server_settings(const fs::path& dir, int port, bool extension, const state& st) {
  std::ostringstream o;
  o << "# Written by dsqlctl local up on every start; edits here are overwritten.\n"
    << "listen_addresses = ''\n";
  if (extension) {
    std::string names;
    for (const auto& n : {dsql_endpoint(st.cluster_id, st.region), std::string("localhost"), std::string("127.0.0.1")})
      names += (names.empty() ? "" : ", ") + n;
    o << "ssl = on\n"
      << "ssl_cert_file = 'server.crt'\n"
      << "ssl_key_file = 'server.key'\n"
      << "dsql_iam.auth_mode = 'on'\n"
      << "dsql_iam.state_file = " << conf_quote((dir / iam_state_name).string()) << "\n"
      << "dsql_iam.endpoint = " << conf_quote(names) << "\n"
      << "dsql_iam.region = " << conf_quote(st.region) << "\n"
      << "dsql_iam.cluster_arn = " << conf_quote(cluster_arn(st.cluster_id, st.region)) << "\n"
      << "# the front door's quota plus room for local tools; 3 of them for superusers only\n"
      << "max_connections = " << st.limits.max_connections + 20 << "\n"
      << "superuser_reserved_connections = 3\n";
  }
  o << "port = " << port << "\n"
    << "unix_socket_directories = " << conf_quote(dir.string()) << "\n"
    << "unix_socket_permissions = 0700\n"
    << (extension ? "" : "# DSQL_LOCAL_NO_EXTENSION=1 (development only): dsql_iam not preloaded\n# ")
    << "shared_preload_libraries = 'dsql_iam'\n"
    << "# no %u or %d: a client chooses its user and database name before authenticating and\n"
    << "# PostgreSQL prints them raw; dsql_iam escapes them in messages (log_connections shows them)\n"
    << "log_line_prefix = '%m [%p] %q%e '\n"
    << "log_timezone = 'UTC'\n"
    << "# a throwaway cluster: durability is not wanted\n"
    << "fsync = off\n"
    << "synchronous_commit = off\n"
    << "full_page_writes = off\n";
  return o.str();
}

// Appends the include line to postgresql.conf (the run user's file) unless present;
// neither the read nor the write follows a symbolic link.
void ensure_include(const fs::path& data_dir, const os_user& user) {
  const fs::path conf = data_dir / "postgresql.conf";
  const std::string line = std::string("include = '") + server_conf_name + "'";
  std::string text;
  struct stat st {};
  if (const int e = read_small_file(conf, 4 << 20, text, st); e != 0)
    throw cluster_error("cannot read " + conf.string() + ": " + std::strerror(e));
  if (st.st_uid != user.uid)
    throw cluster_error(conf.string() + " is owned by " + user_name_of(st.st_uid) + ", not by the run user " +
                        user.name);
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l))
    if (l == line) return;
  const int fd = open(conf.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw cluster_error("cannot write " + conf.string() + ": " + std::strerror(errno));
  const std::string add = "\n# dsqlctl: the local cluster's settings\n" + line + "\n";
  struct stat fst {};
  const bool ok = fstat(fd, &fst) == 0 && S_ISREG(fst.st_mode) && fst.st_ino == st.st_ino &&
                  write(fd, add.data(), add.size()) == static_cast<ssize_t>(add.size());
  const int e = errno;
  close(fd);
  if (!ok) throw cluster_error("cannot write " + conf.string() + ": " + std::strerror(e));
}

// --- PostgreSQL installation ---------------------------------------------------------

fs::path tool(const fs::path& bindir, const char* name) {
  fs::path p = bindir / name;
  if (access(p.c_str(), X_OK) != 0)
    throw cluster_error(p.string() +
                        " not found or not executable (set DSQL_PG_BINDIR to the PostgreSQL 15 bin directory)");
  return p;
}

std::string pg_config(const fs::path& bindir, const char* what) {
  run_options o;
  o.cwd = "/";  // pg_config fails when our working directory has been removed
  std::string out = check_run({tool(bindir, "pg_config").string(), what}, o).output;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

void require_extension_installed(const fs::path& bindir) {
  const fs::path control = fs::path(pg_config(bindir, "--sharedir")) / "extension" / "dsql_iam.control";
  const fs::path library = fs::path(pg_config(bindir, "--pkglibdir")) / "dsql_iam.so";
  for (const fs::path& p : {control, library}) {
    if (!fs::exists(p))
      throw cluster_error("the dsql_iam extension is not installed (" + p.string() +
                          " is missing): run `make install-extension` from the repository top");
  }
}

void require_locale(const char* name) {
  locale_t l = newlocale(LC_ALL_MASK, name, static_cast<locale_t>(nullptr));
  if (!l) throw cluster_error(std::string("the locale ") + name + " is not available on this system (initdb needs it)");
  freelocale(l);
}

// --- run user ----------------------------------------------------------------------
//
// Never read from the state file: root's run user is $DSQL_RUN_USER or dsqlrun,
// anyone else's is themselves.

std::string run_user_name() {
  if (geteuid() != 0) return current_user().name;
  std::string name = env("DSQL_RUN_USER");
  return name.empty() ? std::string(default_run_user) : name;
}

os_user ensure_run_user(bool quiet) {
  if (geteuid() != 0) return current_user();
  const std::string name = run_user_name();
  auto u = find_user(name);
  if (!u) {
    progress(quiet, "creating the unprivileged OS user " + name + " to run PostgreSQL (initdb refuses root)");
    const run_result r = run({"/usr/sbin/useradd", "--system", "--user-group", "--no-create-home", "--home-dir",
                              "/nonexistent", "--shell", "/usr/sbin/nologin", name});
    u = find_user(name);  // a concurrent useradd may have won: fine
    if (!u)
      throw cluster_error("cannot create the OS user " + name + " (useradd exit " + std::to_string(r.exit_code) +
                          "): " + r.output);
  }
  if (u->uid == 0) throw cluster_error("the run user " + name + " has uid 0: PostgreSQL refuses to run as root");
  return *u;
}

// The run user of an existing cluster (not created here).
os_user existing_run_user() {
  if (geteuid() != 0) return current_user();
  const std::string name = run_user_name();
  auto u = find_user(name);
  if (!u)
    throw cluster_error("the run user " + name + " does not exist (set DSQL_RUN_USER to the user the cluster runs as)");
  if (u->uid == 0) throw cluster_error("the run user " + name + " has uid 0: PostgreSQL refuses to run as root");
  return *u;
}

std::optional<os_user> as_for(const os_user& u) {
  if (geteuid() == 0 && u.uid != 0) return u;
  return std::nullopt;
}

// --- directories -----------------------------------------------------------------------

// Every existing parent of dir (and, for symbolic links among them, where they lead)
// must be owned by root or by us and not writable by group or others unless sticky
// (like /tmp): otherwise another user could swap the cluster's files under us.
void check_parents(const fs::path& dir) {
  const uid_t me = geteuid();
  const auto check_dir = [&](const fs::path& p, const struct stat& st) {
    if (!S_ISDIR(st.st_mode)) throw cluster_error(p.string() + " is not a directory");
    if (st.st_uid != 0 && st.st_uid != me)
      throw cluster_error("the parent directory " + p.string() + " of " + dir.string() + " is owned by " +
                          user_name_of(st.st_uid) +
                          ", not by you or root: its owner could replace the cluster's files; refusing. "
                          "Remove it (if it is not yours to keep) or choose another --dir");
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0)
      throw cluster_error("the parent directory " + p.string() + " of " + dir.string() + " (owner " +
                          user_name_of(st.st_uid) + ", mode " + mode_text(st.st_mode) +
                          ") is writable by group or others without the sticky bit: they could replace "
                          "the cluster's files; refusing (chmod go-w it or choose another --dir)");
  };
  std::vector<fs::path> prefixes;
  fs::path p = dir.root_path();
  prefixes.push_back(p);
  for (const auto& part : dir.relative_path()) prefixes.push_back(p /= part);
  prefixes.pop_back();  // dir itself: checked by the callers
  fs::path deepest;
  for (const auto& q : prefixes) {
    struct stat lst {};
    if (lstat(q.c_str(), &lst) != 0) {
      if (errno == ENOENT) break;
      throw cluster_error("cannot examine " + q.string() + ": " + std::strerror(errno));
    }
    if (S_ISLNK(lst.st_mode) && lst.st_uid != 0 && lst.st_uid != me)
      throw cluster_error(q.string() + " is a symbolic link owned by " + user_name_of(lst.st_uid) +
                          ", not by you or root: refusing to use " + dir.string());
    struct stat st {};
    if (stat(q.c_str(), &st) != 0) throw cluster_error("cannot examine " + q.string() + ": " + std::strerror(errno));
    check_dir(q, st);
    deepest = q;
  }
  // Where symbolic links among the parents lead.
  std::error_code ec;
  const fs::path real = fs::canonical(deepest, ec);
  if (ec || real == deepest) return;
  fs::path r = real.root_path();
  for (const auto& part : real.relative_path()) {
    r /= part;
    struct stat st {};
    if (stat(r.c_str(), &st) != 0) throw cluster_error("cannot examine " + r.string() + ": " + std::strerror(errno));
    check_dir(r, st);
  }
}

// lstat of dir: nullopt when missing; throws on other errors.
std::optional<struct stat> lstat_dir(const fs::path& dir) {
  struct stat st {};
  if (lstat(dir.c_str(), &st) == 0) return st;
  if (errno == ENOENT) return std::nullopt;
  if (errno == EACCES) {
    for (fs::path p = dir.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path())
      if (access(p.c_str(), X_OK) != 0 && errno == EACCES)
        throw cluster_error("permission denied reading " + (dir / state_file_name).string() + ": you may not enter " +
                            p.string() + " (the cluster belongs to another user?)");
    throw cluster_error("permission denied reading " + (dir / state_file_name).string());
  }
  throw cluster_error("cannot examine " + dir.string() + ": " + std::strerror(errno));
}

void refuse_symlink(const fs::path& dir) {
  throw cluster_error(dir.string() +
                      " is a symbolic link: refusing to use it as a cluster directory "
                      "(permission and ownership changes would follow it); give the real path");
}

// Why user cannot reach dir: the first directory on the way it may not enter.
std::string reach_message(const os_user& user, const fs::path& dir) {
  fs::path p = dir.root_path();
  std::vector<fs::path> prefixes{p};
  for (const auto& part : dir.relative_path()) prefixes.push_back(p /= part);
  for (const auto& q : prefixes) {
    struct stat st {};
    if (stat(q.c_str(), &st) != 0) break;
    if (!user_can_access(user, q, X_OK))
      return "the OS user " + user.name + " cannot reach " + dir.string() + ": it may not enter " + q.string() +
             " (owner " + user_name_of(st.st_uid) + ", mode " + mode_text(st.st_mode) + "); let it (chmod o+x " +
             q.string() + ") or choose a --dir outside " + q.string();
  }
  return "the OS user " + user.name + " cannot read and write " + dir.string();
}

void check_socket_path(const fs::path& dir, int port) {
  const std::string sock = (dir / (".s.PGSQL." + std::to_string(port))).string();
  constexpr std::size_t limit = sizeof(sockaddr_un{}.sun_path) - 1;  // 107 on Linux
  if (sock.size() > limit)
    throw cluster_error("the socket path " + sock + " is " + std::to_string(sock.size()) +
                        " bytes, over the Unix socket limit of " + std::to_string(limit) + ": choose a shorter --dir");
}

// Makes dir the cluster directory (mode 0700, owned by the run user) and returns how
// many path levels were created here (recorded for `down`). dir is not a symbolic
// link (checked by the caller). Missing parents are created 0700, or 0711 as root
// (the run user must traverse them). An existing directory is taken when it is our
// cluster, or empty and owned by the invoking user.
int prepare_dir(const fs::path& dir, const os_user& user, bool is_cluster, int created_before) {
  int created = created_before;
  if (const auto st = lstat_dir(dir)) {
    if (S_ISLNK(st->st_mode)) refuse_symlink(dir);
    if (!S_ISDIR(st->st_mode)) throw cluster_error(dir.string() + " exists and is not a directory");
    if (is_cluster) {
      if (st->st_uid != user.uid)
        throw cluster_error(dir.string() + " is owned by " + user_name_of(st->st_uid) + ", not by the run user " +
                            user.name + "; refusing to use it");
    } else {
      std::error_code ec;
      if (!fs::is_empty(dir, ec) || ec)
        throw cluster_error(dir.string() +
                            " exists, is not empty and is not a dsqlctl cluster: choose another --dir "
                            "(a new path: dsqlctl creates it)");
      if (st->st_uid != geteuid())
        throw cluster_error(dir.string() + " exists and is owned by " + user_name_of(st->st_uid) +
                            ", not by you: dsqlctl only takes over an existing directory when it is empty "
                            "and yours; choose a new path (dsqlctl creates it)");
      created = 0;
    }
    const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) throw cluster_error("cannot open " + dir.string() + ": " + std::strerror(errno));
    int err = 0;
    if (fchmod(fd, S_IRWXU) != 0)
      err = errno;
    else if (geteuid() == 0 && fchown(fd, user.uid, user.gid) != 0)
      err = errno;
    close(fd);
    if (err != 0) throw cluster_error("cannot give " + dir.string() + " to " + user.name + ": " + std::strerror(err));
  } else {
    std::vector<fs::path> missing;  // deepest first
    fs::path p = dir;
    for (; !p.empty() && !lstat_dir(p); p = p.parent_path()) missing.push_back(p);
    if (!p.empty() && !user_can_access(user, p, X_OK)) throw cluster_error(reach_message(user, dir));
    const mode_t parent_mode = geteuid() == 0 ? 0711 : 0700;
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
      const bool is_dir = *it == dir;
      if (mkdir(it->c_str(), 0700) != 0)
        throw cluster_error("cannot create " + it->string() + ": " + std::strerror(errno) +
                            (errno == EEXIST ? " (it appeared meanwhile; retry)" : ""));
      if (chmod(it->c_str(), is_dir ? S_IRWXU : parent_mode) != 0 ||
          (is_dir && geteuid() == 0 && lchown(it->c_str(), user.uid, user.gid) != 0))
        throw cluster_error("cannot set up " + it->string() + ": " + std::strerror(errno));
    }
    created = static_cast<int>(missing.size());
  }
  if (!user_can_access(user, dir, R_OK | W_OK | X_OK)) throw cluster_error(reach_message(user, dir));
  return created;
}

// Removes everything inside dir, as the run user when we are root (it owns the
// files, so a link it planted cannot turn our removal against anything else).
void remove_contents(const fs::path& dir, const os_user& user) {
  std::vector<std::string> paths;
  for (const auto& e : fs::directory_iterator(dir)) paths.push_back(e.path().string());
  if (paths.empty()) return;
  if (const auto as = as_for(user)) {
    std::vector<std::string> argv{"/bin/rm", "-rf", "--one-file-system", "--"};
    argv.insert(argv.end(), paths.begin(), paths.end());
    check_run(argv, run_options{as, "/", true, std::nullopt, true, {}});
  } else {
    for (const auto& p : paths) fs::remove_all(p);
  }
}

// A path removed as the run user when we are root (see remove_contents).
void remove_as(const fs::path& path, const os_user& user) {
  if (const auto as = as_for(user))
    check_run({"/bin/rm", "-rf", "--one-file-system", "--", path.string()},
              run_options{as, "/", true, std::nullopt, true, {}});
  else
    fs::remove_all(path);
}

// --- processes ------------------------------------------------------------------------

bool pid_alive(long pid) {
  if (pid <= 0) return false;
  return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

struct pid_file {
  long pid = 0;
  std::string data_dir;
  std::time_t started = 0;
  int port = 0;
};

std::optional<pid_file> read_pid_file(const fs::path& data_dir) {
  std::string text;
  struct stat st {};
  if (read_small_file(data_dir / "postmaster.pid", 4096, text, st) != 0) return std::nullopt;
  std::istringstream in(text);
  std::string lines[4];
  for (auto& l : lines)
    if (!std::getline(in, l)) return std::nullopt;
  pid_file p;
  const auto pid = parse_int(lines[0], 1, std::numeric_limits<int>::max());
  const auto port = parse_int(lines[3], 1, 65535);
  if (!pid || !port || lines[2].empty() || lines[2].size() > 18 ||
      lines[2].find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  p.pid = *pid;
  p.data_dir = lines[1];
  p.started = static_cast<std::time_t>(std::stoll(lines[2]));
  p.port = *port;
  return p;
}

// Whether process pid is a server of the cluster: owned by the run user, running
// bindir/postgres, working directory data_dir (the postmaster and all its children
// chdir there). unknown: /proc could not be read (someone else's process).
enum class verdict { ours, not_ours, unknown };

verdict process_in(long pid, const fs::path& real_data_dir, const fs::path& real_postgres, uid_t run_uid) {
  const fs::path proc = "/proc/" + std::to_string(pid);
  struct stat st {};
  if (stat(proc.c_str(), &st) != 0) return errno == ENOENT ? verdict::not_ours : verdict::unknown;
  if (st.st_uid != run_uid) return verdict::not_ours;
  std::error_code ec;
  const fs::path cwd = fs::read_symlink(proc / "cwd", ec);
  if (ec) return verdict::unknown;
  if (cwd != real_data_dir) return verdict::not_ours;
  const fs::path exe = fs::read_symlink(proc / "exe", ec);
  if (ec) return verdict::unknown;
  return exe == real_postgres ? verdict::ours : verdict::not_ours;
}

// The resolved data directory of dir: dir's real path + "data" (a symbolic link
// named data is not followed, so it never matches a process's working directory).
fs::path real_data_dir(const fs::path& dir) {
  std::error_code ec;
  const fs::path real = fs::canonical(dir, ec);
  return (ec ? dir : real) / "data";
}

fs::path real_postgres(const fs::path& bindir) {
  std::error_code ec;
  const fs::path p = fs::canonical(bindir / "postgres", ec);
  return ec ? bindir / "postgres" : p;
}

// The postgres processes of the cluster (see process_in).
std::vector<long> processes_in(const fs::path& dir, const fs::path& bindir, uid_t run_uid) {
  std::vector<long> pids;
  std::error_code ec;
  const fs::path data = real_data_dir(dir);
  const fs::path postgres = real_postgres(bindir);
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.size() > 9 || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::stol(name);
    if (process_in(pid, data, postgres, run_uid) == verdict::ours) pids.push_back(pid);
  }
  return pids;
}

template <class Pred>
bool wait_until(Pred done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

std::string log_tail(const fs::path& log, std::size_t lines) {
  const int fd = open(log.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return "";
  struct stat st {};
  std::string text;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    constexpr off_t window = 64 * 1024;
    if (st.st_size > window) lseek(fd, st.st_size - window, SEEK_SET);
    char buf[8192];
    ssize_t n = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0 && text.size() < static_cast<std::size_t>(window))
      text.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  std::istringstream in(text);
  std::deque<std::string> tail;
  std::string l;
  while (std::getline(in, l)) {
    tail.push_back(l);
    if (tail.size() > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& t : tail) out += "  | " + t + "\n";
  return out;
}

// --- clusters --------------------------------------------------------------------------

cluster_info make_info(const fs::path& dir, const state& st, const std::string& run_user) {
  cluster_info info;
  info.dir = dir;
  info.data_dir = dir / "data";
  info.socket_dir = dir;
  info.log_file = dir / "server.log";
  info.pg_bindir = pg_bindir();  // never from the state file
  info.port = st.port != 0 ? st.port : default_port;
  info.run_user = run_user;
  info.extension = st.extension;
  info.cluster_id = st.cluster_id;
  info.region = st.region;
  info.endpoint = dsql_endpoint(st.cluster_id, st.region);
  info.cluster_arn = cluster_arn(st.cluster_id, st.region);
  info.limits = st.limits;
  if (info.extension) {
    info.tcp = true;
    info.iam_state = dir / iam_state_name;
    info.ca_file = dir / "ca.crt";
  }
  return info;
}

// The front door's configuration for a cluster (dsl/front).
front::config front_config(const cluster_info& info) {
  front::config c;
  c.port = info.port;
  c.backend_socket = info.socket_dir / (".s.PGSQL." + std::to_string(info.port));
  c.cert_file = info.data_dir / "server.crt";
  c.key_file = info.data_dir / "server.key";
  c.names = {info.endpoint, "localhost"};  // SNI: DNS names only
  c.max_connections = info.limits.max_connections;
  c.connection_rate = info.limits.connection_rate;
  c.connection_burst = info.limits.connection_burst;
  c.auth_timeout = std::chrono::seconds(info.limits.auth_timeout);
  c.max_connection_age = std::chrono::seconds(info.limits.max_connection_age);
  return c;
}

// The checked cluster in dir: its parents, dir itself (a directory of the run user,
// not a symbolic link) and its state file (ours). nullopt when dir or the state file
// is missing.
struct checked_cluster {
  state st;
  os_user user;
};

std::optional<checked_cluster> open_cluster(const fs::path& dir) {
  const auto dst = lstat_dir(dir);
  if (!dst) return std::nullopt;
  if (!has_state_file(dir)) return std::nullopt;
  check_parents(dir);
  if (S_ISLNK(dst->st_mode)) refuse_symlink(dir);
  if (!S_ISDIR(dst->st_mode)) throw cluster_error(dir.string() + " is not a directory");
  checked_cluster c{read_state(dir), existing_run_user()};
  if (dst->st_uid != c.user.uid)
    throw cluster_error(dir.string() + " is owned by " + user_name_of(dst->st_uid) + ", not by the run user " +
                        user_name_of(c.user.uid) + "; refusing to use it");
  return c;
}

// The postmaster of a checked cluster per its postmaster.pid: ours, not ours (no pid
// file, dead, or another process) or unknown (a live process we cannot inspect).
struct postmaster {
  verdict v = verdict::not_ours;
  pid_file pf;
};

postmaster find_postmaster(const cluster_info& info, uid_t run_uid) {
  postmaster pm;
  const auto pf = read_pid_file(info.data_dir);
  if (!pf || !pid_alive(pf->pid)) return pm;
  pm.pf = *pf;
  if (pf->data_dir != info.data_dir.string() && fs::path(pf->data_dir) != real_data_dir(info.dir)) return pm;
  pm.v = process_in(pf->pid, real_data_dir(info.dir), real_postgres(info.pg_bindir), run_uid);
  return pm;
}

// The bootstrap superuser's own session after every start: admin exists with DSQL's
// admin attributes and nothing more, owns database postgres, and dsql_iam is created.
// The session pins search_path to pg_catalog (conninfo() of the bootstrap superuser)
// and every name below is qualified: admin owns schema public and may create schemas,
// so nothing it created may be resolved here (extension/utility.c).
void bootstrap_roles(const cluster_info& info, bool quiet) {
  try {
    pqxx::connection c(info.conninfo(bootstrap_superuser));
    pqxx::nontransaction tx(c);
    if (tx.exec("SELECT pg_catalog.current_setting('search_path')")[0][0].as<std::string>() != "pg_catalog")
      throw cluster_error("the bootstrap superuser's session did not pin search_path to pg_catalog");
    const pqxx::result r = tx.exec(
        "SELECT r.rolsuper, r.rolcreaterole, r.rolcanlogin, r.rolcreatedb, r.rolreplication, r.rolbypassrls "
        "FROM pg_catalog.pg_roles AS r WHERE r.rolname OPERATOR(pg_catalog.=) 'admin'");
    if (r.empty()) {
      tx.exec("CREATE ROLE admin WITH LOGIN CREATEROLE");
    } else if (r[0][0].as<bool>() || !r[0][1].as<bool>() || !r[0][2].as<bool>() || r[0][3].as<bool>() ||
               r[0][4].as<bool>() || r[0][5].as<bool>()) {
      tx.exec("ALTER ROLE admin WITH LOGIN CREATEROLE NOSUPERUSER NOCREATEDB NOREPLICATION NOBYPASSRLS");
    }
    tx.exec("ALTER DATABASE postgres OWNER TO admin");
    if (info.extension) {
      // CREATE EXTENSION would adopt an existing schema sys (the control file's
      // schema): never one that somebody else made.
      const pqxx::result e = tx.exec(
          "SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_extension AS x "
          "         WHERE x.extname OPERATOR(pg_catalog.=) 'dsql_iam'), "
          "       (SELECT pg_catalog.pg_get_userbyid(n.nspowner) FROM pg_catalog.pg_namespace AS n "
          "         WHERE n.nspname OPERATOR(pg_catalog.=) 'sys')");
      if (e[0][0].as<long>() == 0 && !e[0][1].is_null() && e[0][1].as<std::string>() != bootstrap_superuser)
        throw cluster_error("schema sys exists and belongs to " + e[0][1].as<std::string>() +
                            ", not to the bootstrap superuser: refusing to create extension dsql_iam into it "
                            "(drop or rename that schema through `dsqlctl local psql --user postgres`)");
      tx.exec("CREATE EXTENSION IF NOT EXISTS dsql_iam");
      // a cluster made by an older dsqlctl: bring its extension to the installed version
      if (tx.exec("SELECT e.extversion OPERATOR(pg_catalog.<>) a.default_version FROM pg_catalog.pg_extension AS e "
                  "JOIN pg_catalog.pg_available_extensions AS a ON a.name OPERATOR(pg_catalog.=) e.extname "
                  "WHERE e.extname OPERATOR(pg_catalog.=) 'dsql_iam'")[0][0]
              .as<bool>())
        tx.exec("ALTER EXTENSION dsql_iam UPDATE");
    }
    // Database-wide or all-role settings reach every session. dsql_iam refuses them
    // to everyone but the bootstrap superuser; ones made before (or by it) are shown.
    const pqxx::result d = tx.exec(
        "SELECT coalesce((SELECT d.datname FROM pg_catalog.pg_database AS d WHERE d.oid OPERATOR(pg_catalog.=) "
        "s.setdatabase), '(all databases)') || ': ' || pg_catalog.array_to_string(s.setconfig, ', ') "
        "FROM pg_catalog.pg_db_role_setting AS s WHERE s.setrole OPERATOR(pg_catalog.=) 0 "
        "ORDER BY 1");
    for (const auto& row : d)
      progress(quiet,
               "warning: a database-wide or all-role setting applies to every session: " + row[0].as<std::string>() +
                   " (remove it with ALTER DATABASE ... RESET or ALTER ROLE ALL ... RESET as the "
                   "bootstrap superuser)");
  } catch (const cluster_error&) {
    throw;
  } catch (const std::exception& e) {
    throw cluster_error("setting up role admin and extension dsql_iam failed: " + std::string(e.what()));
  }
}

// A connection of the bootstrap superuser on the Unix socket (cluster_info::conninfo pins
// its search_path to pg_catalog; names below are qualified anyway).
std::string superuser_conninfo(const cluster_info& info) { return info.conninfo(bootstrap_superuser); }

void pg_ctl_stop(const cluster_info& info, const os_user& user, const char* mode, int timeout_s) {
  run({tool(info.pg_bindir, "pg_ctl").string(), "-D", info.data_dir.string(), "-m", mode, "-w", "-t",
       std::to_string(timeout_s), "-s", "stop"},
      run_options{as_for(user), info.dir, true, std::nullopt, true, {}});
}

}  // namespace

strict_status strict_state(const cluster_info& info) {
  strict_status st;
  try {
    pqxx::connection c(superuser_conninfo(info));
    pqxx::nontransaction tx(c);
    const pqxx::result r = tx.exec("SELECT name, recorded::pg_catalog.text, rules, strict FROM sys.strict_ruleset()");
    if (r.size() != 1) throw cluster_error("sys.strict_ruleset() returned no row");
    st.ruleset = r[0][0].as<std::string>();
    st.recorded = r[0][1].as<std::string>();
    st.rules = r[0][2].as<int>();
    st.on = r[0][3].as<bool>();
  } catch (const cluster_error&) {
    throw;
  } catch (const std::exception& e) {
    throw cluster_error("reading the strict mode of the cluster failed: " + std::string(e.what()));
  }
  return st;
}

void set_strict(const cluster_info& info, bool on) {
  const std::string value = on ? "on" : "off";
  try {
    {
      pqxx::connection c(superuser_conninfo(info));
      pqxx::nontransaction tx(c);
      tx.exec("ALTER SYSTEM SET dsql_iam.strict = " + value);
      tx.exec("SELECT pg_catalog.pg_reload_conf()");
    }
    // The postmaster reloads asynchronously: a session started after it did sees it.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (true) {
      pqxx::connection c(superuser_conninfo(info));
      pqxx::nontransaction tx(c);
      if (tx.exec("SHOW dsql_iam.strict")[0][0].as<std::string>() == value) return;
      if (std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  } catch (const std::exception& e) {
    throw cluster_error("setting dsql_iam.strict = " + value + " failed: " + std::string(e.what()));
  }
  throw cluster_error("dsql_iam.strict = " + value + " was set but the server did not reload it within 10 s; see " +
                      info.log_file.string());
}

std::string cluster_info::conninfo(std::string_view user, std::string_view dbname) const {
  std::string c = "host=" + libpq_quote(socket_dir.string()) + " port=" + std::to_string(port) +
                  " user=" + libpq_quote(user) + " dbname=" + libpq_quote(dbname);
  if (user == bootstrap_superuser) c += " options=" + libpq_quote(superuser_session_options);
  return c;
}

std::string cluster_info::tcp_conninfo(std::string_view user, std::string_view dbname) const {
  return "host=" + libpq_quote(endpoint) + " hostaddr=127.0.0.1 port=" + std::to_string(port) +
         " sslmode=verify-full sslrootcert=" + libpq_quote(ca_file.string()) + " user=" + libpq_quote(user) +
         " dbname=" + libpq_quote(dbname);
}

std::vector<std::string> cluster_info::names() const { return {endpoint, "localhost", "127.0.0.1"}; }

std::string dsql_endpoint(std::string_view cluster_id, std::string_view region) {
  return std::string(cluster_id) + ".dsql." + std::string(region) + ".on.aws";
}

std::string cluster_arn(std::string_view cluster_id, std::string_view region) {
  return "arn:aws:dsql:" + std::string(region) + ":" + std::string(local_account_id) + ":cluster/" +
         std::string(cluster_id);
}

std::optional<std::string> cluster_id_problem(std::string_view id) {
  if (id.empty() || id.size() > 63) return "a cluster id is 1 to 63 characters (one DNS label; Aurora DSQL's are 26)";
  for (const char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      return "a cluster id has only lower-case letters, digits and hyphens (it is a DNS label)";
  if (id.front() == '-' || id.back() == '-') return "a cluster id neither starts nor ends with a hyphen";
  return std::nullopt;
}

std::optional<std::string> region_problem(std::string_view region) {
  // partition-area-number, e.g. us-east-1, ap-southeast-2, us-gov-west-1
  const auto bad = [] {
    return std::optional<std::string>("a region looks like us-east-1 (letters, hyphens, a number)");
  };
  if (region.size() < 4 || region.size() > 32) return bad();
  const auto dash = region.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == region.size()) return bad();
  for (const char c : region.substr(dash + 1))
    if (c < '0' || c > '9') return bad();
  std::string_view words = region.substr(0, dash);
  if (words.find('-') == std::string_view::npos || words.front() == '-' || words.back() == '-' ||
      words.find("--") != std::string_view::npos)
    return bad();
  for (const char c : words)
    if (!((c >= 'a' && c <= 'z') || c == '-')) return bad();
  return std::nullopt;
}

std::vector<std::string> cluster_info::psql_argv(std::string_view user, std::string_view dbname) const {
  const std::string db = user == bootstrap_superuser
                             ? "dbname=" + libpq_quote(dbname) + " options=" + libpq_quote(superuser_session_options)
                             : std::string(dbname);
  return {(pg_bindir / "psql").string(),
          "-X",
          "-h",
          socket_dir.string(),
          "-p",
          std::to_string(port),
          "-U",
          std::string(user),
          "-d",
          db};
}

fs::path pg_bindir() {
  const std::string e = env("DSQL_PG_BINDIR");
  return e.empty() ? fs::path(DSQL_PG_BINDIR_DEFAULT) : fs::path(e);
}

fs::path default_dir() {
  const std::string e = env("DSQL_LOCAL_DIR");
  if (!e.empty()) return absolute_dir(e);
  const uid_t uid = geteuid();
  if (uid == 0) return "/var/tmp/dsql-roles-0/local";
  std::string base = env("XDG_RUNTIME_DIR");
  if (base.empty()) base = "/tmp";
  return fs::path(base) / ("dsql-roles-" + std::to_string(uid));
}

bool is_cluster_dir(const fs::path& dir) {
  struct stat st {};
  return lstat((dir / state_file_name).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::optional<cluster_info> status(const fs::path& dir_in) {
  const fs::path dir = absolute_dir(dir_in);
  const auto c = open_cluster(dir);
  if (!c) return std::nullopt;
  cluster_info info = make_info(dir, c->st, c->user.name);
  const postmaster pm = find_postmaster(info, c->user.uid);
  if (pm.v != verdict::ours) return std::nullopt;  // unknown fails closed: not our server
  info.pid = pm.pf.pid;
  info.port = pm.pf.port;
  info.started_at = std::chrono::system_clock::from_time_t(pm.pf.started);
  if (info.extension) info.front_pid = front_pid(dir, c->user.uid);
  return info;
}

namespace {

// The options of `up` over what DIR records; throws for a bad value.
void apply_options(const cluster_options& o, state& st) {
  if (o.cluster_id) {
    if (const auto why = cluster_id_problem(*o.cluster_id))
      throw cluster_error("invalid cluster id \"" + *o.cluster_id + "\": " + *why);
    st.cluster_id = *o.cluster_id;
  }
  if (o.region) {
    if (const auto why = region_problem(*o.region))
      throw cluster_error("invalid region \"" + *o.region + "\": " + *why);
    st.region = *o.region;
  }
  const std::pair<const std::optional<int>*, const char*> given[] = {{&o.max_connections, "max_connections"},
                                                                     {&o.connection_rate, "connection_rate"},
                                                                     {&o.connection_burst, "connection_burst"},
                                                                     {&o.max_connection_age, "max_connection_age"},
                                                                     {&o.auth_timeout, "auth_timeout"}};
  for (const auto& [value, key] : given) {
    if (!*value) continue;
    for (const auto& f : limit_fields) {
      if (std::string_view(f.key) != key) continue;
      if (**value < f.lo || **value > f.hi)
        throw cluster_error(std::string("invalid ") + key + " " + std::to_string(**value) + ": it must be between " +
                            std::to_string(f.lo) + " and " + std::to_string(f.hi));
      st.limits.*f.field = **value;
    }
  }
}

bool same_front(const state& a, const state& b) {
  if (a.cluster_id != b.cluster_id || a.region != b.region) return false;
  for (const auto& f : limit_fields)
    if (a.limits.*f.field != b.limits.*f.field) return false;
  return true;
}

}  // namespace

cluster_info up(const cluster_options& options) {
  const fs::path dir = absolute_dir(options.dir.empty() ? default_dir() : options.dir);
  if (options.port < 0 || options.port > 65535) throw cluster_error("the port must be between 1 and 65535");
  check_parents(dir);
  if (const auto st = lstat_dir(dir); st && S_ISLNK(st->st_mode)) refuse_symlink(dir);

  const auto existing = open_cluster(dir);
  if (auto running = local::status(dir)) {
    if (options.port != 0 && options.port != running->port)
      throw cluster_error("the cluster in " + dir.string() + " is already running on port " +
                          std::to_string(running->port) + "; stop it first to change the port");
    state wanted = existing->st;
    apply_options(options, wanted);
    if (!same_front(wanted, existing->st))
      throw cluster_error("the cluster in " + dir.string() +
                          " is running with another cluster id, region or front-door limits; stop it first "
                          "(dsqlctl local down --keep-data) to change them");
    progress(options.quiet, "already running in " + dir.string() + " (pid " + std::to_string(running->pid) + ")");
    if (running->extension) set_strict(*running, options.strict);
    if (running->extension && running->front_pid == 0) {
      progress(options.quiet,
               "the front door was not running: starting it on 127.0.0.1:" + std::to_string(running->port));
      const os_user user = existing_run_user();
      running->front_pid = start_front(dir, user, front_config(*running));
    }
    return *running;
  }

  state st = existing ? existing->st : state{};
  apply_options(options, st);
  const bool extension = !no_extension_mode();
  // With the extension the port is also a TCP port on 127.0.0.1: a free one by default.
  const int port = options.port != 0 ? options.port
                   : st.port != 0    ? st.port
                   : extension       ? free_tcp_port()
                                     : default_port;
  check_socket_path(dir, port);

  const fs::path bindir = pg_bindir();
  const fs::path initdb = tool(bindir, "initdb");
  const fs::path pg_ctl = tool(bindir, "pg_ctl");
  if (extension)
    require_extension_installed(bindir);
  else
    progress(options.quiet, "DSQL_LOCAL_NO_EXTENSION=1: dsql_iam is neither preloaded nor created (development only)");

  const os_user user = ensure_run_user(options.quiet);
  st.created = prepare_dir(dir, user, existing.has_value(), st.created);
  st.port = port;
  st.extension = extension;

  // Ours (root's when root: the run user owns dir but cannot forge this file).
  std::string state_text =
      "# dsqlctl local cluster state, written by `dsqlctl local up` as the invoking user.\n"
      "# Read: port, extension, created, cluster_id, region and the front door's limits;\n"
      "# a program or user named here is never used.\n";
  state_text += "created=" + std::to_string(st.created) + "\n";
  state_text += std::string("extension=") + (extension ? "1" : "0") + "\n";
  state_text += "pg_bindir=" + bindir.string() + "\n";
  state_text += "port=" + std::to_string(port) + "\n";
  state_text += "run_user=" + user.name + "\n";
  state_text += "cluster_id=" + st.cluster_id + "\n";
  state_text += "region=" + st.region + "\n";
  for (const auto& f : limit_fields) state_text += std::string(f.key) + "=" + std::to_string(st.limits.*f.field) + "\n";
  write_file(dir / state_file_name, state_text, 0644);

  cluster_info info = make_info(dir, st, user.name);
  const run_options as_user{as_for(user), dir, true, std::nullopt, true, {}};

  struct stat vst {};
  if (lstat((info.data_dir / "PG_VERSION").c_str(), &vst) != 0) {
    require_locale("C.UTF-8");
    struct stat dst {};
    if (lstat(info.data_dir.c_str(), &dst) == 0) remove_as(info.data_dir, user);  // a failed initdb's leftovers
    progress(options.quiet, "initdb " + info.data_dir.string() + " (as OS user " + user.name + ")");
    check_run({initdb.string(), "-D", info.data_dir.string(), "-U", "postgres", "--auth-local=trust",
               "--auth-host=reject", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"},
              as_user);
  }
  struct stat dst {};
  if (lstat(info.data_dir.c_str(), &dst) != 0 || !S_ISDIR(dst.st_mode) || dst.st_uid != user.uid)
    throw cluster_error(info.data_dir.string() + " is not a directory of the run user " + user.name);
  write_file(info.data_dir / server_conf_name, server_settings(dir, port, extension, st), 0600, user);
  ensure_include(info.data_dir, user);
  write_file(info.data_dir / "pg_hba.conf", hba_conf(extension), 0600, user);
  if (extension) {
    const auto certs = ensure_certificates(dir, info.data_dir, info.endpoint, user);
    if (certs.new_ca)
      progress(options.quiet, "made the cluster's certificate authority " + info.ca_file.string() +
                                  " (trust it for sslmode=verify-full; a new one replaces any earlier)");
    dsql::aws::state iam_state(dir / iam_state_name);  // created 0600, owned by the run user
  }

  progress(options.quiet,
           "starting PostgreSQL in " + dir.string() + " (Unix socket only, port " + std::to_string(port) + ")");
  const run_result started = run(
      {pg_ctl.string(), "-D", info.data_dir.string(), "-l", info.log_file.string(), "-w", "-t", "60", "-s", "start"},
      as_user);
  if (started.exit_code != 0) {
    if (find_postmaster(info, user.uid).v == verdict::ours) pg_ctl_stop(info, user, "immediate", 30);
    throw cluster_error("PostgreSQL did not start (pg_ctl exit " + std::to_string(started.exit_code) + ")" +
                        (started.output.empty() ? std::string() : ":\n" + started.output) + "\nlast lines of " +
                        info.log_file.string() + ":\n" + log_tail(info.log_file, 20));
  }
  auto running = local::status(dir);
  if (!running) throw cluster_error("PostgreSQL started but is not running; see " + info.log_file.string());
  try {
    bootstrap_roles(*running, options.quiet);
    if (running->extension) {
      set_strict(*running, options.strict);
      progress(options.quiet, "starting the front door on 127.0.0.1:" + std::to_string(running->port) + " (" +
                                  running->endpoint + ", localhost; TLS, SNI, IAM tokens)");
      stop_front(dir, user.uid);  // a stale one, if any
      running->front_pid = start_front(dir, user, front_config(*running));
    }
  } catch (const cluster_error&) {
    pg_ctl_stop(*running, user, "fast", 60);
    throw;
  }
  progress(options.quiet, "ready: pid " + std::to_string(running->pid));
  return *running;
}

down_result down(const fs::path& dir_in, bool keep_data) {
  const fs::path dir = absolute_dir(dir_in);
  down_result result;
  if (!lstat_dir(dir)) return result;
  result.existed = true;
  const auto c = open_cluster(dir);
  if (!c) throw cluster_error(dir.string() + " is not a dsqlctl cluster (no " + state_file_name + "); not touching it");
  const os_user& user = c->user;
  const cluster_info info = make_info(dir, c->st, user.name);

  // the front door first: no new client reaches a stopping server
  if (stop_front(dir, user.uid)) result.was_running = true;
  const postmaster pm = find_postmaster(info, user.uid);
  if (pm.v == verdict::unknown)
    throw cluster_error("cannot tell whether process " + std::to_string(pm.pf.pid) + ", named by " +
                        (info.data_dir / "postmaster.pid").string() +
                        ", is this cluster's server (its /proc entry is not readable); not touching " + dir.string() +
                        ". If the server is not running, remove that postmaster.pid");
  if (pm.v == verdict::ours) {
    result.was_running = true;
    const long pid = pm.pf.pid;
    const auto still_ours = [&] {
      return pid_alive(pid) &&
             process_in(pid, real_data_dir(dir), real_postgres(info.pg_bindir), user.uid) == verdict::ours;
    };
    pg_ctl_stop(info, user, "fast", 30);
    if (still_ours()) pg_ctl_stop(info, user, "immediate", 10);
    // An exiting process's /proc entry stops telling: wait for the pid itself,
    // and force it only while it is still verifiably the server.
    const auto gone = [&] { return !pid_alive(pid); };
    if (!wait_until(gone, std::chrono::seconds(5)) && still_ours()) {
      kill(static_cast<pid_t>(pid), SIGKILL);
      (void)wait_until(gone, std::chrono::seconds(5));
    }
  }
  // Backends notice the postmaster's death on their own; wait for them, then force.
  const auto none_left = [&] { return processes_in(dir, info.pg_bindir, user.uid).empty(); };
  if (!wait_until(none_left, std::chrono::seconds(10))) {
    for (const long p : processes_in(dir, info.pg_bindir, user.uid)) kill(static_cast<pid_t>(p), SIGKILL);
    if (!wait_until(none_left, std::chrono::seconds(5)))
      throw cluster_error("processes of the cluster in " + dir.string() + " are still running after SIGKILL");
  }
  if (keep_data) return result;
  // Only what up created: the contents always (an existing directory had to be
  // empty), dir and its parents only when up created them (and they are empty).
  remove_contents(dir, user);
  if (c->st.created == 0) {
    if (geteuid() == 0 && lchown(dir.c_str(), 0, 0) != 0)
      throw cluster_error("cannot give " + dir.string() + " back to root: " + std::strerror(errno));
    return result;
  }
  if (rmdir(dir.c_str()) != 0) throw cluster_error("cannot remove " + dir.string() + ": " + std::strerror(errno));
  result.removed = true;
  fs::path p = dir.parent_path();
  for (int level = 1; level < c->st.created && p != p.root_path(); ++level, p = p.parent_path())
    if (rmdir(p.c_str()) != 0) break;  // not empty (another cluster), or not ours to remove
  return result;
}

}  // namespace dsql::local
