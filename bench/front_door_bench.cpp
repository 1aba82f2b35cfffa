// front_door_bench: login latency of a legitimate client while stalled clients hold
// connections open before authenticating (issue 11: "200 stalled pre-auth clients'
// effect on a legitimate login, p99 login latency during the flood <= 1 s").
// bench/front_door.sh runs it against the front door and against PostgreSQL's own
// TLS listener, with the same flood; figures go to bench/RESULTS.md.
//
//   front_door_bench --port P --sni NAME --stallers N --logins M --conninfo STR [--password PW]
//                    [--addr A] [--prompt-only] [--also CONNINFO]
//
// Opens N connections to A:P (default 127.0.0.1) that stop before authenticating, in
// equal parts: after the TCP connect, after the TLS handshake, and at the password
// prompt (SSLRequest, TLS with SNI NAME, startup as user "bench_app", the server's
// password request read, then nothing); with --prompt-only all of them reach the
// prompt. Then it logs in M times in a row with libpq (conninfo STR, password PW;
// connect then disconnect), tries CONNINFO once more (--also: e.g. the superuser on the
// Unix socket, the break-glass path), and prints one Markdown table row: stallers and
// the stage each reached, logins, failures (with the first error), p50, p99 and max
// login latency in ms, and the --also attempt.
// Not Google Benchmark: one measured scenario, not a loop over a function.
#include <libpq-fe.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "raw_client.hpp"

namespace {

int usage() {
  std::cerr << "usage: front_door_bench --port P --sni NAME --stallers N --logins M --conninfo STR [--password PW] "
               "[--addr A]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);  // a staller the server closed is an error, not the end of the bench
  int port = 0, stallers = 0, logins = 0;
  bool prompt_only = false;
  std::string sni, conninfo, password, addr = "127.0.0.1", also;
  for (int i = 1; i < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--prompt-only") {
      prompt_only = true;
      --i;
      continue;
    }
    if (i + 1 >= argc) return usage();
    const std::string v = argv[i + 1];
    if (a == "--port")
      port = std::stoi(v);
    else if (a == "--sni")
      sni = v;
    else if (a == "--stallers")
      stallers = std::stoi(v);
    else if (a == "--logins")
      logins = std::stoi(v);
    else if (a == "--conninfo")
      conninfo = v;
    else if (a == "--password")
      password = v;
    else if (a == "--addr")
      addr = v;
    else if (a == "--also")
      also = v;
    else
      return usage();
  }
  if (port <= 0 || logins <= 0 || conninfo.empty()) return usage();

  // the flood: a third each stops after TCP, after TLS, at the password prompt
  std::vector<dsql::test::raw_client> flood(static_cast<std::size_t>(stallers));
  int tcp = 0, tls = 0, prompt = 0;
  for (std::size_t i = 0; i < flood.size(); ++i) {
    auto& c = flood[i];
    if (!c.connect_tcp(port, addr)) continue;
    ++tcp;
    if (!prompt_only && i % 3 == 0) continue;
    if (!c.start_tls(sni)) continue;
    ++tls;
    if (!prompt_only && i % 3 == 1) continue;
    c.send(dsql::test::startup_packet({{"user", "bench_app"}, {"database", "postgres"}}));
    const auto m = c.read_message();
    if (m && m->type == 'R') ++prompt;
  }

  const char* keys[] = {"dbname", "password", nullptr};
  const char* values[] = {conninfo.c_str(), password.c_str(), nullptr};
  std::vector<double> ms;
  int failures = 0;
  std::string first_error;
  for (int i = 0; i < logins; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    PGconn* c = PQconnectdbParams(keys, values, 1);
    const bool ok = PQstatus(c) == CONNECTION_OK;
    const auto t1 = std::chrono::steady_clock::now();
    if (!ok) {
      ++failures;
      if (first_error.empty()) {
        first_error = PQerrorMessage(c);
        first_error.erase(std::remove(first_error.begin(), first_error.end(), '\n'), first_error.end());
      }
    } else {
      ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    PQfinish(c);
  }
  std::string also_result = "-";
  if (!also.empty()) {
    PGconn* c = PQconnectdb(also.c_str());
    also_result = PQstatus(c) == CONNECTION_OK ? std::string("ok") : std::string("failed: ") + PQerrorMessage(c);
    also_result.erase(std::remove(also_result.begin(), also_result.end(), '\n'), also_result.end());
    PQfinish(c);
  }
  std::sort(ms.begin(), ms.end());
  const auto pct = [&](double p) {
    if (ms.empty()) return std::string("-");
    const std::size_t k =
        std::min(ms.size() - 1, static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1) + 0.5));
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", ms[k]);
    return std::string(b);
  };
  std::cout << "| " << stallers << " (" << tcp << " TCP, " << tls << " TLS, " << prompt << " at the prompt) | "
            << logins << " | " << failures << (first_error.empty() ? "" : " (" + first_error.substr(0, 120) + ")")
            << " | " << pct(0.5) << " | " << pct(0.99) << " | " << (ms.empty() ? "-" : pct(1.0)) << " | "
            << also_result.substr(0, 120) << " |\n";
  return 0;
}
