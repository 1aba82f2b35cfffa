#include "dsql/client/connect.hpp"

#include <openssl/x509.h>

#include <cstdlib>
#include <mutex>

#include "iam/credentials.hpp"
#include "iam/token.hpp"

namespace dsql::client {

namespace {

// A libpq conninfo value in single quotes (backslash and quote escaped).
std::string quote(std::string_view v) {
  std::string out = "'";
  for (const char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::filesystem::path system_roots() {
  const char* env_name = X509_get_default_cert_file_env();  // "SSL_CERT_FILE"
  if (const char* f = env_name ? std::getenv(env_name) : nullptr; f && *f) return f;
  return X509_get_default_cert_file();
}

}  // namespace

std::shared_ptr<aws::credentials_cache> default_credentials() {
  static std::mutex m;
  static std::shared_ptr<aws::credentials_cache> cache;
  std::lock_guard lock(m);
  if (!cache) cache = aws::default_credentials();
  return cache;
}

std::string region_for(const endpoint& e, const connect_options& o) {
  if (o.region && !o.region->empty()) return *o.region;
  if (auto r = aws::dsql_region_of(e.host)) return *r;
  if (auto r = aws::default_region()) return *r;
  throw connect_error(
      "no region to sign the DSQL token for " + e.host +
      ": give connect_options::region or set AWS_REGION (a host <id>.dsql.<region>.on.aws names its own)");
}

std::string conninfo(const endpoint& e, const connect_options& o, std::string_view user, bool admin) {
  if (e.host.empty() || e.host.front() == '/')
    throw connect_error("a DSQL endpoint is a host name (the token is signed for it), not \"" + e.host + "\"");
  if (user.empty()) throw connect_error("no user name to connect as");
  const std::string region = region_for(e, o);
  const std::filesystem::path roots = o.sslrootcert ? *o.sslrootcert : system_roots();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(roots, ec))
    throw connect_error(o.sslrootcert ? "sslrootcert " + roots.string() + " is not a readable file"
                                      : "no system CA bundle at " + roots.string() +
                                            " (install ca-certificates, set SSL_CERT_FILE, or give sslrootcert)");
  const auto creds = (o.credentials ? o.credentials : default_credentials())->get();
  aws::token_request r;
  r.hostname = e.host;
  r.region = region;
  r.admin = admin;
  r.expires_in = o.token_expires_in.count();
  const std::string token = aws::generate_token(r, *creds);
  std::string info = "host=" + quote(e.host);
  if (e.hostaddr) info += " hostaddr=" + quote(*e.hostaddr);
  info += " port=" + std::to_string(e.port) + " dbname=" + quote(e.database) + " user=" + quote(user) +
          " sslmode=verify-full sslsni=1 ssl_min_protocol_version=TLSv1.2 sslrootcert=" + quote(roots.string()) +
          " connect_timeout=" + std::to_string(o.connect_timeout.count()) +
          " application_name=" + quote(o.application_name) + " password=" + quote(token);
  return info;
}

std::unique_ptr<pqxx::connection> open(const endpoint& e, const connect_options& o, std::string_view user, bool admin) {
  const std::string info = conninfo(e, o, user, admin);
  try {
    return std::make_unique<pqxx::connection>(info);
  } catch (const pqxx::broken_connection& err) {
    throw connect_error("cannot connect to " + e.host + " as " + std::string(user) + ": " + err.what());
  }
}

}  // namespace dsql::client
