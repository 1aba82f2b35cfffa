// dsql::aws::sts - the AWS Security Token Service client of the credential chain
// (AssumeRole, AssumeRoleWithWebIdentity, GetCallerIdentity), and the protocol pieces
// the local STS (sts_server.hpp) shares with it: the AWS query protocol (an HTTP POST
// of form-encoded Action=...&Version=2011-06-15&... to "/"), XML responses, ISO 8601
// times.
//
// Requests are signed in the Authorization header by extension/sigv4.c (service "sts";
// signed headers content-type;host;x-amz-date[;x-amz-security-token]) as botocore's
// SigV4Auth signs them; AssumeRoleWithWebIdentity is unsigned, as on AWS.
//
// The endpoint, as the AWS SDKs resolve it: AWS_ENDPOINT_URL_STS, else
// AWS_ENDPOINT_URL, else the profile's `services` section (`sts =` / `endpoint_url =`),
// else the profile's endpoint_url, else https://sts.<region>.amazonaws.com (the
// regional endpoint; https://sts.amazonaws.com signed for us-east-1 without a region).
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's
// ignore_configured_endpoint_urls) skips the configured ones.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iam/config_file.hpp"
#include "iam/token.hpp"

namespace dsql::aws::sts {

/// STS answered with an ErrorResponse: code (AccessDenied, InvalidIdentityToken,
/// ExpiredTokenException, ...) and its message.
class sts_error : public credentials_error {
 public:
  sts_error(std::string what, std::string code, std::string message)
      : credentials_error(std::move(what)), code_(std::move(code)), message_(std::move(message)) {}
  [[nodiscard]] const std::string& code() const noexcept { return code_; }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  std::string code_, message_;
};

inline constexpr std::string_view api_version = "2011-06-15";
inline constexpr std::string_view xml_namespace = "https://sts.amazonaws.com/doc/2011-06-15/";

struct endpoint {
  std::string url;     ///< scheme://host[:port][/path]
  std::string region;  ///< the signing region
};

/// The STS endpoint for a region (nullopt: none configured) and a profile of the
/// shared config (nullptr: none), by the rules above.
[[nodiscard]] endpoint resolve_endpoint(const std::optional<std::string>& region, const shared_config* config,
                                        const std::string& profile);

struct assume_role_request {
  std::string role_arn;
  std::string session_name;
  std::optional<std::int64_t> duration_seconds;  ///< 900..43200; STS's default 3600
  std::optional<std::string> external_id;
};

struct web_identity_request {
  std::string role_arn;
  std::string session_name;
  std::string web_identity_token;  ///< the JWT (at most 20000 bytes)
  std::optional<std::int64_t> duration_seconds;
};

struct assumed_role {
  credentials creds;            ///< ASIA... with session token and expiration
  std::string arn;              ///< arn:aws:sts::<account>:assumed-role/<role>/<session>
  std::string assumed_role_id;  ///< AROA...:<session>
};

struct caller_identity {
  std::string account, arn, user_id;
};

/// Calls STS. `source` names the credential source for messages ("profile dev
/// (role_arn ...)"). Throws sts_error on an STS error response, credentials_error on
/// anything else (no answer, a malformed answer).
[[nodiscard]] assumed_role assume_role(const endpoint& e, const credentials& caller, const assume_role_request& r,
                                       const std::string& source);
[[nodiscard]] assumed_role assume_role_with_web_identity(const endpoint& e, const web_identity_request& r,
                                                         const std::string& source);
[[nodiscard]] caller_identity get_caller_identity(const endpoint& e, const credentials& caller);

// ---- the protocol pieces shared with the local STS ----

using form = std::vector<std::pair<std::string, std::string>>;

/// application/x-www-form-urlencoded: RFC 3986 percent-encoding of keys and values.
[[nodiscard]] std::string form_encode(const form& f);
/// Decodes '+' as space and %XX; nullopt on a malformed escape or %00.
[[nodiscard]] std::optional<form> form_decode(std::string_view body);

/// Leaf elements of an XML document by path below the root element
/// ("AssumeRoleResult/Credentials/AccessKeyId" -> text); the root's name in
/// root_name. nullopt when it is not well-formed XML or declares a DOCTYPE (no DTD,
/// no entity expansion beyond XML's five).
[[nodiscard]] std::optional<std::map<std::string, std::string>> xml_leaves(std::string_view xml,
                                                                           std::string* root_name = nullptr);
/// Text escaped for XML element content and attribute values.
[[nodiscard]] std::string xml_escape(std::string_view text);

/// 2019-11-09T13:34:41Z (also with fractional seconds and a +hh:mm / -hh:mm offset).
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);
/// yyyy-mm-ddThh:mm:ssZ (UTC, whole seconds).
[[nodiscard]] std::string format_iso8601(std::chrono::system_clock::time_point t);

}  // namespace dsql::aws::sts
