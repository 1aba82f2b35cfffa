#include "iam/credentials.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "iam/config_file.hpp"
#include "iam/http.hpp"
#include "iam/sts.hpp"

extern char** environ;

namespace dsql::aws {

namespace {

using nlohmann::json;
using clock = std::chrono::system_clock;

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

bool is_true(std::optional<std::string> v) {
  if (!v) return false;
  for (auto& c : *v)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return *v == "true";
}

std::string profile_name(const std::optional<std::string>& explicit_profile) {
  if (explicit_profile) return *explicit_profile;
  if (auto p = env("AWS_PROFILE")) return *p;
  return "default";
}

std::string session_name() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now().time_since_epoch()).count();
  return "dsql-roles-" + std::to_string(ms);
}

// Reads a small file (a token); throws credentials_error naming what it is for.
std::string read_small_file(const std::string& path, std::size_t limit, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw credentials_error(what + ": cannot read " + path + ": " + std::strerror(errno));
  std::string out(limit + 1, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<std::size_t>(in.gcount()));
  if (out.size() > limit)
    throw credentials_error(what + ": " + path + " is larger than " + std::to_string(limit) + " bytes");
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) out.pop_back();
  if (out.empty()) throw credentials_error(what + ": " + path + " is empty");
  return out;
}

std::optional<std::int64_t> parse_int(const std::string& v) {
  try {
    std::size_t used = 0;
    const long long n = std::stoll(v, &used);
    if (used == v.size()) return n;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// Credentials from a JSON document (container, IMDS, credential_process): the key
// names differ by source (Token vs SessionToken).
credentials from_json(const std::string& text, const std::string& source, const char* token_key,
                      bool expiration_required) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception&) {
    throw credentials_error(source + ": the answer is not JSON");
  }
  if (!doc.is_object()) throw credentials_error(source + ": the answer is not a JSON object");
  const auto str = [&](const char* key) -> std::optional<std::string> {
    if (!doc.contains(key) || doc[key].is_null()) return std::nullopt;
    if (!doc[key].is_string()) throw credentials_error(source + ": " + key + " is not a string");
    return doc[key].get<std::string>();
  };
  credentials c;
  c.source = source;
  auto id = str("AccessKeyId");
  auto secret = str("SecretAccessKey");
  if (!id || id->empty() || !secret || secret->empty())
    throw credentials_error(source + ": the answer lacks AccessKeyId or SecretAccessKey");
  c.access_key_id = *id;
  c.secret_access_key = *secret;
  if (auto t = str(token_key); t && !t->empty()) c.session_token = *t;
  if (auto e = str("Expiration"); e && !e->empty()) {
    auto t = sts::parse_iso8601(*e);
    if (!t) throw credentials_error(source + ": Expiration is not an ISO 8601 time");
    c.expiration = *t;
  } else if (expiration_required) {
    throw credentials_error(source + ": the answer lacks Expiration");
  }
  return c;
}

// ---- providers ----

class fixed : public credentials_provider {
 public:
  explicit fixed(credentials c) : c_(std::move(c)) {}
  std::optional<credentials> fetch(std::string*) override { return c_; }
  std::string name() const override { return c_.source.empty() ? "static credentials" : c_.source; }

 private:
  credentials c_;
};

