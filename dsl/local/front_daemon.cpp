// The front door's daemon; see front_daemon.hpp.
#include "local/front_daemon.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <thread>

#include "local/files.hpp"

namespace dsql::local {
namespace fs = std::filesystem;

namespace {

constexpr const char* pid_name = "front.pid";
constexpr const char* log_name = "front.log";
constexpr const char* process_name = "dsql-front";

// false when the reader is gone (EPIPE: serve() ignores SIGPIPE) or another error
bool write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    const ssize_t n = ::write(fd, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

struct ready_pipe {
  int fd;
};

// Tells `local up` the front door listens. When nobody reads any more (up gave up
// waiting, e.g. 30 s on an overloaded machine, stopped the server and reported the
// failure), the daemon must not stay behind serving a cluster that is down: it exits.
void report_ready(void* p) {
  const int fd = static_cast<ready_pipe*>(p)->fd;
  const bool told = write_all(fd, "R");
  ::close(fd);
  static_cast<ready_pipe*>(p)->fd = -1;
  if (!told) {
    ::unlink(pid_name);
    _exit(1);
  }
}

// The daemon itself (the grandchild): never returns.
[[noreturn]] void daemon_main(const fs::path& dir, const os_user& run_user, const front::config& cfg, int ready_fd) {
  const auto fail = [&](const std::string& why) {
    write_all(ready_fd, "E" + why);
    _exit(1);
  };
  try {
    if (geteuid() == 0 && run_user.uid != 0) {
      if (setgroups(run_user.groups.size(), run_user.groups.data()) != 0 || setgid(run_user.gid) != 0 ||
          setuid(run_user.uid) != 0)
        fail(std::string("cannot become the run user ") + run_user.name + ": " + std::strerror(errno));
    }
    umask(077);
    if (chdir(dir.c_str()) != 0) fail("cannot enter " + dir.string() + ": " + std::strerror(errno));
    prctl(PR_SET_NAME, process_name, 0, 0, 0);
    const int log = ::open(log_name, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (log < 0 || null < 0) fail("cannot open " + (dir / log_name).string() + ": " + std::strerror(errno));
    dup2(null, STDIN_FILENO);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    // nothing inherited from dsqlctl stays open but the report pipe
    const int keep = ready_fd;
    if (keep > 3) ::close_range(3, static_cast<unsigned>(keep - 1), 0);
    ::close_range(static_cast<unsigned>(keep + 1), ~0U, 0);
    const std::string pid = std::to_string(getpid()) + "\n";
    write_file(dir / pid_name, pid, 0600);
    ready_pipe rp{ready_fd};
    const int rc = front::serve(cfg, report_ready, &rp);
    ::unlink(pid_name);
    _exit(rc);
  } catch (const std::exception& e) {
    fail(e.what());
  }
  _exit(1);
}

// Whether pid is our daemon: the run user's, named dsql-front, working in dir.
bool is_front(long pid, const fs::path& dir, uid_t run_uid) {
  const fs::path proc = "/proc/" + std::to_string(pid);
  struct stat st {};
  if (stat(proc.c_str(), &st) != 0 || st.st_uid != run_uid) return false;
  std::string comm;
  struct stat cst {};
  if (read_small_file(proc / "comm", 64, comm, cst) != 0) return false;
  while (!comm.empty() && comm.back() == '\n') comm.pop_back();
  if (comm != process_name) return false;
  std::error_code ec;
  const fs::path cwd = fs::read_symlink(proc / "cwd", ec);
  if (ec) return false;
  const fs::path real = fs::canonical(dir, ec);
  return !ec && cwd == real;
}

}  // namespace

long front_pid(const fs::path& dir, uid_t run_uid) {
  std::string text;
  struct stat st {};
  if (read_small_file(dir / pid_name, 64, text, st) != 0) return 0;
  if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789\n") != std::string::npos) return 0;
  const long pid = std::stol(text);
  return pid > 0 && is_front(pid, dir, run_uid) ? pid : 0;
}

long start_front(const fs::path& dir, const os_user& run_user, const front::config& cfg) {
  front::validate(cfg);
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) throw cluster_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t child = fork();
  if (child < 0) {
    ::close(p[0]);
    ::close(p[1]);
    throw cluster_error(std::string("fork: ") + std::strerror(errno));
  }
  if (child == 0) {
    ::close(p[0]);
    setsid();
    const pid_t grandchild = fork();  // the daemon: not our child, never a zombie of ours
    if (grandchild != 0) _exit(grandchild < 0 ? 1 : 0);
    daemon_main(dir, run_user, cfg, p[1]);
  }
  ::close(p[1]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  // wait for "R" or "E<reason>" (EOF: it died before saying anything), 30 s; the
  // environment's DSQLCTL_FRONT_READY_TIMEOUT_MS (0-30000) shortens it, for the test
  // of a start given up on
  std::chrono::milliseconds wait(30000);
  if (const char* t = std::getenv("DSQLCTL_FRONT_READY_TIMEOUT_MS"); t && *t) {
    char* end = nullptr;
    const long ms = std::strtol(t, &end, 10);
    if (*end == '\0' && ms >= 0 && ms <= 30000) wait = std::chrono::milliseconds(ms);
  }
  std::string reply;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd pf{p[0], POLLIN, 0};
    if (::poll(&pf, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[512];
    const ssize_t n = ::read(p[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
    if (reply == "R") break;
  }
  ::close(p[0]);
  if (reply != "R") {
    // a daemon that is still starting (or hung) must not outlive this failed start: once
    // it names itself in the pid file it is stopped here, and if it reports ready later
    // its write finds no reader and it exits (report_ready)
    (void)stop_front(dir, run_user.uid);
    const std::string why = reply.size() > 1 && reply[0] == 'E' ? reply.substr(1)
                            : reply.empty() ? "it exited without a word; see " + (dir / log_name).string()
                                            : "it answered nonsense";
    throw cluster_error("the front door (TLS endpoint on 127.0.0.1:" + std::to_string(cfg.port) +
                        ") did not start: " + why);
  }
  // the pid file is written before "R"
  for (int i = 0; i < 50; ++i) {
    if (const long pid = front_pid(dir, run_user.uid)) return pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw cluster_error("the front door started but " + (dir / pid_name).string() + " does not name it");
}

bool stop_front(const fs::path& dir, uid_t run_uid) {
  const long pid = front_pid(dir, run_uid);
  if (pid == 0) return false;
  kill(static_cast<pid_t>(pid), SIGTERM);
  // gone: no such process, or a zombie nobody reaps yet (PID 1 of a container may not)
  const auto gone = [&] {
    if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return true;
    std::string stat;
    struct stat st {};
    if (read_small_file("/proc/" + std::to_string(pid) + "/stat", 4096, stat, st) != 0) return true;
    const auto close_paren = stat.rfind(')');
    return close_paren != std::string::npos && close_paren + 2 < stat.size() && stat[close_paren + 2] == 'Z';
  };
  for (int i = 0; i < 100 && !gone(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (!gone() && is_front(pid, dir, run_uid)) {
    kill(static_cast<pid_t>(pid), SIGKILL);
    for (int i = 0; i < 100 && !gone(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::unlink((dir / pid_name).c_str());
  return true;
}

}  // namespace dsql::local
