#include "iam/sts.hpp"

#include <expat.h>

#include <cstdlib>
#include <ctime>
#include <memory>

#include "iam/http.hpp"
#include "sigv4.h"

namespace dsql::aws::sts {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool is_true(std::string v) {
  for (auto& c : v)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return v == "true";
}

std::string uri_encode(std::string_view s) {
  std::string out(3 * s.size() + 1, '\0');
  const int n = dsql_sigv4_uri_encode(s.data(), s.size(), out.data(), out.size());
  if (n < 0) throw credentials_error("STS: cannot encode a request parameter");
  out.resize(static_cast<std::size_t>(n));
  return out;
}

struct url_parts {
  std::string host_header;  ///< host, with :port unless the scheme's default
  std::string path;         ///< "/" at least
};

url_parts split_url(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) throw credentials_error("STS endpoint " + url + " is not a URL");
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https")
    throw credentials_error("STS endpoint " + http::redacted(url) + " must be http:// or https://");
  const auto host_start = scheme_end + 3;
  const auto path_start = url.find_first_of("/?#", host_start);
  std::string authority =
      url.substr(host_start, path_start == std::string::npos ? std::string::npos : path_start - host_start);
  if (authority.empty() || authority.find('@') != std::string::npos)
    throw credentials_error("STS endpoint " + http::redacted(url) + " has no host, or has user information");
  url_parts p;
  p.path = path_start == std::string::npos || url[path_start] != '/' ? "/" : url.substr(path_start);
  p.path = p.path.substr(0, p.path.find_first_of("?#"));
  // a default port is not part of the signed host, as botocore signs it
  const auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    const std::string port = authority.substr(colon + 1);
    if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) authority.resize(colon);
  }
  for (auto& c : authority)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  p.host_header = authority;
  return p;
}

// The POST of an STS action; signed when caller is given.
http::request make_request(const endpoint& e, const form& params, const credentials* caller) {
  http::request r;
  r.method = "POST";
  r.url = e.url;
  r.body = form_encode(params);
  r.timeout = std::chrono::milliseconds(10000);
  r.connect_timeout = std::chrono::milliseconds(3000);
  const url_parts u = split_url(e.url);
  const std::string content_type = "application/x-www-form-urlencoded; charset=utf-8";
  r.headers = {{"Host", u.host_header}, {"Content-Type", content_type}};
  if (!caller) return r;
  char amz[17], date8[9];
  if (!dsql_sigv4_format_time(static_cast<std::int64_t>(std::time(nullptr)), amz, date8))
    throw credentials_error("STS: the clock is outside 1970..9999");
  r.headers.emplace_back("X-Amz-Date", amz);
  std::string signed_headers = "content-type;host;x-amz-date";
  if (caller->session_token && !caller->session_token->empty()) {
    r.headers.emplace_back("X-Amz-Security-Token", *caller->session_token);
    signed_headers += ";x-amz-security-token";
  }
  char payload[65];
  if (!dsql_sigv4_sha256_hex(r.body.data(), r.body.size(), payload))
    throw credentials_error("STS: cannot hash the request");
  std::vector<dsql_sigv4_header> hs;
  for (const auto& [n, v] : r.headers) hs.push_back({n.c_str(), v.c_str()});
  dsql_sigv4_request req{"POST", u.path.c_str(), nullptr, 0, hs.data(), hs.size(), signed_headers.c_str(), payload};
  char sig[65];
  if (!dsql_sigv4_sign_request(&req, amz, e.region.c_str(), "sts", caller->secret_access_key.c_str(), sig))
    throw credentials_error("STS: cannot sign the request with the credentials from " + caller->source +
                            " (access key id or region not acceptable)");
  char auth[1024];
  if (dsql_sigv4_format_authorization(caller->access_key_id.c_str(), date8, e.region.c_str(), "sts",
                                      signed_headers.c_str(), sig, auth, sizeof auth) < 0)
    throw credentials_error("STS: the Authorization header does not fit");
  r.headers.emplace_back("Authorization", auth);
  return r;
}

