// dsql::aws shared config and credentials files, as the AWS SDKs and CLI read them
// (SDKs and Tools reference guide, "The shared config and credentials files"):
//
//   config       AWS_CONFIG_FILE, else ~/.aws/config:   [default], [profile NAME],
//                                                       [services NAME], [sso-session NAME]
//   credentials  AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials: [NAME]
//
// A profile's settings are merged from both files; where both set a key the
// credentials file wins. Keys are case-insensitive (kept lower-case); values are
// trimmed; a line starting with # or ; is a comment, and so is the rest of a line
// after whitespace and # or ;. An indented `key = value` after `name =` (empty value)
// is a sub-setting: services sections use them (`sts =` then `  endpoint_url = ...`).
// In the config file, a section without the `profile ` prefix other than [default] is
// ignored, as the SDKs do.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace dsql::aws {

using settings = std::map<std::string, std::string>;

struct section {
  settings values;
  std::map<std::string, settings> nested;  ///< `name =` followed by indented settings
};

struct shared_config {
  std::filesystem::path config_file, credentials_file;
  std::map<std::string, section> profiles;  ///< by profile name
  std::map<std::string, section> services;  ///< [services NAME]

  /// The profile's settings, or nullptr when neither file names it.
  [[nodiscard]] const section* profile(const std::string& name) const;
  /// A profile setting, or nullopt.
  [[nodiscard]] std::optional<std::string> get(const std::string& profile, const std::string& key) const;
};

/// Parses one file's text into `into` (config: true for the config file's rules).
/// Values already present are kept unless overwrite is true. Never throws on odd lines:
/// a line that is not a section, a setting or a comment is ignored, as the SDKs do.
void parse_shared_file(std::string_view text, bool config, bool overwrite, shared_config& into);

/// Reads both files (a missing file is empty; an unreadable one throws
/// std::runtime_error naming it). The credentials file wins over the config file.
[[nodiscard]] shared_config load_shared_config();

/// AWS_CONFIG_FILE or ~/.aws/config, AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials
/// ("~" is HOME); empty when HOME is unset and the variable too.
[[nodiscard]] std::filesystem::path config_file_path();
[[nodiscard]] std::filesystem::path credentials_file_path();

}  // namespace dsql::aws
