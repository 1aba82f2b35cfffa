#include "iam/config_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace dsql::aws {

namespace {

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The value without a trailing comment (whitespace then # or ;).
std::string_view strip_comment(std::string_view v) {
  for (std::size_t i = 1; i < v.size(); ++i)
    if ((v[i] == '#' || v[i] == ';') && (v[i - 1] == ' ' || v[i - 1] == '\t')) return trim(v.substr(0, i));
  return v;
}

std::filesystem::path home_path(const char* var, const char* leaf) {
  if (const char* v = std::getenv(var); v && *v) {
    std::string p = v;
    if (p.starts_with("~/"))
      if (const char* home = std::getenv("HOME"); home && *home) p = std::string(home) + p.substr(1);
    return p;
  }
  if (const char* home = std::getenv("HOME"); home && *home) return std::filesystem::path(home) / ".aws" / leaf;
  return {};
}

}  // namespace

const section* shared_config::profile(const std::string& name) const {
  const auto it = profiles.find(name);
  return it == profiles.end() ? nullptr : &it->second;
}

std::optional<std::string> shared_config::get(const std::string& name, const std::string& key) const {
  const section* p = profile(name);
  if (!p) return std::nullopt;
  const auto it = p->values.find(key);
  if (it == p->values.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

void parse_shared_file(std::string_view text, bool config, bool overwrite, shared_config& into) {
  section* current = nullptr;
  std::string parent;  // the `name =` a nested block belongs to
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto nl = text.find('\n', pos);
    const std::string_view raw = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    const std::string_view line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      current = nullptr;
      parent.clear();
      const auto close = line.find(']');
      if (close == std::string_view::npos) continue;
      const std::string_view rest = trim(line.substr(close + 1));
      if (!rest.empty() && rest[0] != '#' && rest[0] != ';') continue;
      std::string_view name = trim(line.substr(1, close - 1));
      if (name.empty()) continue;
      if (!config) {
        current = &into.profiles[std::string(name)];
      } else if (name == "default") {
        current = &into.profiles["default"];
      } else if (name.starts_with("profile ") || name.starts_with("profile\t")) {
        const auto n = trim(name.substr(8));
        if (!n.empty()) current = &into.profiles[std::string(n)];
      } else if (name.starts_with("services ") || name.starts_with("services\t")) {
        const auto n = trim(name.substr(9));
        if (!n.empty()) current = &into.services[std::string(n)];
      }
      continue;  // other sections (sso-session, bare names in config): ignored
    }
    if (!current) continue;
    const bool indented = raw[0] == ' ' || raw[0] == '\t';
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string key = lower(trim(line.substr(0, eq)));
    const std::string value(strip_comment(trim(line.substr(eq + 1))));
    if (key.empty()) continue;
    if (indented && !parent.empty()) {
      auto& nested = current->nested[parent];
      if (overwrite || !nested.contains(key)) nested[key] = value;
      continue;
    }
    parent = value.empty() ? key : std::string();
    if (overwrite || !current->values.contains(key)) current->values[key] = value;
  }
}

std::filesystem::path config_file_path() { return home_path("AWS_CONFIG_FILE", "config"); }
std::filesystem::path credentials_file_path() { return home_path("AWS_SHARED_CREDENTIALS_FILE", "credentials"); }

shared_config load_shared_config() {
  shared_config c;
  c.config_file = config_file_path();
  c.credentials_file = credentials_file_path();
  const auto read = [](const std::filesystem::path& p) -> std::optional<std::string> {
    if (p.empty()) return std::nullopt;
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) return std::nullopt;
    if (std::filesystem::file_size(p, ec) > (1u << 20))
      throw std::runtime_error("the AWS shared file " + p.string() + " is larger than 1 MiB");
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read the AWS shared file " + p.string() + ": " + std::strerror(errno));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  if (auto t = read(c.credentials_file)) parse_shared_file(*t, false, true, c);
  if (auto t = read(c.config_file)) parse_shared_file(*t, true, false, c);
  return c;
}

}  // namespace dsql::aws
