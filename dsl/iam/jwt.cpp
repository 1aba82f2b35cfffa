#include "iam/jwt.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <nlohmann/json.hpp>

namespace dsql::aws::jwt {

namespace {

using json = nlohmann::json;

template <class T, void (*F)(T*)>
struct deleter {
  void operator()(T* p) const { F(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO, BIO_free_all>>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;

constexpr char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pkey_ptr load_key(const std::string& pem, bool is_private) {
  bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw jwt_error("out of memory");
  EVP_PKEY* k = is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                           : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (!k) throw jwt_error(is_private ? "the private key is not a PEM key" : "the public key is not a PEM public key");
  return pkey_ptr(k);
}

// "ES256" for EC P-256 keys, "RS256" for RSA keys (2048 bits at least), else throws.
std::string alg_of(EVP_PKEY* k) {
  if (EVP_PKEY_is_a(k, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(k, "group", group, sizeof group, &len) != 1 ||
        std::string_view(group) != "prime256v1")
      throw jwt_error("only EC keys on P-256 (ES256) are supported");
    return "ES256";
  }
  if (EVP_PKEY_is_a(k, "RSA")) {
    if (EVP_PKEY_get_bits(k) < 2048) throw jwt_error("RSA keys need 2048 bits at least");
    return "RS256";
  }
  throw jwt_error("only EC P-256 (ES256) and RSA (RS256) keys are supported");
}

struct parts {
  std::string header_json, payload_json, signature;
  std::string_view signing_input;
};

parts split(std::string_view token) {
  if (token.empty() || token.size() > max_token_bytes)
    throw jwt_error("the token is empty or longer than " + std::to_string(max_token_bytes) + " bytes");
  const auto d1 = token.find('.');
  const auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d1 == std::string_view::npos || d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
    throw jwt_error("the token is not three base64url parts separated by dots");
  auto h = base64url_decode(token.substr(0, d1));
  auto p = base64url_decode(token.substr(d1 + 1, d2 - d1 - 1));
  auto s = base64url_decode(token.substr(d2 + 1));
  if (!h || !p || !s) throw jwt_error("the token's parts are not base64url");
  return {std::move(*h), std::move(*p), std::move(*s), token.substr(0, d2)};
}

json object(const std::string& text, const char* what) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception&) {
    throw jwt_error(std::string("the token's ") + what + " is not JSON");
  }
  if (!j.is_object()) throw jwt_error(std::string("the token's ") + what + " is not a JSON object");
  return j;
}

claims claims_of(const json& p) {
  claims c;
  const auto str = [&](const char* k) -> std::string {
    if (!p.contains(k)) return {};
    if (!p[k].is_string()) throw jwt_error(std::string("the claim ") + k + " is not a string");
    return p[k].get<std::string>();
  };
  const auto num = [&](const char* k) -> std::optional<std::int64_t> {
    if (!p.contains(k)) return std::nullopt;
    if (!p[k].is_number()) throw jwt_error(std::string("the claim ") + k + " is not a number");
    // NumericDate: seconds; anything beyond +-2^53 (or not finite) is refused before a cast
    const double v = p[k].get<double>();
    if (!(v > -9007199254740992.0 && v < 9007199254740992.0))
      throw jwt_error(std::string("the claim ") + k + " is out of range");
    return static_cast<std::int64_t>(v);
  };
  c.iss = str("iss");
  c.sub = str("sub");
  if (p.contains("aud")) {
    if (p["aud"].is_string())
      c.aud.push_back(p["aud"].get<std::string>());
    else if (p["aud"].is_array()) {
      for (const auto& a : p["aud"]) {
        if (!a.is_string()) throw jwt_error("the claim aud holds a non-string");
        c.aud.push_back(a.get<std::string>());
      }
    } else {
      throw jwt_error("the claim aud is neither a string nor an array");
    }
  }
  c.exp = num("exp");
  c.nbf = num("nbf");
  c.iat = num("iat");
  return c;
}

// ECDSA signatures: JOSE's fixed r||s (64 bytes for P-256) <-> DER.
std::string der_to_jose(const unsigned char* der, std::size_t len) {
  const unsigned char* p = der;
  std::unique_ptr<ECDSA_SIG, deleter<ECDSA_SIG, ECDSA_SIG_free>> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
  if (!sig) throw jwt_error("OpenSSL produced no ECDSA signature");
  std::string out(64, '\0');
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), reinterpret_cast<unsigned char*>(out.data()), 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), reinterpret_cast<unsigned char*>(out.data() + 32), 32) != 32)
    throw jwt_error("cannot encode the ECDSA signature");
  return out;
}

