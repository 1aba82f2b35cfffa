// The front door's server: one event-loop thread accepts TCP connections and takes
// every client through TLS, its StartupMessage and its password (bounded in time and
// in number, see front.hpp); each client that gets that far gets a thread of its own
// that opens the backend connection, relays the login and then the session.
#include "front/front.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iterator>
#include <list>
#include <map>
#include <memory>
#include <mutex>

#include "front/limits.hpp"
#include "front/protocol.hpp"

namespace dsql::front {
namespace {

using clock = std::chrono::steady_clock;
namespace pr = protocol;

// DSQL's texts (CHAP_quotas, "Cluster quotas"), kept verbatim.
constexpr const char* too_many_connections = "Unable to accept connection, too many open connections.";
constexpr const char* rate_exceeded = "Unable to accept connection, rate exceeded.";

// The largest PasswordMessage read before a backend exists. dsql_iam refuses tokens
// over 8 KiB itself (28000); anything up to this bound is forwarded so that it does.
constexpr std::size_t max_password_message = 128 * 1024;
// Query/Parse messages up to this size are rewritten; larger ones are relayed as is.
constexpr std::size_t max_rewrite_message = 8 * 1024 * 1024;
// Relay buffers: reading from one side pauses while this much waits for the other.
constexpr std::size_t relay_buffer_limit = 1024 * 1024;
constexpr std::size_t io_chunk = 64 * 1024;

// --- logging ------------------------------------------------------------------------

// A client-supplied string for the log: printable ASCII kept, the rest \xNN, cut.
std::string printable(std::string_view s, std::size_t max = 80) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > max) out += "...";
  return out;
}

