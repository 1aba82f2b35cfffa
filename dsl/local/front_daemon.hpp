// The front door's daemon (dsl/front) beside a local cluster's PostgreSQL: started by
// `dsqlctl local up`, stopped by `local down`.
//
//   DIR/front.pid   its pid (written by the daemon, the run user's file)
//   DIR/front.log   its log (stderr)
//
// The daemon is a fork of dsqlctl (no exec: no program path to trust or to reach):
// it leaves the session, becomes the run user when dsqlctl runs as root, enters DIR,
// names itself "dsql-front", binds the port, and reports "ready" (or why not) to the
// parent through a pipe before the parent returns. A pid file only names our daemon
// when that process belongs to the run user, is called dsql-front and works in DIR.
#pragma once

#include <filesystem>

#include "front/front.hpp"
#include "local/process.hpp"

namespace dsql::local {

/// Starts the daemon serving `cfg` for the cluster in dir; returns its pid once it
/// listens. Throws cluster_error with the daemon's reason when it cannot start.
long start_front(const std::filesystem::path& dir, const os_user& run_user, const front::config& cfg);

/// The daemon's pid when it is running (verified as above), else 0.
[[nodiscard]] long front_pid(const std::filesystem::path& dir, uid_t run_uid);

/// Stops the daemon (SIGTERM, then SIGKILL after 5 s); true when one was running.
bool stop_front(const std::filesystem::path& dir, uid_t run_uid);

}  // namespace dsql::local
