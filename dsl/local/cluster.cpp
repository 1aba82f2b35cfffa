#include "local/cluster.hpp"

#include <locale.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <pqxx/pqxx>

#include "iam/state.hpp"

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

fs::path absolute_dir(const fs::path& dir) {
    fs::path p = fs::absolute(dir).lexically_normal();
    if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
    const std::string s = p.string();
    if (s.find_first_of("\n\r") != std::string::npos)
        throw cluster_error("the cluster directory must not contain a line break: " + s);
    return p;
}

// --- state file ---------------------------------------------------------------

using state_map = std::map<std::string, std::string>;

state_map read_state(const fs::path& dir) {
    state_map m;
    std::ifstream in(dir / state_file_name);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto eq = line.find('=');
        if (eq != std::string::npos) m[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return m;
}

void write_file(const fs::path& path, const std::string& text, mode_t mode) {
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << text;
        if (!out.flush()) throw cluster_error("cannot write " + tmp.string());
    }
    if (chmod(tmp.c_str(), mode) != 0) throw cluster_error("chmod " + tmp.string() + ": " + std::strerror(errno));
    fs::rename(tmp, path);
}

void give_to(const fs::path& path, const os_user& user) {
    if (geteuid() != 0) return;
    if (lchown(path.c_str(), user.uid, user.gid) != 0)
        throw cluster_error("cannot chown " + path.string() + " to " + user.name + ": " + std::strerror(errno));
}

int parse_int(const std::string& s, int fallback) {
    try {
        std::size_t used = 0;
        const int v = std::stoi(s, &used);
        return used == s.size() ? v : fallback;
    } catch (const std::exception&) {
        return fallback;
    }
}

// --- server settings ------------------------------------------------------------

