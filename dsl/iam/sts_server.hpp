// dsql::aws::sts::local_server - a local AWS Security Token Service over the local IAM
// state (state.hpp), so temporary credentials flow end to end into dsql_iam's token
// check without an AWS account: `dsqlctl sts serve`.
//
// Protocol: AWS's query protocol as STS speaks it - POST / with a form-encoded body
// (Action, Version=2011-06-15, parameters), XML answers in STS's namespace
// (<ActionResponse><ActionResult>...</ActionResult><ResponseMetadata>...), errors as
// <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>
// with HTTP 400/403. Plain HTTP on a loopback address only (libmicrohttpd), one
// request at a time, bodies of at most 64 KiB.
//
//   GetCallerIdentity            signed; Account, Arn, UserId of the caller
//   AssumeRole                   signed; RoleArn, RoleSessionName (2-64 of [\w+=,.@-]),
//                                DurationSeconds 900..43200 (default 3600; at most
//                                3600 for a role session: role chaining), ExternalId;
//                                what narrows a session on AWS (Policy, PolicyArns,
//                                Tags, SerialNumber/TokenCode, SourceIdentity) is
//                                refused (ValidationError), never ignored
//   AssumeRoleWithWebIdentity    unsigned; WebIdentityToken (a JWT of an OIDC provider
//                                the state trusts: signature, iss, aud, sub, exp, nbf
//                                checked), RoleArn, RoleSessionName, DurationSeconds
//
// Signed requests are verified with extension/sigv4.c (Authorization header, service
// sts, the server's region, X-Amz-Date within 15 minutes, the key's session token in
// X-Amz-Security-Token, the payload's SHA-256), against the access keys of the state;
// expired keys are refused (ExpiredToken). Whether a role may be assumed is the answer
// of the one IAM policy evaluator (extension/policy.c through trust.hpp): the role's
// trust policy with the caller's identity policies, as IAM evaluates AssumeRole*, with
// the request's keys (sts:ExternalId, sts:RoleSessionName, <provider>:aud and :sub,
// aws:SourceIp, aws:CurrentTime, ...); the log line gives its reason for a refusal.
// An assumed role gets a fresh ASIA… key with a session
// token and expiry in the state, owned by the role, so a DSQL token signed with it
// passes dsql_iam's check until it expires. Temporary keys expired for a day are
// deleted at each issue.
//
// The log callback gets one line per request (action, caller access key id, outcome);
// never a secret, a session token or a web identity token.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

struct MHD_Daemon;

namespace dsql::aws {
class state;
}

namespace dsql::aws::sts {

struct server_options {
  std::filesystem::path state_file;
  std::string region = "us-east-1";
  std::string address = "127.0.0.1";   ///< a loopback address: 127.0.0.0/8 or ::1
  int port = 0;                        ///< 0: a free port
  std::chrono::seconds max_skew{900};  ///< X-Amz-Date may differ from the clock by this much
  std::function<void(const std::string&)> log;
};

class local_server {
 public:
  struct reply {
    int status = 200;
    std::string body;  ///< XML
  };
  using header_list = std::vector<std::pair<std::string, std::string>>;

  /// Opens the state and starts listening; throws std::runtime_error (a sentence).
  explicit local_server(server_options options);
  ~local_server();
  local_server(const local_server&) = delete;
  local_server& operator=(const local_server&) = delete;

  [[nodiscard]] int port() const noexcept { return port_; }
  /// http://<address>:<port>
  [[nodiscard]] std::string url() const;

  /// One request, as the HTTP layer hands it over (also for tests without a socket).
  /// now: Unix time; source_ip: the client's address (aws:SourceIp; "" when unknown).
  /// Thread-safe.
  [[nodiscard]] reply handle(const std::string& method, const std::string& path, const header_list& headers,
                             const std::string& body, std::int64_t now, const std::string& source_ip = {});

 private:
  server_options options_;
  std::unique_ptr<state> state_;
  std::mutex m_;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
};

}  // namespace dsql::aws::sts
