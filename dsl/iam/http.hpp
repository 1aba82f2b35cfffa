// dsql::aws::http - the one HTTP client of the credential sources (libcurl): STS,
// the ECS/EKS container endpoint and EC2's instance metadata service.
//
// Bounded and quiet on purpose: only http:// and https:// (no redirects followed),
// a connect timeout and a total timeout per request, the response body capped
// (max_response_bytes, default 1 MiB: credential documents are a few KiB), TLS peers
// verified with the system's roots. Errors name the method and the URL without its
// query string, never a header or a body (they carry secrets).
#pragma once

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dsql::aws::http {

class http_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct request {
  std::string method = "GET";  ///< GET, PUT or POST
  std::string url;             ///< http://... or https://...
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds timeout{5000};  ///< whole request
  std::size_t max_response_bytes = 1 << 20;
  /// Never through an HTTP proxy (link-local and loopback endpoints: IMDS, containers).
  bool direct = false;
};

struct response {
  long status = 0;  ///< HTTP status code
  std::string body;
};

/// Sends the request and returns the response, whatever its status. Throws
/// http_error when no response came (refused, timeout, TLS, oversized body).
[[nodiscard]] response send(const request& r);

/// scheme://host[:port] and the path of a URL without its query: for messages.
[[nodiscard]] std::string redacted(const std::string& url);

}  // namespace dsql::aws::http
