#include "iam/sts_server.hpp"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstring>
#include <optional>
#include <stdexcept>

#include "iam/jwt.hpp"
#include "iam/state.hpp"
#include "iam/sts.hpp"
#include "iam/trust.hpp"
#include "sigv4.h"

namespace dsql::aws::sts {

namespace {

constexpr std::size_t max_body = 64 * 1024;

struct fault {
  int status;
  std::string code, message;
  std::string detail = {};  ///< for the log only (the evaluator's reason), never sent
};

std::string request_id() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) return "00000000-0000-0000-0000-000000000000";
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  char hex[33];
  dsql_sigv4_hex(b, sizeof b, hex);
  const std::string h(hex);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string tag(const std::string& name, const std::string& text) {
  return "<" + name + ">" + xml_escape(text) + "</" + name + ">";
}

local_server::reply ok(const std::string& action, const std::string& result, const std::string& rid) {
  return {200, "<" + action + "Response xmlns=\"" + std::string(xml_namespace) + "\">\n  <" + action + "Result>\n" +
                   result + "  </" + action + "Result>\n  <ResponseMetadata>\n    " + tag("RequestId", rid) +
                   "\n  </ResponseMetadata>\n</" + action + "Response>\n"};
}

local_server::reply error(const fault& f, const std::string& rid) {
  return {f.status, "<ErrorResponse xmlns=\"" + std::string(xml_namespace) + "\">\n  <Error>\n    " +
                        tag("Type", f.status >= 500 ? "Receiver" : "Sender") + "\n    " + tag("Code", f.code) +
                        "\n    " + tag("Message", f.message) + "\n  </Error>\n  " + tag("RequestId", rid) +
                        "\n</ErrorResponse>\n"};
}

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::optional<std::string> header(const local_server::header_list& h, const std::string& name) {
  std::optional<std::string> found;
  for (const auto& [n, v] : h)
    if (lower(n) == name) {
      if (found) return std::nullopt;  // repeated: refuse rather than guess
      found = v;
    }
  return found;
}

std::optional<std::string> param(const form& f, const std::string& name) {
  for (const auto& [k, v] : f)
    if (k == name) return v;
  return std::nullopt;
}

std::string required(const form& f, const std::string& name) {
  auto v = param(f, name);
  if (!v || v->empty())
    throw fault{400, "ValidationError",
                "1 validation error detected: Value null at '" + name +
                    "' failed to satisfy constraint: Member must not be null"};
  return *v;
}

void check_session_name(const std::string& s) {
  bool ok = s.size() >= 2 && s.size() <= 64;
  for (const char c : s)
    ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                std::strchr("_+=,.@-", c) != nullptr);
  if (!ok)
    throw fault{400, "ValidationError",
                "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must "
                "have length between 2 and 64 and match [\\w+=,.@-]*"};
}

// Parameters that narrow a session on AWS (session policies, tags, MFA, source
// identity): ignoring one would grant locally what AWS refuses, so they are refused.
void refuse_unsupported(const form& f) {
  static constexpr std::string_view narrowing[] = {
      "Policy",       "PolicyArns.", "Tags.",          "TransitiveTagKeys.",
      "SerialNumber", "TokenCode",   "SourceIdentity", "ProvidedContexts."};
  for (const auto& [k, v] : f)
    for (const auto n : narrowing)
      if (n.back() == '.' ? k.starts_with(n) : k == n)
        throw fault{400, "ValidationError",
                    "the local STS does not support the parameter " + k +
                        " (session policies, tags, MFA and source identity are not emulated)"};
}