class environment : public credentials_provider {
 public:
  std::optional<credentials> fetch(std::string* why_not) override {
    const auto id = env("AWS_ACCESS_KEY_ID"), secret = env("AWS_SECRET_ACCESS_KEY");
    if (!id) {  // as botocore: the key id decides whether the source is configured
      if (why_not) *why_not = "AWS_ACCESS_KEY_ID is not set";
      return std::nullopt;
    }
    if (!secret)
      throw credentials_error("environment variables: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    credentials c{*id, *secret, env("AWS_SESSION_TOKEN"), "environment variables"};
    return c;
  }
  std::string name() const override { return "environment variables"; }
};

std::optional<credentials> web_identity(const std::string& role_arn, const std::string& token_file,
                                        const std::optional<std::string>& session,
                                        const std::optional<std::int64_t>& duration, const sts::endpoint& e,
                                        const std::string& source) {
  sts::web_identity_request r;
  r.role_arn = role_arn;
  r.session_name = session.value_or(session_name());
  r.web_identity_token = read_small_file(token_file, 20000, source);
  r.duration_seconds = duration;
  return sts::assume_role_with_web_identity(e, r, source).creds;
}

class web_identity_env : public credentials_provider {
 public:
  std::optional<credentials> fetch(std::string* why_not) override {
    const auto file = env("AWS_WEB_IDENTITY_TOKEN_FILE"), role = env("AWS_ROLE_ARN");
    if (!file && !role) {
      if (why_not) *why_not = "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set";
      return std::nullopt;
    }
    if (!file || !role)
      throw credentials_error(std::string("web identity from the environment: ") +
                              (file ? "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"
                                    : "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not"));
    const auto region = default_region();
    const shared_config cfg = load_shared_config();
    const auto e = sts::resolve_endpoint(region, &cfg, profile_name(std::nullopt));
    return web_identity(*role, *file, env("AWS_ROLE_SESSION_NAME"), std::nullopt, e,
                        "web identity (AWS_ROLE_ARN " + *role + ")");
  }
  std::string name() const override { return "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)"; }
};

// ---- credential_process ----

std::string run_process(const std::string& command, const std::string& source) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw credentials_error(source + ": pipe failed: " + std::strerror(errno));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    throw credentials_error(source + ": cannot start /bin/sh: " + std::strerror(rc));
  }
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool timed_out = false, too_big = false;
  char buf[4096];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    const ssize_t got = ::read(out[0], buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    text.append(buf, static_cast<std::size_t>(got));
    if (text.size() > 64 * 1024) {
      too_big = true;
      break;
    }
  }
  ::close(out[0]);
  if (timed_out || too_big) ::kill(-pid, SIGKILL);
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) throw credentials_error(source + ": the command did not finish within 60 s");
  if (too_big) throw credentials_error(source + ": the command printed more than 64 KiB");
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    throw credentials_error(
        source + ": the command failed (" +
        (WIFEXITED(st) ? "exit status " + std::to_string(WEXITSTATUS(st)) : "signal " + std::to_string(WTERMSIG(st))) +
        ")");
  return text;
}

credentials process_credentials(const std::string& command, const std::string& source) {
  const std::string text = run_process(command, source);
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception&) {
    throw credentials_error(source + ": the command's output is not JSON");
  }
  if (!doc.is_object() || !doc.contains("Version") || doc["Version"] != 1)
    throw credentials_error(source + ": the command's output must be a JSON object with \"Version\": 1");
  return from_json(text, source, "SessionToken", false);
}

class process : public credentials_provider {
 public:
  process(std::string command, std::string source) : command_(std::move(command)), source_(std::move(source)) {}
  std::optional<credentials> fetch(std::string*) override { return process_credentials(command_, source_); }
  std::string name() const override { return source_; }

 private:
  std::string command_, source_;
};

// ---- container ----

bool allowed_container_address(const sockaddr* a) {
  if (a->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(a);
    const std::uint32_t ip = ntohl(in->sin_addr.s_addr);
    return (ip >> 24) == 127 || ip == 0xA9FEAA02u /* 169.254.170.2 */ || ip == 0xA9FEAA17u /* 169.254.170.23 */;
  }
  if (a->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(a);
    if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) return true;
    in6_addr eks{};
    inet_pton(AF_INET6, "fd00:ec2::23", &eks);
    if (std::memcmp(&in6->sin6_addr, &eks, sizeof eks) == 0) return true;
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) return in6->sin6_addr.s6_addr[12] == 127;
  }
  return false;
}

// host of an http(s) URL (brackets removed), or empty.
std::string url_host(const std::string& url) {
  const auto s = url.find("://");
  if (s == std::string::npos) return {};
  const auto start = s + 3;
  const auto end = url.find_first_of("/?#", start);
  std::string auth = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (const auto at = auth.rfind('@'); at != std::string::npos) auth = auth.substr(at + 1);
  if (!auth.empty() && auth[0] == '[') {
    const auto close = auth.find(']');
    return close == std::string::npos ? std::string() : auth.substr(1, close - 1);
  }
  return auth.substr(0, auth.find(':'));
}

