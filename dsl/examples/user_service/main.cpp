// user-service: the seed's user service, run once against a cluster.
//   user-service --endpoint HOST [--port 5432] [--hostaddr ADDR] [--ca FILE] [--tenant T]
//   user-service --cluster-dir DIR [--tenant T]   a local cluster (dsqlctl local up):
//       its endpoint <id>.dsql.<region>.on.aws on 127.0.0.1, verify-full under DIR/ca.crt
// Credentials: the standard AWS chain (environment, profiles, STS, ECS, EC2), which must
// give an identity mapped to user_service with dsql:DbConnect (the seed maps
// UserServiceRole). It creates a profile, renames it, reads it back, adds a product and
// lists the tenant's products, printing each step.
// Exit status: 0 done, 1 an error (printed), 2 usage.
#include <iostream>
#include <string>

#include "local/cluster.hpp"
#include "user_service.hpp"

namespace {
int usage(const std::string& why) {
  if (!why.empty()) std::cerr << "user-service: " << why << "\n";
  std::cerr << "usage: user-service --endpoint HOST [--port N] [--hostaddr ADDR] [--ca FILE] [--tenant T]\n"
               "       user-service --cluster-dir DIR [--tenant T]\n";
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  dsql::client::endpoint ep;
  dsql::client::connect_options options;
  options.application_name = "user-service";
  std::string cluster_dir, tenant = "tenant-example";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") return usage(""), 0;
    if (i + 1 >= argc) return usage(a + " needs a value");
    const std::string v = argv[++i];
    try {
      if (a == "--endpoint")
        ep.host = v;
      else if (a == "--port")
        ep.port = static_cast<std::uint16_t>(std::stoi(v));
      else if (a == "--hostaddr")
        ep.hostaddr = v;
      else if (a == "--ca")
        options.sslrootcert = v;
      else if (a == "--tenant")
        tenant = v;
      else if (a == "--cluster-dir")
        cluster_dir = v;
      else
        return usage("unknown option " + a);
    } catch (const std::exception& e) {
      return usage(a + ": " + e.what());
    }
  }
  try {
    if (!cluster_dir.empty()) {
      const auto info = dsql::local::status(cluster_dir);
      if (!info || !info->tcp) {
        std::cerr << "user-service: no cluster with an endpoint runs in " << cluster_dir << "\n";
        return 1;
      }
      ep = {info->endpoint, static_cast<std::uint16_t>(info->port), "postgres", std::string("127.0.0.1")};
      options.sslrootcert = info->ca_file;
      options.region = info->region;
    }
    if (ep.host.empty()) return usage("--endpoint or --cluster-dir is required");

    dsql::pool<user_service::spec, user_service::role> pool(ep, options, {2});
    user_service::service svc(pool);
    const std::string id = svc.create_profile(tenant, "ada@example.com", "Ada");
    std::cout << "created profile " << id << "\n";
    if (!svc.rename_profile(tenant, id, "Ada Lovelace")) throw std::runtime_error("the new profile was not found");
    const auto p = svc.find_profile(tenant, id);
    if (!p || p->name != "Ada Lovelace") throw std::runtime_error("the renamed profile does not read back");
    std::cout << "profile " << id << ": " << p->email << ", " << *p->name << "\n";
    svc.add_product(tenant, "notebook", "stationery");
    for (const auto& [name, category] : svc.list_products(tenant))
      std::cout << "product " << name << " (" << category << ")\n";
    const auto s = pool.stats();
    std::cout << "connections opened as user_service: " << s.opened << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "user-service: " << e.what() << "\n";
    return 1;
  }
}
