// The credential chain's parts without a network: SigV4 header signing (botocore's
// signature for the same STS request), the shared config files, the protocol pieces
// (form encoding, XML, ISO 8601), JWTs, and the credentials cache's refresh rules.
// Trust policies: trust_test.cpp.
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <atomic>
#include <cstring>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "aws_env.hpp"
#include "iam/config_file.hpp"
#include "iam/credentials.hpp"
#include "iam/jwt.hpp"
#include "iam/sts.hpp"
#include "sigv4.h"

using namespace dsql::aws;
using namespace std::chrono_literals;

namespace {

// The request botocore 1.29.27 (Debian's python3-botocore) signed with SigV4Auth,
// service sts, region us-east-1, at Unix time 1764410000 (20251129T095320Z).
const std::string body =
    "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FApp&RoleSessionName=s1";
const std::vector<dsql_sigv4_header> headers = {
    {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
    {"Host", "127.0.0.1:8443"},
    {"X-Amz-Date", "20251129T095320Z"},
    {"X-Amz-Security-Token", "IQoJb3+/="},
};
constexpr const char* secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr const char* botocore_signature = "29888ed512d250bf7ab8c1ed77b8503427b6a49f002824d1bef64c2270f1f1a6";
constexpr const char* signed_headers = "content-type;host;x-amz-date;x-amz-security-token";

std::string sha(const std::string& s) {
  char out[65];
  REQUIRE(dsql_sigv4_sha256_hex(s.data(), s.size(), out));
  return out;
}

dsql_sigv4_request sts_request(const std::string& payload_hash, const std::vector<dsql_sigv4_header>& h = headers) {
  static std::string keep;
  keep = payload_hash;
  return {"POST", "/", nullptr, 0, h.data(), h.size(), signed_headers, keep.c_str()};
}

}  // namespace

TEST_CASE("an STS request signed in the Authorization header matches botocore's signature", "[aws][sigv4]") {
  const auto r = sts_request(sha(body));
  char canonical[4096];
  REQUIRE(dsql_sigv4_canonical_request(&r, canonical, sizeof canonical) > 0);
  CHECK(std::string(canonical) ==
        "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:127.0.0.1:8443\n"
        "x-amz-date:20251129T095320Z\nx-amz-security-token:IQoJb3+/=\n\n" +
            std::string(signed_headers) + "\n" + sha(body));
  char sig[65];
  REQUIRE(dsql_sigv4_sign_request(&r, "20251129T095320Z", "us-east-1", "sts", secret, sig));
  CHECK(std::string(sig) == botocore_signature);

  char auth[1024];
  REQUIRE(dsql_sigv4_format_authorization("AKIAIOSFODNN7EXAMPLE", "20251129", "us-east-1", "sts", signed_headers, sig,
                                          auth, sizeof auth) > 0);
  CHECK(std::string(auth) ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20251129/us-east-1/sts/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
        "Signature=29888ed512d250bf7ab8c1ed77b8503427b6a49f002824d1bef64c2270f1f1a6");
  dsql_sigv4_authorization a;
  REQUIRE(dsql_sigv4_parse_authorization(auth, std::strlen(auth), &a));
  CHECK(std::string(a.access_key_id) == "AKIAIOSFODNN7EXAMPLE");
  CHECK(std::string(a.region) == "us-east-1");
  CHECK(std::string(a.service) == "sts");
  CHECK(dsql_sigv4_verify_request(&r, &a, "20251129T095320Z", secret));
}

TEST_CASE("a signed request fails verification when anything signed changes", "[aws][sigv4]") {
  char auth[1024];
  char sig[65];
  const auto r = sts_request(sha(body));
  REQUIRE(dsql_sigv4_sign_request(&r, "20251129T095320Z", "us-east-1", "sts", secret, sig));
  REQUIRE(dsql_sigv4_format_authorization("AKIAIOSFODNN7EXAMPLE", "20251129", "us-east-1", "sts", signed_headers, sig,
                                          auth, sizeof auth) > 0);
  dsql_sigv4_authorization a;
  REQUIRE(dsql_sigv4_parse_authorization(auth, std::strlen(auth), &a));
  CHECK_FALSE(dsql_sigv4_verify_request(&r, &a, "20251129T095320Z", "another secret"));
  const auto tampered = sts_request(sha(body + "&DurationSeconds=43200"));
  CHECK_FALSE(dsql_sigv4_verify_request(&tampered, &a, "20251129T095320Z", secret));
  CHECK_FALSE(dsql_sigv4_verify_request(&r, &a, "20251129T095321Z", secret));  // another time
  CHECK_FALSE(dsql_sigv4_verify_request(&r, &a, "20251130T095320Z", secret));  // another day than the scope
  auto other = headers;
  other[1].value = "sts.amazonaws.com";
  const auto moved = sts_request(sha(body), other);
  CHECK_FALSE(dsql_sigv4_verify_request(&moved, &a, "20251129T095320Z", secret));
  // a signed header that is missing cannot be canonicalised
  const std::vector<dsql_sigv4_header> fewer(headers.begin(), headers.begin() + 3);
  const auto missing = sts_request(sha(body), fewer);
  char buf[4096];
  CHECK(dsql_sigv4_canonical_request(&missing, buf, sizeof buf) == -1);
}

TEST_CASE("header values are trimmed and inner spaces collapsed; repeated headers joined with commas", "[aws][sigv4]") {
  const std::vector<dsql_sigv4_header> h = {{"X-A", "  a   b \t c  "}, {"host", "h"}, {"x-a", "d"}};
  const dsql_sigv4_request r{"GET", "/", nullptr, 0, h.data(), h.size(), "host;x-a", DSQL_SIGV4_EMPTY_SHA256};
  char buf[1024];
  REQUIRE(dsql_sigv4_canonical_request(&r, buf, sizeof buf) > 0);
  CHECK(std::string(buf) == "GET\n/\n\nhost:h\nx-a:a b c,d\n\nhost;x-a\n" DSQL_SIGV4_EMPTY_SHA256);
  const std::vector<dsql_sigv4_header> crlf = {{"host", "h\r\nx-evil: 1"}};
  const dsql_sigv4_request bad{"GET", "/", nullptr, 0, crlf.data(), crlf.size(), "host", DSQL_SIGV4_EMPTY_SHA256};
  CHECK(dsql_sigv4_canonical_request(&bad, buf, sizeof buf) == -1);
}

TEST_CASE("malformed Authorization headers are refused", "[aws][sigv4]") {
  const auto parse = [](const std::string& s) {
    dsql_sigv4_authorization a;
    return dsql_sigv4_parse_authorization(s.data(), s.size(), &a);
  };
  const std::string cred = "Credential=AKIAIOSFODNN7EXAMPLE/20251129/us-east-1/sts/aws4_request";
  const std::string sig = "Signature=" + std::string(64, 'a');
  CHECK(parse("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;x-amz-date, " + sig));
  CHECK(parse("AWS4-HMAC-SHA256 " + cred + ",SignedHeaders=host," + sig));
  CHECK_FALSE(parse("AWS4-HMAC-SHA1 " + cred + ", SignedHeaders=host, " + sig));
  CHECK_FALSE(parse("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host"));                        // no signature
  CHECK_FALSE(parse("AWS4-HMAC-SHA256 " + cred + ", " + cred + ", SignedHeaders=host, " + sig));  // repeated
  CHECK_FALSE(parse("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=x-amz-date;host, " + sig));     // unsorted
  CHECK_FALSE(parse("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=Host, " + sig));                // upper case
  CHECK_FALSE(parse("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, Signature=ABC"));
  CHECK_FALSE(
      parse("AWS4-HMAC-SHA256 Credential=AKIA/20251129/us-east-1/sts/aws4_request, SignedHeaders=host, " + sig));
  CHECK_FALSE(parse("AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host, " + sig + ", Extra=1"));
  CHECK_FALSE(parse(std::string("AWS4-HMAC-SHA256 ") + std::string(5000, 'x')));
}

TEST_CASE("shared config and credentials files merge as the SDKs merge them", "[aws][config]") {
  shared_config c;
  parse_shared_file(
      "[dev]\naws_access_key_id = AKIACREDENTIALSFILE1\n# comment\n; comment\n"
      "aws_secret_access_key=s1 ; inline comment\n[profile odd]\nregion = x\n",
      false, true, c);
  parse_shared_file(
      "[default]\nregion = eu-west-1\n[profile dev]\nAWS_ACCESS_KEY_ID = AKIACONFIGFILE000001\n"
      "region = us-west-2\nservices = local\n[other]\nregion = ignored\n"
      "[services local]\nsts =\n  endpoint_url = http://127.0.0.1:1\ns3 =\n  endpoint_url = x\n",
      true, false, c);
  CHECK(c.get("dev", "aws_access_key_id") == "AKIACREDENTIALSFILE1");  // the credentials file wins
  CHECK(c.get("dev", "aws_secret_access_key") == "s1");
  CHECK(c.get("dev", "region") == "us-west-2");
  CHECK(c.get("default", "region") == "eu-west-1");
  CHECK_FALSE(c.profile("other"));               // a bare section in the config file is not a profile
  CHECK(c.get("profile odd", "region") == "x");  // ... but in the credentials file it is a name
  REQUIRE(c.services.contains("local"));
  CHECK(c.services["local"].nested["sts"]["endpoint_url"] == "http://127.0.0.1:1");
  CHECK(c.services["local"].nested["s3"]["endpoint_url"] == "x");
  const sts::endpoint e = sts::resolve_endpoint(std::string("us-west-2"), &c, "dev");
  CHECK(e.url == "http://127.0.0.1:1");
  CHECK(e.region == "us-west-2");
}

TEST_CASE("the STS endpoint follows AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile, then the region",
          "[aws][config]") {
  dsql::test::aws_env env;
  shared_config c;
  parse_shared_file("[default]\nendpoint_url = http://profile\n", true, false, c);
  CHECK(sts::resolve_endpoint(std::nullopt, nullptr, "default").url == "https://sts.amazonaws.com");
  CHECK(sts::resolve_endpoint(std::string("eu-west-3"), nullptr, "default").url ==
        "https://sts.eu-west-3.amazonaws.com");
  CHECK(sts::resolve_endpoint(std::string("eu-west-3"), &c, "default").url == "http://profile");
  env.set("AWS_ENDPOINT_URL", "http://generic");
  CHECK(sts::resolve_endpoint(std::nullopt, &c, "default").url == "http://generic");
  env.set("AWS_ENDPOINT_URL_STS", "http://sts-only");
  CHECK(sts::resolve_endpoint(std::nullopt, &c, "default").url == "http://sts-only");
  CHECK(sts::resolve_endpoint(std::nullopt, &c, "default").region == "us-east-1");
  env.set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
  CHECK(sts::resolve_endpoint(std::string("ap-south-1"), &c, "default").url == "https://sts.ap-south-1.amazonaws.com");
}

TEST_CASE("ISO 8601 times as STS, ECS and IMDS write them", "[aws][time]") {
  using namespace std::chrono;
  const auto t = sts::parse_iso8601("2019-11-09T13:34:41Z");
  REQUIRE(t);
  CHECK(duration_cast<seconds>(t->time_since_epoch()).count() == 1573306481);
  CHECK(sts::parse_iso8601("2019-11-09T13:34:41.123Z") == t);
  CHECK(sts::parse_iso8601("2019-11-09T15:34:41+02:00") == t);
  CHECK(sts::parse_iso8601("2019-11-09T12:34:41-0100") == t);
  CHECK(sts::format_iso8601(*t) == "2019-11-09T13:34:41Z");
  for (const char* bad : {"", "2019-11-09", "2019-11-09T13:34:41", "2019-02-29T00:00:00Z", "2019-13-01T00:00:00Z",
                          "2019-11-09T13:34:41Zjunk", "2019-11-09T25:00:00Z", "1969-12-31T23:59:59Z"})
    CHECK_FALSE(sts::parse_iso8601(bad));
}

TEST_CASE("form bodies encode as RFC 3986 and decode strictly", "[aws][sts]") {
  CHECK(sts::form_encode({{"Action", "AssumeRole"}, {"RoleArn", "arn:aws:iam::1:role/a b"}}) ==
        "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b");
  const auto f = sts::form_decode("a=1&b=x+y%2Fz&c=&d");
  REQUIRE(f);
  CHECK(*f == sts::form{{"a", "1"}, {"b", "x y/z"}, {"c", ""}, {"d", ""}});
  CHECK_FALSE(sts::form_decode("a=%2"));
  CHECK_FALSE(sts::form_decode("a=%zz"));
  CHECK_FALSE(sts::form_decode("a=%00"));
  CHECK_FALSE(sts::form_decode("=1"));
}

TEST_CASE("STS answers are read as XML leaves; a DOCTYPE is refused", "[aws][sts]") {
  std::string root;
  const auto l = sts::xml_leaves(
      "<?xml version=\"1.0\"?>\n<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
      "<AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId><SessionToken> t&amp;k </SessionToken>"
      "</Credentials></AssumeRoleResult></AssumeRoleResponse>",
      &root);
  REQUIRE(l);
  CHECK(root == "AssumeRoleResponse");
  CHECK(l->at("AssumeRoleResult/Credentials/AccessKeyId") == "ASIA1");
  CHECK(l->at("AssumeRoleResult/Credentials/SessionToken") == "t&k");
  CHECK_FALSE(sts::xml_leaves("<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><x>&b;</x>"));
  CHECK_FALSE(sts::xml_leaves("<a><b></a>"));
  CHECK_FALSE(sts::xml_leaves("not xml"));
  CHECK(sts::xml_escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
  // what a client sends may be echoed: the answer stays XML
  CHECK(sts::xml_escape("\xc3\xa9t\xc3\xa9 \xe2\x82\xac") == "\xc3\xa9t\xc3\xa9 \xe2\x82\xac");
  CHECK(sts::xml_escape("Ide\xcd\xcf\x01\x7f\xc0\xaf\xed\xa0\x80\xef\xbf\xbe\xf4\x90\x80\x80\xe2\x82") ==
        "Ide??????????????????");
  CHECK(sts::xml_escape("\xfb\xbd\xbd\xbd\xf8") == "?????");  // no 5-byte forms
  CHECK(sts::xml_leaves("<E><M>" + sts::xml_escape("bad \xff\x02 bytes") + "</M></E>"));
}

TEST_CASE("JWTs: ES256 and RS256 verify; a changed byte, another key, alg none or a mismatched alg do not",
          "[aws][jwt]") {
  const auto keys = jwt::generate_es256();
  jwt::claims c;
  c.iss = "https://oidc.local/test";
  c.sub = "system:serviceaccount:default:api";
  c.aud = {"sts.amazonaws.com"};
  c.exp = 2000000000;
  const std::string token = jwt::sign(c, keys.private_pem, "k1");
  const auto back = jwt::verify(token, keys.public_pem);
  CHECK(back.iss == c.iss);
  CHECK(back.sub == c.sub);
  CHECK(back.aud == c.aud);
  CHECK(back.exp == c.exp);
  std::string alg;
  CHECK(jwt::peek(token, &alg).sub == c.sub);
  CHECK(alg == "ES256");

  // the payload changed (sub of another account), signature kept
  const auto d1 = token.find('.'), d2 = token.rfind('.');
  jwt::claims evil = c;
  evil.sub = "system:serviceaccount:kube-system:admin";
  const std::string forged_payload = jwt::sign(evil, keys.private_pem, "k1");
  const std::string spliced =
      token.substr(0, d1) +
      forged_payload.substr(forged_payload.find('.'), forged_payload.rfind('.') - forged_payload.find('.')) +
      token.substr(d2);
  CHECK_THROWS_WITH(jwt::verify(spliced, keys.public_pem), Catch::Contains("signature"));
  CHECK_THROWS_AS(jwt::verify(token, jwt::generate_es256().public_pem), jwt::jwt_error);
  const std::string none = jwt::base64url_encode(R"({"alg":"none"})") + token.substr(d1, d2 - d1) + ".";
  CHECK_THROWS_WITH(jwt::verify(none, keys.public_pem), Catch::Contains("none"));

  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> rsa(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}),
                                                     EVP_PKEY_free);
  REQUIRE(rsa);
  std::string priv, pub;
  for (const bool p : {false, true}) {
    BIO* b = BIO_new(BIO_s_mem());
    REQUIRE((p ? PEM_write_bio_PrivateKey(b, rsa.get(), nullptr, nullptr, 0, nullptr, nullptr)
               : PEM_write_bio_PUBKEY(b, rsa.get())) == 1);
    char* data = nullptr;
    const long n = BIO_get_mem_data(b, &data);
    (p ? priv : pub).assign(data, static_cast<std::size_t>(n));
    BIO_free(b);
  }
  const std::string rs = jwt::sign(c, priv);
  CHECK(jwt::verify(rs, pub).sub == c.sub);
  CHECK_THROWS_WITH(jwt::verify(rs, keys.public_pem), Catch::Contains("does not fit"));
  CHECK_THROWS_WITH(jwt::verify(token, pub), Catch::Contains("does not fit"));
  CHECK_THROWS_AS(jwt::peek("a.b"), jwt::jwt_error);
  const std::string huge =
      jwt::base64url_encode(R"({"alg":"ES256"})") + "." + jwt::base64url_encode(R"({"iss":"x","exp":1e300})") + ".AAAA";
  CHECK_THROWS_WITH(jwt::peek(huge), Catch::Contains("out of range"));
  CHECK_THROWS_AS(jwt::peek(std::string(20001, 'a')), jwt::jwt_error);
  const std::string binary("\xff\xfe\x00x", 4);
  CHECK(jwt::base64url_decode(jwt::base64url_encode(binary)) == binary);
  CHECK_FALSE(jwt::base64url_decode("ab=="));
  CHECK_FALSE(jwt::base64url_decode("a"));
}