std::int64_t duration_of(const form& f, std::int64_t max) {
  const auto v = param(f, "DurationSeconds");
  if (!v) return 3600;
  std::int64_t d = -1;
  try {
    std::size_t used = 0;
    d = std::stoll(*v, &used);
    if (used != v->size()) d = -1;
  } catch (const std::exception&) {
  }
  if (d < 900 || d > 43200)
    throw fault{400, "ValidationError",
                "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must "
                "have value between 900 and 43200"};
  if (d > max)
    throw fault{400, "ValidationError",
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."};
  return d;
}

// arn:aws:iam::<account>:... -> account
std::string account_of(const std::string& arn) {
  const std::string p = "arn:aws:iam::";
  if (!arn.starts_with(p)) return {};
  return arn.substr(p.size(), arn.find(':', p.size()) - p.size());
}

struct caller {
  access_key key;
  principal who;
  std::string account, arn, user_id, session_arn;
};

// The <host/path> of an OIDC provider's ARN (its condition keys' prefix), or "".
std::string provider_path(const std::string& arn) {
  const std::string marker = ":oidc-provider/";
  const auto at = arn.find(marker);
  return at == std::string::npos ? std::string() : arn.substr(at + marker.size());
}

std::string credentials_xml(const access_key& k) {
  return "    <Credentials>\n      " + tag("AccessKeyId", k.access_key_id) + "\n      " +
         tag("SecretAccessKey", k.secret_access_key) + "\n      " + tag("SessionToken", k.session_token.value_or("")) +
         "\n      " +
         tag("Expiration", format_iso8601(std::chrono::system_clock::time_point(std::chrono::seconds(*k.expires_at)))) +
         "\n    </Credentials>\n";
}

std::string assumed_user_xml(const principal& role, const std::string& session) {
  const std::string arn = trust::session_arn(role.arn, session);
  return "    <AssumedRoleUser>\n      " + tag("AssumedRoleId", role.id + ":" + session) + "\n      " +
         tag("Arn", arn) + "\n    </AssumedRoleUser>\n";
}

bool is_loopback(const std::string& address, bool* v6) {
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, address.c_str(), &a4) == 1) {
    *v6 = false;
    return (ntohl(a4.s_addr) >> 24) == 127;
  }
  if (inet_pton(AF_INET6, address.c_str(), &a6) == 1) {
    *v6 = true;
    return IN6_IS_ADDR_LOOPBACK(&a6);
  }
  return false;
}

struct connection_data {
  std::string body;
  bool too_big = false;
};

MHD_Result collect_header(void* cls, MHD_ValueKind, const char* key, const char* value) {
  static_cast<local_server::header_list*>(cls)->emplace_back(key ? key : "", value ? value : "");
  return MHD_YES;
}

// The client's address, for aws:SourceIp ("" when unknown).
std::string client_address(MHD_Connection* c) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  char text[INET6_ADDRSTRLEN] = "";
  if (info == nullptr || info->client_addr == nullptr) return {};
  if (info->client_addr->sa_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(info->client_addr)->sin_addr, text, sizeof text);
  else if (info->client_addr->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(info->client_addr)->sin6_addr, text, sizeof text);
  return text;
}

MHD_Result on_request(void* cls, MHD_Connection* c, const char* url, const char* method, const char*,
                      const char* upload_data, size_t* upload_size, void** con_cls) {
  auto* self = static_cast<local_server*>(cls);
  if (*con_cls == nullptr) {
    *con_cls = new (std::nothrow) connection_data;
    return *con_cls ? MHD_YES : MHD_NO;
  }
  auto* d = static_cast<connection_data*>(*con_cls);
  if (*upload_size != 0) {
    if (d->body.size() + *upload_size > max_body)
      d->too_big = true;
    else
      d->body.append(upload_data, *upload_size);
    *upload_size = 0;
    return MHD_YES;
  }
  local_server::reply r;
  try {
    if (d->too_big) {
      r = error({413, "RequestEntityTooLarge", "the request body is larger than 64 KiB"}, request_id());
    } else {
      local_server::header_list headers;
      MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &headers);
      r = self->handle(method ? method : "", url ? url : "", headers, d->body,
                       static_cast<std::int64_t>(std::time(nullptr)), client_address(c));
    }
  } catch (...) {
    r = error({500, "InternalFailure", "the local STS failed to handle the request"}, request_id());
  }
  MHD_Response* resp = MHD_create_response_from_buffer(r.body.size(), r.body.data(), MHD_RESPMEM_MUST_COPY);
  if (!resp) return MHD_NO;
  MHD_add_response_header(resp, "Content-Type", "text/xml");
  const MHD_Result ret = MHD_queue_response(c, static_cast<unsigned>(r.status), resp);
  MHD_destroy_response(resp);
  return ret;
}

void on_completed(void*, MHD_Connection*, void** con_cls, MHD_RequestTerminationCode) {
  delete static_cast<connection_data*>(*con_cls);
  *con_cls = nullptr;
}

}  // namespace