std::string jose_to_der(const std::string& jose) {
  if (jose.size() != 64) throw jwt_error("the token's ES256 signature is not 64 bytes");
  std::unique_ptr<ECDSA_SIG, deleter<ECDSA_SIG, ECDSA_SIG_free>> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(jose.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(jose.data() + 32), 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    throw jwt_error("cannot decode the ECDSA signature");
  }
  unsigned char* der = nullptr;
  const int n = i2d_ECDSA_SIG(sig.get(), &der);
  if (n <= 0) throw jwt_error("cannot encode the ECDSA signature");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return out;
}

}  // namespace

std::string base64url_encode(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(in[k]); };
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += b64[(v >> 18) & 63];
    out += b64[(v >> 12) & 63];
    out += b64[(v >> 6) & 63];
    out += b64[v & 63];
  }
  if (in.size() - i == 1) {
    const unsigned v = byte(i) << 16;
    out += b64[(v >> 18) & 63];
    out += b64[(v >> 12) & 63];
  } else if (in.size() - i == 2) {
    const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += b64[(v >> 18) & 63];
    out += b64[(v >> 12) & 63];
    out += b64[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  unsigned v = 0;
  int bits = 0;
  for (const char c : in) {
    int d;
    if (c >= 'A' && c <= 'Z')
      d = c - 'A';
    else if (c >= 'a' && c <= 'z')
      d = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      d = c - '0' + 52;
    else if (c == '-')
      d = 62;
    else if (c == '_')
      d = 63;
    else
      return std::nullopt;
    v = (v << 6) | static_cast<unsigned>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xFF);
    }
  }
  if (bits > 0 && (v & ((1u << bits) - 1)) != 0) return std::nullopt;  // non-canonical trailing bits
  return out;
}

claims peek(std::string_view token, std::string* alg) {
  const parts p = split(token);
  const json h = object(p.header_json, "header");
  if (!h.contains("alg") || !h["alg"].is_string()) throw jwt_error("the token's header has no alg");
  if (alg) *alg = h["alg"].get<std::string>();
  return claims_of(object(p.payload_json, "payload"));
}

claims verify(std::string_view token, const std::string& public_key_pem) {
  const parts p = split(token);
  const json h = object(p.header_json, "header");
  if (!h.contains("alg") || !h["alg"].is_string()) throw jwt_error("the token's header has no alg");
  const std::string alg = h["alg"].get<std::string>();
  if (alg != "ES256" && alg != "RS256") throw jwt_error("the token's alg " + alg + " is not ES256 or RS256");
  const pkey_ptr key = load_key(public_key_pem, false);
  if (alg_of(key.get()) != alg) throw jwt_error("the token's alg " + alg + " does not fit the issuer's key");
  const std::string sig = alg == "ES256" ? jose_to_der(p.signature) : p.signature;
  md_ctx_ptr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1)
    throw jwt_error("OpenSSL cannot verify");
  const int ok =
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(p.signing_input.data()), p.signing_input.size());
  if (ok != 1) throw jwt_error("the token's signature does not verify with the issuer's key");
  return claims_of(object(p.payload_json, "payload"));
}

std::string sign(const claims& c, const std::string& private_key_pem, const std::string& kid) {
  const pkey_ptr key = load_key(private_key_pem, true);
  const std::string alg = alg_of(key.get());
  json h{{"alg", alg}, {"typ", "JWT"}};
  if (!kid.empty()) h["kid"] = kid;
  json p = json::object();
  if (!c.iss.empty()) p["iss"] = c.iss;
  if (!c.sub.empty()) p["sub"] = c.sub;
  if (c.aud.size() == 1)
    p["aud"] = c.aud[0];
  else if (!c.aud.empty())
    p["aud"] = c.aud;
  if (c.exp) p["exp"] = *c.exp;
  if (c.nbf) p["nbf"] = *c.nbf;
  if (c.iat) p["iat"] = *c.iat;
  const std::string input = base64url_encode(h.dump()) + "." + base64url_encode(p.dump());
  md_ctx_ptr ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw jwt_error("OpenSSL cannot sign");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw jwt_error("OpenSSL cannot sign");
  sig.resize(len);
  if (alg == "ES256") sig = der_to_jose(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
  return input + "." + base64url_encode(sig);
}

key_pair generate_es256() {
  pkey_ptr k(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!k) throw jwt_error("OpenSSL cannot generate an EC P-256 key");
  key_pair out;
  for (const bool priv : {false, true}) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio || (priv ? PEM_write_bio_PrivateKey(bio.get(), k.get(), nullptr, nullptr, 0, nullptr, nullptr)
                      : PEM_write_bio_PUBKEY(bio.get(), k.get())) != 1)
      throw jwt_error("OpenSSL cannot write a PEM key");
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    (priv ? out.private_pem : out.public_pem).assign(data, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace dsql::aws::jwt
