// /etc/hosts entries of local clusters; see hosts.hpp.
#include "local/hosts.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <vector>

#include "local/files.hpp"
#include "local/process.hpp"

namespace dsql::local {
namespace fs = std::filesystem;

namespace {

constexpr const char* marker = "# dsqlctl local hosts";
constexpr std::size_t max_hosts_bytes = 4 * 1024 * 1024;

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::string read_hosts(const fs::path& file) {
  std::string text;
  struct stat st {};
  const int e = read_small_file(file, max_hosts_bytes, text, st);
  if (e == ENOENT) return {};
  if (e != 0) throw cluster_error("cannot read " + file.string() + ": " + std::strerror(e));
  return text;
}

// The addresses a hosts file gives name (comments stripped).
std::vector<std::string> addresses_of(const std::string& text, const std::string& name) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  const std::string wanted = lower(name);
  while (std::getline(in, line)) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string addr, n;
    if (!(words >> addr)) continue;
    while (words >> n)
      if (lower(n) == wanted) out.push_back(addr);
  }
  return out;
}

void write_in_place(const fs::path& file, const std::string& text, bool append) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC | (append ? O_APPEND | O_CREAT : 0), 0644);
  if (fd < 0) {
    const int e = errno;
    throw cluster_error("cannot write " + file.string() + ": " + std::strerror(e) +
                        (e == EACCES || e == EPERM ? " (run it as root: sudo dsqlctl local hosts ...)" : ""));
  }
  std::string_view rest = text;
  int err = 0;
  while (!rest.empty() && err == 0) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno != EINTR) err = errno;
    if (n > 0) rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (err == 0 && !append && ftruncate(fd, static_cast<off_t>(text.size())) != 0) err = errno;
  ::close(fd);
  if (err != 0) throw cluster_error("cannot write " + file.string() + ": " + std::strerror(err));
}

}  // namespace

fs::path hosts_file() {
  const char* e = std::getenv("DSQL_HOSTS_FILE");
  return e && *e ? fs::path(e) : fs::path("/etc/hosts");
}

std::string hosts_line(const std::string& name) { return "127.0.0.1\t" + name + "\t" + marker; }

bool hosts_maps(const fs::path& file, const std::string& name) {
  try {
    for (const auto& a : addresses_of(read_hosts(file), name))
      if (a == "127.0.0.1") return true;
  } catch (const cluster_error&) {
  }
  return false;
}

hosts_change add_hosts_entry(const fs::path& file, const std::string& name) {
  const std::string text = read_hosts(file);
  const auto addrs = addresses_of(text, name);
  for (const auto& a : addrs)
    if (a != "127.0.0.1")
      throw cluster_error(file.string() + " maps " + name + " to " + a + ", not to 127.0.0.1; not touching it");
  if (!addrs.empty()) return hosts_change::already_there;
  std::string add = (text.empty() || text.back() == '\n') ? std::string() : std::string("\n");
  add += hosts_line(name) + "\n";
  write_in_place(file, add, true);
  return hosts_change::added;
}

hosts_change remove_hosts_entry(const fs::path& file, const std::string& name) {
  const std::string text = read_hosts(file);
  const std::string ours = hosts_line(name);
  std::string kept;
  bool removed = false;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line == ours) {
      removed = true;
      continue;
    }
    kept += line + "\n";
  }
  if (!removed) return hosts_change::not_there;
  if (!text.empty() && text.back() != '\n' && !kept.empty()) kept.pop_back();
  write_in_place(file, kept, false);
  return hosts_change::removed;
}

}  // namespace dsql::local