// A postgresql.conf string value: backslash and quote escaped.
std::string conf_quote(std::string_view v) {
    std::string out = "'";
    for (const char c : v) {
        if (c == '\'') out += "''";
        else if (c == '\\') out += "\\\\";
        else out += c;
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
// alone); TLS on 127.0.0.1 is "trust" taken over by the dsql_iam auth hook, so a
// connection there needs a DSQL token as its password; everything else is refused.
std::string hba_conf(bool extension) {
    std::ostringstream o;
    o << "# Written by dsqlctl local up on every start; edits here are overwritten.\n"
      << "# TYPE   DATABASE USER ADDRESS       METHOD\n"
      << "local    all      all                trust\n";
    if (extension)
        o << "# the emulated DSQL endpoint: trust taken over by dsql_iam (auth_mode = on): token as password\n"
          << "hostssl  all      all  127.0.0.1/32  trust\n";
    o << "host     all      all  0.0.0.0/0     reject\n"
      << "host     all      all  ::/0          reject\n";
    return o.str();
}

// A self-signed certificate for the endpoint (P-256, 30 days), made once per data dir.
void ensure_certificate(const fs::path& data_dir, const os_user& user) {
    const fs::path crt = data_dir / "server.crt", key = data_dir / "server.key";
    if (fs::exists(crt) && fs::exists(key)) return;
    run_options o;
    o.cwd = data_dir;
    check_run({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
               "-keyout", key.string(), "-out", crt.string(), "-days", "30", "-subj", "/CN=localhost", "-addext",
               "subjectAltName=DNS:localhost,IP:127.0.0.1"},
              o);
    ::chmod(key.c_str(), 0600);
    give_to(key, user);
    give_to(crt, user);
}

std::string server_settings(const fs::path& dir, int port, bool extension) {
    std::ostringstream o;
    o << "# Written by dsqlctl local up on every start; edits here are overwritten.\n";
    if (extension)
        o << "listen_addresses = '127.0.0.1'\n"
          << "ssl = on\n"
          << "ssl_cert_file = 'server.crt'\n"
          << "ssl_key_file = 'server.key'\n"
          << "dsql_iam.auth_mode = 'on'\n"
          << "dsql_iam.state_file = " << conf_quote((dir / iam_state_name).string()) << "\n"
          << "dsql_iam.endpoint = " << conf_quote(local_endpoint) << "\n"
          << "dsql_iam.region = " << conf_quote(local_region) << "\n"
          << "dsql_iam.cluster_arn = " << conf_quote(local_cluster_arn) << "\n";
    else
        o << "listen_addresses = ''\n";
    o << "port = " << port << "\n"
      << "unix_socket_directories = " << conf_quote(dir.string()) << "\n"
      << "unix_socket_permissions = 0700\n"
      << (extension ? "" : "# DSQL_LOCAL_NO_EXTENSION=1 (development only): dsql_iam not preloaded\n# ")
      << "shared_preload_libraries = 'dsql_iam'\n"
      << "log_line_prefix = '%m [%p] %q%u@%d %e '\n"
      << "log_timezone = 'UTC'\n"
      << "# a throwaway cluster: durability is not wanted\n"
      << "fsync = off\n"
      << "synchronous_commit = off\n"
      << "full_page_writes = off\n";
    return o.str();
}

void ensure_include(const fs::path& data_dir, const os_user& user) {
    const fs::path conf = data_dir / "postgresql.conf";
    const std::string line = std::string("include = '") + server_conf_name + "'";
    std::ifstream in(conf);
    if (!in) throw cluster_error("cannot read " + conf.string());
    std::string l;
    while (std::getline(in, l))
        if (l == line) return;
    in.close();
    std::ofstream out(conf, std::ios::app);
    out << "\n# dsqlctl: the local cluster's settings\n" << line << "\n";
    if (!out.flush()) throw cluster_error("cannot write " + conf.string());
    give_to(conf, user);
}

// --- PostgreSQL installation ---------------------------------------------------------

fs::path tool(const fs::path& bindir, const char* name) {
    fs::path p = bindir / name;
    if (access(p.c_str(), X_OK) != 0)
        throw cluster_error(p.string() + " not found or not executable (set DSQL_PG_BINDIR to the PostgreSQL 15 bin directory)");
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

os_user ensure_run_user(bool quiet) {
    if (geteuid() != 0) return current_user();
    std::string name = env("DSQL_RUN_USER");
    if (name.empty()) name = default_run_user;
    auto u = find_user(name);
    if (!u) {
        progress(quiet, "creating the unprivileged OS user " + name + " to run PostgreSQL (initdb refuses root)");
        const run_result r = run({"/usr/sbin/useradd", "--system", "--user-group", "--no-create-home",
                                  "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name});
        u = find_user(name);  // a concurrent useradd may have won: fine
        if (!u)
            throw cluster_error("cannot create the OS user " + name + " (useradd exit " +
                                std::to_string(r.exit_code) + "): " + r.output);
    }
    if (u->uid == 0) throw cluster_error("the run user " + name + " has uid 0: PostgreSQL refuses to run as root");
    return *u;
}

os_user run_user_for(const state_map& state) {
    const auto it = state.find("run_user");
    if (geteuid() != 0 || it == state.end()) return current_user();
    auto u = find_user(it->second);
    if (!u) throw cluster_error("the cluster's run user " + it->second + " does not exist");
    return *u;
}

std::optional<os_user> as_for(const os_user& u) {
    if (geteuid() == 0 && u.uid != 0) return u;
    return std::nullopt;
}

// --- processes ------------------------------------------------------------------------

bool pid_alive(long pid) {
    if (pid <= 0) return false;
    return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

struct pid_file {
    long pid = 0;
    std::time_t started = 0;
    int port = 0;
};

std::optional<pid_file> read_pid_file(const fs::path& data_dir) {
    std::ifstream in(data_dir / "postmaster.pid");
    if (!in) return std::nullopt;
    std::string lines[4];
    for (auto& l : lines)
        if (!std::getline(in, l)) return std::nullopt;
    pid_file p;
    try {
        p.pid = std::stol(lines[0]);
        p.started = static_cast<std::time_t>(std::stoll(lines[2]));
        p.port = std::stoi(lines[3]);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return p;
}

// The postgres processes whose working directory is data_dir: the postmaster and
// all its children chdir there (a shell that merely cd'ed there is not counted).
// /proc is readable for our own processes, and for all of them as root.
std::vector<long> processes_in(const fs::path& data_dir, const fs::path& bindir) {
    std::vector<long> pids;
    std::error_code ec;
    const fs::path target = fs::weakly_canonical(data_dir, ec);
    const fs::path postgres = fs::weakly_canonical(bindir / "postgres", ec);
    for (const auto& e : fs::directory_iterator("/proc", ec)) {
        const std::string name = e.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::error_code ec2;
        const fs::path cwd = fs::read_symlink(e.path() / "cwd", ec2);
        if (ec2 || cwd != target) continue;
        const fs::path exe = fs::read_symlink(e.path() / "exe", ec2);
        if (!ec2 && exe == postgres) pids.push_back(std::stol(name));
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
    std::ifstream in(log);
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

// --- directory ---------------------------------------------------------------------

void check_socket_path(const fs::path& dir, int port) {
    const std::string sock = (dir / (".s.PGSQL." + std::to_string(port))).string();
    constexpr std::size_t limit = sizeof(sockaddr_un{}.sun_path) - 1;  // 107 on Linux
    if (sock.size() > limit)
        throw cluster_error("the socket path " + sock + " is " + std::to_string(sock.size()) +
                            " bytes, over the Unix socket limit of " + std::to_string(limit) +
                            ": choose a shorter --dir");
}

// Creates dir (mode 0700, owned by the run user), checking that the run user can
// reach it. Existing directories are accepted when empty or already a cluster.
void prepare_dir(const fs::path& dir, const os_user& user) {
    const std::string reach_hint = "the OS user " + user.name + " cannot reach " + dir.string() +
                                   "; choose a directory under /tmp or /var/tmp";
    if (fs::exists(dir)) {
        if (!fs::is_directory(dir)) throw cluster_error(dir.string() + " exists and is not a directory");
        if (!is_cluster_dir(dir) && !fs::is_empty(dir))
            throw cluster_error(dir.string() + " exists, is not empty and is not a dsqlctl cluster: choose another --dir");
    } else {
        fs::path existing = dir.parent_path();
        while (!existing.empty() && !fs::exists(existing)) existing = existing.parent_path();
        if (!existing.empty() && !user_can_access(user, existing, X_OK)) throw cluster_error(reach_hint);
        std::vector<fs::path> created;
        for (fs::path p = dir; !fs::exists(p); p = p.parent_path()) created.push_back(p);
        fs::create_directories(dir);
        for (const auto& p : created)
            fs::permissions(p, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                   fs::perms::others_read | fs::perms::others_exec);
    }
    fs::permissions(dir, fs::perms::owner_all);
    give_to(dir, user);
    if (!user_can_access(user, dir, R_OK | W_OK | X_OK)) throw cluster_error(reach_hint);
}

cluster_info make_info(const fs::path& dir, const state_map& state) {
    cluster_info info;
    info.dir = dir;
    info.data_dir = dir / "data";
    info.socket_dir = dir;
    info.log_file = dir / "server.log";
    const auto get = [&](const char* k) {
        const auto it = state.find(k);
        return it == state.end() ? std::string() : it->second;
    };
    info.pg_bindir = get("pg_bindir").empty() ? pg_bindir() : fs::path(get("pg_bindir"));
    info.port = parse_int(get("port"), default_port);
    info.run_user = get("run_user");
    info.extension = get("extension") != "0";
    if (info.extension) {
        info.tcp = true;
        info.iam_state = dir / iam_state_name;
    }
    return info;
}

void bootstrap_roles(const cluster_info& info) {
    try {
        pqxx::connection c(info.conninfo("postgres"));
        pqxx::nontransaction tx(c);
        const pqxx::result r = tx.exec("SELECT rolsuper, rolcreaterole, rolcanlogin FROM pg_roles WHERE rolname = 'admin'");
        if (r.empty()) {
            tx.exec("CREATE ROLE admin WITH LOGIN CREATEROLE");
        } else if (r[0][0].as<bool>() || !r[0][1].as<bool>() || !r[0][2].as<bool>()) {
            tx.exec("ALTER ROLE admin WITH LOGIN CREATEROLE NOSUPERUSER");
        }
        tx.exec("ALTER DATABASE postgres OWNER TO admin");
        if (info.extension) tx.exec("CREATE EXTENSION IF NOT EXISTS dsql_iam");
    } catch (const std::exception& e) {
        throw cluster_error("setting up role admin and extension dsql_iam failed: " + std::string(e.what()));
    }
}

void pg_ctl_stop(const cluster_info& info, const os_user& user, const char* mode, int timeout_s) {
    run({tool(info.pg_bindir, "pg_ctl").string(), "-D", info.data_dir.string(), "-m", mode, "-w", "-t",
         std::to_string(timeout_s), "-s", "stop"},
        run_options{as_for(user), info.dir, true, std::nullopt, true});
}

}  // namespace

std::string cluster_info::conninfo(std::string_view user, std::string_view dbname) const {
    return "host=" + libpq_quote(socket_dir.string()) + " port=" + std::to_string(port) +
           " user=" + libpq_quote(user) + " dbname=" + libpq_quote(dbname);
}

std::string cluster_info::tcp_conninfo(std::string_view user, std::string_view dbname) const {
    return "host=" + libpq_quote(local_endpoint) + " hostaddr=127.0.0.1 port=" + std::to_string(port) +
           " sslmode=require user=" + libpq_quote(user) + " dbname=" + libpq_quote(dbname);
}

std::vector<std::string> cluster_info::psql_argv(std::string_view user, std::string_view dbname) const {
    return {(pg_bindir / "psql").string(), "-X", "-h", socket_dir.string(), "-p", std::to_string(port),
            "-U", std::string(user), "-d", std::string(dbname)};
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
    std::error_code ec;
    return fs::is_regular_file(dir / state_file_name, ec);
}

std::optional<cluster_info> status(const fs::path& dir_in) {
    const fs::path dir = absolute_dir(dir_in);
    if (!is_cluster_dir(dir)) return std::nullopt;
    cluster_info info = make_info(dir, read_state(dir));
    const auto pf = read_pid_file(info.data_dir);
    if (!pf || !pid_alive(pf->pid)) return std::nullopt;
    // A stale postmaster.pid whose pid was reused by another process: its cwd differs.
    std::error_code ec;
    const fs::path cwd = fs::read_symlink("/proc/" + std::to_string(pf->pid) + "/cwd", ec);
    if (!ec && cwd != fs::weakly_canonical(info.data_dir, ec)) return std::nullopt;
    info.pid = pf->pid;
    info.port = pf->port;
    info.started_at = std::chrono::system_clock::from_time_t(pf->started);
    return info;
}

cluster_info up(const cluster_options& options) {
    const fs::path dir = absolute_dir(options.dir.empty() ? default_dir() : options.dir);
    if (options.port < 0 || options.port > 65535) throw cluster_error("the port must be between 1 and 65535");

    if (auto running = local::status(dir)) {
        if (options.port != 0 && options.port != running->port)
            throw cluster_error("the cluster in " + dir.string() + " is already running on port " +
                                std::to_string(running->port) + "; stop it first to change the port");
        progress(options.quiet, "already running in " + dir.string() + " (pid " + std::to_string(running->pid) + ")");
        return *running;
    }

    state_map state = is_cluster_dir(dir) ? read_state(dir) : state_map{};
    const bool extension = !no_extension_mode();
    // With the extension the port is also a TCP port on 127.0.0.1: a free one by default.
    const int port = options.port != 0       ? options.port
                     : !state["port"].empty() ? parse_int(state["port"], default_port)
                     : extension              ? free_tcp_port()
                                              : default_port;
    check_socket_path(dir, port);

    const fs::path bindir = pg_bindir();
    const fs::path initdb = tool(bindir, "initdb");
    const fs::path pg_ctl = tool(bindir, "pg_ctl");
    if (extension) require_extension_installed(bindir);
    else progress(options.quiet, "DSQL_LOCAL_NO_EXTENSION=1: dsql_iam is neither preloaded nor created (development only)");

    const os_user user = ensure_run_user(options.quiet);
    prepare_dir(dir, user);

    state["port"] = std::to_string(port);
    state["run_user"] = user.name;
    state["pg_bindir"] = bindir.string();
    state["extension"] = extension ? "1" : "0";
    std::string state_text = "# dsqlctl local cluster state; read by dsqlctl local status/psql/down and dsqlctl sql\n";
    for (const auto& [k, v] : state) state_text += k + "=" + v + "\n";
    write_file(dir / state_file_name, state_text, 0644);
    give_to(dir / state_file_name, user);

    cluster_info info = make_info(dir, state);
    const run_options as_user{as_for(user), dir, true, std::nullopt, true};

    if (!fs::exists(info.data_dir / "PG_VERSION")) {
        require_locale("C.UTF-8");
        if (fs::exists(info.data_dir)) fs::remove_all(info.data_dir);  // a failed initdb's leftovers
        progress(options.quiet, "initdb " + info.data_dir.string() + " (as OS user " + user.name + ")");
        check_run({initdb.string(), "-D", info.data_dir.string(), "-U", "postgres", "--auth-local=trust",
                   "--auth-host=reject", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"},
                  as_user);
    }
    write_file(info.data_dir / server_conf_name, server_settings(dir, port, extension), 0600);
    give_to(info.data_dir / server_conf_name, user);
    ensure_include(info.data_dir, user);
    write_file(info.data_dir / "pg_hba.conf", hba_conf(extension), 0600);
    give_to(info.data_dir / "pg_hba.conf", user);
    if (extension) {
        ensure_certificate(info.data_dir, user);
        dsql::iam::state iam_state(dir / iam_state_name);  // created 0600, owned by the run user
    }

    progress(options.quiet, "starting PostgreSQL in " + dir.string() +
                                (extension ? " (socket, and TLS + IAM tokens on 127.0.0.1:" + std::to_string(port) + ")"
                                           : " (socket only, port " + std::to_string(port) + ")"));
    const run_result started = run({pg_ctl.string(), "-D", info.data_dir.string(), "-l", info.log_file.string(),
                                    "-w", "-t", "60", "-s", "start"},
                                   as_user);
    if (started.exit_code != 0) {
        if (const auto pf = read_pid_file(info.data_dir); pf && pid_alive(pf->pid)) pg_ctl_stop(info, user, "immediate", 30);
        throw cluster_error("PostgreSQL did not start (pg_ctl exit " + std::to_string(started.exit_code) + ")" +
                            (started.output.empty() ? std::string() : ":\n" + started.output) +
                            "\nlast lines of " + info.log_file.string() + ":\n" + log_tail(info.log_file, 20));
    }
    auto running = local::status(dir);
    if (!running) throw cluster_error("PostgreSQL started but is not running; see " + info.log_file.string());
    try {
        bootstrap_roles(*running);
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
    if (!fs::exists(dir)) return result;
    result.existed = true;
    if (!is_cluster_dir(dir))
        throw cluster_error(dir.string() + " is not a dsqlctl cluster (no " + state_file_name + "); not touching it");
    const state_map state = read_state(dir);
    const cluster_info info = make_info(dir, state);

    if (const auto running = local::status(dir)) {
        result.was_running = true;
        const os_user user = run_user_for(state);
        const long pid = running->pid;
        pg_ctl_stop(info, user, "fast", 30);
        if (pid_alive(pid)) pg_ctl_stop(info, user, "immediate", 10);
        if (pid_alive(pid) && !wait_until([&] { return !pid_alive(pid); }, std::chrono::seconds(5)))
            kill(static_cast<pid_t>(pid), SIGKILL);
    }
    // Backends notice the postmaster's death on their own; wait for them, then force.
    if (!wait_until([&] { return processes_in(info.data_dir, info.pg_bindir).empty(); }, std::chrono::seconds(10))) {
        for (const long p : processes_in(info.data_dir, info.pg_bindir)) kill(static_cast<pid_t>(p), SIGKILL);
        if (!wait_until([&] { return processes_in(info.data_dir, info.pg_bindir).empty(); }, std::chrono::seconds(5)))
            throw cluster_error("processes of the cluster in " + dir.string() + " are still running after SIGKILL");
    }
    if (!keep_data) {
        fs::remove_all(dir);
        result.removed = true;
    }
    return result;
}

}  // namespace dsql::local
