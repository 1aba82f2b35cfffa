#include "cli/iam_cmd.hpp"

#include <signal.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "iam/credentials.hpp"
#include "iam/jwt.hpp"
#include "iam/state.hpp"
#include "iam/sts_server.hpp"
#include "iam/trust.hpp"
#include "iam/token.hpp"
#include "local/cluster.hpp"
#include "policy.h"

namespace dsql::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* iam_usage =
    "usage: dsqlctl iam [--state FILE | --dir DIR] COMMAND ...\n"
    "\n"
    "The local IAM state (sqlite3, mode 0600): DIR/iam.sqlite of the local cluster\n"
    "(default: dsqlctl local's directory), or FILE, or $DSQL_IAM_STATE.\n"
    "\n"
    "  create-role NAME|ARN [--account ID]      IAM role (account default 123456789012)\n"
    "  create-user NAME|ARN [--account ID]      IAM user\n"
    "  put-policy ARN NAME (--document JSON | --file FILE)\n"
    "                                           attach (replace) a named identity policy\n"
    "  put-cluster-policy [--cluster ARN] (--document JSON | --file FILE)\n"
    "                                           the cluster's resource-based policy (one per\n"
    "                                           cluster; prints its new version)\n"
    "  get-cluster-policy [--cluster ARN]       prints it (exit 3 when there is none)\n"
    "  delete-cluster-policy [--cluster ARN]\n"
    "  set-context (ARN | --all) KEY VALUE...   a local request-context key (aws:PrincipalOrgID,\n"
    "                                           aws:SourceVpc, aws:PrincipalTag/..., ...) of one\n"
    "                                           principal or of all; replaces its values\n"
    "  unset-context (ARN | --all) KEY\n"
    "  simulate --principal ARN [--admin] [--cluster ARN] [--region R] [--source-ip IP]\n"
    "           [--no-tls] [--access-key-id AKID] [--time UNIX]\n"
    "                                           evaluates the policies as the auth hook does\n"
    "                                           (source IP default 127.0.0.1, TLS unless --no-tls)\n"
    "                                           (one evaluator): prints allowed/denied and why;\n"
    "                                           exit 0 allowed, 3 denied\n"
    "  simulate --role ROLE_ARN (--principal ARN [--access-key-id AKID] [--external-id ID]\n"
    "           | --web-identity PROVIDER --sub S [--aud A]) [--role-session-name N]\n"
    "           [--region R] [--source-ip IP] [--time UNIX]\n"
    "                                           sts:AssumeRole (or AssumeRoleWithWebIdentity)\n"
    "                                           as the local STS evaluates it: the role's trust\n"
    "                                           policy with the caller's policies (a session\n"
    "                                           key: the role session); no TLS (plain HTTP)\n"
    "  The cluster ARN defaults to the local cluster's (arn:aws:dsql:us-east-1:123456789012:\n"
    "  cluster/local). Policies are evaluated as DSQL does: identity and cluster policies\n"
    "  together, an explicit Deny anywhere wins, policy variables (${aws:username}, ...)\n"
    "  substituted, unknown condition keys never grant (extension/policy.h); trust\n"
    "  policies as IAM does (the same evaluator).\n"
    "  create-access-key ARN [--session-token] [--expires-in S]\n"
    "                                           prints AccessKeyId and SecretAccessKey\n"
    "  list                                     principals, keys (ids only), policies,\n"
    "                                           trust policies, OIDC providers\n"
    "  delete ARN                               principal with its keys and policies\n"
    "  delete-access-key AKID\n"
    "  sync --policies FILE|-                   principals, policies (name dsql-connect)\n"
    "                                           and one access key each, from a JSON map\n"
    "                                           {ARN: policy} (seed-spec policies)\n"
    "  put-trust-policy ROLE_ARN (--document JSON | --file FILE)\n"
    "                                           who may assume the role (local STS); refused\n"
    "                                           when IAM would refuse it (Resource, NotPrincipal)\n"
    "  get-trust-policy ROLE_ARN                prints it (exit 3 when there is none)\n"
    "  create-oidc-provider https://ISSUER --client-ids ID[,ID...] [--public-key PEM_FILE]\n"
    "                           [--account ID]  an OIDC issuer the state trusts; without\n"
    "                                           --public-key a local issuer with a new\n"
    "                                           ES256 key pair (for oidc-token); prints its ARN\n"
    "  oidc-token PROVIDER --sub S --aud A [--expires-in S] [--time UNIX]\n"
    "                                           a JWT of the local issuer (web identity)\n"
    "\n"
    "usage: dsqlctl token generate [--admin] --hostname H --region R [--expires-in S]\n"
    "           [--principal ARN | --access-key-id AKID] [--state FILE | --dir DIR]\n"
    "           [--profile P] [--time UNIX]\n"
    "\n"
    "Signs a DSQL connection token (DbConnect, or DbConnectAdmin with --admin) with a\n"
    "key of the local IAM state (--principal: its first unexpired key; --access-key-id)\n"
    "or with the standard AWS credential chain (environment, --profile / AWS_PROFILE of\n"
    "the shared config and credentials files incl. role_arn, web identity and\n"
    "credential_process, AWS_WEB_IDENTITY_TOKEN_FILE, container, EC2 instance metadata).\n"
    "Expiry default 900 s.\n"
    "\n"
    "usage: dsqlctl sts serve [--state FILE | --dir DIR] [--port P] [--region R]\n"
    "           [--address 127.0.0.1|::1]\n"
    "\n"
    "Serves a local AWS STS (AssumeRole, AssumeRoleWithWebIdentity, GetCallerIdentity)\n"
    "over the local IAM state on a loopback address until SIGINT or SIGTERM; prints\n"
    "\"local STS listening on http://ADDRESS:PORT\" first (port 0 or none: a free one).\n"
    "Point the AWS SDKs at it with AWS_ENDPOINT_URL_STS.\n";

