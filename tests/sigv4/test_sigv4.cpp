// SigV4 building blocks against AWS's published vectors: the signing-key derivation
// example of the SigV4 documentation and the S3 presigned-URL example (the same
// query-string signing a DSQL token uses). The two header-signed requests shaped like
// the SigV4 test suite's "get-vanilla" and "get-vanilla-query-order-key-case" (the
// suite's files are not on this machine) carry signatures computed by Debian's
// python3-botocore 1.29.27 (SigV4Auth, same key, time and headers).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sigv4.h"

namespace {

std::string encode(const std::string& s) {
  std::string out(3 * s.size() + 1, '\0');
  const int n = dsql_sigv4_uri_encode(s.data(), s.size(), out.data(), out.size());
  REQUIRE(n >= 0);
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string hex(const unsigned char* p, size_t n) {
  std::string out(2 * n + 1, '\0');
  dsql_sigv4_hex(p, n, out.data());
  out.resize(2 * n);
  return out;
}

// Signs a canonical request and returns the hex signature.
std::string sign(const std::string& canonical, const char* amz_date, const char* date8, const char* region,
                 const char* service, const char* secret) {
  char sts[512];
  const int n =
      dsql_sigv4_string_to_sign(amz_date, date8, region, service, canonical.data(), canonical.size(), sts, sizeof sts);
  REQUIRE(n > 0);
  unsigned char key[32];
  REQUIRE(dsql_sigv4_signing_key(secret, date8, region, service, key));
  char sig[65];
  REQUIRE(dsql_sigv4_signature(key, sts, static_cast<size_t>(n), sig));
  return sig;
}

std::string canonical_query(const std::vector<dsql_sigv4_param>& params) {
  char out[1024];
  const int n = dsql_sigv4_canonical_query(params.data(), params.size(), out, sizeof out);
  REQUIRE(n >= 0);
  return out;
}

}  // namespace

TEST_CASE("RFC 3986 encoding keeps unreserved bytes and writes %XX in upper case", "[sigv4]") {
  CHECK(encode("AZaz09-_.~") == "AZaz09-_.~");
  CHECK(encode("a/b c+d=e&f") == "a%2Fb%20c%2Bd%3De%26f");
  CHECK(encode("\xC3\xA9") == "%C3%A9");
  CHECK(encode("*") == "%2A");
  char small[3];
  CHECK(dsql_sigv4_uri_encode("/", 1, small, sizeof small) == -1);  // needs 4 with the NUL
  char exact[4 + 1];
  CHECK(dsql_sigv4_uri_encode("a/", 2, exact, sizeof exact) == 4);
}

TEST_CASE("the signing key matches the derivation example of the SigV4 documentation", "[sigv4]") {
  unsigned char key[32];
  REQUIRE(dsql_sigv4_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam", key));
  CHECK(hex(key, 32) == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST_CASE("a get-vanilla request signs as botocore signs it", "[sigv4]") {
  const std::string canonical =
      "GET\n/\n\nhost:example.amazon.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" DSQL_SIGV4_EMPTY_SHA256;
  CHECK(sign(canonical, "20150830T123600Z", "20150830", "us-east-1", "service",
             "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY") ==
        "7ab4567ae243ee168f6bf18206b2b40b61ce08277323168138fa113ed23c538e");
}

TEST_CASE("get-vanilla-query-order-key-case sorts the query and signs as botocore signs it", "[sigv4]") {
  const std::string q = canonical_query({{"Param2", "value2"}, {"Param1", "value1"}});
  CHECK(q == "Param1=value1&Param2=value2");
  const std::string canonical =
      "GET\n/\n" + q +
      "\nhost:example.amazon.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" DSQL_SIGV4_EMPTY_SHA256;
  CHECK(sign(canonical, "20150830T123600Z", "20150830", "us-east-1", "service",
             "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY") ==
        "ca0a842792a27475df455b2925aa79d50a98e27d1733a46b57c22810e6b1a7bc");
}

TEST_CASE("the S3 presigned-URL example of the SigV4 documentation signs as published", "[sigv4]") {
  const std::string q = canonical_query({
      {"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
      {"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"},
      {"X-Amz-Date", "20130524T000000Z"},
      {"X-Amz-Expires", "86400"},
      {"X-Amz-SignedHeaders", "host"},
  });
  CHECK(q ==
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_"
        "request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host");
  const std::string canonical =
      "GET\n/test.txt\n" + q + "\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD";
  CHECK(
      sign(canonical, "20130524T000000Z", "20130524", "us-east-1", "s3", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") ==
      "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST_CASE("the canonical query sorts by encoded key, then by value", "[sigv4]") {
  // '%' (0x25) sorts before letters once encoded; raw '~' stays as it is
  CHECK(canonical_query({{"b", "1"}, {"a b", "2"}, {"a", "3"}, {"a", "1"}}) == "a=1&a=3&a%20b=2&b=1");
  CHECK(canonical_query({}) == "");
}
