// Running the project's programs from a test: argv vectors (no shell), stdout and
// stderr captured together, exit status returned. Test-only helper.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace dsql::test {

struct run_result {
  int status = -1;     // exit status, or 128 + signal number
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv[0] (a path) with argv, optionally feeding `input` on stdin.
inline run_result run(const std::vector<std::string>& argv, const std::string& input = {}) {
  if (argv.empty()) throw std::invalid_argument("run: empty argv");
  int out[2], in[2];
  // Close-on-exec: only the dup2 copies (0, 1, 2) reach the child, so a daemon it
  // starts cannot keep our pipe open.
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("run: pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, out[1], 2);
  posix_spawn_file_actions_addclose(&fa, in[1]);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    throw std::runtime_error("run: cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  // Small inputs only (scripts of a few KiB): write all, then read all.
  std::size_t off = 0;
  while (off < input.size()) {
    ssize_t n = write(in[1], input.data() + off, input.size() - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
  close(in[1]);
  run_result r;
  std::array<char, 4096> buf{};
  for (;;) {
    ssize_t n = read(out[0], buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    r.output.append(buf.data(), static_cast<std::size_t>(n));
  }
  close(out[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

// A TCP port on 127.0.0.1 that is free now (bound to port 0, then released): for a
// test cluster whose TLS endpoint and socket share one port number.
inline int free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int p = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    p = ntohs(a.sin_port);
  if (fd >= 0) ::close(fd);
  if (p == 0) throw std::runtime_error("no free TCP port");
  return p;
}

}  // namespace dsql::test