struct usage_error {
  std::string message;
};

struct parsed {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  std::set<std::string> flags;
};

parsed parse(const std::vector<std::string>& args, size_t from, const std::set<std::string>& with_value,
             const std::set<std::string>& flags) {
  parsed p;
  for (size_t i = from; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.starts_with("--")) {
      std::string name = a, value;
      const auto eq = a.find('=');
      if (eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
      }
      if (with_value.contains(name)) {
        if (eq == std::string::npos) {
          if (i + 1 >= args.size()) throw usage_error{name + " needs a value"};
          value = args[++i];
        }
        if (p.options.contains(name)) throw usage_error{name + " given twice"};
        p.options[name] = value;
      } else if (flags.contains(name) && eq == std::string::npos) {
        p.flags.insert(name);
      } else {
        throw usage_error{"unknown option " + a};
      }
    } else {
      p.positional.push_back(a);
    }
  }
  return p;
}

std::optional<std::string> opt(const parsed& p, const std::string& name) {
  const auto it = p.options.find(name);
  if (it == p.options.end()) return std::nullopt;
  return it->second;
}

fs::path state_file(const parsed& p) {
  if (auto f = opt(p, "--state")) return *f;
  if (auto d = opt(p, "--dir")) return fs::path(*d) / "iam.sqlite";
  if (const char* e = std::getenv("DSQL_IAM_STATE"); e && *e) return e;
  return dsql::local::default_dir() / "iam.sqlite";
}