// ---- the cache ----

namespace {

// A provider whose credentials expire `lifetime` after each fetch; fetches can be held
// at a gate, and each fetch numbers its key id.
class gated : public credentials_provider {
 public:
  explicit gated(std::chrono::seconds lifetime) : lifetime_(lifetime) {}
  std::optional<credentials> fetch(std::string*) override {
    std::unique_lock l(m_);
    ++calls;
    cv_.wait(l, [&] { return open_; });
    if (fail) throw credentials_error("gated: the source is down");
    credentials c{"AKIAGATED" + std::to_string(1000000 + calls.load()), "secret", std::nullopt, "gated"};
    if (lifetime_.count() > 0) c.expiration = std::chrono::system_clock::now() + lifetime_;
    return c;
  }
  std::string name() const override { return "gated"; }
  void open(bool o) {
    std::lock_guard l(m_);
    open_ = o;
    cv_.notify_all();
  }
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};

 private:
  std::chrono::seconds lifetime_;
  std::mutex m_;
  std::condition_variable cv_;
  bool open_ = true;
};

}  // namespace

TEST_CASE("credentials that do not expire are fetched once", "[aws][cache]") {
  auto p = std::make_shared<gated>(0s);
  credentials_cache cache(p);
  const auto a = cache.get();
  const auto b = cache.get();
  CHECK(a == b);
  CHECK(p->calls == 1);
  CHECK(cache.fetches() == 1);
}

