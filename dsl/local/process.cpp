#include "local/process.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

extern char** environ;

namespace dsql::local {
namespace {

std::string errno_text(int e) { return std::strerror(e); }

os_user from_passwd(const passwd& pw) {
  os_user u;
  u.name = pw.pw_name;
  u.uid = pw.pw_uid;
  u.gid = pw.pw_gid;
  int n = 16;
  std::vector<gid_t> groups(static_cast<std::size_t>(n));
  while (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) == -1) {
    groups.resize(static_cast<std::size_t>(n) + 16);
    n = static_cast<int>(groups.size());
  }
  groups.resize(static_cast<std::size_t>(n));
  u.groups = std::move(groups);
  return u;
}

std::optional<os_user> lookup(const char* name, uid_t uid) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  int rc = 0;
  while ((rc = name ? getpwnam_r(name, &pw, buf.data(), buf.size(), &found)
                    : getpwuid_r(uid, &pw, buf.data(), buf.size(), &found)) == ERANGE)
    buf.resize(buf.size() * 2);
  if (rc != 0) throw cluster_error("cannot look up OS user: " + errno_text(rc));
  if (!found) return std::nullopt;
  return from_passwd(pw);
}

// Only async-signal-safe calls from here on: we are in a forked child. A failure
// before exec is reported to the parent through a close-on-exec pipe as
// {stage, errno}; a successful exec closes the pipe empty.
enum child_stage : int { stage_stdio = 1, stage_user, stage_cwd, stage_exec };

[[noreturn]] void child_fail(int report_fd, child_stage stage, int e) {
  const int msg[2] = {stage, e};
  ssize_t ignored = write(report_fd, msg, sizeof msg);
  (void)ignored;
  _exit(127);
}

void become(int report_fd, const os_user& u) {
  if (setgroups(u.groups.size(), u.groups.data()) != 0 || setgid(u.gid) != 0 || setuid(u.uid) != 0)
    child_fail(report_fd, stage_user, errno);
}

void write_all_ignoring_epipe(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // EPIPE: the child stopped reading; its exit code tells the story
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string describe(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    s += a;
  }
  return s;
}

}  // namespace

os_user current_user() {
  auto u = lookup(nullptr, geteuid());
  if (!u) throw cluster_error("the current uid " + std::to_string(geteuid()) + " has no passwd entry");
  return *u;
}

std::optional<os_user> find_user(const std::string& name) { return lookup(name.c_str(), 0); }