class container : public credentials_provider {
 public:
  std::optional<credentials> fetch(std::string* why_not) override {
    std::string url;
    const auto rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const auto full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (rel) {
      url = container_relative_url(*rel);
    } else if (full) {
      url = *full;
      check_full_uri(url);
    } else {
      if (why_not) *why_not = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set";
      return std::nullopt;
    }
    const std::string source = "container credentials (" + http::redacted(url) + ")";
    http::request r;
    r.url = url;
    r.direct = true;
    r.connect_timeout = std::chrono::milliseconds(2000);
    r.timeout = std::chrono::milliseconds(5000);
    if (auto file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
      r.headers.emplace_back("Authorization", read_small_file(*file, 16384, source + ": authorization token"));
    } else if (auto token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
      r.headers.emplace_back("Authorization", *token);
    }
    for (const auto& [n, v] : r.headers)
      if (v.find_first_of("\r\n") != std::string::npos)
        throw credentials_error(source + ": the authorization token holds a line break");
    http::response resp;
    try {
      resp = http::send(r);
    } catch (const http::http_error& e) {
      throw credentials_error(source + ": no answer: " + e.what());
    }
    if (resp.status != 200) {
      std::string detail;
      try {
        const auto doc = json::parse(resp.body);
        if (doc.is_object())
          for (const char* k : {"code", "Code"})
            if (doc.contains(k) && doc[k].is_string()) detail = ": " + doc[k].get<std::string>();
      } catch (const json::exception&) {
      }
      throw credentials_error(source + ": HTTP " + std::to_string(resp.status) + detail);
    }
    return from_json(resp.body, source, "Token", false);
  }
  std::string name() const override { return "container credentials"; }

 private:
  static void check_full_uri(const std::string& url) {
    const std::string what = "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI " + http::redacted(url);
    if (url.starts_with("https://")) return;
    if (!url.starts_with("http://")) throw credentials_error(what + " must be an http:// or https:// URL");
    const std::string host = url_host(url);
    if (host.empty()) throw credentials_error(what + " has no host");
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || !res)
      throw credentials_error(what + ": cannot resolve " + host);
    bool ok = true;
    for (addrinfo* a = res; a; a = a->ai_next) ok = ok && allowed_container_address(a->ai_addr);
    freeaddrinfo(res);
    if (!ok)
      throw credentials_error(what +
                              ": an http:// URL must name a loopback address, 169.254.170.2, "
                              "169.254.170.23 or fd00:ec2::23 (use https:// for other hosts)");
  }
};

// ---- EC2 instance metadata ----

class imds : public credentials_provider {
 public:
  explicit imds(std::optional<std::string> profile) : profile_(std::move(profile)) {}

  std::optional<credentials> fetch(std::string* why_not) override {
    if (is_true(env("AWS_EC2_METADATA_DISABLED"))) {
      if (why_not) *why_not = "disabled by AWS_EC2_METADATA_DISABLED";
      return std::nullopt;
    }
    const shared_config cfg = load_shared_config();
    const std::string prof = profile_name(profile_);
    std::string base;
    if (auto e = env("AWS_EC2_METADATA_SERVICE_ENDPOINT"))
      base = *e;
    else if (auto c = cfg.get(prof, "ec2_metadata_service_endpoint"))
      base = *c;
    else {
      auto mode = env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
      if (!mode) mode = cfg.get(prof, "ec2_metadata_service_endpoint_mode");
      base = mode && (*mode == "IPv6" || *mode == "ipv6") ? "http://[fd00:ec2::254]" : "http://169.254.169.254";
    }
    while (!base.empty() && base.back() == '/') base.pop_back();
    bool v1_disabled = is_true(env("AWS_EC2_METADATA_V1_DISABLED"));
    if (!v1_disabled) v1_disabled = is_true(cfg.get(prof, "ec2_metadata_v1_disabled"));
    long timeout_s = 1, attempts = 1;
    if (auto t = env("AWS_METADATA_SERVICE_TIMEOUT"); t && parse_int(*t) && *parse_int(*t) > 0)
      timeout_s = static_cast<long>(*parse_int(*t));
    if (auto n = env("AWS_METADATA_SERVICE_NUM_ATTEMPTS"); n && parse_int(*n) && *parse_int(*n) > 0)
      attempts = static_cast<long>(*parse_int(*n));
    const std::string source = "EC2 instance metadata (" + base + ")";
    std::string last;
    for (long i = 0; i < attempts; ++i) {
      try {
        return fetch_from(base, timeout_s, v1_disabled, source);
      } catch (const unreachable& e) {
        last = e.what();
      }
    }
    if (why_not) *why_not = "not reachable: " + last;
    return std::nullopt;
  }
  std::string name() const override { return "EC2 instance metadata"; }