// The leaves of a successful <Action>Response, or throws the STS error.
std::map<std::string, std::string> call(const endpoint& e, const std::string& action, const form& params,
                                        const credentials* caller, const std::string& source) {
  form all{{"Action", action}, {"Version", std::string(api_version)}};
  all.insert(all.end(), params.begin(), params.end());
  const std::string where = "STS " + action + " at " + http::redacted(e.url) + " (" + source + ")";
  http::response resp;
  try {
    resp = http::send(make_request(e, all, caller));
  } catch (const http::http_error& err) {
    throw credentials_error(where + ": no answer: " + err.what());
  }
  std::string root;
  const auto leaves = xml_leaves(resp.body, &root);
  if (resp.status != 200) {
    if (leaves && root == "ErrorResponse" && leaves->contains("Error/Code")) {
      const std::string code = leaves->at("Error/Code");
      const std::string msg = leaves->contains("Error/Message") ? leaves->at("Error/Message") : "";
      throw sts_error(where + ": " + code + (msg.empty() ? "" : ": " + msg), code, msg);
    }
    throw credentials_error(where + ": HTTP " + std::to_string(resp.status) + " without an STS error document");
  }
  if (!leaves || root != action + "Response")
    throw credentials_error(where + ": the answer is not an " + action + "Response XML document");
  return *leaves;
}

std::string need(const std::map<std::string, std::string>& leaves, const std::string& path, const std::string& where) {
  const auto it = leaves.find(path);
  if (it == leaves.end() || it->second.empty()) throw credentials_error(where + ": the answer lacks " + path);
  return it->second;
}

assumed_role assumed_from(const std::map<std::string, std::string>& leaves, const std::string& action,
                          const std::string& source, const endpoint& e) {
  const std::string p = action + "Result/";
  const std::string where = "STS " + action + " at " + http::redacted(e.url) + " (" + source + ")";
  assumed_role a;
  a.creds.access_key_id = need(leaves, p + "Credentials/AccessKeyId", where);
  a.creds.secret_access_key = need(leaves, p + "Credentials/SecretAccessKey", where);
  a.creds.session_token = need(leaves, p + "Credentials/SessionToken", where);
  const auto exp = parse_iso8601(need(leaves, p + "Credentials/Expiration", where));
  if (!exp) throw credentials_error(where + ": the Expiration is not an ISO 8601 time");
  a.creds.expiration = *exp;
  a.creds.source = source;
  if (auto it = leaves.find(p + "AssumedRoleUser/Arn"); it != leaves.end()) a.arn = it->second;
  if (auto it = leaves.find(p + "AssumedRoleUser/AssumedRoleId"); it != leaves.end()) a.assumed_role_id = it->second;
  return a;
}

// ---- XML (expat) ----

struct xml_state {
  XML_Parser parser = nullptr;
  std::vector<std::string> stack;
  std::vector<bool> has_child;
  std::string text;
  std::string root;
  std::map<std::string, std::string> leaves;
  bool bad = false;
};

void XMLCALL on_start(void* user, const XML_Char* name, const XML_Char**) {
  auto* s = static_cast<xml_state*>(user);
  if (s->stack.size() >= 32) {
    s->bad = true;
    XML_StopParser(s->parser, XML_FALSE);
    return;
  }
  if (s->stack.empty()) s->root = name;
  if (!s->has_child.empty()) s->has_child.back() = true;
  s->stack.emplace_back(name);
  s->has_child.push_back(false);
  s->text.clear();
}

void XMLCALL on_end(void* user, const XML_Char*) {
  auto* s = static_cast<xml_state*>(user);
  if (!s->has_child.back() && s->stack.size() > 1) {
    std::string path;
    for (std::size_t i = 1; i < s->stack.size(); ++i) path += (i > 1 ? "/" : "") + s->stack[i];
    const auto b = s->text.find_first_not_of(" \t\r\n");
    const auto e = s->text.find_last_not_of(" \t\r\n");
    s->leaves[path] = b == std::string::npos ? std::string() : s->text.substr(b, e - b + 1);
  }
  s->stack.pop_back();
  s->has_child.pop_back();
  s->text.clear();
}

