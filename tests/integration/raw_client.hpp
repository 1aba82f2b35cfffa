// A PostgreSQL client at the byte level, for tests of the front door that libpq cannot
// express: a client that stops at any point (after the TCP connect, after TLS, at the
// password prompt), hostile packets, the SQLSTATE of a refused login, a raw startup
// packet on a Unix socket. Blocking sockets with timeouts; TLS without certificate
// verification (the tests that verify use libpq). Test-only helper.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dsql::test {

struct pg_message {
  char type = 0;
  std::string body;
  // ErrorResponse/NoticeResponse fields ('C' SQLSTATE, 'M' message, ...)
  [[nodiscard]] std::map<char, std::string> fields() const {
    std::map<char, std::string> f;
    for (std::size_t i = 0; i < body.size() && body[i] != '\0';) {
      const std::size_t end = body.find('\0', i + 1);
      if (end == std::string::npos) break;
      f[body[i]] = body.substr(i + 1, end - i - 1);
      i = end + 1;
    }
    return f;
  }
  [[nodiscard]] std::uint32_t auth_code() const {
    if (type != 'R' || body.size() < 4) return 0xffffffffu;
    const auto* p = reinterpret_cast<const unsigned char*>(body.data());
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
  }
};

inline void put32(std::string& s, std::uint32_t v) {
  for (int sh = 24; sh >= 0; sh -= 8) s += static_cast<char>((v >> sh) & 0xff);
}

inline std::string startup_packet(const std::vector<std::pair<std::string, std::string>>& params,
                                  std::uint32_t version = 3u << 16) {
  std::string body;
  put32(body, version);
  for (const auto& [k, v] : params) body += k + '\0' + v + '\0';
  body += '\0';
  std::string out;
  put32(out, static_cast<std::uint32_t>(body.size() + 4));
  return out + body;
}

inline std::string typed_message(char type, const std::string& body) {
  std::string out(1, type);
  put32(out, static_cast<std::uint32_t>(body.size() + 4));
  return out + body;
}

class raw_client {
 public:
  raw_client() = default;
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;
  raw_client(raw_client&& o) noexcept { *this = std::move(o); }
  raw_client& operator=(raw_client&& o) noexcept {
    std::swap(fd_, o.fd_);
    std::swap(ctx_, o.ctx_);
    std::swap(ssl_, o.ssl_);
    return *this;
  }
  ~raw_client() { close(); }

  void close() {
    if (ssl_) SSL_free(ssl_);
    if (ctx_) SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
    ssl_ = nullptr;
    ctx_ = nullptr;
    fd_ = -1;
  }

  bool connect_tcp(int port, const std::string& addr = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, addr.c_str(), &a.sin_addr) != 1) return false;
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return true;
  }

  bool connect_unix(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    if (fd_ < 0 || path.size() >= sizeof a.sun_path) return false;
    std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return true;
  }

  // SSLRequest, 'S', then the TLS handshake with this SNI (none when empty).
  bool start_tls(const std::string& sni) {
    std::string req;
    put32(req, 8);
    put32(req, 80877103);
    if (!send_plain(req)) return false;
    char answer = 0;
    if (::recv(fd_, &answer, 1, MSG_WAITALL) != 1 || answer != 'S') return false;
    ctx_ = SSL_CTX_new(TLS_client_method());
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    if (!sni.empty()) SSL_set_tlsext_host_name(ssl_, sni.c_str());
    const bool ok = SSL_connect(ssl_) == 1;
    ERR_clear_error();
    return ok;
  }

  // PostgreSQL 17's direct TLS: a ClientHello first, with ALPN "postgresql" unless
  // alpn is false.
  bool start_direct_tls(const std::string& sni, bool alpn) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    if (!sni.empty()) SSL_set_tlsext_host_name(ssl_, sni.c_str());
    static const unsigned char protos[] = {10, 'p', 'o', 's', 't', 'g', 'r', 'e', 's', 'q', 'l'};
    if (alpn) SSL_set_alpn_protos(ssl_, protos, sizeof protos);
    const bool ok = SSL_connect(ssl_) == 1;
    ERR_clear_error();
    return ok;
  }

  bool send(const std::string& bytes) {
    if (!ssl_) return send_plain(bytes);
    std::size_t off = 0;
    while (off < bytes.size()) {
      const int n = SSL_write(ssl_, bytes.data() + off, static_cast<int>(bytes.size() - off));
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Each part as its own TLS record, all of them in one TCP write (a client that
  // pipelines: the server's TLS library may read several records at once).
  bool send_records(const std::vector<std::string>& parts) {
    if (!ssl_) return false;
    BIO* socket_bio = SSL_get_wbio(ssl_);
    BIO_up_ref(socket_bio);
    SSL_set0_wbio(ssl_, BIO_new(BIO_s_mem()));
    bool ok = true;
    for (const auto& part : parts)
      ok = ok && SSL_write(ssl_, part.data(), static_cast<int>(part.size())) == static_cast<int>(part.size());
    char* data = nullptr;
    const long n = BIO_get_mem_data(SSL_get_wbio(ssl_), &data);
    const std::string bytes(data, n > 0 ? static_cast<std::size_t>(n) : 0);
    SSL_set0_wbio(ssl_, socket_bio);  // frees the memory BIO
    return ok && send_plain(bytes);
  }

  // The next message, or nullopt (closed, timeout, TLS error).
  std::optional<pg_message> read_message() {
    std::string head;
    if (!read_exact(head, 5)) return std::nullopt;
    pg_message m;
    m.type = head[0];
    const auto* p = reinterpret_cast<const unsigned char*>(head.data() + 1);
    const std::uint32_t len =
        (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
    if (len < 4 || len > (1u << 24)) return std::nullopt;
    if (!read_exact(m.body, len - 4)) return std::nullopt;
    return m;
  }

  // Messages until one of these types (inclusive) or the end; the last one read.
  std::optional<pg_message> read_until(const std::string& types) {
    for (;;) {
      auto m = read_message();
      if (!m || types.find(m->type) != std::string::npos) return m;
    }
  }

  // True when the server closed the connection (EOF, reset or TLS close) within the
  // timeout; whatever it sent before is read and dropped.
  bool closed_by_server(int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if ((!ssl_ || SSL_pending(ssl_) == 0) && ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char b[512];
      if (ssl_) {
        const int n = SSL_read(ssl_, b, sizeof b);
        ERR_clear_error();
        if (n <= 0) return true;
      } else if (::recv(fd_, b, sizeof b, 0) <= 0) {
        return true;
      }
    }
  }

  [[nodiscard]] int fd() const { return fd_; }

 private:
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;

  bool send_plain(const std::string& bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }

  bool read_exact(std::string& out, std::size_t n) {
    out.resize(n);
    std::size_t got = 0;
    while (got < n) {
      if (ssl_) {
        const int r = SSL_read(ssl_, out.data() + got, static_cast<int>(n - got));
        if (r <= 0) {
          ERR_clear_error();
          return false;
        }
        got += static_cast<std::size_t>(r);
      } else {
        const ssize_t r = ::recv(fd_, out.data() + got, n - got, 0);
        if (r <= 0) return false;
        got += static_cast<std::size_t>(r);
      }
    }
    return true;
  }
};

}  // namespace dsql::test