 private:
  struct unreachable : std::runtime_error {
    using std::runtime_error::runtime_error;
  };

  static http::response send(http::request r, long timeout_s) {
    r.connect_timeout = std::chrono::milliseconds(timeout_s * 1000);
    r.timeout = std::chrono::milliseconds(timeout_s * 1000);
    r.max_response_bytes = 64 * 1024;
    r.direct = true;
    try {
      return http::send(r);
    } catch (const http::http_error& e) {
      throw unreachable(e.what());
    }
  }

  static credentials fetch_from(const std::string& base, long timeout_s, bool v1_disabled, const std::string& source) {
    http::request put;
    put.method = "PUT";
    put.url = base + "/latest/api/token";
    put.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}};
    const http::response t = send(put, timeout_s);
    std::optional<std::string> token;
    if (t.status == 200 && !t.body.empty()) {
      token = t.body;
    } else if ((t.status == 404 || t.status == 405) && !v1_disabled) {
      token = std::nullopt;  // IMDSv1
    } else if (t.status == 403) {
      throw credentials_error(source + ": the token request was forbidden (IMDS is disabled on this instance)");
    } else {
      throw credentials_error(source + ": the token request answered HTTP " + std::to_string(t.status) +
                              (v1_disabled ? " (IMDSv1 fallback disabled)" : ""));
    }
    const auto get = [&](const std::string& path) {
      http::request g;
      g.url = base + path;
      if (token) g.headers = {{"X-aws-ec2-metadata-token", *token}};
      const http::response r = send(g, timeout_s);
      if (r.status == 404) throw credentials_error(source + ": " + path + " not found (no IAM role attached?)");
      if (r.status != 200)
        throw credentials_error(source + ": GET " + path + " answered HTTP " + std::to_string(r.status));
      return r.body;
    };
    std::string role = get("/latest/meta-data/iam/security-credentials/");
    role = role.substr(0, role.find_first_of("\r\n"));
    if (role.empty() || role.find_first_of("/?#% ") != std::string::npos)
      throw credentials_error(source + ": no usable IAM role name in the instance metadata");
    const std::string body = get("/latest/meta-data/iam/security-credentials/" + role);
    try {
      const auto doc = json::parse(body);
      if (doc.is_object() && doc.contains("Code") && doc["Code"] != "Success")
        throw credentials_error(source + ": the credentials document's Code is not Success");
    } catch (const json::exception&) {
    }
    return from_json(body, source + " role " + role, "Token", true);
  }

  std::optional<std::string> profile_;
};

// ---- shared config profile ----

class profile : public credentials_provider {
 public:
  explicit profile(std::optional<std::string> p) : explicit_(std::move(p)) {}

  std::optional<credentials> fetch(std::string* why_not) override {
    const shared_config cfg = load_shared_config();
    const std::string name = profile_name(explicit_);
    const bool asked = explicit_.has_value() || env("AWS_PROFILE").has_value();
    if (!cfg.profile(name)) {
      if (asked) throw credentials_error("profile " + name + ": not found in " + files(cfg));
      if (why_not) *why_not = "no [default] profile in " + files(cfg);
      return std::nullopt;
    }
    std::set<std::string> visited;
    auto c = resolve(cfg, name, name, visited, true);
    if (!c && why_not) *why_not = "profile " + name + " holds no credentials settings";
    if (!c && asked)
      throw credentials_error("profile " + name + " in " + files(cfg) +
                              " has no aws_access_key_id/aws_secret_access_key, role_arn, "
                              "web_identity_token_file or credential_process");
    return c;
  }
  std::string name() const override { return "profile " + profile_name(explicit_); }

 private:
  static std::string files(const shared_config& cfg) {
    return cfg.config_file.string() + " or " + cfg.credentials_file.string();
  }