void XMLCALL on_text(void* user, const XML_Char* data, int len) {
  auto* s = static_cast<xml_state*>(user);
  if (s->text.size() + static_cast<std::size_t>(len) > (1u << 20)) {
    s->bad = true;
    XML_StopParser(s->parser, XML_FALSE);
    return;
  }
  s->text.append(data, static_cast<std::size_t>(len));
}

void XMLCALL on_doctype(void* user, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto* s = static_cast<xml_state*>(user);
  s->bad = true;
  XML_StopParser(s->parser, XML_FALSE);
}

int days_in_month(int y, int m) {
  static constexpr int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : d[m - 1];
}

}  // namespace

endpoint resolve_endpoint(const std::optional<std::string>& region, const shared_config* config,
                          const std::string& profile) {
  bool ignore = is_true(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
  if (config && !ignore)
    if (auto v = config->get(profile, "ignore_configured_endpoint_urls")) ignore = is_true(*v);
  const std::string signing_region = region && !region->empty() ? *region : "us-east-1";
  if (!ignore) {
    for (const char* var : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"})
      if (std::string v = env(var); !v.empty()) return {v, signing_region};
    if (config) {
      if (auto services = config->get(profile, "services")) {
        if (auto it = config->services.find(*services); it != config->services.end())
          if (auto sts = it->second.nested.find("sts"); sts != it->second.nested.end())
            if (auto url = sts->second.find("endpoint_url"); url != sts->second.end() && !url->second.empty())
              return {url->second, signing_region};
      }
      if (auto url = config->get(profile, "endpoint_url")) return {*url, signing_region};
    }
  }
  if (!region || region->empty()) return {"https://sts.amazonaws.com", "us-east-1"};
  return {"https://sts." + *region + ".amazonaws.com", *region};
}

assumed_role assume_role(const endpoint& e, const credentials& caller, const assume_role_request& r,
                         const std::string& source) {
  form f{{"RoleArn", r.role_arn}, {"RoleSessionName", r.session_name}};
  if (r.duration_seconds) f.emplace_back("DurationSeconds", std::to_string(*r.duration_seconds));
  if (r.external_id) f.emplace_back("ExternalId", *r.external_id);
  return assumed_from(call(e, "AssumeRole", f, &caller, source), "AssumeRole", source, e);
}

assumed_role assume_role_with_web_identity(const endpoint& e, const web_identity_request& r,
                                           const std::string& source) {
  form f{{"RoleArn", r.role_arn}, {"RoleSessionName", r.session_name}, {"WebIdentityToken", r.web_identity_token}};
  if (r.duration_seconds) f.emplace_back("DurationSeconds", std::to_string(*r.duration_seconds));
  return assumed_from(call(e, "AssumeRoleWithWebIdentity", f, nullptr, source), "AssumeRoleWithWebIdentity", source, e);
}

caller_identity get_caller_identity(const endpoint& e, const credentials& caller) {
  const auto leaves = call(e, "GetCallerIdentity", {}, &caller, caller.source);
  const std::string where = "STS GetCallerIdentity at " + http::redacted(e.url);
  return {need(leaves, "GetCallerIdentityResult/Account", where), need(leaves, "GetCallerIdentityResult/Arn", where),
          need(leaves, "GetCallerIdentityResult/UserId", where)};
}

std::string form_encode(const form& f) {
  std::string out;
  for (const auto& [k, v] : f) {
    if (!out.empty()) out += '&';
    out += uri_encode(k) + "=" + uri_encode(v);
  }
  return out;
}

std::optional<form> form_decode(std::string_view body) {
  const auto decode = [](std::string_view s) -> std::optional<std::string> {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        out += ' ';
      } else if (s[i] == '%') {
        if (i + 2 >= s.size()) return std::nullopt;
        const auto hex = [](char c) -> int {
          if (c >= '0' && c <= '9') return c - '0';
          if (c >= 'a' && c <= 'f') return c - 'a' + 10;
          if (c >= 'A' && c <= 'F') return c - 'A' + 10;
          return -1;
        };
        const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  };
  form f;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto amp = body.find('&', pos);
    if (amp == std::string_view::npos) amp = body.size();
    const std::string_view pair = body.substr(pos, amp - pos);
    pos = amp + 1;
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto k = decode(pair.substr(0, eq));
    auto v = decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!k || !v || k->empty()) return std::nullopt;
    f.emplace_back(std::move(*k), std::move(*v));
  }
  return f;
}