local_server::local_server(server_options options) : options_(std::move(options)) {
  bool v6 = false;
  if (!is_loopback(options_.address, &v6))
    throw std::runtime_error("the local STS listens on a loopback address only (127.0.0.1 or ::1), not " +
                             options_.address);
  if (options_.port < 0 || options_.port > 65535) throw std::runtime_error("the local STS port must be 0..65535");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options_.state_file, ec))
    throw std::runtime_error("no local IAM state at " + options_.state_file.string() + " (dsqlctl iam ... creates it)");
  state_ = std::make_unique<state>(options_.state_file);
  sockaddr_in a4{};
  sockaddr_in6 a6{};
  const sockaddr* addr;
  if (v6) {
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(static_cast<std::uint16_t>(options_.port));
    inet_pton(AF_INET6, options_.address.c_str(), &a6.sin6_addr);
    addr = reinterpret_cast<const sockaddr*>(&a6);
  } else {
    a4.sin_family = AF_INET;
    a4.sin_port = htons(static_cast<std::uint16_t>(options_.port));
    inet_pton(AF_INET, options_.address.c_str(), &a4.sin_addr);
    addr = reinterpret_cast<const sockaddr*>(&a4);
  }
  daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | (v6 ? MHD_USE_IPv6 : 0),
                             static_cast<std::uint16_t>(options_.port), nullptr, nullptr, &on_request, this,
                             MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_NOTIFY_COMPLETED, &on_completed, nullptr,
                             MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_END);
  if (!daemon_)
    throw std::runtime_error("the local STS cannot listen on " + options_.address + ":" +
                             std::to_string(options_.port) + " (port in use?)");
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
  port_ = info ? info->port : options_.port;
}

local_server::~local_server() {
  if (daemon_) MHD_stop_daemon(daemon_);
}

std::string local_server::url() const {
  bool v6 = false;
  (void)is_loopback(options_.address, &v6);
  return "http://" + (v6 ? "[" + options_.address + "]" : options_.address) + ":" + std::to_string(port_);
}