  // The credentials of profile `name`; `top` is the profile the chain asked for (its
  // region and STS endpoint are used throughout, as botocore does).
  std::optional<credentials> resolve(const shared_config& cfg, const std::string& top, const std::string& name,
                                     std::set<std::string>& visited, bool allow_role) const {
    const std::string where = "profile " + name;
    if (!cfg.profile(name))
      throw credentials_error(where + ": not found in " + files(cfg) + " (named by source_profile)");
    const auto get = [&](const char* key) { return cfg.get(name, key); };
    const auto region = region_of(cfg, top);
    const auto role_arn = get("role_arn");
    if (role_arn && allow_role) {
      if (get("mfa_serial"))
        throw credentials_error(where + ": mfa_serial is not supported (an MFA code cannot be asked for here)");
      std::optional<std::int64_t> duration;
      if (auto d = get("duration_seconds")) {
        duration = parse_int(*d);
        if (!duration) throw credentials_error(where + ": duration_seconds is not a number");
      }
      const auto e = sts::resolve_endpoint(region, &cfg, top);
      if (auto file = get("web_identity_token_file"))
        return web_identity(*role_arn, *file, get("role_session_name"), duration, e,
                            where + " (role_arn " + *role_arn + ", web_identity_token_file)");
      std::optional<credentials> source;
      std::string via;
      if (auto sp = get("source_profile")) {
        if (visited.contains(name)) throw credentials_error(where + ": source_profile forms a cycle");
        visited.insert(name);
        // A profile that names itself uses its own static keys (as the SDKs do).
        source = resolve(cfg, top, *sp, visited, *sp != name);
        if (!source) throw credentials_error(where + ": source_profile " + *sp + " has no credentials");
        via = "source_profile " + *sp;
      } else if (auto cs = get("credential_source")) {
        provider_ptr p;
        if (*cs == "Environment")
          p = environment_provider();
        else if (*cs == "Ec2InstanceMetadata")
          p = imds_provider(top);
        else if (*cs == "EcsContainer")
          p = container_provider();
        else
          throw credentials_error(where +
                                  ": credential_source must be Environment, Ec2InstanceMetadata or EcsContainer");
        std::string why;
        source = p->fetch(&why);
        if (!source)
          throw credentials_error(where + ": credential_source " + *cs + " has no credentials (" + why + ")");
        via = "credential_source " + *cs;
      } else {
        throw credentials_error(where +
                                ": role_arn needs source_profile, credential_source or "
                                "web_identity_token_file");
      }
      sts::assume_role_request r;
      r.role_arn = *role_arn;
      r.session_name = get("role_session_name").value_or(session_name());
      r.duration_seconds = duration;
      r.external_id = get("external_id");
      return sts::assume_role(e, *source, r, where + " (role_arn " + *role_arn + " via " + via + ")").creds;
    }
    if (auto cmd = get("credential_process")) return process_credentials(*cmd, where + " (credential_process)");
    const auto id = get("aws_access_key_id"), secret = get("aws_secret_access_key");
    if (id && secret) {
      credentials c{*id, *secret, get("aws_session_token"), where + " in " + files(cfg)};
      return c;
    }
    if (id || secret) throw credentials_error(where + ": aws_access_key_id and aws_secret_access_key must both be set");
    if (get("sso_session") || get("sso_start_url"))
      throw credentials_error(where +
                              ": IAM Identity Center (sso_*) profiles are not supported; use "
                              "credential_process or role_arn");
    if (!allow_role && role_arn)
      throw credentials_error(where + ": names itself as source_profile but has no static keys");
    return std::nullopt;
  }

  static std::optional<std::string> region_of(const shared_config& cfg, const std::string& p) {
    if (auto r = env("AWS_REGION")) return r;
    if (auto r = env("AWS_DEFAULT_REGION")) return r;
    return cfg.get(p, "region");
  }

  std::optional<std::string> explicit_;
};

class chain : public credentials_provider {
 public:
  explicit chain(std::vector<provider_ptr> p) : providers_(std::move(p)) {}
  std::optional<credentials> fetch(std::string* why_not) override {
    std::string tried;
    for (const auto& p : providers_) {
      std::string why;
      if (auto c = p->fetch(&why)) return c;
      tried += (tried.empty() ? "" : "; ") + p->name() + (why.empty() ? "" : ": " + why);
    }
    if (why_not) *why_not = tried;
    return std::nullopt;
  }
  std::string name() const override { return "the AWS credential chain"; }

 private:
  std::vector<provider_ptr> providers_;
};

}  // namespace

provider_ptr static_provider(credentials c) { return std::make_shared<fixed>(std::move(c)); }
provider_ptr environment_provider() { return std::make_shared<environment>(); }
provider_ptr profile_provider(std::optional<std::string> p) { return std::make_shared<profile>(std::move(p)); }
provider_ptr web_identity_provider() { return std::make_shared<web_identity_env>(); }
provider_ptr container_provider() { return std::make_shared<container>(); }
provider_ptr imds_provider(std::optional<std::string> p) { return std::make_shared<imds>(std::move(p)); }
provider_ptr process_provider(std::string command, std::string source) {
  return std::make_shared<process>(std::move(command), std::move(source));
}
provider_ptr chain_provider(std::vector<provider_ptr> providers) {
  return std::make_shared<chain>(std::move(providers));
}