TEST_CASE("a cold cache makes concurrent callers share one fetch", "[aws][cache]") {
  auto p = std::make_shared<gated>(3600s);
  p->open(false);
  credentials_cache cache(p);
  std::vector<std::future<std::string>> callers;
  for (int i = 0; i < 8; ++i)
    callers.push_back(std::async(std::launch::async, [&] { return cache.get()->access_key_id; }));
  std::this_thread::sleep_for(100ms);
  p->open(true);
  for (auto& f : callers) CHECK(f.get() == "AKIAGATED1000001");
  CHECK(p->calls == 1);
}

TEST_CASE("near expiry the cached credentials are served while a background refresh runs", "[aws][cache]") {
  auto p = std::make_shared<gated>(100s);  // inside refresh_before (300 s), outside the 15 s margin
  credentials_cache cache(p);
  CHECK(cache.get()->access_key_id == "AKIAGATED1000001");
  p->open(false);  // the next fetch hangs until opened
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) CHECK(cache.get()->access_key_id == "AKIAGATED1000001");
  CHECK(std::chrono::steady_clock::now() - start < 2s);  // nobody waited for the hung refresh
  for (int i = 0; i < 200 && p->calls < 2; ++i) std::this_thread::sleep_for(10ms);  // the worker has started
  for (int i = 0; i < 100; ++i) CHECK(cache.get()->access_key_id == "AKIAGATED1000001");
  CHECK(p->calls == 2);  // one refresh started, not one per caller
  p->open(true);
  for (int i = 0; i < 200 && cache.fetches() < 2; ++i) std::this_thread::sleep_for(10ms);
  CHECK(cache.get()->access_key_id == "AKIAGATED1000002");
}

