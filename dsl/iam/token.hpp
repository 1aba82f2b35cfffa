// dsql::aws - DSQL connection tokens from C++: the same C signer the auth hook verifies with
// (extension/sigv4.c), and the standard AWS credential sources so that one command
// works against the local cluster and against real Aurora DSQL.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace dsql::aws {

class token_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::optional<std::string> session_token;
    std::string source;  ///< where they came from, for messages
};

struct token_request {
    std::string hostname;
    std::string region;
    bool admin = false;              ///< DbConnectAdmin instead of DbConnect
    std::int64_t expires_in = 900;   ///< seconds, 1..604800
};

/// The token (botocore's byte sequence for the same inputs). now: Unix time, default
/// the current time. Throws token_error on bad arguments.
[[nodiscard]] std::string generate_token(const token_request& request, const credentials& creds,
                                         std::optional<std::int64_t> now = std::nullopt);

/// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN when both key
/// variables are set; otherwise the profile (argument, else AWS_PROFILE, else
/// "default") of AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials. nullopt when
/// neither has credentials; token_error when the named profile is missing.
[[nodiscard]] std::optional<credentials> standard_credentials(const std::optional<std::string>& profile);

}  // namespace dsql::aws
