// A clean AWS environment for one test: every variable the credential chain reads is
// unset (and restored afterwards), the shared config and credentials files point into
// a fresh temporary directory (also HOME), and EC2's instance metadata service is
// disabled unless a test points it at a loopback fake. Test-only helper.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace dsql::test {

class aws_env {
 public:
  aws_env() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dsql-aws-test.XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    for (const char* v : {"AWS_ACCESS_KEY_ID",
                          "AWS_SECRET_ACCESS_KEY",
                          "AWS_SESSION_TOKEN",
                          "AWS_PROFILE",
                          "AWS_REGION",
                          "AWS_DEFAULT_REGION",
                          "AWS_ROLE_ARN",
                          "AWS_WEB_IDENTITY_TOKEN_FILE",
                          "AWS_ROLE_SESSION_NAME",
                          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                          "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                          "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                          "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                          "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
                          "AWS_EC2_METADATA_V1_DISABLED",
                          "AWS_METADATA_SERVICE_TIMEOUT",
                          "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
                          "AWS_ENDPOINT_URL",
                          "AWS_ENDPOINT_URL_STS",
                          "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"})
      unset(v);
    set("AWS_CONFIG_FILE", (dir / "config").string());
    set("AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string());
    set("AWS_EC2_METADATA_DISABLED", "true");
    set("HOME", dir.string());
  }
  ~aws_env() {
    for (const auto& [name, old] : saved_) {
      if (old)
        ::setenv(name.c_str(), old->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  aws_env(const aws_env&) = delete;
  aws_env& operator=(const aws_env&) = delete;

  void set(const std::string& name, const std::string& value) {
    save(name);
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  void unset(const std::string& name) {
    save(name);
    ::unsetenv(name.c_str());
  }
  /// Writes dir/name (mode 0600) and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text, bool executable = false) const {
    const auto p = dir / name;
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    std::filesystem::permissions(p, executable
                                        ? std::filesystem::perms::owner_all
                                        : std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return p;
  }

  std::filesystem::path dir;

 private:
  void save(const std::string& name) {
    if (saved_.contains(name)) return;
    const char* v = std::getenv(name.c_str());
    saved_[name] = v ? std::optional<std::string>(v) : std::nullopt;
  }
  std::map<std::string, std::optional<std::string>> saved_;
};

}  // namespace dsql::test