TEST_CASE("a failing refresh keeps the usable credentials; an empty cache reports the source's error", "[aws][cache]") {
  auto p = std::make_shared<gated>(100s);
  credentials_cache cache(p, cache_options{300s, 15s, 3600s});
  CHECK(cache.get()->access_key_id == "AKIAGATED1000001");
  p->fail = true;
  CHECK(cache.get()->access_key_id == "AKIAGATED1000001");  // starts the refresh, serves the cached
  for (int i = 0; i < 200 && cache.fetches() < 2; ++i) std::this_thread::sleep_for(10ms);
  CHECK(cache.get()->access_key_id == "AKIAGATED1000001");
  CHECK(p->calls == 2);  // retry_after (1 h) holds the next attempt back
  cache.invalidate();
  CHECK_THROWS_WITH(cache.get(), Catch::Contains("the source is down"));
}

TEST_CASE("expired or nearly expired credentials are never handed out", "[aws][cache]") {
  auto p = std::make_shared<gated>(10s);  // within the 15 s margin at once
  credentials_cache cache(p);
  CHECK(cache.get()->access_key_id == "AKIAGATED1000001");  // a fresh fetch is returned as it is
  CHECK(cache.get()->access_key_id == "AKIAGATED1000002");  // but never served again from the cache
  auto none = std::make_shared<gated>(0s);
  none->fail = true;
  credentials_cache failing(none);
  CHECK_THROWS_AS(failing.get(), credentials_error);
}
