// What one more process on the path of a query costs on this machine (issue 11's
// per-query figure): the floor under any relay, the front door's included.
//
// The front door relays each round trip client -> front door -> backend -> front door
// -> client; a direct connection goes client -> backend -> client. Whatever the relay
// does, it adds two wake-ups of a second process and its system calls. This bench
// measures that floor with processes that do nothing else, over Unix socket pairs:
//
//   BM_SystemCall               one getppid(2): the price of any system call here
//   BM_RoundTrip/direct         client <-> echo process: one byte there and back
//   BM_RoundTrip/relayed        client <-> relay process <-> echo process; the relay
//                               waits with poll(2) on both sides and forwards with
//                               read/write, as dsl/front/server.cpp's relay loop does
//   .../pinned                  the same with the relay and the echo process on one
//                               CPU and the client on the other (2 CPUs or more)
//
// Units: time per round trip (real time; the work is in the other processes).
// Errors: a failed fork, socketpair or affinity call ends the bench with a message.
// Reading: relayed - direct is the least any relay in another process can add to one
// query; compare with bench/front_door.sh's pgbench -S pairs (RESULTS.md, issue 11).
#include <benchmark/benchmark.h>

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "hop_bench: %s: %s\n", what, std::strerror(errno));
  std::exit(2);
}

void pin(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<std::size_t>(cpu), &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) die("sched_setaffinity");
}

// Echo: reads a byte, writes it back, until the peer closes.
void echo(int fd) {
  char c;
  while (read(fd, &c, 1) == 1)
    if (write(fd, &c, 1) != 1) break;
}

// Relay: poll both sides, forward what arrives (the front door's loop, minus TLS).
void relay(int client, int server) {
  char buf[256];
  for (;;) {
    pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = read(p[i].fd, buf, sizeof buf);
      if (n <= 0) return;
      if (write(i == 0 ? server : client, buf, static_cast<size_t>(n)) != n) return;
    }
  }
}

// Runs body(a, b) in a child pinned to cpu (-1: anywhere) that first closes the
// other ends it inherited (a peer sees end of file only when every copy is closed).
pid_t spawn(void (*body)(int, int), int a, int b, int cpu, std::initializer_list<int> others) {
  const pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    for (const int fd : others) close(fd);
    pin(cpu);
    body(a, b);
    _exit(0);
  }
  return pid;
}

void BM_SystemCall(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(syscall(SYS_getppid));
}
BENCHMARK(BM_SystemCall);

// range(0): 0 direct, 1 relayed; range(1): 1 = relay and echo on CPU 1, client on CPU 0
void BM_RoundTrip(benchmark::State& state) {
  const bool relayed = state.range(0) == 1;
  const bool pinned = state.range(1) == 1;
  if (pinned && sysconf(_SC_NPROCESSORS_ONLN) < 2) {
    state.SkipWithError("pinned needs 2 CPUs");
    return;
  }
  int cs[2], ss[2];  // client <-> (relay or echo), relay <-> echo
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, cs) != 0) die("socketpair");
  pid_t echo_pid, relay_pid = -1;
  if (relayed) {
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, ss) != 0) die("socketpair");
    echo_pid = spawn([](int fd, int) { echo(fd); }, ss[1], -1, pinned ? 1 : -1, {cs[0], cs[1], ss[0]});
    relay_pid = spawn(relay, cs[1], ss[0], pinned ? 1 : -1, {cs[0], ss[1]});
    close(ss[0]);
    close(ss[1]);
  } else {
    echo_pid = spawn([](int fd, int) { echo(fd); }, cs[1], -1, pinned ? 1 : -1, {cs[0]});
  }
  close(cs[1]);
  cpu_set_t before;
  sched_getaffinity(0, sizeof before, &before);
  pin(pinned ? 0 : -1);
  char c = 'q';
  for (auto _ : state) {
    if (write(cs[0], &c, 1) != 1 || read(cs[0], &c, 1) != 1) {
      state.SkipWithError("the echo went away");
      break;
    }
  }
  sched_setaffinity(0, sizeof before, &before);
  close(cs[0]);
  waitpid(echo_pid, nullptr, 0);
  if (relay_pid > 0) waitpid(relay_pid, nullptr, 0);
}
BENCHMARK(BM_RoundTrip)
    ->ArgNames({"relayed", "pinned"})
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({0, 1})
    ->Args({1, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
