// Files of a cluster directory, which the run user (the database server) can change:
// read without following links, written through a fresh file renamed over the old
// one. Internal to dsl/local.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "local/process.hpp"

namespace dsql::local {

/// Reads a regular file of at most max_bytes without following a final symbolic link
/// (nor blocking on a FIFO). Returns 0 or an errno value: ELOOP for a symbolic link,
/// EINVAL for something that is not a regular file, EFBIG when too large.
int read_small_file(const std::filesystem::path& path, std::size_t max_bytes, std::string& out, struct stat& st);

/// Writes path through a fresh temporary file (O_EXCL, O_NOFOLLOW: never through a
/// link planted by someone else) renamed over it, with the given mode. owner: chown
/// to this user (when we are root). Throws cluster_error.
void write_file(const std::filesystem::path& path, const std::string& text, mode_t mode,
                const std::optional<os_user>& owner = std::nullopt);

/// "name (uid N)" of a uid, or "uid N".
[[nodiscard]] std::string user_name_of(uid_t uid);

/// A mode as four octal digits, e.g. "0600".
[[nodiscard]] std::string mode_text(mode_t m);

}  // namespace dsql::local