local_server::reply local_server::handle(const std::string& method, const std::string& path, const header_list& headers,
                                         const std::string& body, std::int64_t now, const std::string& source_ip) {
  std::lock_guard lock(m_);
  const std::string rid = request_id();
  std::string action = "-", who = "-";
  const auto log = [&](const std::string& outcome) {
    if (!options_.log) return;
    std::string line = "sts " + action + " caller=" + who + " " + outcome;
    for (auto& ch : line)  // request bytes never break the log into lines
      if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
    options_.log(line.substr(0, 512));
  };
  try {
    if (method != "POST" || path != "/")
      throw fault{400, "InvalidAction", "the local STS takes POST / with a form-encoded body (AWS query protocol)"};
    const auto f = form_decode(body);
    if (!f) throw fault{400, "MalformedQueryString", "the body is not application/x-www-form-urlencoded"};
    action = param(*f, "Action").value_or("");
    if (action.empty()) throw fault{400, "MissingAction", "Missing Action"};
    if (param(*f, "Version").value_or("") != api_version)
      throw fault{400, "InvalidAction",
                  "Could not find operation " + action + " for version " +
                      param(*f, "Version").value_or("NO_VERSION_SPECIFIED")};

    // Signed actions: authenticate the caller first.
    const auto authenticate = [&]() -> caller {
      const auto auth_header = header(headers, "authorization");
      if (!auth_header) throw fault{403, "MissingAuthenticationToken", "Request is missing Authentication Token"};
      dsql_sigv4_authorization a;
      if (!dsql_sigv4_parse_authorization(auth_header->data(), auth_header->size(), &a))
        throw fault{400, "IncompleteSignature",
                    "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters"};
      who = a.access_key_id;
      if (std::string(a.service) != "sts")
        throw fault{403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'."};
      if (a.region != options_.region)
        throw fault{403, "SignatureDoesNotMatch",
                    "Credential should be scoped to a valid region, not '" + std::string(a.region) +
                        "'. This local STS serves " + options_.region + "."};
      const std::string sh = a.signed_headers;
      if ((";" + sh + ";").find(";host;") == std::string::npos)
        throw fault{403, "SignatureDoesNotMatch", "The host header must be signed."};
      const auto amz = header(headers, "x-amz-date");
      std::int64_t t = 0;
      if (!amz || !dsql_sigv4_parse_time(amz->c_str(), &t))
        throw fault{400, "IncompleteSignature", "Authorization header requires existence of a 'X-Amz-Date' header."};
      if (t < now - options_.max_skew.count() || t > now + options_.max_skew.count())
        throw fault{403, "SignatureDoesNotMatch",
                    "Signature expired: " + *amz + " is outside 15 minutes of the local STS's clock."};
      auto key = state_->find_access_key(a.access_key_id);
      if (!key) throw fault{403, "InvalidClientTokenId", "The security token included in the request is invalid."};
      char payload[65];
      if (!dsql_sigv4_sha256_hex(body.data(), body.size(), payload))
        throw fault{500, "InternalFailure", "cannot hash the request"};
      if (auto declared = header(headers, "x-amz-content-sha256"); declared && *declared != payload)
        throw fault{400, "XAmzContentSHA256Mismatch",
                    "The provided 'x-amz-content-sha256' header does not match what was computed."};
      std::vector<dsql_sigv4_header> hs;
      for (const auto& [n, v] : headers) hs.push_back({n.c_str(), v.c_str()});
      dsql_sigv4_request req{"POST", "/", nullptr, 0, hs.data(), hs.size(), a.signed_headers, payload};
      const bool good = dsql_sigv4_verify_request(&req, &a, amz->c_str(), key->secret_access_key.c_str());
      OPENSSL_cleanse(key->secret_access_key.data(), key->secret_access_key.size());
      if (!good)
        throw fault{403, "SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you provided. Check your "
                    "AWS Secret Access Key and signing method."};
      if (key->expires_at && now >= *key->expires_at)
        throw fault{403, "ExpiredToken", "The security token included in the request is expired"};
      const auto token = header(headers, "x-amz-security-token");
      if (key->session_token.has_value() != token.has_value() ||
          (token && (token->size() != key->session_token->size() ||
                     CRYPTO_memcmp(token->data(), key->session_token->data(), token->size()) != 0)))
        throw fault{403, "InvalidClientTokenId", "The security token included in the request is invalid."};
      caller c;
      c.key = *key;
      const auto p = state_->find_principal(key->principal_arn);
      if (!p) throw fault{403, "InvalidClientTokenId", "The security token included in the request is invalid."};
      c.who = *p;
      c.account = account_of(p->arn);
      c.arn = p->arn;
      c.user_id = p->id;
      if (key->session_name && p->kind == "role") {
        c.session_arn = trust::session_arn(p->arn, *key->session_name);
        c.arn = c.session_arn;
        c.user_id = p->id + ":" + *key->session_name;
      }
      return c;
    };

    const auto issue = [&](const principal& role, const std::string& session, std::int64_t duration) {
      (void)state_->delete_expired_keys(now - 86400);
      return state_->create_session_key(role.arn, session, now + duration);
    };
    const auto find_role = [&](const std::string& arn, const std::string& deny) -> principal {
      const auto role = state_->find_principal(arn);
      if (!role || role->kind != "role") throw fault{403, "AccessDenied", deny, "no such role"};
      return *role;
    };
    // The trust policy's answer, from the one evaluator (trust.hpp, extension/policy.c).
    const auto check_trust = [&](trust::request tr, const std::string& deny) {
      tr.region = options_.region;
      if (!source_ip.empty()) tr.source_ip = source_ip;
      tr.secure_transport = false;  // plain HTTP on loopback
      tr.now = now;
      const trust::answer a = trust::evaluate(*state_, tr);
      if (!a.allowed) throw fault{403, "AccessDenied", deny, a.reason};
    };

    if (action == "GetCallerIdentity") {
      const caller c = authenticate();
      log("ok " + c.arn);
      return ok(action,
                "    " + tag("Arn", c.arn) + "\n    " + tag("UserId", c.user_id) + "\n    " +
                    tag("Account", c.account) + "\n",
                rid);
    }
    if (action == "AssumeRole") {
      const caller c = authenticate();
      const std::string role_arn = required(*f, "RoleArn");
      const std::string session = required(*f, "RoleSessionName");
      check_session_name(session);
      refuse_unsupported(*f);
      const std::int64_t duration = duration_of(*f, c.session_arn.empty() ? 43200 : 3600);
      const auto external = param(*f, "ExternalId");
      if (external && (external->size() < 2 || external->size() > 1224))
        throw fault{400, "ValidationError", "ExternalId must have length between 2 and 1224"};
      const std::string deny =
          "User: " + c.arn + " is not authorized to perform: sts:AssumeRole on resource: " + role_arn;
      const principal role = find_role(role_arn, deny);
      trust::request tr;
      tr.action = "sts:AssumeRole";
      tr.role_arn = role.arn;
      tr.caller = c.who;
      tr.access_key_id = c.key.access_key_id;
      tr.session_name = c.key.session_name;
      tr.context.emplace_back("sts:RoleSessionName", session);
      if (external) tr.context.emplace_back("sts:ExternalId", *external);
      check_trust(std::move(tr), deny);
      const access_key k = issue(role, session, duration);
      log("ok " + role_arn + " session " + session + " key " + k.access_key_id);
      return ok(action, credentials_xml(k) + assumed_user_xml(role, session), rid);
    }
    if (action == "AssumeRoleWithWebIdentity") {
      const std::string token = required(*f, "WebIdentityToken");
      const std::string role_arn = required(*f, "RoleArn");
      const std::string session = required(*f, "RoleSessionName");
      check_session_name(session);
      refuse_unsupported(*f);
      const std::int64_t duration = duration_of(*f, 43200);
      if (token.size() > jwt::max_token_bytes)
        throw fault{400, "ValidationError", "WebIdentityToken must be at most 20000 characters long"};
      jwt::claims peeked;
      try {
        peeked = jwt::peek(token);
      } catch (const jwt::jwt_error& e) {
        throw fault{400, "InvalidIdentityToken", std::string("The web identity token is malformed: ") + e.what()};
      }
      if (peeked.iss.empty()) throw fault{400, "InvalidIdentityToken", "The web identity token has no iss claim"};
      auto provider = state_->find_oidc_provider(peeked.iss);
      if (!provider && !peeked.iss.starts_with("https://"))
        provider = state_->find_oidc_provider("https://" + peeked.iss);
      if (!provider)
        throw fault{400, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for " + peeked.iss};
      who = provider->arn;
      jwt::claims c;
      try {
        c = jwt::verify(token, provider->public_key);
      } catch (const jwt::jwt_error& e) {
        throw fault{400, "InvalidIdentityToken", e.what()};
      }
      if (!c.exp) throw fault{400, "InvalidIdentityToken", "The web identity token has no exp claim"};
      if (now >= *c.exp)
        throw fault{400, "ExpiredTokenException",
                    "Token expired: current date/time " + std::to_string(now) +
                        " must be before the expiration date/time " + std::to_string(*c.exp)};
      if (c.nbf && *c.nbf > now + 60)
        throw fault{400, "InvalidIdentityToken", "The web identity token is not yet valid (nbf)"};
      std::vector<std::string> matched;
      for (const auto& a : c.aud)
        for (const auto& id : provider->client_ids)
          if (a == id) matched.push_back(a);
      if (matched.empty()) throw fault{400, "InvalidIdentityToken", "Incorrect token audience"};
      if (c.sub.empty()) throw fault{400, "InvalidIdentityToken", "The web identity token has no sub claim"};
      const std::string deny = "Not authorized to perform sts:AssumeRoleWithWebIdentity";
      const principal role = find_role(role_arn, deny);
      const std::string issuer = lower(provider->url.substr(std::string_view("https://").size()));
      trust::request tr;
      tr.action = "sts:AssumeRoleWithWebIdentity";
      tr.role_arn = role.arn;
      tr.federated = provider->arn;
      // the provider's keys are named after its ARN's <host/path> (its URL's)
      if (const std::string keys = provider_path(provider->arn); !keys.empty()) {
        for (const auto& a : matched) tr.context.emplace_back(keys + ":aud", a);
        tr.context.emplace_back(keys + ":sub", c.sub);
      }
      tr.context.emplace_back("sts:RoleSessionName", session);
      check_trust(std::move(tr), deny);
      const access_key k = issue(role, session, duration);
      log("ok " + role_arn + " session " + session + " key " + k.access_key_id + " sub " + c.sub);
      return ok(action,
                "    " + tag("SubjectFromWebIdentityToken", c.sub) + "\n    " + tag("Audience", matched.front()) +
                    "\n" + assumed_user_xml(role, session) + credentials_xml(k) + "    " + tag("Provider", issuer) +
                    "\n",
                rid);
    }
    throw fault{400, "InvalidAction",
                "Could not find operation " + action + " for version " + std::string(api_version)};
  } catch (const fault& e) {
    log(e.detail.empty() ? e.code : e.code + " (" + e.detail + ")");
    return error(e, rid);
  } catch (const state_error& e) {
    log("InternalFailure");
    return error({500, "InternalFailure", std::string("local IAM state: ") + e.what()}, rid);
  }
}

}  // namespace dsql::aws::sts
