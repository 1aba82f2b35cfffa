// The DSQL-shaped name of a local cluster in /etc/hosts, so that clients which cannot
// be given an address apart from the name (AWS's connectors, most drivers) resolve
// `<id>.dsql.<region>.on.aws` to 127.0.0.1. `dsqlctl local hosts --add/--remove`.
//
// The file is changed in place (it is often a bind mount in containers, so it cannot
// be replaced by a rename): --add appends one line, --remove rewrites the file
// without the lines --add wrote for that name. A line that maps the name elsewhere
// is never touched (an error says so).
#pragma once

#include <filesystem>
#include <string>

namespace dsql::local {

/// $DSQL_HOSTS_FILE, else /etc/hosts.
[[nodiscard]] std::filesystem::path hosts_file();

/// The line --add writes: "127.0.0.1\t<name>\t# dsqlctl local hosts".
[[nodiscard]] std::string hosts_line(const std::string& name);

/// Whether the file maps name to 127.0.0.1 (case-insensitively, any line).
[[nodiscard]] bool hosts_maps(const std::filesystem::path& file, const std::string& name);

enum class hosts_change { added, already_there, removed, not_there };

/// Adds hosts_line(name) unless the name is already mapped to 127.0.0.1; throws
/// cluster_error when the name is mapped to another address or the file cannot be
/// written (not root: the error says to use sudo).
hosts_change add_hosts_entry(const std::filesystem::path& file, const std::string& name);

/// Removes the lines add_hosts_entry() wrote for name.
hosts_change remove_hosts_entry(const std::filesystem::path& file, const std::string& name);

}  // namespace dsql::local