std::string read_file(const std::string& name) {
  if (name == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream in(name, std::ios::binary);
  if (!in) throw aws::state_error("cannot read " + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::int64_t seconds(const std::string& v, const char* what) {
  try {
    size_t used = 0;
    const long long n = std::stoll(v, &used);
    if (used == v.size()) return n;
  } catch (const std::exception&) {
  }
  throw usage_error{std::string(what) + " must be a number of seconds"};
}

void print_key(const aws::access_key& k) {
  std::cout << "AccessKeyId:     " << k.access_key_id << "\n"
            << "SecretAccessKey: " << k.secret_access_key << "\n";
  if (k.session_token) std::cout << "SessionToken:    " << *k.session_token << "\n";
  if (k.expires_at) std::cout << "Expiration:      " << *k.expires_at << "\n";
}

int run_iam(const std::vector<std::string>& args) {
  const std::set<std::string> values{"--state",       "--dir",        "--account",     "--document",
                                     "--file",        "--expires-in", "--policies",    "--cluster",
                                     "--principal",   "--region",     "--source-ip",   "--access-key-id",
                                     "--client-ids",  "--public-key", "--sub",         "--aud",
                                     "--time",        "--role",       "--external-id", "--role-session-name",
                                     "--web-identity"};
  const parsed p = parse(args, 1, values, {"--session-token", "--help", "--all", "--admin", "--no-tls"});
  if (p.flags.contains("--help") || p.positional.empty()) {
    std::cout << iam_usage;
    return p.positional.empty() && !p.flags.contains("--help") ? 2 : 0;
  }
  const std::string& cmd = p.positional[0];
  const auto need = [&](size_t n) {
    if (p.positional.size() != n + 1) throw usage_error{"iam " + cmd + " takes " + std::to_string(n) + " argument(s)"};
  };
  const std::string account = opt(p, "--account").value_or(std::string(aws::default_account));
  // The cluster a policy is evaluated for: --cluster, else the cluster in --dir (its
  // id and region), else the default local cluster's ARN.
  const auto dir_info = [&]() -> std::optional<dsql::local::cluster_info> {
    if (auto d = opt(p, "--dir"); d && dsql::local::is_cluster_dir(*d)) return dsql::local::status(*d);
    return std::nullopt;
  }();
  const std::string cluster =
      opt(p, "--cluster")
          .value_or(dir_info ? dir_info->cluster_arn
                             : dsql::local::cluster_arn(dsql::local::default_cluster_id, dsql::local::default_region));
  const auto notes = [](const std::vector<std::string>& ns) {
    for (const auto& n : ns) std::cerr << "dsqlctl: note: " << n << "\n";
  };
  const auto document = [&](const char* what) {
    if (auto d = opt(p, "--document")) return *d;
    if (auto f = opt(p, "--file")) return read_file(*f);
    throw usage_error{std::string("iam ") + what + " needs --document or --file"};
  };
  // set-context / unset-context: ARN KEY ... or --all KEY ...
  const auto scope = [&](std::size_t min_args) {
    const bool all = p.flags.contains("--all");
    if (p.positional.size() < min_args + (all ? 1 : 2))
      throw usage_error{"iam " + cmd + " takes (ARN | --all) KEY" + (min_args > 1 ? " VALUE..." : "")};
    return all ? std::string() : p.positional[1];
  };
  aws::state st(state_file(p));
  if (cmd == "create-role" || cmd == "create-user") {
    need(1);
    const auto pr =
        st.create_principal(aws::principal_arn(p.positional[1], cmd == "create-role" ? "role" : "user", account));
    std::cout << pr.arn << "\t" << pr.id << "\n";
  } else if (cmd == "put-policy") {
    need(2);
    notes(st.put_policy(p.positional[1], p.positional[2], document("put-policy")));
  } else if (cmd == "put-cluster-policy") {
    need(0);
    const auto [version, ns] = st.put_cluster_policy(cluster, document("put-cluster-policy"));
    notes(ns);
    std::cout << cluster << "\tversion " << version << "\n";
  } else if (cmd == "get-cluster-policy") {
    need(0);
    const auto policy = st.cluster_policy(cluster);
    if (!policy) {
      std::cerr << "dsqlctl: " << cluster << " has no cluster policy\n";
      return 3;
    }
    std::cout << policy->first << "\n";
  } else if (cmd == "delete-cluster-policy") {
    need(0);
    if (!st.delete_cluster_policy(cluster)) throw aws::state_error(cluster + " has no cluster policy");
  } else if (cmd == "set-context") {
    const std::string arn = scope(2);
    const std::size_t k = p.flags.contains("--all") ? 1 : 2;
    st.set_context(arn, p.positional[k],
                   std::vector<std::string>(p.positional.begin() + static_cast<long>(k) + 1, p.positional.end()));
  } else if (cmd == "unset-context") {
    const std::string arn = scope(1);
    const std::size_t k = p.flags.contains("--all") ? 1 : 2;
    if (p.positional.size() != k + 1) throw usage_error{"iam unset-context takes (ARN | --all) KEY"};
    if (!st.unset_context(arn, p.positional[k]))
      throw aws::state_error("context key " + p.positional[k] + " is not set for " +
                             (arn.empty() ? "all principals" : arn));
  } else if (cmd == "simulate" && opt(p, "--role")) {
    // sts:AssumeRole(WithWebIdentity) on a role, as the local STS asks (trust.hpp)
    need(0);
    const auto role = st.find_principal(*opt(p, "--role"));
    if (!role || role->kind != "role") throw aws::state_error("IAM role " + *opt(p, "--role") + " does not exist");
    const auto principal = opt(p, "--principal");
    const auto web = opt(p, "--web-identity");
    if (principal.has_value() == web.has_value())
      throw usage_error{"iam simulate --role needs --principal ARN or --web-identity PROVIDER (one of them)"};
    aws::trust::request tr;
    tr.role_arn = role->arn;
    if (principal) {
      const auto pr = st.find_principal(*principal);
      if (!pr) throw aws::state_error("IAM principal " + *principal + " does not exist");
      tr.caller = *pr;
      if (const auto akid = opt(p, "--access-key-id")) {
        const auto key = st.find_access_key(*akid);
        if (!key || key->principal_arn != pr->arn)
          throw aws::state_error("access key " + *akid + " is not a key of " + pr->arn);
        tr.access_key_id = key->access_key_id;
        tr.session_name = key->session_name;
      } else {
        const auto keys = st.access_keys(pr->arn);
        tr.access_key_id = keys.empty() ? std::string("session") : keys[0].access_key_id;
      }
      if (const auto e = opt(p, "--external-id")) tr.context.emplace_back("sts:ExternalId", *e);
    } else {
      const auto prov = st.find_oidc_provider(*web);
      if (!prov) throw aws::state_error("no OIDC provider " + *web + " in " + st.file().string());
      const auto sub = opt(p, "--sub");
      if (!sub) throw usage_error{"iam simulate --web-identity needs --sub S"};
      tr.action = "sts:AssumeRoleWithWebIdentity";
      tr.federated = prov->arn;
      const auto at = prov->arn.find(":oidc-provider/");
      if (at == std::string::npos) throw aws::state_error("not an OIDC provider ARN: " + prov->arn);
      const std::string keys = prov->arn.substr(at + std::string_view(":oidc-provider/").size());
      tr.context.emplace_back(keys + ":aud", opt(p, "--aud").value_or(prov->client_ids.at(0)));
      tr.context.emplace_back(keys + ":sub", *sub);
    }
    tr.context.emplace_back("sts:RoleSessionName", opt(p, "--role-session-name").value_or("simulate"));
    tr.region = opt(p, "--region").value_or(dir_info ? dir_info->region : std::string(dsql::local::default_region));
    tr.source_ip = opt(p, "--source-ip").value_or("127.0.0.1");
    tr.now = opt(p, "--time") ? seconds(*opt(p, "--time"), "--time") : static_cast<std::int64_t>(std::time(nullptr));
    const auto a = aws::trust::evaluate(st, tr);
    std::cout << (a.allowed ? "allowed: " : "denied: ") << a.reason << "\n";
    return a.allowed ? 0 : 3;
  } else if (cmd == "simulate") {
    need(0);
    const auto principal = opt(p, "--principal");
    if (!principal) throw usage_error{"iam simulate needs --principal ARN"};
    const auto pr = st.find_principal(*principal);
    if (!pr) throw aws::state_error("IAM principal " + *principal + " does not exist");
    std::string akid = opt(p, "--access-key-id").value_or("");
    if (akid.empty()) {
      const auto keys = st.access_keys(*principal);
      akid = keys.empty() ? std::string("session") : keys[0].access_key_id;
    }
    const std::string region =
        opt(p, "--region").value_or(dir_info ? dir_info->region : std::string(dsql::local::default_region));
    const std::optional<std::string> ip = opt(p, "--source-ip");
    dsql_policy_request req{};
    req.action = p.flags.contains("--admin") ? "dsql:DbConnectAdmin" : "dsql:DbConnect";
    req.resource_arn = cluster.c_str();
    req.principal_id = pr->id.c_str();
    req.principal_arn = pr->arn.c_str();
    req.access_key_id = akid.c_str();
    req.region = region.c_str();
    req.source_ip = ip ? ip->c_str() : "127.0.0.1";
    req.secure_transport = !p.flags.contains("--no-tls");
    req.now = opt(p, "--time") ? seconds(*opt(p, "--time"), "--time") : static_cast<std::int64_t>(std::time(nullptr));
    auto work = std::make_unique<dsql_policy_work>();
    char reason[1024];
    const auto d = dsql_policy_evaluate(st.handle(), &req, work.get(), reason, sizeof reason);
    std::cout << (d == DSQL_POLICY_ALLOW  ? "allowed: "
                  : d == DSQL_POLICY_DENY ? "denied: "
                                          : "error: ")
              << reason << "\n";
    return d == DSQL_POLICY_ALLOW ? 0 : d == DSQL_POLICY_DENY ? 3 : 1;
  } else if (cmd == "create-access-key") {
    need(1);
    std::optional<std::int64_t> expires;
    if (auto e = opt(p, "--expires-in"))
      expires = static_cast<std::int64_t>(std::time(nullptr)) + seconds(*e, "--expires-in");
    print_key(st.create_access_key(p.positional[1], p.flags.contains("--session-token"), expires));
  } else if (cmd == "list") {
    need(0);
    for (const auto& pr : st.principals()) {
      std::cout << pr.arn << "\t" << pr.id << "\n";
      for (const auto& k : st.access_keys(pr.arn))
        std::cout << "  key    " << k.access_key_id << (k.session_token ? " (session)" : "")
                  << (k.expires_at ? " expires " + std::to_string(*k.expires_at) : std::string()) << "\n";
      for (const auto& [name, doc] : st.policies(pr.arn)) std::cout << "  policy " << name << "\t" << doc << "\n";
      if (auto trust = st.trust_policy(pr.arn)) std::cout << "  trust  " << *trust << "\n";
    }
    for (const auto& prov : st.oidc_providers()) {
      std::cout << prov.arn << "\t" << prov.url << (prov.private_key ? " (local issuer)" : "") << "\n";
      for (const auto& id : prov.client_ids) std::cout << "  client-id " << id << "\n";
    }
    if (const auto cp = st.cluster_policy(cluster))
      std::cout << "cluster policy of " << cluster << " (version " << cp->second << ")\t" << cp->first << "\n";
    for (const auto& c : st.context())
      std::cout << "context " << (c.principal_arn.empty() ? "(all principals)" : c.principal_arn) << "\t" << c.key
                << " = " << c.value << "\n";
  } else if (cmd == "delete") {
    need(1);
    if (!st.delete_principal(p.positional[1]))
      throw aws::state_error("IAM principal " + p.positional[1] + " does not exist");
  } else if (cmd == "delete-access-key") {
    need(1);
    if (!st.delete_access_key(p.positional[1]))
      throw aws::state_error("access key " + p.positional[1] + " does not exist");
  } else if (cmd == "sync") {
    need(0);
    const auto f = opt(p, "--policies");
    if (!f) throw usage_error{"iam sync needs --policies FILE (seed-spec policies output)"};
    json map;
    try {
      map = json::parse(read_file(*f));
    } catch (const json::parse_error& e) {
      throw aws::state_error(std::string("--policies: not valid JSON: ") + e.what());
    }
    if (!map.is_object()) throw aws::state_error("--policies: expected an object {ARN: policy}");
    for (const auto& [arn, policy] : map.items()) {
      st.create_principal(arn, true);
      notes(st.put_policy(arn, "dsql-connect", policy.dump()));
      if (st.access_keys(arn).empty()) st.create_access_key(arn);
      std::cout << arn << "\n";
    }
  } else if (cmd == "put-trust-policy") {
    need(1);
    std::string doc;
    if (auto d = opt(p, "--document"))
      doc = *d;
    else if (auto f = opt(p, "--file"))
      doc = read_file(*f);
    else
      throw usage_error{"iam put-trust-policy needs --document or --file"};
    notes(st.put_trust_policy(p.positional[1], doc));
  } else if (cmd == "get-trust-policy") {
    need(1);
    const auto doc = st.trust_policy(p.positional[1]);
    if (!doc) {
      std::cerr << "dsqlctl: " << p.positional[1] << " has no trust policy\n";
      return 3;
    }
    std::cout << *doc << "\n";
  } else if (cmd == "create-oidc-provider") {
    need(1);
    aws::oidc_provider prov;
    prov.url = p.positional[1];
    while (prov.url.size() > 8 && prov.url.back() == '/') prov.url.pop_back();
    if (!prov.url.starts_with("https://")) throw usage_error{"the OIDC issuer URL must start with https://"};
    const auto ids = opt(p, "--client-ids");
    if (!ids) throw usage_error{"iam create-oidc-provider needs --client-ids ID[,ID...]"};
    std::stringstream ss(*ids);
    for (std::string id; std::getline(ss, id, ',');)
      if (!id.empty()) prov.client_ids.push_back(id);
    if (auto k = opt(p, "--public-key")) {
      prov.public_key = read_file(*k);
    } else {
      const auto pair = aws::jwt::generate_es256();
      prov.public_key = pair.public_pem;
      prov.private_key = pair.private_pem;
    }
    prov.arn = "arn:aws:iam::" + account + ":oidc-provider/" + prov.url.substr(8);
    std::cout << st.create_oidc_provider(prov).arn << "\n";
  } else if (cmd == "oidc-token") {
    need(1);
    const auto prov = st.find_oidc_provider(p.positional[1]);
    if (!prov) throw aws::state_error("no OIDC provider " + p.positional[1] + " in " + st.file().string());
    if (!prov->private_key)
      throw aws::state_error("OIDC provider " + prov->arn +
                             " is not a local issuer (it was registered with --public-key)");
    const auto sub = opt(p, "--sub"), aud = opt(p, "--aud");
    if (!sub || !aud) throw usage_error{"iam oidc-token needs --sub and --aud"};
    const std::int64_t now =
        opt(p, "--time") ? seconds(*opt(p, "--time"), "--time") : static_cast<std::int64_t>(std::time(nullptr));
    aws::jwt::claims c;
    c.iss = prov->url;
    c.sub = *sub;
    c.aud = {*aud};
    c.iat = now;
    c.exp = now + (opt(p, "--expires-in") ? seconds(*opt(p, "--expires-in"), "--expires-in") : 3600);
    std::cout << aws::jwt::sign(c, *prov->private_key, "local") << "\n";
  } else {
    throw usage_error{"unknown iam command " + cmd};
  }
  return 0;
}

int run_sts(const std::vector<std::string>& args) {
  const parsed p = parse(args, 1, {"--state", "--dir", "--port", "--region", "--address"}, {"--help"});
  if (p.flags.contains("--help")) {
    std::cout << iam_usage;
    return 0;
  }
  if (p.positional.size() != 1 || p.positional[0] != "serve") throw usage_error{"expected: dsqlctl sts serve ..."};
  aws::sts::server_options o;
  o.state_file = state_file(p);
  if (auto r = opt(p, "--region")) o.region = *r;
  if (auto a = opt(p, "--address")) o.address = *a;
  if (auto port = opt(p, "--port")) {
    std::int64_t n = -1;
    try {
      std::size_t used = 0;
      n = std::stoll(*port, &used);
      if (used != port->size()) n = -1;
    } catch (const std::exception&) {
    }
    if (n < 0 || n > 65535) throw usage_error{"--port must be a TCP port number (0: a free one)"};
    o.port = static_cast<int>(n);
  }
  o.log = [](const std::string& line) { std::cerr << "dsqlctl: " << line << std::endl; };
  // SIGINT/SIGTERM are waited for here, never delivered to the server's thread
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  aws::sts::local_server server(o);
  std::cout << "local STS listening on " << server.url() << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  return 0;
}

int run_token(const std::vector<std::string>& args) {
  const std::set<std::string> values{"--hostname", "--region", "--expires-in", "--principal", "--access-key-id",
                                     "--state",    "--dir",    "--profile",    "--time"};
  const parsed p = parse(args, 1, values, {"--admin", "--help"});
  if (p.flags.contains("--help")) {
    std::cout << iam_usage;
    return 0;
  }
  if (p.positional.size() != 1 || p.positional[0] != "generate")
    throw usage_error{"expected: dsqlctl token generate ..."};
  aws::token_request r;
  const auto host = opt(p, "--hostname");
  const auto region = opt(p, "--region");
  if (!host || !region) throw usage_error{"token generate needs --hostname and --region"};
  r.hostname = *host;
  r.region = *region;
  r.admin = p.flags.contains("--admin");
  if (auto e = opt(p, "--expires-in")) r.expires_in = seconds(*e, "--expires-in");
  std::optional<std::int64_t> now;
  if (auto t = opt(p, "--time")) now = seconds(*t, "--time");

  aws::credentials c;
  const auto principal = opt(p, "--principal");
  const auto akid = opt(p, "--access-key-id");
  if (principal || akid) {
    if (principal && akid) throw usage_error{"--principal and --access-key-id exclude each other"};
    aws::state st(state_file(p));
    std::optional<aws::access_key> key;
    if (akid) {
      key = st.find_access_key(*akid);
      if (!key) throw aws::state_error("access key " + *akid + " is not in " + st.file().string());
    } else {
      const auto t = static_cast<std::int64_t>(std::time(nullptr));
      for (const auto& k : st.access_keys(*principal))
        if (!k.expires_at || *k.expires_at > t) {
          key = k;
          break;
        }
      if (!key)
        throw aws::state_error("IAM principal " + *principal + " has no unexpired access key in " + st.file().string());
    }
    c = {key->access_key_id, key->secret_access_key, key->session_token, "local IAM state"};
  } else {
    std::string why;
    auto sc = aws::default_chain(opt(p, "--profile"))->fetch(&why);
    if (!sc)
      throw aws::token_error(
          "no credentials: give --principal or --access-key-id (local IAM state), or configure the AWS credential chain (tried " +
          why + ")");
    c = *sc;
  }
  std::cout << aws::generate_token(r, c, now) << "\n";
  return 0;
}

}  // namespace

bool is_iam_command(const std::vector<std::string>& args) {
  return !args.empty() && (args[0] == "iam" || args[0] == "token" || args[0] == "sts");
}

int run_iam_command(const std::vector<std::string>& args) {
  try {
    if (args[0] == "sts") return run_sts(args);
    return args[0] == "iam" ? run_iam(args) : run_token(args);
  } catch (const usage_error& e) {
    std::cerr << "dsqlctl: " << e.message << "\n\n" << iam_usage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "dsqlctl: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace dsql::cli
