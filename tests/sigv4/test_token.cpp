// DSQL tokens: generation, parsing (every refusal of seed-flow.md list 5 that needs no
// key store), signature verification, the key-free checks, and byte-for-byte interop
// with Debian's python3-botocore (SigV4QueryAuth, service dsql).
#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "sigv4.h"

namespace {

constexpr const char* akid = "AKIAIOSFODNN7EXAMPLE";
constexpr const char* secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr const char* host = "abc123.dsql.us-east-1.on.aws";
constexpr int64_t t0 = 1764410000;  // 2025-11-29T09:53:20Z

std::string generate(const char* h = host, dsql_token_action a = DSQL_TOKEN_DB_CONNECT, int64_t now = t0,
                     int64_t expires = 900, const char* session = nullptr, const char* region = "us-east-1") {
  dsql_sigv4_credentials c{akid, secret, session};
  std::string out(DSQL_TOKEN_MAX_LEN + 1, '\0');
  const int n = dsql_token_generate(h, region, a, now, expires, &c, out.data(), out.size());
  if (n < 0) return {};
  out.resize(static_cast<size_t>(n));
  return out;
}

struct parsed {
  std::unique_ptr<dsql_token> t = std::make_unique<dsql_token>();
  dsql_token_status status;
  explicit parsed(const std::string& s) : status(dsql_token_parse(s.data(), s.size(), t.get())) {}
};

dsql_token_status parse_status(const std::string& s) { return parsed(s).status; }

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto p = s.find(from);
  REQUIRE(p != std::string::npos);
  return s.replace(p, from.size(), to);
}

std::string botocore(const char* session, const char* h, const char* action, int64_t now, int64_t expires) {
  std::string cmd = std::string("/usr/bin/python3 ") + BOTOCORE_TOKEN_PY + " token " + akid + " '" + secret + "' '" +
                    (session ? session : "-") + "' " + h + " us-east-1 " + action + " " + std::to_string(now) + " " +
                    std::to_string(expires);
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  REQUIRE(p);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p.get())) out.append(buf, n);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

dsql_token_expect expect_at(int64_t now, bool admin = false) { return {host, "us-east-1", admin, now, 60}; }

}  // namespace

