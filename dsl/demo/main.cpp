// seed-flow: probes the seed scenario's access matrix on a running server with
// dsql::testing (every cell derived from the seed spec, dsl/examples/seed.hpp, and the
// live catalog; seed-flow.md's own cells checked against them; dsl/demo/seed_flow.hpp).
//   seed-flow matrix --iam-dir CLUSTER_DIR   the emulated DSQL endpoint of a local cluster:
//       its front door on 127.0.0.1 under its name <id>.dsql.<region>.on.aws,
//       sslmode=verify-full under its CA (CLUSTER_DIR/ca.crt), each role with a DSQL token
//       signed for that name with a key of the IAM principal the spec maps it to, from
//       CLUSTER_DIR/iam.sqlite (dsqlctl iam sync)
//   seed-flow matrix --host SOCKET_DIR_OR_HOST [--port 5432] [--dbname postgres]
//       plain libpq connections as each role (no password: a trusting server)
// Exit status: 0 every cell as expected, 1 some cell unexpected, 2 usage error.
#include "seed_flow.hpp"

#include <pqxx/pqxx>

#include <iostream>
#include <string>

#include "seed.hpp"

namespace {
int usage(const char* why) {
  if (why) std::cerr << "seed-flow: " << why << "\n";
  std::cerr << "usage: seed-flow matrix --iam-dir CLUSTER_DIR   (verify-full TLS + IAM tokens)\n"
               "       seed-flow matrix --host SOCKET_DIR_OR_HOST [--port N] [--dbname NAME]\n"
               "  Connects as each LOGIN role of the seed spec, probes every privilege the spec\n"
               "  grants and withholds, checks shared/cases/seed-flow.md's cells against them,\n"
               "  prints the matrix; exits 1 if any cell is not as expected.\n";
  return 2;
}

std::string quote(std::string_view v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(nullptr);
  const std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h") return usage(nullptr), 0;
  if (cmd != "matrix") return usage("unknown command");
  std::string host, dbname = "postgres", iam_dir;
  int port = 5432;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage((a + " needs a value").c_str());
    const std::string v = argv[++i];
    try {
      if (a == "--host")
        host = v;
      else if (a == "--port")
        port = std::stoi(v);
      else if (a == "--dbname")
        dbname = v;
      else if (a == "--iam-dir")
        iam_dir = v;
      else
        return usage(("unknown option " + a).c_str());
    } catch (const std::exception& e) {
      return usage(e.what());
    }
  }
  try {
    dsql::testing::connection_factory connect;
    if (!iam_dir.empty()) {
      connect = dsql::testing::local_cluster<seed::spec>(iam_dir);
    } else if (!host.empty()) {
      connect = [=](std::string_view role) {
        return std::make_unique<pqxx::connection>("host=" + quote(host) + " port=" + std::to_string(port) +
                                                  " dbname=" + quote(dbname) + " user=" + quote(role) +
                                                  " connect_timeout=10 application_name='seed-flow'");
      };
    } else {
      return usage("--iam-dir or --host is required");
    }
    const auto report = dsql::testing::probe_matrix<seed::spec>(connect, dsql::seedflow::seed_options());
    std::cout << report.format();
    return report.ok() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "seed-flow: " << e.what() << "\n";
    return 1;
  }
}
