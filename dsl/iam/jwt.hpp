// dsql::aws::jwt - the local OIDC issuer's JSON Web Tokens (RFC 7519, compact JWS,
// RFC 7515): minimal but real. ES256 (EC P-256) and RS256 only; "none" and every
// other algorithm are refused; the algorithm must fit the key's type. OpenSSL does the
// cryptography.
//
// The local STS verifies a web identity token with the public key of the OIDC
// provider the local IAM state trusts for the token's issuer, then checks its claims
// (iss, aud, sub, exp, nbf) itself; `dsqlctl iam oidc-token` signs one with the
// local issuer's private key.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dsql::aws::jwt {

class jwt_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::size_t max_token_bytes = 20000;  ///< STS's WebIdentityToken limit

struct claims {
  std::string iss, sub;
  std::vector<std::string> aud;  ///< one or more audiences
  std::optional<std::int64_t> exp, nbf, iat;
};

/// The header's alg and the claims, without checking the signature (to find the
/// issuer's key). Throws jwt_error when the token is not a well-formed JWS/JWT.
[[nodiscard]] claims peek(std::string_view token, std::string* alg = nullptr);

/// Verifies the signature with a PEM public key and returns the claims. Throws
/// jwt_error ("signature" in the message for a mismatch).
[[nodiscard]] claims verify(std::string_view token, const std::string& public_key_pem);

/// A signed token for the claims (exp/nbf/iat written when set) with a PEM private key
/// (EC P-256: ES256, RSA: RS256); kid goes in the header when not empty.
[[nodiscard]] std::string sign(const claims& c, const std::string& private_key_pem, const std::string& kid = {});

struct key_pair {
  std::string public_pem, private_pem;
};
/// A fresh EC P-256 key pair.
[[nodiscard]] key_pair generate_es256();

/// base64url without padding (RFC 4648 section 5); decode returns nullopt on anything
/// else (padding, bad characters, impossible lengths).
[[nodiscard]] std::string base64url_encode(std::string_view bytes);
[[nodiscard]] std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace dsql::aws::jwt