TEST_CASE("a generated token has botocore's shape and parses back", "[token]") {
  const std::string tok = generate();
  CHECK(tok ==
        "abc123.dsql.us-east-1.on.aws/?Action=DbConnect&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
        "AKIAIOSFODNN7EXAMPLE%2F20251129%2Fus-east-1%2Fdsql%2Faws4_request&X-Amz-Date=20251129T095320Z&X-Amz-"
        "Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=" +
            tok.substr(tok.size() - 64));
  parsed p(tok);
  REQUIRE(p.status == DSQL_TOKEN_OK);
  CHECK(std::string(p.t->host) == host);
  CHECK(p.t->action == DSQL_TOKEN_DB_CONNECT);
  CHECK(std::string(p.t->access_key_id) == akid);
  CHECK(std::string(p.t->region) == "us-east-1");
  CHECK(std::string(p.t->service) == "dsql");
  CHECK(p.t->signed_at == t0);
  CHECK(p.t->expires == 900);
  CHECK(p.t->session_token == nullptr);
  CHECK(dsql_token_verify_signature(p.t.get(), secret) == DSQL_TOKEN_OK);
  CHECK(dsql_token_verify_signature(p.t.get(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEz") == DSQL_TOKEN_ERR_SIGNATURE);
  const auto e = expect_at(t0 + 10);
  CHECK(dsql_token_check(p.t.get(), &e) == DSQL_TOKEN_OK);
}

TEST_CASE("tokens are byte-identical to botocore's SigV4QueryAuth for the same key and time", "[token][botocore]") {
  struct row {
    const char* host;
    const char* action;
    dsql_token_action a;
    const char* session;
    int64_t now;
    int64_t expires;
  };
  const row rows[] = {
      {host, "DbConnect", DSQL_TOKEN_DB_CONNECT, nullptr, t0, 900},
      {host, "DbConnectAdmin", DSQL_TOKEN_DB_CONNECT_ADMIN, nullptr, t0, 3600},
      {"ABC123.Dsql.us-east-1.on.aws", "DbConnect", DSQL_TOKEN_DB_CONNECT, nullptr, 951782400, 604800},  // 2000-02-29
      {host, "DbConnect", DSQL_TOKEN_DB_CONNECT, "FQoGZXIvYXdzE+/=session~token_-.x", 4102444799, 1},
      {"localhost", "DbConnectAdmin", DSQL_TOKEN_DB_CONNECT_ADMIN, "IQoJb3JpZ2luX2VjE//////////wEaCXVz", 0, 900},
  };
  for (const auto& r : rows) {
    const std::string ours = generate(r.host, r.a, r.now, r.expires, r.session);
    const std::string theirs = botocore(r.session, r.host, r.action, r.now, r.expires);
    INFO("host " << r.host << " time " << r.now);
    CHECK(ours == theirs);
    parsed p(theirs);
    REQUIRE(p.status == DSQL_TOKEN_OK);
    CHECK(dsql_token_verify_signature(p.t.get(), secret) == DSQL_TOKEN_OK);
  }
}

TEST_CASE("the key-free checks refuse expired, future, mis-scoped and wrong-action tokens", "[token]") {
  parsed p(generate());
  REQUIRE(p.status == DSQL_TOKEN_OK);
  auto e = expect_at(t0 + 900);
  CHECK(dsql_token_check(p.t.get(), &e) == DSQL_TOKEN_OK);  // the last second
  e = expect_at(t0 + 901);
  CHECK(dsql_token_check(p.t.get(), &e) == DSQL_TOKEN_ERR_EXPIRED);
  e = expect_at(t0 - 60);
  CHECK(dsql_token_check(p.t.get(), &e) == DSQL_TOKEN_OK);  // within the skew
  e = expect_at(t0 - 61);
  CHECK(dsql_token_check(p.t.get(), &e) == DSQL_TOKEN_ERR_FUTURE);
  e = expect_at(t0);
  e.host = "ABC123.DSQL.US-EAST-1.ON.AWS";
  CHECK(dsql_token_check(p.t.get(), &e) == DSQL_TOKEN_OK);  // host case-insensitive
  e.host = "other.dsql.us-east-1.on.aws";
  CHECK(dsql_token_check(p.t.get(), &e) == DSQL_TOKEN_ERR_WRONG_HOST);
  e = expect_at(t0);
  e.region = "us-west-2";
  CHECK(dsql_token_check(p.t.get(), &e) == DSQL_TOKEN_ERR_WRONG_REGION);
  e = expect_at(t0, true);
  CHECK(dsql_token_check(p.t.get(), &e) == DSQL_TOKEN_ERR_WRONG_ACTION);  // admin needs DbConnectAdmin

  parsed admin(generate(host, DSQL_TOKEN_DB_CONNECT_ADMIN));
  REQUIRE(admin.status == DSQL_TOKEN_OK);
  e = expect_at(t0, false);
  CHECK(dsql_token_check(admin.t.get(), &e) == DSQL_TOKEN_ERR_WRONG_ACTION);  // not for app roles
  e = expect_at(t0, true);
  CHECK(dsql_token_check(admin.t.get(), &e) == DSQL_TOKEN_OK);

  // X-Amz-Expires over seven days (re-signed so only that is wrong)
  const std::string week = generate(host, DSQL_TOKEN_DB_CONNECT, t0, 604800);
  parsed over(replace(week, "X-Amz-Expires=604800", "X-Amz-Expires=604801"));
  REQUIRE(over.status == DSQL_TOKEN_OK);
  e = expect_at(t0);
  CHECK(dsql_token_check(over.t.get(), &e) == DSQL_TOKEN_ERR_EXPIRES_TOO_LONG);
  CHECK(dsql_token_verify_signature(over.t.get(), secret) == DSQL_TOKEN_ERR_SIGNATURE);

  // service other than dsql
  parsed svc(replace(generate(), "%2Fdsql%2F", "%2Frds-db%2F"));
  REQUIRE(svc.status == DSQL_TOKEN_OK);
  CHECK(dsql_token_check(svc.t.get(), &e) == DSQL_TOKEN_ERR_WRONG_SERVICE);
}

TEST_CASE("a signature altered in one hex digit does not verify", "[token]") {
  std::string tok = generate();
  char& last = tok.back();
  last = last == '0' ? '1' : '0';
  parsed p(tok);
  REQUIRE(p.status == DSQL_TOKEN_OK);
  CHECK(dsql_token_verify_signature(p.t.get(), secret) == DSQL_TOKEN_ERR_SIGNATURE);
}

TEST_CASE("the parser refuses malformed tokens with the precise reason", "[token]") {
  const std::string tok = generate();
  CHECK(parse_status("") == DSQL_TOKEN_ERR_EMPTY);
  CHECK(parse_status(std::string(100 * 1024, 'a')) == DSQL_TOKEN_ERR_TOO_LONG);
  CHECK(parse_status("secret-password") == DSQL_TOKEN_ERR_SYNTAX);
  CHECK(parse_status("host/?") == DSQL_TOKEN_ERR_SYNTAX);
  CHECK(parse_status("/?Action=DbConnect") == DSQL_TOKEN_ERR_HOST);
  CHECK(parse_status(replace(tok, "abc123", "abc_123")) == DSQL_TOKEN_ERR_HOST);
  CHECK(parse_status(replace(tok, "on.aws/", "on.aws:5432/")) == DSQL_TOKEN_ERR_HOST);
  CHECK(parse_status(tok + "&Foo=bar") == DSQL_TOKEN_ERR_UNKNOWN_PARAM);
  CHECK(parse_status(tok + "&Action=DbConnect") == DSQL_TOKEN_ERR_DUPLICATE_PARAM);
  CHECK(parse_status(replace(tok, "&X-Amz-Expires=900", "")) == DSQL_TOKEN_ERR_MISSING_PARAM);
  CHECK(parse_status(replace(tok, "&X-Amz-Signature=", "&X-Amz-Nope=")) == DSQL_TOKEN_ERR_UNKNOWN_PARAM);
  CHECK(parse_status(tok + "&") == DSQL_TOKEN_ERR_SYNTAX);
  CHECK(parse_status(replace(tok, "&X-Amz-Date", "&&X-Amz-Date")) == DSQL_TOKEN_ERR_SYNTAX);
  CHECK(parse_status(replace(tok, "%2F20251129", "/20251129")) == DSQL_TOKEN_ERR_ENCODING);
  CHECK(parse_status(replace(tok, "%2F20251129", "%2G20251129")) == DSQL_TOKEN_ERR_ENCODING);
  CHECK(parse_status(replace(tok, "%2F20251129", "%0020251129")) == DSQL_TOKEN_ERR_ENCODING);
  CHECK(parse_status(replace(tok, "Action=DbConnect", "Action=Db Connect")) == DSQL_TOKEN_ERR_ENCODING);
  CHECK(parse_status(replace(tok, "Action=DbConnect", "Action=Db\xff")) == DSQL_TOKEN_ERR_ENCODING);
  CHECK(parse_status(tok.substr(0, tok.size() - 1) + "%") == DSQL_TOKEN_ERR_ENCODING);
  CHECK(parse_status(replace(tok, "Action=DbConnect", "Action=Connect")) == DSQL_TOKEN_ERR_ACTION);
  CHECK(parse_status(replace(tok, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1")) == DSQL_TOKEN_ERR_ALGORITHM);
  CHECK(parse_status(replace(tok, "%2Faws4_request", "%2Faws4_reques")) == DSQL_TOKEN_ERR_CREDENTIAL);
  CHECK(parse_status(replace(tok, "AKIAIOSFODNN7EXAMPLE", "akia")) == DSQL_TOKEN_ERR_CREDENTIAL);
  CHECK(parse_status(replace(tok, "X-Amz-Date=20251129", "X-Amz-Date=20251130")) == DSQL_TOKEN_ERR_DATE);
  CHECK(parse_status(replace(tok, "T095320Z", "T256320Z")) == DSQL_TOKEN_ERR_DATE);
  CHECK(parse_status(replace(tok, "Expires=900", "Expires=-900")) == DSQL_TOKEN_ERR_EXPIRES_SYNTAX);
  CHECK(parse_status(replace(tok, "Expires=900", "Expires=0900")) == DSQL_TOKEN_ERR_EXPIRES_SYNTAX);
  CHECK(parse_status(replace(tok, "Expires=900", "Expires=9999999999")) == DSQL_TOKEN_ERR_EXPIRES_SYNTAX);
  CHECK(parse_status(replace(tok, "SignedHeaders=host", "SignedHeaders=host%3Bx-amz-date")) ==
        DSQL_TOKEN_ERR_SIGNED_HEADERS);
  CHECK(parse_status(tok.substr(0, tok.size() - 1)) == DSQL_TOKEN_ERR_SIGNATURE_SYNTAX);
  std::string upper = tok;
  for (size_t i = upper.size() - 64; i < upper.size(); ++i)
    if (upper[i] >= 'a' && upper[i] <= 'f') upper[i] = static_cast<char>(upper[i] - 32);
  if (upper != tok) CHECK(parse_status(upper) == DSQL_TOKEN_ERR_SIGNATURE_SYNTAX);
  CHECK(parse_status(replace(tok, "&X-Amz-Signature", "&X-Amz-Security-Token=&X-Amz-Signature")) ==
        DSQL_TOKEN_ERR_SESSION_TOKEN);
}

TEST_CASE("lower-case percent escapes decode and still verify", "[token]") {
  const std::string tok = replace(generate(), "%2Fdsql%2F", "%2fdsql%2f");
  parsed p(tok);
  REQUIRE(p.status == DSQL_TOKEN_OK);
  CHECK(dsql_token_verify_signature(p.t.get(), secret) == DSQL_TOKEN_OK);
}

TEST_CASE("a token with a session token signs it and verifies", "[token]") {
  const std::string tok = generate(host, DSQL_TOKEN_DB_CONNECT, t0, 900, "FQoG+/=");
  CHECK(tok.find("&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FQoG%2B%2F%3D&X-Amz-Signature=") != std::string::npos);
  parsed p(tok);
  REQUIRE(p.status == DSQL_TOKEN_OK);
  CHECK(std::string(p.t->session_token) == "FQoG+/=");
  CHECK(dsql_token_verify_signature(p.t.get(), secret) == DSQL_TOKEN_OK);
  parsed stripped(replace(tok, "&X-Amz-Security-Token=FQoG%2B%2F%3D", ""));
  REQUIRE(stripped.status == DSQL_TOKEN_OK);
  CHECK(dsql_token_verify_signature(stripped.t.get(), secret) == DSQL_TOKEN_ERR_SIGNATURE);
}

TEST_CASE("the generator refuses bad arguments instead of signing them", "[token]") {
  CHECK(generate("bad host").empty());
  CHECK(generate(host, DSQL_TOKEN_DB_CONNECT, t0, 0).empty());
  CHECK(generate(host, DSQL_TOKEN_DB_CONNECT, t0, 604801).empty());
  CHECK(generate(host, DSQL_TOKEN_DB_CONNECT, -1).empty());
  CHECK(generate(host, DSQL_TOKEN_DB_CONNECT, t0, 900, nullptr, "US-EAST-1").empty());
  CHECK_FALSE(generate(host, DSQL_TOKEN_DB_CONNECT, t0, 900, "").empty());  // "" = no session token
  CHECK(std::string(dsql_token_status_text(DSQL_TOKEN_ERR_SIGNATURE)) == "the token's signature does not match");
  CHECK(std::string(dsql_token_status_text(DSQL_TOKEN_STATUS_COUNT)) == "unknown token status");
}