void log_line(const std::string& text) {
  char stamp[40];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S UTC", &tm);
  const std::string line = std::string(stamp) + " dsql-front: " + text + "\n";
  // one write per line: lines of several threads do not interleave
  [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

std::string ssl_errors() {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? std::string("no OpenSSL error queued") : out;
}

std::string peer_of(const sockaddr_in& a) {
  char ip[INET_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET, &a.sin_addr, ip, sizeof ip);
  return std::string(ip) + ":" + std::to_string(ntohs(a.sin_port));
}

bool set_nonblocking(int fd, bool on) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return false;
  return fcntl(fd, F_SETFL, on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK)) == 0;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// A host name as compared: lower case, without a trailing dot.
std::string host_key(std::string_view s) {
  std::string out = ascii_lower(s);
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

// --- what a client may set at startup ---------------------------------------------------

// The configuration parameters a client may set in its StartupMessage, directly or
// with -c/-- in `options`: what the clients that connect to DSQL send, so that none
// of them is refused, and nothing else (dsql-rules.md, Front door: "Unsupported
// startup parameters ... are refused"; dsql.md: session parameters other than
// search_path are refused by SET too). Who sends what:
//   libpq (psql, psycopg 2/3, the botocore-token scripts): application_name,
//     client_encoding, options, and datestyle/timezone from PGDATESTYLE/PGTZ;
//   pgjdbc: client_encoding, DateStyle, TimeZone, extra_float_digits,
//     application_name, search_path (currentSchema);
//   node-postgres (AWS's connector): application_name, client_encoding, options;
//   Postgres.js: client_encoding, application_name; Npgsql: client_encoding,
//     application_name, search_path, TimeZone; asyncpg, sqlx: client_encoding,
//     DateStyle, TimeZone, extra_float_digits, application_name.
// user, database and options are the protocol's own keys (compared exactly, as the
// server does); `_pq_.*` are protocol options (answered with
// NegotiateProtocolVersion, not forwarded); replication is refused on its own.
// Parameter names compare case-insensitively, as the server's GUC names do.
constexpr std::string_view client_settings[] = {"application_name",   "client_encoding", "datestyle",
                                                "extra_float_digits", "search_path",     "timezone"};
constexpr const char* client_settings_text =
    "application_name, client_encoding, DateStyle, TimeZone, extra_float_digits and search_path";

bool client_setting(std::string_view name) {
  const std::string n = ascii_lower(name);
  return std::find(std::begin(client_settings), std::end(client_settings), n) != std::end(client_settings);
}

// The one database of a DSQL cluster (dsql.md: "one database | only postgres").
constexpr std::string_view the_database = "postgres";

// A client-supplied name cut as the server cuts names (NAMEDATALEN - 1 bytes, not
// inside a UTF-8 character).
std::string name_cut(std::string_view s) {
  constexpr std::size_t max = 63;
  if (s.size() <= max) return std::string(s);
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

// --- cancel keys of the relayed sessions ------------------------------------------------

class cancel_registry {
 public:
  void add(std::uint32_t pid, std::uint32_t key) {
    std::lock_guard<std::mutex> g(m_);
    keys_[pid] = key;
  }
  void remove(std::uint32_t pid) {
    std::lock_guard<std::mutex> g(m_);
    keys_.erase(pid);
  }
  [[nodiscard]] bool known(std::uint32_t pid, std::uint32_t key) {
    std::lock_guard<std::mutex> g(m_);
    const auto it = keys_.find(pid);
    return it != keys_.end() && CRYPTO_memcmp(&it->second, &key, sizeof key) == 0;
  }

 private:
  std::mutex m_;
  std::map<std::uint32_t, std::uint32_t> keys_;
};

// A connected Unix socket to the backend, or -1 with errno. nonblocking: fail with
// EAGAIN rather than wait when the server's listen queue is full (the event loop
// must never block).
int connect_backend(const std::filesystem::path& socket_path, bool nonblocking = false) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  const std::string p = socket_path.string();
  if (p.size() >= sizeof a.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  std::memcpy(a.sun_path, p.c_str(), p.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    const int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

// --- shared state -----------------------------------------------------------------------

struct shared {
  config cfg;
  SSL_CTX* ctx = nullptr;
  std::vector<std::string> sni_names;  // lower case
  std::atomic<int> sessions{0};        // sessions holding a quota slot
  cancel_registry cancels;

  // Lines about clients refused before they authenticated (TLS, SNI, the startup
  // packet, then a token the server refused): the first pre_auth_lines of each 10 s
  // report period one by one, the rest only counted in the loop's report; a peer
  // without credentials cannot grow the log faster. The loop and the session threads
  // share it.
  static constexpr std::size_t pre_auth_lines = 20;
  std::atomic<std::size_t> pre_auth_logged{0}, unlogged{0};
  void log_pre_auth(const std::string& text) {
    if (pre_auth_logged.fetch_add(1) < pre_auth_lines)
      log_line(text);
    else
      unlogged.fetch_add(1);
  }
};

// --- a session (its own thread) ---------------------------------------------------------

struct session_start {
  int fd = -1;
  SSL* ssl = nullptr;
  std::string peer;
  std::string sni;
  pr::startup startup;
  std::string password;
};

class session {
 public:
  session(shared& sh, session_start s) : sh_(sh), s_(std::move(s)) {}
  ~session() {
    OPENSSL_cleanse(s_.password.data(), s_.password.size());
    if (registered_) sh_.cancels.remove(backend_pid_);
    if (backend_ >= 0) ::close(backend_);
    if (s_.ssl) {
      SSL_shutdown(s_.ssl);  // best effort, non-blocking
      SSL_free(s_.ssl);
    }
    if (s_.fd >= 0) ::close(s_.fd);
    sh_.sessions.fetch_sub(1);
  }

  void run() {
    started_ = clock::now();
    const std::string* user = s_.startup.find("user");
    user_ = user ? *user : std::string();
    std::string why, leftover;
    if (!login(why, leftover)) {
      sh_.log_pre_auth("login of user \"" + printable(user_) + "\" from " + s_.peer + " ended: " + why);
      return;
    }
    log_line("session of user \"" + printable(user_) + "\" from " + s_.peer + " (SNI " + printable(s_.sni) +
             ", backend pid " + std::to_string(backend_pid_) + ") started");
    const std::string end = relay(std::move(leftover));
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(clock::now() - started_).count();
    log_line("session of user \"" + printable(user_) + "\" from " + s_.peer + " ended after " + std::to_string(secs) +
             " s: " + end + " (client: " + std::to_string(io_.client_reads) + " reads, " +
             std::to_string(io_.client_writes) + " writes; server: " + std::to_string(io_.backend_reads) + " reads, " +
             std::to_string(io_.backend_writes) + " writes; " + std::to_string(io_.polls) + " waits)");
  }

 private:
  shared& sh_;
  session_start s_;
  std::string user_;
  int backend_ = -1;
  std::uint32_t backend_pid_ = 0;
  bool registered_ = false;
  clock::time_point started_;
  std::string client_encoding_;         // as the server last reported it
  bool standard_conforming_strings_ = true;  // likewise
  struct {
    unsigned long client_reads = 0, client_writes = 0, backend_reads = 0, backend_writes = 0, polls = 0;
  } io_;  // of the relay, for the session's log line

  // --- client I/O with a deadline (login phase) ---

  // Writes all of data to the client over TLS before the deadline.
  bool client_write_all(std::string_view data, clock::time_point deadline) {
    std::size_t off = 0;
    while (off < data.size()) {
      const int n =
          SSL_write(s_.ssl, data.data() + off, static_cast<int>(std::min<std::size_t>(data.size() - off, 1 << 30)));
      if (n > 0) {
        off += static_cast<std::size_t>(n);
        continue;
      }
      const int e = SSL_get_error(s_.ssl, n);
      if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) ||
          !wait(s_.fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline))
        return false;
    }
    return true;
  }

  static bool wait(int fd, short events, clock::time_point deadline) {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
      if (left <= 0) return false;
      pollfd p{fd, events, 0};
      const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000 * 60)));
      if (r > 0) return true;
      if (r < 0 && errno != EINTR) return false;
    }
  }

  void client_error(std::string_view sqlstate, std::string_view text, std::string_view detail = {}) {
    const std::string m = pr::error_response("FATAL", sqlstate, text, detail);
    (void)client_write_all(m, clock::now() + std::chrono::seconds(2));
  }

  bool backend_write_all(std::string_view data, clock::time_point deadline) {
    std::size_t off = 0;
    while (off < data.size()) {
      const ssize_t n = ::send(backend_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n > 0) {
        off += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && (errno == EINTR)) continue;
      if (n < 0 && errno == EAGAIN && wait(backend_, POLLOUT, deadline)) continue;
      return false;
    }
    return true;
  }

  // The backend's login: startup (with dsql_iam.front_door=on), the password when
  // the auth hook asks for it, then everything up to the first ReadyForQuery goes to
  // the client (server_version rewritten) in one write. The backend's bytes are read
  // in blocks and cut into messages here; what follows the ReadyForQuery (nothing,
  // normally) is left in leftover for the relay. false: the session ends (the client
  // has been told why, when it can be).
  bool login(std::string& why, std::string& leftover) {
    const auto deadline = clock::now() + sh_.cfg.auth_timeout;
    backend_ = connect_backend(sh_.cfg.backend_socket);
    if (backend_ < 0) {
      why = "cannot reach the server at " + sh_.cfg.backend_socket.string() + ": " + std::strerror(errno);
      client_error("57P03", "unable to accept connection, the database server is not available");
      return false;
    }
    set_nonblocking(backend_, true);
    std::vector<std::pair<std::string, std::string>> params;
    for (const auto& p : s_.startup.params)
      if (p.first.rfind("_pq_.", 0) != 0) params.push_back(p);
    params.emplace_back("dsql_iam.front_door", "on");
    if (!backend_write_all(pr::startup_message(params), deadline)) {
      why = "the server closed the connection during the startup";
      client_error("57P03", "unable to accept connection, the database server is not available");
      return false;
    }
    bool password_sent = false;
    std::string in;   // the backend's bytes not yet cut into messages
    std::string out;  // for the client, written at the ReadyForQuery (or an error)
    std::string chunk(16 * 1024, '\0');
    const auto refuse_login = [&](std::string reason) {
      why = std::move(reason);
      const std::string* u = s_.startup.find("user");
      out += pr::error_response("FATAL", "28000",
                                "IAM authentication failed for user \"" + (u ? *u : std::string()) + "\"");
      (void)client_write_all(out, deadline);
      return false;
    };
    for (;;) {
      // the complete messages received so far
      std::size_t i = 0;
      while (in.size() - i >= 5) {
        const char type = in[i];
        const std::uint32_t len = pr::get_u32(in, i + 1);
        if (len < 4 || len > 1024 * 1024) return refuse_login("the server sent a malformed message");
        if (in.size() - i < 1 + static_cast<std::size_t>(len)) break;
        const std::string_view body = std::string_view(in).substr(i + 5, len - 4);
        i += 1 + static_cast<std::size_t>(len);
        if (type == 'E') {  // the server's refusal (28000 from dsql_iam, 53300, ...): DSQL's answer
          out += pr::message(type, body);
          (void)client_write_all(out, deadline);
          why = "refused by the server (" + error_code(body) + ")";
          return false;
        }
        if (type == 'R') {
          const std::uint32_t code = body.size() >= 4 ? pr::get_u32(body, 0) : 0xffffffffu;
          if (code == 3 && !password_sent) {  // dsql_iam asks for the token
            std::string m = pr::password_message(s_.password);
            const bool ok = backend_write_all(m, deadline);
            OPENSSL_cleanse(m.data(), m.size());
            OPENSSL_cleanse(s_.password.data(), s_.password.size());
            if (!ok) {
              why = "the server closed the connection during the login";
              client_error("08006", "unable to accept connection, the database server ended the login");
              return false;
            }
            password_sent = true;
            continue;
          }
          if (code == 0 && password_sent) {
            out += pr::message(type, body);
            continue;
          }
          // AuthenticationOk without a token, or another method: never let a
          // connection through the front door without IAM authentication.
          return refuse_login(code == 0 ? "the server let the user in without asking for the IAM token (is "
                                          "dsql_iam loaded, and dsql_iam.auth_mode on?): refused"
                                        : "the server asked for authentication method " + std::to_string(code) +
                                              ", not the IAM token (pg_hba.conf?): refused");
        }
        if (!password_sent)
          return refuse_login(std::string("the server sent message type ") + printable(std::string_view(&type, 1)) +
                              " before authentication: refused");
        if (type == 'K' && body.size() == 8) {
          backend_pid_ = pr::get_u32(body, 0);
          sh_.cancels.add(backend_pid_, pr::get_u32(body, 4));
          registered_ = true;
        }
        out += type == 'S' ? parameter_status(body) : pr::message(type, body);
        if (type == 'Z') {
          leftover = in.substr(i);
          if (!client_write_all(out, deadline)) {
            why = "the client went away during the login";
            return false;
          }
          return true;
        }
      }
      in.erase(0, i);
      // more from the backend
      if (!wait(backend_, POLLIN, deadline)) {
        why = "the server did not complete the login in time";
        client_error("08006", "unable to accept connection, the database server ended the login");
        return false;
      }
      const ssize_t n = ::recv(backend_, chunk.data(), chunk.size(), 0);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        why = "the server closed the connection during the login";
        client_error("08006", "unable to accept connection, the database server ended the login");
        return false;
      }
      in.append(chunk.data(), static_cast<std::size_t>(n));
    }
  }

  // ParameterStatus as DSQL reports it (server_version), noting client_encoding.
  std::string parameter_status(std::string_view body) {
    const std::size_t n = body.find('\0');
    if (n == std::string_view::npos) return pr::message('S', body);
    const std::string_view name = body.substr(0, n);
    std::string_view value = body.substr(n + 1);
    if (!value.empty() && value.back() == '\0') value.remove_suffix(1);
    if (name == "client_encoding") client_encoding_ = std::string(value);
    if (name == "standard_conforming_strings") standard_conforming_strings_ = value == "on";
    if (name == "server_version" && !sh_.cfg.server_version.empty())
      return pr::parameter_status(name, sh_.cfg.server_version);
    return pr::message('S', body);
  }

  static std::string error_code(std::string_view body) {
    for (std::size_t i = 0; i < body.size() && body[i] != '\0';) {
      const char code = body[i];
      const std::size_t end = body.find('\0', i + 1);
      if (end == std::string_view::npos) break;
      if (code == 'C') return printable(body.substr(i + 1, end - i - 1), 5);
      i = end + 1;
    }
    return "no SQLSTATE";
  }

  // --- the session relay ---

  // Whether the bridge may read a Query/Parse body at all. The lexer must cut the
  // string where the server's scanner will: that depends on client_encoding (a
  // client-only encoding such as SJIS has multibyte characters whose second byte is a
  // backslash or a quote) and on standard_conforming_strings (off: a backslash escapes
  // a quote in '...'). The server reports both (GUC_REPORT) before its ReadyForQuery,
  // so the front door knows them for a message sent when every earlier one has been
  // answered, i.e. the ReadyForQuery of every Query and Sync before it
  // has come back (settings_known; not merely the last one: an earlier answer may
  // come while a later query that changes them still runs). A message pipelined
  // behind another may run after that one changed them (SET client_encoding,
  // set_config, RESET ALL ...). Text without a
  // backslash and without bytes >= 0x80 lexes the same under every setting.
  [[nodiscard]] bool rewrite_allowed(std::string_view body, bool settings_known) const {
    const bool plain = std::none_of(body.begin(), body.end(),
                                    [](char c) { return c == '\\' || static_cast<unsigned char>(c) >= 0x80; });
    if (plain) return true;
    return settings_known && !pr::unsafe_client_encoding(client_encoding_) &&
           (standard_conforming_strings_ || body.find('\\') == std::string_view::npos);
  }

  struct stream {
    std::string buf;      // bytes waiting to be written to the other side
    std::size_t off = 0;  // written so far
    [[nodiscard]] std::size_t pending() const { return buf.size() - off; }
    void append(std::string_view s) {
      if (off > 0 && off == buf.size()) {
        buf.clear();
        off = 0;
      }
      buf.append(s);
    }
    void consumed(std::size_t n) {
      off += n;
      if (off == buf.size()) {
        buf.clear();
        off = 0;
      } else if (off > (1u << 20)) {
        buf.erase(0, off);
        off = 0;
      }
    }
  };

  // Messages of one direction, cut at their boundaries.
  struct parser {
    std::string in;        // received, not yet handled
    std::size_t left = 0;  // bytes of the current message still to pass through
    char type = 0;         // its type
  };

  std::string relay(std::string leftover) {
    set_nonblocking(s_.fd, true);
    stream to_backend, to_client;
    parser from_client, from_backend;
    from_backend.in = std::move(leftover);
    char last_status = 'I';  // of the last ReadyForQuery
    // Sync points in flight: each Query and Sync the client sent gets one
    // ReadyForQuery. The client's messages since none was in flight ("quiet"): the
    // server has run all of them, and reported what they changed, only when both are 0.
    std::size_t syncs_in_flight = 0;
    std::size_t client_msgs_since_quiet = 0;
    bool terminate = false;  // the client sent Terminate
    const auto age_deadline = started_ + sh_.cfg.max_connection_age;
    const auto hard_deadline = age_deadline + sh_.cfg.transaction_grace;
    bool closing = false;  // past the deadline: close when idle
    bool client_eof = false, backend_eof = false;
    bool ssl_read_wants_write = false, ssl_write_wants_read = false;
    // OpenSSL may hold whole TLS records it read ahead (read_ahead is on; the login's
    // reads too) that SSL_pending() does not count and poll() cannot see: true until
    // an SSL_read finds nothing more (WANT_READ).
    bool client_records_buffered = true;
    const bool rewrite = true;
    std::string chunk(io_chunk, '\0');

    const auto idle = [&] {
      return last_status == 'I' && syncs_in_flight == 0 && client_msgs_since_quiet == 0 && from_client.in.empty() && from_client.left == 0 &&
             from_backend.left == 0 && from_backend.in.empty();
    };
    const auto end_session = [&](const std::string& reason) {
      to_client.append(
          pr::error_response("FATAL", "57P01",
                             "terminating connection: the connection reached its maximum duration of " +
                                 std::to_string(sh_.cfg.max_connection_age.count()) + " seconds",
                             "Aurora DSQL closes a connection after 60 minutes; reconnect with a new token."));
      (void)backend_write_all(pr::message('X', ""), clock::now() + std::chrono::seconds(1));
      flush_client_blocking(to_client);
      return reason;
    };

    // A FunctionCall ('F', the protocol's fastpath, libpq's PQfn and large objects):
    // no hook of PostgreSQL sees it, so strict mode's rules and the session-state
    // checks would not apply to what it calls (set_config('role', ...), version()).
    // Aurora DSQL has no large objects; the session ends with 0A000 rather than answer
    // for the server (a synthesised error would leave the client and the server
    // disagreeing on the transaction's state).
    bool fastpath = false;
    const auto refuse_fastpath = [&] {
      to_client.append(pr::error_response("FATAL", "0A000", "fastpath function calls are not supported",
                                          "Call the function in a query: SELECT f(...)."));
      (void)backend_write_all(pr::message('X', ""), clock::now() + std::chrono::seconds(1));
      flush_client_blocking(to_client);
      return std::string("the client sent a FunctionCall (fastpath): refused");
    };

    // Client bytes: Query and Parse rewritten (whole messages), the rest streamed.
    const auto handle_client = [&]() -> bool {
      std::size_t i = 0;
      std::string& in = from_client.in;
      while (i < in.size()) {
        if (from_client.left > 0) {
          const std::size_t n = std::min(from_client.left, in.size() - i);
          to_backend.append(std::string_view(in).substr(i, n));
          from_client.left -= n;
          i += n;
          continue;
        }
        if (in.size() - i < 5) break;
        const char type = in[i];
        const std::uint32_t len = pr::get_u32(in, i + 1);
        if (len < 4) return false;  // not the protocol: the server would say so, we just end
        if (type == 'F') {
          fastpath = true;
          return false;
        }
        ++client_msgs_since_quiet;
        if (type == 'Q' || type == 'S') ++syncs_in_flight;
        if (type == 'X') terminate = true;
        const bool whole = rewrite && (type == 'Q' || type == 'P') && len - 4 <= max_rewrite_message;
        if (whole) {
          if (in.size() - i < 1 + static_cast<std::size_t>(len)) break;  // wait for all of it
          const std::string_view body = std::string_view(in).substr(i + 5, len - 4);
          // settings known: this is the first message since everything before it was answered
          if (auto r = rewrite_allowed(body, client_msgs_since_quiet == 1) ? pr::rewrite_client_message(type, body)
                                                                       : std::nullopt)
            to_backend.append(*r);
          else
            to_backend.append(std::string_view(in).substr(i, 1 + static_cast<std::size_t>(len)));
          i += 1 + static_cast<std::size_t>(len);
          continue;
        }
        to_backend.append(std::string_view(in).substr(i, 5));
        from_client.left = len - 4;
        from_client.type = type;
        i += 5;
      }
      in.erase(0, i);
      return true;
    };

    // Backend bytes: ReadyForQuery and ParameterStatus read whole, the rest streamed.
    const auto handle_backend = [&]() -> bool {
      std::size_t i = 0;
      std::string& in = from_backend.in;
      while (i < in.size()) {
        if (from_backend.left > 0) {
          const std::size_t n = std::min(from_backend.left, in.size() - i);
          to_client.append(std::string_view(in).substr(i, n));
          from_backend.left -= n;
          i += n;
          continue;
        }
        if (in.size() - i < 5) break;
        const char type = in[i];
        const std::uint32_t len = pr::get_u32(in, i + 1);
        if (len < 4) return false;
        if (type == 'Z' || (type == 'S' && len <= 4096)) {
          if (in.size() - i < 1 + static_cast<std::size_t>(len)) break;
          const std::string_view body = std::string_view(in).substr(i + 5, len - 4);
          if (type == 'Z') {
            last_status = body.empty() ? 'I' : body[0];
            if (syncs_in_flight > 0) --syncs_in_flight;
            if (syncs_in_flight == 0) client_msgs_since_quiet = 0;
            to_client.append(std::string_view(in).substr(i, 1 + static_cast<std::size_t>(len)));
          } else {
            to_client.append(parameter_status(body));
          }
          i += 1 + static_cast<std::size_t>(len);
          continue;
        }
        to_client.append(std::string_view(in).substr(i, 5));
        from_backend.left = len - 4;
        from_backend.type = type;
        i += 5;
      }
      in.erase(0, i);
      return true;
    };

    if (!from_backend.in.empty() && !handle_backend()) return "the server broke the protocol";
    for (;;) {
      // write what waits, each side
      while (to_backend.pending() > 0) {
        const ssize_t n = ::send(backend_, to_backend.buf.data() + to_backend.off, to_backend.pending(), MSG_NOSIGNAL);
        ++io_.backend_writes;
        if (n > 0) {
          to_backend.consumed(static_cast<std::size_t>(n));
        } else if (n < 0 && errno == EINTR) {
          continue;
        } else if (n < 0 && errno == EAGAIN) {
          break;
        } else {
          flush_client_blocking(to_client);
          return "the server closed the connection";
        }
      }
      ssl_write_wants_read = false;
      while (to_client.pending() > 0) {
        const int n = SSL_write(s_.ssl, to_client.buf.data() + to_client.off,
                                static_cast<int>(std::min<std::size_t>(to_client.pending(), 1 << 30)));
        ++io_.client_writes;
        if (n > 0) {
          to_client.consumed(static_cast<std::size_t>(n));
          continue;
        }
        const int e = SSL_get_error(s_.ssl, n);
        if (e == SSL_ERROR_WANT_WRITE) break;
        if (e == SSL_ERROR_WANT_READ) {
          ssl_write_wants_read = true;
          break;
        }
        return "the client connection failed (" + std::string(e == SSL_ERROR_SYSCALL ? "reset" : "TLS error") + ")";
      }
      if (terminate && to_backend.pending() == 0) return "the client ended the session";
      if (backend_eof && to_client.pending() == 0) return "the server ended the session";
      if (client_eof) return "the client closed the connection";

      const auto now = clock::now();
      if (now >= hard_deadline) return end_session("maximum duration reached (transaction still open)");
      if (now >= age_deadline) closing = true;
      if (closing && idle() && to_backend.pending() == 0) return end_session("maximum duration reached");

      // what to wait for
      const bool can_read_client =
          !client_eof && to_backend.pending() < relay_buffer_limit && from_client.in.size() < max_rewrite_message + 5;
      const bool can_read_backend = !backend_eof && to_client.pending() < relay_buffer_limit;
      // decrypted bytes OpenSSL already holds are not seen by poll
      bool client_ready = can_read_client && (SSL_pending(s_.ssl) > 0 ||
                                              (client_records_buffered && SSL_has_pending(s_.ssl) == 1));
      bool backend_ready = false;
      if (!client_ready) {
        pollfd p[2]{};
        p[0].fd = s_.fd;
        p[0].events = static_cast<short>(
            (can_read_client || ssl_write_wants_read ? POLLIN : 0) |
            ((to_client.pending() > 0 && !ssl_write_wants_read) || ssl_read_wants_write ? POLLOUT : 0));
        p[1].fd = backend_;
        p[1].events = static_cast<short>((can_read_backend ? POLLIN : 0) | (to_backend.pending() > 0 ? POLLOUT : 0));
        const auto until = closing ? hard_deadline : age_deadline;
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count() + 1;
        const int r = ::poll(p, 2, static_cast<int>(std::clamp<long long>(ms, 0, 60 * 1000)));
        ++io_.polls;
        if (r < 0 && errno != EINTR) return std::string("poll failed: ") + std::strerror(errno);
        if (r <= 0) continue;
        client_ready = (p[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0 ||
                       (ssl_read_wants_write && (p[0].revents & POLLOUT) != 0);
        backend_ready = (p[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
      }
      if (client_ready && can_read_client) {
        ssl_read_wants_write = false;
        const int n = SSL_read(s_.ssl, chunk.data(), static_cast<int>(chunk.size()));
        ++io_.client_reads;
        if (n > 0) {
          client_records_buffered = true;
          from_client.in.append(chunk.data(), static_cast<std::size_t>(n));
          if (!handle_client()) return fastpath ? refuse_fastpath() : "the client broke the protocol";
        } else {
          const int e = SSL_get_error(s_.ssl, n);
          if (e == SSL_ERROR_WANT_WRITE)
            ssl_read_wants_write = true;
          else if (e == SSL_ERROR_WANT_READ)
            client_records_buffered = false;  // at most part of a record is left: poll
          else
            client_eof = true;
        }
      }
      if (backend_ready && can_read_backend) {
        const ssize_t n = ::recv(backend_, chunk.data(), chunk.size(), 0);
        ++io_.backend_reads;
        if (n > 0) {
          from_backend.in.append(chunk.data(), static_cast<std::size_t>(n));
          if (!handle_backend()) return "the server broke the protocol";
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
          backend_eof = true;
        }
      }
    }
  }

  // Best-effort flush to the client before the session ends (2 s at most).
  void flush_client_blocking(stream& to_client) {
    if (to_client.pending() == 0) return;
    (void)client_write_all(std::string_view(to_client.buf).substr(to_client.off),
                           clock::now() + std::chrono::seconds(2));
    to_client.consumed(to_client.pending());
  }
};

struct thread_arg {
  shared* sh;
  session_start start;
};

void run_session(std::unique_ptr<thread_arg> a) {
  try {
    session s(*a->sh, std::move(a->start));
    s.run();
  } catch (const std::exception& e) {
    log_line(std::string("session failed: ") + e.what());
  }
  ERR_clear_error();
}

// Session threads, kept for the next session when theirs ends (creating a thread per
// connection costs more than the login's own work on a sandboxed kernel); one is
// started whenever none is idle, and an idle one exits after a minute.
class session_pool {
 public:
  // Hands a session to a thread; false when no thread could be started.
  bool submit(std::unique_ptr<thread_arg> a) {
    std::unique_lock<std::mutex> g(m_);
    queue_.push_back(std::move(a));
    if (idle_ > 0) {
      --idle_;  // that one is taken
      cv_.notify_one();
      return true;
    }
    g.unlock();
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 512 * 1024);
    pthread_t t{};
    const int rc = pthread_create(&t, &attr, worker, this);
    pthread_attr_destroy(&attr);
    if (rc == 0) return true;
    g.lock();
    queue_.pop_back();
    errno = rc;
    return false;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<thread_arg>> queue_;
  int idle_ = 0;  // threads waiting and not yet promised a session

  static void* worker(void* p) {
    auto* self = static_cast<session_pool*>(p);
    std::unique_lock<std::mutex> g(self->m_);
    for (;;) {
      if (self->queue_.empty()) {
        ++self->idle_;
        const bool woken = self->cv_.wait_for(g, std::chrono::seconds(60), [&] { return !self->queue_.empty(); });
        if (!woken) {  // still idle after a minute: the thread ends
          --self->idle_;
          break;
        }
        // submit() took our idle count when it queued for us
      }
      auto a = std::move(self->queue_.front());
      self->queue_.pop_front();
      g.unlock();
      run_session(std::move(a));
      g.lock();
    }
    g.unlock();
    OPENSSL_thread_stop();
    return nullptr;
  }
};

// --- the clients before authentication (event loop) --------------------------------------

enum class phase {
  first_packet,  // SSLRequest, GSSENCRequest, CancelRequest, a plaintext startup, or a TLS ClientHello
  handshake,     // TLS handshake
  startup,       // StartupMessage (or CancelRequest) inside TLS
  password,      // PasswordMessage
  closing,       // writing a last message, then close
};

struct client {
  int fd = -1;
  SSL* ssl = nullptr;
  phase ph = phase::first_packet;
  bool direct_tls = false;
  std::string in;   // received (plain, or decrypted)
  std::string out;  // to send
  std::size_t out_off = 0;
  bool out_plain = true;     // out goes around TLS (before it, or its "S")
  bool closed = false;       // waiting in the graveyard for the end of the event batch
  std::uint32_t events = 0;  // what epoll watches for it (0: not registered)
  clock::time_point deadline;
  std::string peer;
  std::string sni;
  pr::startup startup;
  std::list<std::unique_ptr<client>>::iterator self;
  std::string refusal;  // logged when closing after an error
  ~client() {
    OPENSSL_cleanse(in.data(), in.size());
    if (ssl) SSL_free(ssl);
    if (fd >= 0) ::close(fd);
  }
};

class loop {
 public:
  explicit loop(shared& sh) : sh_(sh), bucket_(sh.cfg.connection_rate, sh.cfg.connection_burst) {}

  int run(int listen_fd, int signal_fd) {
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0) throw front_error(std::string("epoll_create1 failed: ") + std::strerror(errno));
    add(listen_fd, EPOLLIN, &listen_tag_);
    add(signal_fd, EPOLLIN, &signal_tag_);
    listen_fd_ = listen_fd;
    signal_fd_ = signal_fd;
    std::vector<epoll_event> events(256);
    auto next_report = clock::now() + std::chrono::seconds(10);
    for (;;) {
      const auto now = clock::now();
      int timeout = 1000;
      if (!pending_.empty()) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(pending_.front()->deadline - now).count();
        timeout = static_cast<int>(std::clamp<long long>(ms + 1, 0, 1000));
      }
      const int n = epoll_wait(ep_, events.data(), static_cast<int>(events.size()), timeout);
      if (n < 0 && errno != EINTR) throw front_error(std::string("epoll_wait failed: ") + std::strerror(errno));
      for (int i = 0; i < n; ++i) {
        void* tag = events[static_cast<std::size_t>(i)].data.ptr;
        if (tag == &listen_tag_) {
          accept_all();
        } else if (tag == &signal_tag_) {
          signalfd_siginfo si{};
          [[maybe_unused]] const ssize_t r = ::read(signal_fd_, &si, sizeof si);
          log_line("signal " + std::to_string(si.ssi_signo) + ": stopping (" + std::to_string(sh_.sessions.load()) +
                   " session(s) open)");
          return 0;
        } else {
          client* c = static_cast<client*>(tag);
          if (!c->closed) advance(*c);
        }
      }
      expire(clock::now());
      graveyard_.clear();
      if (clock::now() >= next_report) {
        report();
        next_report = clock::now() + std::chrono::seconds(10);
      }
    }
  }

 private:
  shared& sh_;
  token_bucket bucket_;
  session_pool pool_;
  int ep_ = -1, listen_fd_ = -1, signal_fd_ = -1;
  char listen_tag_ = 0, signal_tag_ = 0;
  std::list<std::unique_ptr<client>> pending_;  // oldest first (deadline order)
  // Clients closed during an event batch: the batch may still name them.
  std::vector<std::unique_ptr<client>> graveyard_;
  // counted, logged every 10 s rather than one line each (a flood must not fill the log)
  std::size_t timed_out_ = 0, dropped_ = 0, rate_refused_ = 0, gone_ = 0;

  void add(int fd, std::uint32_t events, void* tag) {
    epoll_event e{};
    e.events = events;
    e.data.ptr = tag;
    if (epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &e) != 0)
      throw front_error(std::string("epoll_ctl failed: ") + std::strerror(errno));
  }
  // What epoll watches for c; a system call only when that changes.
  void rearm(client& c, std::uint32_t events) {
    if (c.events == events) return;
    epoll_event e{};
    e.events = events;
    e.data.ptr = &c;
    epoll_ctl(ep_, c.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c.fd, &e);
    c.events = events;
  }

  void report() {
    sh_.pre_auth_logged.store(0);
    const std::size_t unlogged = sh_.unlogged.exchange(0);
    if (timed_out_ + dropped_ + rate_refused_ + gone_ + unlogged == 0) return;
    log_line("in the last 10 s: " + std::to_string(timed_out_) + " client(s) timed out before authenticating, " +
             std::to_string(dropped_) + " dropped (more than " + std::to_string(sh_.cfg.max_pending) + " waiting), " +
             std::to_string(rate_refused_) + " refused by the connection rate (53400), " + std::to_string(gone_) +
             " left before authenticating, " + std::to_string(unlogged) + " other refusal(s) not logged one by one (" +
             std::to_string(shared::pre_auth_lines) + " per 10 s are); " + std::to_string(pending_.size()) + " waiting now");
    timed_out_ = dropped_ = rate_refused_ = gone_ = 0;
  }

  void accept_all() {
    for (;;) {
      sockaddr_in a{};
      socklen_t len = sizeof a;
      const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EMFILE || errno == ENFILE) {
          // out of descriptors: the oldest waiting client makes room; with none
          // waiting (every descriptor is a session), pause instead of spinning
          if (!pending_.empty()) {
            ++dropped_;
            close_client(*pending_.front());
            continue;
          }
          usleep(10000);
        }
        return;  // EAGAIN: none left
      }
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (static_cast<int>(pending_.size()) >= sh_.cfg.max_pending) {
        ++dropped_;
        close_client(*pending_.front());
      }
      auto c = std::make_unique<client>();
      c->fd = fd;
      c->peer = peer_of(a);
      c->deadline = clock::now() + sh_.cfg.auth_timeout;
      client& ref = *c;
      pending_.push_back(std::move(c));
      ref.self = std::prev(pending_.end());
      rearm(ref, EPOLLIN);
    }
  }

  void expire(clock::time_point now) {
    while (!pending_.empty() && pending_.front()->deadline <= now) {
      ++timed_out_;
      close_client(*pending_.front());
    }
  }

  void close_client(client& c) {
    if (!c.refusal.empty()) sh_.log_pre_auth("refused " + c.peer + ": " + c.refusal);
    if (c.fd >= 0 && c.events != 0) epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
    c.events = 0;
    c.closed = true;
    graveyard_.push_back(std::move(*c.self));
    pending_.erase(c.self);  // c lives on in the graveyard until the batch ends
  }

  // Queues a FATAL for the client (through TLS once it is up) and closes after it.
  void refuse(client& c, std::string_view sqlstate, std::string_view text, std::string reason,
              std::string_view detail = {}) {
    c.out.append(pr::error_response("FATAL", sqlstate, text, detail));
    c.out_plain = c.ssl == nullptr;
    c.refusal = std::move(reason);
    c.ph = phase::closing;
  }

  // Refuses a parameter that a client may not set (true), naming it. The SQLSTATE
  // is 0A000 and the text DSQL's own for SET of such a parameter (dsql-rules.md,
  // "setting configuration parameter ... not supported"): DSQL's answer to one in a
  // StartupMessage is not recorded; the packet is well formed (so not 08P01), what
  // it asks for is a feature the cluster does not offer. dsql_iam.* keep their 42501.
  bool refuse_setting(client& c, const std::string& name) {
    if (client_setting(name)) return false;
    if (ascii_lower(name).rfind("dsql_iam.", 0) == 0) {
      refuse(c, "42501", "parameter \"" + printable(name, 63) + "\" cannot be set by a client",
             "the client set " + printable(name, 63), "The dsql_iam.* startup parameters belong to the front door.");
      return true;
    }
    refuse(c, "0A000", "setting configuration parameter \"" + printable(name, 63) + "\" not supported",
           "the client set startup parameter " + printable(name, 63),
           std::string("Through the endpoint a client may set only ") + client_settings_text +
               " at startup (as parameters or with -c in options).");
    return true;
  }

  // Moves a client as far as its bytes allow; closes it or hands it to a session.
  void advance(client& c) {
    for (;;) {
      if (!flush(c)) return;  // waiting to write, or closed
      if (c.ph == phase::closing) {
        close_client(c);
        return;
      }
      const int r = step(c);
      if (r < 0) {  // closed or handed over
        return;
      }
      if (r == 0) {  // waiting for bytes
        return;
      }
    }
  }

  // Writes c.out; false when it must wait (re-armed) or the client is gone.
  bool flush(client& c) {
    while (c.out_off < c.out.size()) {
      if (!c.out_plain) {
        const int n = SSL_write(c.ssl, c.out.data() + c.out_off, static_cast<int>(c.out.size() - c.out_off));
        if (n > 0) {
          c.out_off += static_cast<std::size_t>(n);
          continue;
        }
        const int e = SSL_get_error(c.ssl, n);
        if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
          rearm(c, e == SSL_ERROR_WANT_WRITE ? EPOLLOUT : EPOLLIN);
          return false;
        }
      } else {
        const ssize_t n = ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
        if (n > 0) {
          c.out_off += static_cast<std::size_t>(n);
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) {
          rearm(c, EPOLLOUT);
          return false;
        }
      }
      ++gone_;
      c.refusal.clear();
      close_client(c);
      return false;
    }
    c.out.clear();
    c.out_off = 0;
    return true;
  }

  // Reads plain bytes until c.in holds n (never more: what follows may be TLS).
  // 1: there, 0: wait, -1: closed.
  int read_plain(client& c, std::size_t n) {
    while (c.in.size() < n) {
      char buf[16];
      const ssize_t r = ::recv(c.fd, buf, std::min(sizeof buf, n - c.in.size()), 0);
      if (r > 0) {
        c.in.append(buf, static_cast<std::size_t>(r));
        continue;
      }
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 && errno == EAGAIN) {
        rearm(c, EPOLLIN);
        return 0;
      }
      ++gone_;
      close_client(c);
      return -1;
    }
    return 1;
  }

  // Reads TLS bytes until c.in holds n. 1: there, 0: wait, -1: closed.
  int read_tls(client& c, std::size_t n) {
    char buf[4096];
    while (c.in.size() < n) {
      const int r = SSL_read(c.ssl, buf, static_cast<int>(std::min(sizeof buf, n - c.in.size())));
      if (r > 0) {
        c.in.append(buf, static_cast<std::size_t>(r));
        continue;
      }
      const int e = SSL_get_error(c.ssl, r);
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        rearm(c, e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT);
        return 0;
      }
      ERR_clear_error();
      ++gone_;
      close_client(c);
      return -1;
    }
    return 1;
  }

  // One step of the client's phase: 1 progressed, 0 wait, -1 closed/handed over.
  int step(client& c) {
    switch (c.ph) {
      case phase::first_packet:
        return first_packet(c);
      case phase::handshake:
        return handshake(c);
      case phase::startup:
        return startup(c);
      case phase::password:
        return password(c);
      case phase::closing:
        return 1;
    }
    return -1;
  }

  int first_packet(client& c) {
    if (c.in.empty()) {
      // A TLS record (0x16) first: PostgreSQL 17's direct TLS (sslnegotiation=direct).
      unsigned char b = 0;
      const ssize_t r = ::recv(c.fd, &b, 1, MSG_PEEK);
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
        ++gone_;
        close_client(c);
        return -1;
      }
      if (r < 0) {
        rearm(c, EPOLLIN);
        return 0;
      }
      if (b == 0x16) {
        c.direct_tls = true;
        return start_tls(c);
      }
    }
    if (const int r = read_plain(c, 8); r != 1) return r;
    const std::uint32_t len = pr::get_u32(c.in, 0);
    const std::uint32_t code = pr::get_u32(c.in, 4);
    if (len == 8 && code == pr::ssl_request_code) {
      c.in.clear();
      c.out = "S";  // sent in plain by advance() before the handshake starts
      c.out_plain = true;
      return start_tls(c);
    }
    if (len == 8 && code == pr::gssenc_request_code) {
      c.in.clear();
      c.out = "N";  // no GSSAPI encryption: the client goes on with SSLRequest
      c.out_plain = true;
      return 1;
    }
    if (len == 16 && code == pr::cancel_request_code) {
      if (const int r = read_plain(c, 16); r != 1) return r;
      cancel(c);
      return -1;
    }
    // A plaintext startup: Aurora DSQL only accepts TLS.
    refuse(c, "08P01", "unable to accept connection, SSL is required", "plaintext startup refused (TLS is required)",
           "Aurora DSQL accepts only TLS connections: connect with sslmode=verify-full.");
    return 1;
  }

  void cancel(client& c) {
    const std::uint32_t pid = pr::get_u32(c.in, 8);
    const std::uint32_t key = pr::get_u32(c.in, 12);
    if (sh_.cancels.known(pid, key)) {
      const int fd = connect_backend(sh_.cfg.backend_socket, true);
      if (fd >= 0) {  // 16 bytes into an empty socket buffer: never short
        const std::string m = pr::cancel_request(pid, key);
        [[maybe_unused]] const ssize_t n = ::send(fd, m.data(), m.size(), MSG_NOSIGNAL);
        ::close(fd);
      }
    }
    ++gone_;
    close_client(c);  // a CancelRequest gets no answer
  }

  int start_tls(client& c) {
    c.ssl = SSL_new(sh_.ctx);
    if (!c.ssl || SSL_set_fd(c.ssl, c.fd) != 1) {
      sh_.log_pre_auth("cannot set up TLS for " + c.peer + ": " + ssl_errors());
      close_client(c);
      return -1;
    }
    SSL_set_accept_state(c.ssl);
    c.ph = phase::handshake;
    return 1;  // TLS bytes from here on: out_plain is reset when the handshake is done
  }

  int handshake(client& c) {
    const int r = SSL_do_handshake(c.ssl);
    if (r != 1) {
      const int e = SSL_get_error(c.ssl, r);
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        rearm(c, e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT);
        return 0;
      }
      sh_.log_pre_auth("TLS handshake with " + c.peer + " failed: " + ssl_errors());
      ERR_clear_error();
      close_client(c);
      return -1;
    }
    c.out_plain = false;
    if (const char* name = SSL_get_servername(c.ssl, TLSEXT_NAMETYPE_host_name)) c.sni = name;
    if (c.direct_tls) {
      const unsigned char* alpn = nullptr;
      unsigned int alpn_len = 0;
      SSL_get0_alpn_selected(c.ssl, &alpn, &alpn_len);
      if (alpn_len == 0) {  // PostgreSQL 17 requires ALPN "postgresql" for direct TLS
        sh_.log_pre_auth("refused " + c.peer + ": direct TLS without ALPN \"postgresql\"");
        close_client(c);
        return -1;
      }
    }
    c.ph = phase::startup;
    return 1;
  }

  int startup(client& c) {
    if (const int r = read_tls(c, 4); r != 1) return r;
    const std::uint32_t len = pr::get_u32(c.in, 0);
    if (len < 8 || len > pr::max_startup_packet) {
      refuse(c, "08P01", "invalid length of startup packet", "startup packet of " + std::to_string(len) + " bytes");
      return 1;
    }
    if (const int r = read_tls(c, len); r != 1) return r;
    const std::uint32_t code = pr::get_u32(c.in, 4);
    if (code == pr::cancel_request_code && len == 16) {
      cancel(c);
      return -1;
    }
    if (code == pr::ssl_request_code || code == pr::gssenc_request_code) {
      refuse(c, "08P01", "unsupported frontend protocol: an encryption request inside TLS",
             "an SSLRequest or GSSENCRequest inside TLS");
      return 1;
    }
    if ((code >> 16) != 3) {
      refuse(c, "0A000",
             "unsupported frontend protocol " + std::to_string(code >> 16) + "." + std::to_string(code & 0xffff) +
                 ": server supports 3.0 to 3.0",
             "protocol version " + std::to_string(code >> 16) + "." + std::to_string(code & 0xffff));
      return 1;
    }
    if (auto err = pr::parse_startup(std::string_view(c.in).substr(4, len - 4), c.startup)) {
      refuse(c, "08P01", "invalid startup packet layout: " + *err, *err);
      return 1;
    }
    c.in.clear();
    // SNI: the cluster's names only, as on DSQL (which routes by it)
    const std::string sni = host_key(c.sni);
    if (sni.empty() || std::find(sh_.sni_names.begin(), sh_.sni_names.end(), sni) == sh_.sni_names.end()) {
      std::string names;
      for (const auto& n : sh_.cfg.names) names += (names.empty() ? "" : ", ") + n;
      refuse(c, "08004",
             sni.empty() ? "unable to accept connection, the TLS client sent no server name (SNI)"
                         : "unable to accept connection, unknown server name \"" + printable(c.sni, 253) + "\" (SNI)",
             sni.empty() ? "no SNI" : "SNI \"" + printable(c.sni) + "\" is not one of this cluster's names",
             "Connect by one of the cluster's names (" + names +
                 ") with a client that sends SNI (libpq 14 or later sends it for host names, not for IP addresses).");
      return 1;
    }
    const std::string* user = c.startup.find("user");
    if (!user || user->empty()) {
      refuse(c, "28000", "no PostgreSQL user name specified in startup packet", "no user name");
      return 1;
    }
    // The parameters: an allow-list (client_settings), checked in options too, word by
    // word as the server will read them (a backslash escape does not hide a name).
    std::vector<std::string> unrecognised;
    for (const auto& [name, value] : c.startup.params) {
      if (name == "replication") {
        refuse(c, "0A000", "unable to accept connection, replication connections are not supported",
               "a replication connection");
        return 1;
      }
      if (name == "user" || name == "database") continue;
      if (name.rfind("_pq_.", 0) == 0) {
        unrecognised.push_back(name);
        continue;
      }
      if (name == "options") {
        std::vector<std::string> names;
        if (const auto word = pr::option_settings(value, names)) {
          refuse(c, "0A000", "unsupported startup option \"" + printable(*word, 63) + "\"",
                 "the client's options hold \"" + printable(*word, 63) + "\"",
                 std::string("Through the endpoint options may only set parameters, with -c name=value: ") +
                     client_settings_text + ".");
          return 1;
        }
        for (const auto& n : names)
          if (refuse_setting(c, n)) return 1;
        continue;
      }
      if (refuse_setting(c, name)) return 1;
    }
    // The database: postgres only. Absent or empty, it is the user name (the
    // protocol's rule). PostgreSQL's answer for a database that does not exist;
    // answered before the password, as the cluster's only database is no secret.
    const std::string* database = c.startup.find("database");
    const std::string& dbname = database && !database->empty() ? *database : *user;
    if (dbname != the_database) {
      refuse(c, "3D000", "database \"" + name_cut(dbname) + "\" does not exist",
             "database \"" + printable(dbname, 63) + "\" refused (only postgres)");
      return 1;
    }
    if ((c.startup.version & 0xffff) != 0 || !unrecognised.empty())
      c.out += pr::negotiate_protocol_version(0, unrecognised);
    c.out += pr::auth_cleartext_password();
    c.ph = phase::password;
    return 1;
  }

  int password(client& c) {
    if (const int r = read_tls(c, 5); r != 1) return r;
    const char type = c.in[0];
    const std::uint32_t len = pr::get_u32(c.in, 1);
    if (type != 'p') {
      if (type == 'X') {  // the client hung up (psql does, to ask its user for a password)
        ++gone_;
        close_client(c);
        return -1;
      }
      refuse(c, "08P01", "expected password response, got message type " + printable(std::string_view(&type, 1)),
             "not a password message");
      return 1;
    }
    if (len < 5 || len - 4 > max_password_message) {
      refuse(c, "08P01", "invalid password message length", "a password message of " + std::to_string(len) + " bytes");
      return 1;
    }
    if (const int r = read_tls(c, 1 + static_cast<std::size_t>(len)); r != 1) return r;
    const auto pw = pr::parse_password(std::string_view(c.in).substr(5));
    if (!pw) {
      refuse(c, "08P01", "invalid password packet", "a malformed password message");
      return 1;
    }
    // DSQL's quotas, checked once the client has done its part (a client that
    // stalls before this point costs neither a slot nor the rate)
    if (sh_.sessions.load() >= sh_.cfg.max_connections) {
      refuse(c, "53300", too_many_connections,
             "connection quota (" + std::to_string(sh_.cfg.max_connections) + ") reached");
      return 1;
    }
    if (!bucket_.take(clock::now())) {
      ++rate_refused_;
      c.out.append(pr::error_response("FATAL", "53400", rate_exceeded));
      c.ph = phase::closing;
      return 1;
    }
    hand_over(c, std::string(*pw));
    return -1;  // handed over, or refused and closed
  }

  void hand_over(client& c, std::string password) {
    auto arg = std::make_unique<thread_arg>();
    arg->sh = &sh_;
    arg->start.fd = c.fd;
    arg->start.ssl = c.ssl;
    arg->start.peer = c.peer;
    arg->start.sni = c.sni;
    arg->start.startup = std::move(c.startup);
    arg->start.password = std::move(password);
    epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
    c.events = 0;
    sh_.sessions.fetch_add(1);
    if (!pool_.submit(std::move(arg))) {
      const int e = errno;
      sh_.sessions.fetch_sub(1);
      c.out_plain = false;
      refuse(c, "53300", too_many_connections, std::string("cannot start a session thread: ") + std::strerror(e));
      rearm(c, EPOLLOUT);
      advance(c);
      return;
    }
    // the session owns fd and ssl now
    c.fd = -1;
    c.ssl = nullptr;
    c.refusal.clear();
    c.closed = true;
    graveyard_.push_back(std::move(*c.self));
    pending_.erase(c.self);
  }
};

