// Cluster-directory files; see files.hpp.
#include "local/files.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

namespace dsql::local {
namespace fs = std::filesystem;

std::string user_name_of(uid_t uid) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found)
    return std::string(pw.pw_name) + " (uid " + std::to_string(uid) + ")";
  return "uid " + std::to_string(uid);
}

std::string mode_text(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

// Reads a regular file of at most max_bytes without following a final symbolic link
// (nor blocking on a FIFO). Returns 0 or an errno value: ELOOP for a symbolic link,
// EINVAL for something that is not a regular file, EFBIG when too large.
int read_small_file(const fs::path& path, std::size_t max_bytes, std::string& out, struct stat& st) {
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return errno;
  int rc = 0;
  if (fstat(fd, &st) != 0)
    rc = errno;
  else if (!S_ISREG(st.st_mode))
    rc = EINVAL;
  else if (static_cast<std::size_t>(st.st_size) > max_bytes)
    rc = EFBIG;
  out.clear();
  char buf[4096];
  while (rc == 0) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      rc = errno;
    } else if (n == 0) {
      break;
    } else {
      out.append(buf, static_cast<std::size_t>(n));
      if (out.size() > max_bytes) rc = EFBIG;
    }
  }
  close(fd);
  return rc;
}

// Writes path through a fresh temporary file (O_EXCL, O_NOFOLLOW: never through a
// link planted by someone else) renamed over it. owner: chown to this user (as root).
void write_file(const fs::path& path, const std::string& text, mode_t mode, const std::optional<os_user>& owner) {
  const fs::path tmp = path.string() + ".tmp";
  if (unlink(tmp.c_str()) != 0 && errno != ENOENT)
    throw cluster_error("cannot remove " + tmp.string() + ": " + std::strerror(errno));
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) throw cluster_error("cannot create " + tmp.string() + ": " + std::strerror(errno));
  std::string_view rest = text;
  int err = 0;
  while (!rest.empty() && err == 0) {
    const ssize_t n = write(fd, rest.data(), rest.size());
    if (n < 0) {
      if (errno != EINTR) err = errno;
    } else {
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  if (err == 0 && fchmod(fd, mode) != 0) err = errno;
  if (err == 0 && owner && geteuid() == 0 && fchown(fd, owner->uid, owner->gid) != 0) err = errno;
  close(fd);
  if (err == 0 && rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    unlink(tmp.c_str());
    throw cluster_error("cannot write " + path.string() + ": " + std::strerror(err));
  }
}

}  // namespace dsql::local
