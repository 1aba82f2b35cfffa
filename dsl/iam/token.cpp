#include "iam/token.hpp"

#include <ctime>

#include "iam/credentials.hpp"
#include "sigv4.h"

namespace dsql::aws {

std::string generate_token(const token_request& r, const credentials& c, std::optional<std::int64_t> now) {
  if (r.expires_in < 1 || r.expires_in > DSQL_TOKEN_MAX_EXPIRES)
    throw token_error("--expires-in must be between 1 and 604800 seconds");
  const dsql_sigv4_credentials cc{c.access_key_id.c_str(), c.secret_access_key.c_str(),
                                  c.session_token ? c.session_token->c_str() : nullptr};
  std::string out(DSQL_TOKEN_MAX_LEN + 1, '\0');
  const int n = dsql_token_generate(
      r.hostname.c_str(), r.region.c_str(), r.admin ? DSQL_TOKEN_DB_CONNECT_ADMIN : DSQL_TOKEN_DB_CONNECT,
      now.value_or(static_cast<std::int64_t>(std::time(nullptr))), r.expires_in, &cc, out.data(), out.size());
  if (n < 0)
    throw token_error(
        "cannot sign a token: the host name (letters, digits, '-', '.'), the region (lower-case "
        "letters, digits, '-'), the access key id (16-128 upper-case letters and digits) or the "
        "session token (at most 4096 bytes) is not acceptable");
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<credentials> standard_credentials(const std::optional<std::string>& profile) {
  return default_chain(profile)->fetch();
}

std::optional<std::string> dsql_region_of(std::string_view host) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  std::string h;
  for (char c : host) h += lower(c);
  if (!h.empty() && h.back() == '.') h.pop_back();
  constexpr std::string_view suffix = ".on.aws", infix = ".dsql.";
  if (h.size() <= suffix.size() || h.compare(h.size() - suffix.size(), suffix.size(), suffix) != 0) return std::nullopt;
  h.resize(h.size() - suffix.size());  // <id>.dsql.<region>
  const auto d = h.rfind(infix);
  if (d == std::string::npos || d == 0) return std::nullopt;
  std::string region = h.substr(d + infix.size());
  if (region.empty()) return std::nullopt;
  for (char c : region)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return std::nullopt;
  for (char c : std::string_view(h).substr(0, d))  // the cluster id: one label
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return std::nullopt;
  return region;
}

}  // namespace dsql::aws