int bind_listener(const config& cfg) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) throw front_error(std::string("cannot create a socket: ") + std::strerror(errno));
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(cfg.port));
  if (inet_pton(AF_INET, cfg.listen_address.c_str(), &a.sin_addr) != 1) {
    ::close(fd);
    throw front_error("the listen address " + cfg.listen_address + " is not an IPv4 address");
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 4096) != 0) {
    const int e = errno;
    ::close(fd);
    throw front_error("cannot listen on " + cfg.listen_address + ":" + std::to_string(cfg.port) + ": " +
                      std::strerror(e) + (e == EADDRINUSE ? " (another program uses the port: choose --port)" : ""));
  }
  return fd;
}

int alpn_select(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen,
                void*) {
  static const unsigned char pg[] = {'p', 'o', 's', 't', 'g', 'r', 'e', 's', 'q', 'l'};
  for (unsigned int i = 0; i < inlen;) {
    const unsigned int n = in[i];
    if (i + 1 + n > inlen) break;
    if (n == sizeof pg && std::memcmp(in + i + 1, pg, n) == 0) {
      *out = in + i + 1;
      *outlen = static_cast<unsigned char>(n);
      return SSL_TLSEXT_ERR_OK;
    }
    i += 1 + n;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

SSL_CTX* make_context(const config& cfg) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) throw front_error("cannot create a TLS context: " + ssl_errors());
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // read whole TLS records (and what follows) in one system call, not header then body
  SSL_CTX_set_read_ahead(ctx, 1);
  if (SSL_CTX_use_certificate_chain_file(ctx, cfg.cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, cfg.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    const std::string e = ssl_errors();
    SSL_CTX_free(ctx);
    throw front_error("cannot load the certificate " + cfg.cert_file.string() + " and key " + cfg.key_file.string() +
                      ": " + e);
  }
  SSL_CTX_set_alpn_select_cb(ctx, alpn_select, nullptr);
  return ctx;
}

}  // namespace