std::optional<std::map<std::string, std::string>> xml_leaves(std::string_view xml, std::string* root_name) {
  if (xml.size() > (1u << 20)) return std::nullopt;
  xml_state s;
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, void (*)(XML_Parser)> p(XML_ParserCreate("UTF-8"), XML_ParserFree);
  if (!p) return std::nullopt;
  s.parser = p.get();
  XML_SetUserData(p.get(), &s);
  XML_SetElementHandler(p.get(), on_start, on_end);
  XML_SetCharacterDataHandler(p.get(), on_text);
  XML_SetDoctypeDeclHandler(p.get(), on_doctype, nullptr);
  XML_SetParamEntityParsing(p.get(), XML_PARAM_ENTITY_PARSING_NEVER);
  if (XML_Parse(p.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE) != XML_STATUS_OK || s.bad ||
      s.root.empty())
    return std::nullopt;
  if (root_name) *root_name = s.root;
  return s.leaves;
}

std::string xml_escape(std::string_view text) {
  // Valid XML 1.0 whatever the input: the five specials escaped; bytes that are not
  // UTF-8 (overlong, surrogates, beyond U+10FFFF, cut) and code points XML forbids
  // (controls but tab/LF/CR, U+FFFE, U+FFFF) become '?'. Requests echo into answers.
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&apos;";
          break;
        default:
          out += (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f ? '?' : static_cast<char>(c);
      }
      ++i;
      continue;
    }
    std::size_t len = c >= 0xF8 ? 0 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    std::uint32_t cp = len == 4 ? c & 0x07u : len == 3 ? c & 0x0Fu : c & 0x1Fu;
    bool ok = len != 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (p[i + k] & 0xC0) == 0x80;
      cp = (cp << 6) | (p[i + k] & 0x3Fu);
    }
    ok = ok && !(len == 2 && cp < 0x80) && !(len == 3 && cp < 0x800) && !(len == 4 && cp < 0x10000) && cp <= 0x10FFFF &&
         !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE && cp != 0xFFFF;
    if (ok) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view t) {
  const auto num = [&](std::size_t at, std::size_t n) -> int {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (i >= t.size() || t[i] < '0' || t[i] > '9') return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  if (t.size() < 20 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || t[13] != ':' ||
      t[16] != ':')
    return std::nullopt;
  const int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), se = num(17, 2);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60 ||
      d > days_in_month(y, mo))
    return std::nullopt;
  std::size_t i = 19;
  if (i < t.size() && t[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    if (i == start) return std::nullopt;
  }
  long offset = 0;
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    ++i;
  } else if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
    const int sign = t[i] == '+' ? 1 : -1;
    const int oh = num(i + 1, 2);
    const std::size_t m_at = i + 3 < t.size() && t[i + 3] == ':' ? i + 4 : i + 3;
    const int om = num(m_at, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return std::nullopt;
    offset = sign * (oh * 3600L + om * 60L);
    i = m_at + 2;
  } else {
    return std::nullopt;
  }
  if (i != t.size()) return std::nullopt;
  using namespace std::chrono;
  const sys_days date = year{y} / month{static_cast<unsigned>(mo)} / std::chrono::day{static_cast<unsigned>(d)};
  return system_clock::time_point(date) + hours{h} + minutes{mi} + seconds{se} - seconds{offset};
}

std::string format_iso8601(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace dsql::aws::sts
