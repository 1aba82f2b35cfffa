// seed-flow: probes the seed scenario's access matrix on a running server.
//   seed-flow matrix --host SOCKET_DIR_OR_HOST [--port 5432] [--dbname postgres]
//   seed-flow matrix --iam-dir CLUSTER_DIR [--port P]   the emulated DSQL endpoint:
//       the cluster's front door on 127.0.0.1 under its name <id>.dsql.<region>.on.aws,
//       sslmode=verify-full under its CA (CLUSTER_DIR/ca.crt), each role's password a
//       DSQL token signed for that name with a key of its IAM principal from
//       CLUSTER_DIR/iam.sqlite (dsqlctl iam sync)
// Exit status: 0 every cell as expected, 1 some cell unexpected, 2 usage error.
#include "seed_flow.hpp"

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "iam/state.hpp"
#include "iam/token.hpp"
#include "local/cluster.hpp"

namespace {
int usage(const char* why) {
  if (why) std::cerr << "seed-flow: " << why << "\n";
  std::cerr << "usage: seed-flow matrix --host SOCKET_DIR_OR_HOST [--port N] [--dbname NAME]\n"
               "       seed-flow matrix --iam-dir CLUSTER_DIR   (verify-full TLS + IAM tokens)\n"
               "  Connects as app_readonly, app_readwrite, user_service and reporting_readonly\n"
               "  and prints the access matrix of shared/cases/seed-flow.md; exits 1 if any\n"
               "  cell is not as expected.\n";
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(nullptr);
  std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h") return usage(nullptr), 0;
  if (cmd != "matrix") return usage("unknown command");
  dsql::seedflow::endpoint where;
  dsql::seedflow::connect_options how;
  std::string iam_dir;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    try {
      if (a == "--host") where.host = value();
      else if (a == "--port") where.port = std::stoi(value());
      else if (a == "--dbname") where.dbname = value();
      else if (a == "--iam-dir") iam_dir = value();
      else return usage(("unknown option " + a).c_str());
    } catch (const std::exception& e) {
      return usage(e.what());
    }
  }
  if (!iam_dir.empty()) {
    // the emulated endpoint (dsqlctl local up): verify-full under the cluster's CA, and a
    // token per role signed for the cluster's name by the role's IAM principal
    std::optional<dsql::local::cluster_info> info;
    try {
      info = dsql::local::status(iam_dir);
    } catch (const std::exception& e) {
      std::cerr << "seed-flow: " << e.what() << "\n";
      return 1;
    }
    if (!info || !info->tcp) {
      std::cerr << "seed-flow: no cluster with an endpoint is running in " << iam_dir << "\n";
      return 1;
    }
    where.host = info->endpoint;
    where.port = info->port;
    how.hostaddr = "127.0.0.1";
    how.sslmode = "verify-full";
    how.sslrootcert = info->ca_file.string();
    const std::string state_file = info->iam_state.string();
    how.password = [state_file, host = info->endpoint, region = info->region](std::string_view role) {
      dsql::aws::state st(state_file);
      const std::string arn = dsql::aws::principal_arn(dsql::seedflow::seed_principal(role), "role");
      const auto keys = st.access_keys(arn);
      if (keys.empty()) return std::string("no-key-for-") + arn;
      dsql::aws::token_request r{host, region, role == "admin", 900};
      return dsql::aws::generate_token(r, {keys[0].access_key_id, keys[0].secret_access_key, keys[0].session_token, ""});
    };
  }
  if (where.host.empty()) return usage("--host is required");
  try {
    auto results = dsql::seedflow::probe(where, dsql::seedflow::seed_matrix(), how);
    std::cout << dsql::seedflow::format_matrix(results);
    std::size_t bad = 0;
    for (const auto& r : results) if (!r.as_expected()) ++bad;
    std::cout << "\nseed matrix: " << (results.size() - bad) << " passed, " << bad << " failed\n";
    return bad == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "seed-flow: " << e.what() << "\n";
    return 1;
  }
}
