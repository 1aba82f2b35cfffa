// Running external programs without a shell: argv vectors, optional privilege drop
// to an unprivileged OS user (when we are root), captured output, exit codes.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dsql::local {

/// Any failure of the local cluster machinery; what() is a full sentence for people.
class cluster_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An OS account with everything needed to become it (resolved before fork, so the
/// child only makes system calls).
struct os_user {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  ///< supplementary groups, primary included
};

/// The account of the effective uid. Throws cluster_error.
[[nodiscard]] os_user current_user();
/// The named account, or nullopt when it does not exist. Throws on lookup errors.
[[nodiscard]] std::optional<os_user> find_user(const std::string& name);

struct run_options {
  /// Become this user in the child (setgroups, setgid, setuid) before exec. Only
  /// meaningful as root; nullopt runs as ourselves.
  std::optional<os_user> as;
  /// Working directory of the child; empty keeps ours.
  std::filesystem::path cwd;
  /// Capture stdout and stderr together into run_result::output; otherwise the
  /// child inherits ours.
  bool capture = true;
  /// Fed to the child's stdin (then closed); nullopt gives it /dev/null.
  std::optional<std::string> input;
  /// Remove PG* variables (PGDATA, PGPORT, PGHOST, PGOPTIONS, ...) from the child's
  /// environment so they cannot redirect the server tools.
  bool strip_pg_env = true;
  /// Without capture: the child's stderr, line by line (a last unterminated line too), to
  /// this function instead of ours - e.g. to label psql's messages with a file name.
  std::function<void(std::string_view line)> on_stderr_line;
};

struct run_result {
  int exit_code = 0;   ///< exit status; 128 + signal number when killed by a signal
  std::string output;  ///< stdout + stderr interleaved (when captured)
};

/// Runs argv[0] (an absolute path: no PATH search) with argv, waits for it.
/// Throws cluster_error when it cannot be started; a non-zero exit is returned.
run_result run(const std::vector<std::string>& argv, const run_options& options = {});

/// run(), then throws cluster_error quoting the command's output when it exits non-zero.
run_result check_run(const std::vector<std::string>& argv, const run_options& options = {});

/// Whether `user` may access `path` with `mode` (R_OK/W_OK/X_OK, as access(2)),
/// which requires search permission on every parent. Checked in a child that became
/// the user, so ACLs count.
[[nodiscard]] bool user_can_access(const os_user& user, const std::filesystem::path& path, int mode);

}  // namespace dsql::local