run_result run(const std::vector<std::string>& argv, const run_options& options) {
  if (argv.empty()) throw cluster_error("run: empty argv");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  for (char** e = environ; *e; ++e)
    if (!options.strip_pg_env || std::strncmp(*e, "PG", 2) != 0) env.push_back(*e);
  env.push_back(nullptr);
  const std::string cwd = options.cwd.string();

  int out[2] = {-1, -1};
  int in[2] = {-1, -1};
  if (options.capture && pipe2(out, O_CLOEXEC) != 0) throw cluster_error("pipe: " + errno_text(errno));
  if (options.input && pipe2(in, O_CLOEXEC) != 0) throw cluster_error("pipe: " + errno_text(errno));

  int err[2] = {-1, -1};
  const bool filter = !options.capture && static_cast<bool>(options.on_stderr_line);
  if (filter && pipe2(err, O_CLOEXEC) != 0) throw cluster_error("pipe: " + errno_text(errno));

  int report[2] = {-1, -1};
  if (pipe2(report, O_CLOEXEC) != 0) throw cluster_error("pipe: " + errno_text(errno));

  const pid_t pid = fork();
  if (pid < 0) throw cluster_error("fork: " + errno_text(errno));
  if (pid == 0) {
    const int rfd = report[1];
    if (options.input) {
      if (dup2(in[0], 0) < 0) child_fail(rfd, stage_stdio, errno);
    } else {
      const int devnull = open("/dev/null", O_RDONLY);
      if (devnull < 0 || dup2(devnull, 0) < 0) child_fail(rfd, stage_stdio, errno);
    }
    if (options.capture) {
      if (dup2(out[1], 1) < 0 || dup2(out[1], 2) < 0) child_fail(rfd, stage_stdio, errno);
    }
    if (filter && dup2(err[1], 2) < 0) child_fail(rfd, stage_stdio, errno);
    if (options.as) become(rfd, *options.as);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) child_fail(rfd, stage_cwd, errno);
    signal(SIGPIPE, SIG_DFL);
    // Descriptors we inherited (a caller's pipe, say) must not reach the program:
    // pg_ctl daemonizes the postmaster, which would hold them open for its whole
    // life and leave the caller waiting for an end of file that never comes.
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
      const long max_fd = sysconf(_SC_OPEN_MAX);
      for (int fd = 3; fd < (max_fd > 0 ? max_fd : 1024); ++fd) fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    execve(args[0], args.data(), env.data());
    child_fail(rfd, stage_exec, errno);
  }
  close(report[1]);
  int report_msg[2] = {0, 0};
  ssize_t got = 0;
  while ((got = read(report[0], report_msg, sizeof report_msg)) < 0 && errno == EINTR) {
  }
  close(report[0]);
  if (got == static_cast<ssize_t>(sizeof report_msg)) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (options.capture) {
      close(out[0]);
      close(out[1]);
    }
    if (options.input) {
      close(in[0]);
      close(in[1]);
    }
    if (filter) {
      close(err[0]);
      close(err[1]);
    }
    const std::string why = errno_text(report_msg[1]);
    switch (report_msg[0]) {
      case stage_user:
        throw cluster_error("cannot become OS user " + options.as->name + " to run " + argv[0] + ": " + why);
      case stage_cwd:
        throw cluster_error("cannot enter " + cwd + " to run " + argv[0] + ": " + why);
      case stage_exec:
        throw cluster_error("cannot run " + argv[0] + ": " + why);
      default:
        throw cluster_error("cannot set up the standard streams of " + argv[0] + ": " + why);
    }
  }

  run_result result;
  if (options.capture) close(out[1]);
  if (options.input) close(in[0]);
  if (filter) close(err[1]);
  // Ignore SIGPIPE while we write to the child (it may exit early).
  struct sigaction ign {
  }, old{};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old);
  if (options.input && !options.capture && !filter) {
    write_all_ignoring_epipe(in[1], *options.input);
    close(in[1]);
  } else if (options.capture || filter) {
    // Read output and feed input together so neither pipe can fill up and block.
    const int read_fd = filter ? err[0] : out[0];
    std::string line;  // filter: the line being read
    std::string_view pending = options.input ? std::string_view(*options.input) : std::string_view();
    int in_fd = options.input ? in[1] : -1;
    if (in_fd >= 0 && pending.empty()) {
      close(in_fd);
      in_fd = -1;
    }
    if (in_fd >= 0) fcntl(in_fd, F_SETFL, O_NONBLOCK);
    bool out_open = true;
    char buf[8192];
    while (out_open) {
      pollfd fds[2] = {{read_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
      const nfds_t nfds = in_fd >= 0 ? 2 : 1;
      if (poll(fds, nfds, -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (fds[0].revents != 0) {
        const ssize_t n = read(read_fd, buf, sizeof buf);
        if (n > 0 && !filter)
          result.output.append(buf, static_cast<std::size_t>(n));
        else if (n > 0) {
          line.append(buf, static_cast<std::size_t>(n));
          for (std::size_t nl; (nl = line.find('\n')) != std::string::npos; line.erase(0, nl + 1))
            options.on_stderr_line(std::string_view(line).substr(0, nl));
        } else if (n == 0 || errno != EINTR)
          out_open = false;
      }
      if (in_fd >= 0 && fds[1].revents != 0) {
        const ssize_t n = write(in_fd, pending.data(), pending.size());
        if (n > 0) pending.remove_prefix(static_cast<std::size_t>(n));
        if ((n < 0 && errno != EINTR && errno != EAGAIN) || pending.empty()) {
          close(in_fd);
          in_fd = -1;
        }
      }
    }
    if (in_fd >= 0) close(in_fd);
    close(read_fd);
    if (filter && !line.empty()) options.on_stderr_line(line);
  }
  sigaction(SIGPIPE, &old, nullptr);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw cluster_error("waitpid: " + errno_text(errno));
  }
  if (WIFEXITED(status))
    result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    result.exit_code = 128 + WTERMSIG(status);
  else
    result.exit_code = 1;
  return result;
}

run_result check_run(const std::vector<std::string>& argv, const run_options& options) {
  run_result r = run(argv, options);
  if (r.exit_code != 0) {
    std::string msg = "command failed (exit " + std::to_string(r.exit_code) + "): " + describe(argv);
    if (!r.output.empty()) msg += "\n" + r.output;
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    throw cluster_error(msg);
  }
  return r;
}

bool user_can_access(const os_user& user, const std::filesystem::path& path, int mode) {
  if (geteuid() != 0 || user.uid == 0) return access(path.c_str(), mode) == 0;
  const std::string p = path.string();
  const pid_t pid = fork();
  if (pid < 0) throw cluster_error("fork: " + errno_text(errno));
  if (pid == 0) {
    if (setgroups(user.groups.size(), user.groups.data()) != 0 || setgid(user.gid) != 0 || setuid(user.uid) != 0)
      _exit(2);
    _exit(access(p.c_str(), mode) == 0 ? 0 : 1);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw cluster_error("waitpid: " + errno_text(errno));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
    throw cluster_error("cannot switch to OS user " + user.name + " to check access to " + p);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace dsql::local