provider_ptr default_chain(std::optional<std::string> profile) {
  std::vector<provider_ptr> p;
  if (!profile) p.push_back(environment_provider());
  p.push_back(profile_provider(profile));
  p.push_back(web_identity_provider());
  p.push_back(container_provider());
  p.push_back(imds_provider(profile));
  return chain_provider(std::move(p));
}

std::optional<std::string> default_region(std::optional<std::string> profile) {
  if (auto r = env("AWS_REGION")) return r;
  if (auto r = env("AWS_DEFAULT_REGION")) return r;
  try {
    return load_shared_config().get(profile_name(profile), "region");
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string container_relative_url(const std::string& relative_uri) {
  return "http://169.254.170.2" + (relative_uri.starts_with("/") ? relative_uri : "/" + relative_uri);
}

// ---- the cache ----

credentials_cache::credentials_cache(provider_ptr provider, cache_options options)
    : provider_(std::move(provider)), options_(options) {
  if (!provider_) throw std::invalid_argument("credentials_cache: no provider");
}

credentials_cache::~credentials_cache() {
  std::unique_lock lock(m_);
  cv_.wait(lock, [&] { return !fetching_; });
  lock.unlock();
  if (worker_.joinable()) worker_.join();
}

bool credentials_cache::fresh(const credentials& c, clock::time_point now) const {
  return !c.expiration || *c.expiration - now > options_.refresh_before;
}

bool credentials_cache::usable(const credentials& c, clock::time_point now) const {
  return !c.expiration || *c.expiration - now > options_.expiry_margin;
}

void credentials_cache::fetch_once() {
  std::shared_ptr<const credentials> fresh_creds;
  std::exception_ptr err;
  try {
    std::string why;
    auto c = provider_->fetch(&why);
    if (c)
      fresh_creds = std::make_shared<const credentials>(std::move(*c));
    else
      err = std::make_exception_ptr(credentials_error("no AWS credentials: tried " + why));
  } catch (...) {
    err = std::current_exception();
  }
  std::lock_guard lock(m_);
  if (fresh_creds) {
    current_.store(fresh_creds);
    last_error_ = nullptr;
  } else {
    last_error_ = err;
    next_retry_ = clock::now() + options_.retry_after;
  }
  fetching_ = false;
  ++generation_;
  fetches_.fetch_add(1);
  cv_.notify_all();
}

std::shared_ptr<const credentials> credentials_cache::get() {
  auto now = clock::now();
  if (auto c = current_.load(); c && fresh(*c, now)) return c;  // the fast path: no lock
  std::unique_lock lock(m_);
  for (;;) {
    now = clock::now();
    auto c = current_.load();
    if (c && fresh(*c, now)) return c;
    if (c && usable(*c, now)) {
      if (!fetching_ && now >= next_retry_) {  // refresh in the background, serve the cached ones
        fetching_ = true;
        if (worker_.joinable()) worker_.join();  // the previous refresh has finished
        worker_ = std::thread([this] { fetch_once(); });
      }
      return c;
    }
    // cold: nothing usable cached
    if (fetching_) {
      const auto gen = generation_;
      cv_.wait(lock, [&] { return generation_ != gen; });
    } else {
      fetching_ = true;
      lock.unlock();
      fetch_once();
      lock.lock();
    }
    // After a fetch: the newest credentials, even inside the margin, while they
    // have not expired (nothing fresher can be had now).
    c = current_.load();
    now = clock::now();
    if (last_error_) std::rethrow_exception(last_error_);
    if (c && (!c->expiration || *c->expiration > now)) return c;
    throw credentials_error("the credentials from " + (c ? c->source : provider_->name()) + " have already expired");
  }
}

void credentials_cache::invalidate() {
  std::lock_guard lock(m_);
  current_.store(nullptr);
  next_retry_ = {};
}

std::shared_ptr<credentials_cache> default_credentials(std::optional<std::string> profile, cache_options options) {
  return std::make_shared<credentials_cache>(default_chain(std::move(profile)), options);
}

}  // namespace dsql::aws