void validate(const config& c) {
  if (c.port < 1 || c.port > 65535) throw front_error("the front door's port must be between 1 and 65535");
  if (c.names.empty()) throw front_error("the front door needs at least one name");
  if (c.max_connections < 1) throw front_error("max_connections must be at least 1");
  if (!(c.connection_rate > 0) || !(c.connection_burst >= 1))
    throw front_error("the connection rate must be positive and the burst at least 1");
  if (c.auth_timeout.count() < 1) throw front_error("the authentication timeout must be at least 1 second");
  if (c.max_connection_age.count() < 1) throw front_error("the maximum connection age must be at least 1 second");
  if (c.max_pending < 1) throw front_error("max_pending must be at least 1");
}

int serve(const config& c) { return serve(c, nullptr, nullptr); }

int serve(const config& c, void (*ready)(void*), void* ready_arg) {
  validate(c);
  // Signals: SIGTERM/SIGINT through a signalfd in the loop (blocked in every thread,
  // which inherit the mask); writes to a closed socket are errors, not SIGPIPE.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  const int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) throw front_error(std::string("signalfd failed: ") + std::strerror(errno));
  // as many descriptors as allowed: each waiting client holds one
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }

  auto sh = std::make_unique<shared>();  // outlives the loop: session threads may still run at exit
  sh->cfg = c;
  for (const auto& n : c.names) sh->sni_names.push_back(host_key(n));
  sh->ctx = make_context(c);
  const int lfd = bind_listener(c);
  log_line("listening on " + c.listen_address + ":" + std::to_string(c.port) + " for " +
           [&] {
             std::string s;
             for (const auto& n : c.names) s += (s.empty() ? "" : ", ") + n;
             return s;
           }() +
           "; backend " + c.backend_socket.string() + "; at most " + std::to_string(c.max_connections) +
           " connections, " + std::to_string(static_cast<long>(c.connection_rate)) + "/s (burst " +
           std::to_string(static_cast<long>(c.connection_burst)) + "), login within " +
           std::to_string(c.auth_timeout.count()) + " s, sessions end after " +
           std::to_string(c.max_connection_age.count()) + " s");
  if (ready) ready(ready_arg);
  auto* l = new loop(*sh);  // never freed: session threads may outlive run() until the process ends
  const int rc = l->run(lfd, sfd);
  ::close(lfd);
  // Sessions end with the process; the server closes their backends.
  (void)sh.release();
  return rc;
}

}  // namespace dsql::front
