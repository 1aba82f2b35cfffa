// dsql::aws - DSQL connection tokens from C++: the same C signer the auth hook verifies with
// (extension/sigv4.c), and the standard AWS credential sources so that one command
// works against the local cluster and against real Aurora DSQL.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace dsql::aws {

class token_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A credential source is configured but cannot deliver (credentials.hpp): the
/// message names the source and what was wrong, never a secret.
class credentials_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::optional<std::string> session_token;
  std::string source;  ///< where they came from, for messages
  /// When temporary credentials stop working; nullopt: they do not expire.
  std::optional<std::chrono::system_clock::time_point> expiration = std::nullopt;
};

struct token_request {
  std::string hostname;
  std::string region;
  bool admin = false;             ///< DbConnectAdmin instead of DbConnect
  std::int64_t expires_in = 900;  ///< seconds, 1..604800
};

/// The token (botocore's byte sequence for the same inputs). now: Unix time, default
/// the current time. Throws token_error on bad arguments.
[[nodiscard]] std::string generate_token(const token_request& request, const credentials& creds,
                                         std::optional<std::int64_t> now = std::nullopt);

/// One resolution of the standard AWS credential chain (credentials.hpp,
/// default_chain): environment, shared config/credentials profile (static keys,
/// role_arn + source_profile / credential_source, web identity, credential_process),
/// web identity from the environment, container (ECS/EKS), EC2 instance metadata.
/// With a profile argument the environment's keys are skipped (the profile was asked
/// for). nullopt when no source has credentials; credentials_error when a configured
/// source fails (a named profile that is missing included).
[[nodiscard]] std::optional<credentials> standard_credentials(const std::optional<std::string>& profile);

/// The region of an Aurora DSQL endpoint host `<id>.dsql.<region>.on.aws` (ASCII case
/// ignored, one trailing dot allowed), as AWS's DSQL connectors read it; else nullopt.
[[nodiscard]] std::optional<std::string> dsql_region_of(std::string_view host);

}  // namespace dsql::aws
