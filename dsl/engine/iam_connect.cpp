#include "engine/iam_connect.hpp"

#include <libpq-fe.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>

#include "engine/engine.hpp"
#include "iam/state.hpp"
#include "iam/token.hpp"
#include "local/cluster.hpp"

namespace dsql::engine::iam_connect {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string os_user() {
  if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name) return pw->pw_name;
  return "";
}

// The first unexpired key of a principal of the local IAM state (as `dsqlctl token
// generate --principal` chooses it).
aws::credentials local_key(const std::string& state_file, const std::string& principal) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(state_file, ec))  // aws::state would create it
    throw engine_error("no local IAM state at " + state_file + " (dsqlctl iam sync creates it)");
  aws::state st(state_file);
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  for (const auto& k : st.access_keys(principal))
    if (!k.expires_at || *k.expires_at > now)
      return {k.access_key_id, k.secret_access_key, k.session_token, "local IAM state"};
  throw engine_error("IAM principal " + principal + " has no unexpired access key in " + state_file);
}

aws::credentials credentials_for(const token_options& o, const std::string& state_file) {
  if (o.principal) {
    if (state_file.empty())
      throw engine_error(
          "--principal signs with a key of the local IAM state: give --dir DIR (its iam.sqlite) "
          "or set DSQL_IAM_STATE");
    return local_key(state_file, *o.principal);
  }
  auto c = aws::standard_credentials(o.profile);
  if (!c)
    throw engine_error(
        "no AWS credentials for the IAM token: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
        "configure ~/.aws/credentials (--profile P), or give --principal ARN (local IAM state)");
  return *c;
}

std::string sign(const token_options& o, const std::string& host, const std::string& region, const std::string& user,
                 const std::string& state_file) {
  aws::token_request r;
  r.hostname = host;
  r.region = region;
  r.admin = admin_action_for(user);
  r.expires_in = o.expires_in;
  return aws::generate_token(r, credentials_for(o, state_file));
}

}  // namespace

std::optional<std::string> dsql_region_of(std::string_view host) { return aws::dsql_region_of(host); }

bool admin_action_for(std::string_view user) noexcept { return user == "admin"; }

std::string_view action_for(std::string_view user) noexcept {
  return admin_action_for(user) ? "DbConnectAdmin" : "DbConnect";
}

std::optional<std::string> region_for(const std::optional<std::string>& explicit_region, std::string_view host) {
  if (explicit_region && !explicit_region->empty()) return explicit_region;
  if (auto r = dsql_region_of(host)) return r;
  for (const char* var : {"AWS_REGION", "AWS_DEFAULT_REGION"})
    if (std::string v = env(var); !v.empty()) return v;
  return std::nullopt;
}

std::string quote(std::string_view v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

endpoint parse_conninfo(const std::string& conninfo) {
  char* err = nullptr;
  std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> opts(PQconninfoParse(conninfo.c_str(), &err),
                                                                      PQconninfoFree);
  if (!opts) {
    std::string msg = err ? err : "out of memory";
    PQfreemem(err);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    // libpq's message quotes keywords, never values: no password can leak through it
    throw std::invalid_argument("invalid --conninfo: " + msg);
  }
  endpoint e;
  for (const PQconninfoOption* o = opts.get(); o->keyword; ++o) {
    if (!o->val) continue;
    const std::string_view k = o->keyword;
    if (k == "host")
      e.host = o->val;
    else if (k == "user")
      e.user = o->val;
    else if (k == "password")
      e.password_in_conninfo = true;
    else if (k == "sslmode")
      e.sslmode = o->val;
    else if (k == "sslrootcert")
      e.sslrootcert_given = true;
    if (k == "password") continue;  // replaced by the token when one is used
    if (!e.keywords.empty()) e.keywords += ' ';
    e.keywords += std::string(k) + "=" + quote(o->val);
  }
  if (e.sslmode.empty()) e.sslmode = env("PGSSLMODE");
  if (!env("PGSSLROOTCERT").empty()) e.sslrootcert_given = true;
  if (e.host.empty()) e.host = env("PGHOST");
  if (e.user.empty()) e.user = env("PGUSER");
  if (e.user.empty()) e.user = os_user();
  e.password_given = e.password_in_conninfo || !env("PGPASSWORD").empty();
  return e;
}

bool wants_token(const token_options& o, const endpoint& e) {
  return o.requested || (dsql_region_of(e.host) && !e.password_given);
}

std::string with_password(const std::string& keywords, std::string_view token) {
  return keywords + (keywords.empty() ? "" : " ") + "password=" + quote(token);
}

std::optional<std::string> system_root_certificates() {
  if (PQlibVersion() >= 160000) return std::string("system");
  for (const char* p : {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                        "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem"}) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) return std::string(p);
  }
  return std::nullopt;
}

