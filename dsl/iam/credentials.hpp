// dsql::aws credential providers: the standard AWS credential chain, each source on
// its own, and a cache that refreshes temporary credentials without blocking callers.
//
// The default chain, in the order of the AWS SDK for C++ (SDKs and Tools reference,
// "Standardized credential providers"; the first source that is configured wins):
//
//   1. environment   AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN); the
//                    key id without the secret is an error, the secret alone is ignored;
//                    skipped when a profile is given explicitly (as botocore does)
//   2. profile       the profile (explicit, else AWS_PROFILE, else "default") of the
//                    shared config and credentials files (config_file.hpp), in this
//                    order inside it: role_arn + web_identity_token_file (STS
//                    AssumeRoleWithWebIdentity); role_arn + source_profile (the source
//                    profile's credentials, itself possibly a role: chained) or
//                    credential_source = Environment | Ec2InstanceMetadata |
//                    EcsContainer (STS AssumeRole; role_session_name, external_id,
//                    duration_seconds honoured; mfa_serial refused); credential_process
//                    (run through /bin/sh, stdout JSON {"Version": 1, ...}, 60 s, 64 KiB);
//                    aws_access_key_id + aws_secret_access_key (+ aws_session_token)
//   3. web identity  AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE (+ AWS_ROLE_SESSION_NAME):
//                    EKS IAM roles for service accounts; the file is read at each refresh
//   4. container     AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (http://169.254.170.2<uri>),
//                    else AWS_CONTAINER_CREDENTIALS_FULL_URI (https://, or http:// to a
//                    host whose every address is loopback, 169.254.170.2, 169.254.170.23
//                    or fd00:ec2::23); Authorization from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
//                    (read at each refresh), else AWS_CONTAINER_AUTHORIZATION_TOKEN
//   5. EC2 IMDSv2    PUT /latest/api/token (X-aws-ec2-metadata-token-ttl-seconds: 21600),
//                    then GET /latest/meta-data/iam/security-credentials/[<role>] with
//                    X-aws-ec2-metadata-token; endpoint AWS_EC2_METADATA_SERVICE_ENDPOINT
//                    or the profile's ec2_metadata_service_endpoint, else
//                    http://169.254.169.254 (IPv6 mode: http://[fd00:ec2::254]);
//                    AWS_EC2_METADATA_DISABLED=true skips it; IMDSv1 only when the token
//                    PUT answers 404/405 and AWS_EC2_METADATA_V1_DISABLED is not true;
//                    AWS_METADATA_SERVICE_TIMEOUT (s, default 1) and
//                    AWS_METADATA_SERVICE_NUM_ATTEMPTS (default 1)
//
// STS calls go to the endpoint sts.hpp resolves (AWS_ENDPOINT_URL_STS,
// AWS_ENDPOINT_URL, the profile's) in the region AWS_REGION, AWS_DEFAULT_REGION or the
// profile's `region`.
//
// Errors: credentials_error (token.hpp) naming the source and what was wrong, never a
// secret, a token or a response body.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "iam/token.hpp"

namespace dsql::aws {

/// One source of AWS credentials.
class credentials_provider {
 public:
  virtual ~credentials_provider() = default;
  /// Fresh credentials from the source; nullopt when the source is not configured
  /// here (why_not, when given, then says why, for the chain's message). Throws
  /// credentials_error when it is configured but fails.
  [[nodiscard]] virtual std::optional<credentials> fetch(std::string* why_not = nullptr) = 0;
  /// The source's name for messages ("environment variables", "EC2 instance metadata").
  [[nodiscard]] virtual std::string name() const = 0;
};
using provider_ptr = std::shared_ptr<credentials_provider>;

/// Fixed credentials (tests, or credentials the application already holds).
[[nodiscard]] provider_ptr static_provider(credentials c);
[[nodiscard]] provider_ptr environment_provider();
/// nullopt: AWS_PROFILE, else "default" (then a missing profile is "not configured").
[[nodiscard]] provider_ptr profile_provider(std::optional<std::string> profile = std::nullopt);
[[nodiscard]] provider_ptr web_identity_provider();
[[nodiscard]] provider_ptr container_provider();
[[nodiscard]] provider_ptr imds_provider(std::optional<std::string> profile = std::nullopt);
/// credential_process: command run through /bin/sh -c; source names it for messages.
[[nodiscard]] provider_ptr process_provider(std::string command, std::string source);
/// The first provider that yields credentials.
[[nodiscard]] provider_ptr chain_provider(std::vector<provider_ptr> providers);
/// The standard chain above.
[[nodiscard]] provider_ptr default_chain(std::optional<std::string> profile = std::nullopt);

/// The region of the environment and the profile: AWS_REGION, AWS_DEFAULT_REGION, the
/// profile's `region`; nullopt when none.
[[nodiscard]] std::optional<std::string> default_region(std::optional<std::string> profile = std::nullopt);

/// The container endpoint's URL for AWS_CONTAINER_CREDENTIALS_RELATIVE_URI.
[[nodiscard]] std::string container_relative_url(const std::string& relative_uri);

struct cache_options {
  /// Start a background refresh this long before the credentials expire (the
  /// callers keep the cached ones meanwhile).
  std::chrono::seconds refresh_before{300};
  /// Cached credentials closer than this to their expiry are not handed out: the
  /// caller waits for a refresh.
  std::chrono::seconds expiry_margin{15};
  /// After a failed background refresh, wait this long before the next attempt.
  std::chrono::seconds retry_after{10};
};

/// A provider's credentials, cached until shortly before they expire and refreshed
/// in the background: get() returns the cached credentials while a refresh runs;
/// only a cold cache (nothing cached, or cached credentials within expiry_margin of
/// their expiry) waits, and concurrent callers then share one fetch. Thread-safe.
class credentials_cache {
 public:
  explicit credentials_cache(provider_ptr provider, cache_options options = {});
  ~credentials_cache();  ///< waits for a running refresh
  credentials_cache(const credentials_cache&) = delete;
  credentials_cache& operator=(const credentials_cache&) = delete;

  /// Usable credentials (see above). Throws credentials_error when nothing usable
  /// is cached and the source fails or has none.
  [[nodiscard]] std::shared_ptr<const credentials> get();
  /// The next get() fetches (for callers that learnt the credentials were revoked).
  void invalidate();
  /// Completed fetches (foreground and background), for tests and benchmarks.
  [[nodiscard]] std::uint64_t fetches() const noexcept { return fetches_.load(); }
  [[nodiscard]] const provider_ptr& provider() const noexcept { return provider_; }

 private:
  [[nodiscard]] bool fresh(const credentials& c, std::chrono::system_clock::time_point now) const;
  [[nodiscard]] bool usable(const credentials& c, std::chrono::system_clock::time_point now) const;
  void fetch_once();

  provider_ptr provider_;
  cache_options options_;
  std::atomic<std::shared_ptr<const credentials>> current_;
  std::mutex m_;
  std::condition_variable cv_;
  bool fetching_ = false;
  std::uint64_t generation_ = 0;
  std::exception_ptr last_error_;
  std::chrono::system_clock::time_point next_retry_{};
  std::thread worker_;
  std::atomic<std::uint64_t> fetches_{0};
};

/// A credentials_cache over the default chain (shared: one per process is enough).
[[nodiscard]] std::shared_ptr<credentials_cache> default_credentials(std::optional<std::string> profile = std::nullopt,
                                                                     cache_options options = {});

}  // namespace dsql::aws