std::string require_verified_tls(const std::string& keywords, const token_options& o) {
  const endpoint e = parse_conninfo(keywords);
  if (o.insecure_tls) {
    std::cerr << "WARNING: " << insecure_tls_option << ": the IAM token is sent with sslmode="
              << (e.sslmode.empty() ? std::string("prefer (libpq's default)") : e.sslmode)
              << ", to a server whose certificate may not have been verified. Tests only.\n";
    return keywords;
  }
  if (!e.sslmode.empty() && e.sslmode != "verify-full")
    throw engine_error(
        "an IAM token is sent only over TLS whose certificate and host name are verified "
        "(sslmode=verify-full), and the connection asks for sslmode=" +
        e.sslmode +
        ": a server that is not the cluster would receive a token it can replay. Remove the sslmode "
        "(verify-full is the default with a token) or use verify-full; " +
        std::string(insecure_tls_option) + " exists for tests against servers without a certificate");
  std::string out = keywords + (keywords.empty() ? "" : " ") + "sslmode='verify-full' gssencmode='disable'";
  if (!e.sslrootcert_given) {
    const auto roots = system_root_certificates();
    if (!roots)
      throw engine_error(
          "no system root certificates for sslmode=verify-full: install ca-certificates or give "
          "sslrootcert=FILE in the conninfo (PGSSLROOTCERT)");
    out += " sslrootcert=" + quote(*roots);
  }
  return out;
}

std::string connection_string(const token_options& o, const std::string& conninfo, const std::string& dir,
                              const std::string& user) {
  if (!dir.empty()) {
    auto info = dsql::local::status(dir);
    if (!info)
      throw engine_error("no cluster is running in " + dir + ": run `dsqlctl local up --dir " + dir + "` first");
    if (!o.requested) return info->conninfo(user);
    if (!info->tcp)
      throw engine_error("the cluster in " + dir +
                         " has no TLS endpoint with IAM authentication (started without "
                         "the dsql_iam extension): --iam-token needs one");
    if (info->front_pid == 0)
      throw engine_error("the front door of the cluster in " + dir + " is not running: run `dsqlctl local up --dir " +
                         dir + "` to start it");
    const std::string region = o.region.value_or(info->region);
    // tcp_conninfo: sslmode=verify-full under the cluster's CA, SNI and token for its name
    return with_password(info->tcp_conninfo(user), sign(o, info->endpoint, region, user, info->iam_state.string()));
  }
  const endpoint e = parse_conninfo(conninfo);
  if (!wants_token(o, e)) return conninfo;
  if (e.password_in_conninfo)
    throw engine_error("--iam-token: the conninfo already has a password; the token is the password");
  if (e.host.empty() || e.host.find(',') != std::string::npos || e.host.front() == '/' || e.host.front() == '@')
    throw engine_error(
        "an IAM token is signed for one host name: give host=<id>.dsql.<region>.on.aws in --conninfo "
        "(or PGHOST)");
  const auto region = region_for(o.region, e.host);
  if (!region)
    throw engine_error("no region to sign the IAM token for " + e.host +
                       ": give --region R or set AWS_REGION (a host <id>.dsql.<region>.on.aws names its own)");
  const std::string keywords = require_verified_tls(e.keywords, o);  // before anything is signed
  return with_password(keywords, sign(o, e.host, *region, e.user, env("DSQL_IAM_STATE")));
}

}  // namespace dsql::engine::iam_connect
