// Regression test for issue 11's attack finding: the engine attached a DbConnectAdmin
// token without requiring certificate verification (libpq's default sslmode=prefer, or
// require against a server with any certificate), handing a bearer credential --
// replayable against the real cluster as admin for 900 s -- to whoever answered.
//
// A fake PostgreSQL server on 127.0.0.1 with a self-signed certificate for the very
// name the engine dials (fake.dsql.us-east-1.on.aws, reached through hostaddr) asks
// for a cleartext password and records what it gets. `dsqlctl inspect` (the engine's
// command line) must never give it the token: with no sslmode it verifies
// (verify-full, system roots) and the handshake fails; with sslmode=require, prefer,
// allow, disable or verify-ca (conninfo or PGSSLMODE) it refuses before connecting.
// Two positive controls show the fake would notice a token: the loud test-only flag,
// and a conninfo that trusts the fake's own certificate.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "process.hpp"

using dsql::test::run;
namespace fs = std::filesystem;

namespace {

constexpr const char* fake_host = "fake.dsql.us-east-1.on.aws";

struct scoped_env {
  std::string name;
  std::optional<std::string> old;
  scoped_env(const char* n, const char* value) : name(n) {
    if (const char* o = std::getenv(n)) old = o;
    if (value)
      setenv(n, value, 1);
    else
      unsetenv(n);
  }
  ~scoped_env() {
    if (old)
      setenv(name.c_str(), old->c_str(), 1);
    else
      unsetenv(name.c_str());
  }
};

// A PostgreSQL impostor: TLS with a self-signed certificate, then a password request.
class fake_server {
 public:
  fake_server() {
    key_ = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    cert_ = X509_new();
    X509_set_version(cert_, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert_), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert_), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert_), 86400);
    X509_NAME* name = X509_get_subject_name(cert_);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(fake_host), -1, -1, 0);
    X509_set_issuer_name(cert_, name);
    X509_set_pubkey(cert_, key_);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert_, cert_, nullptr, nullptr, 0);
    X509_EXTENSION* san =
        X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, (std::string("DNS:") + fake_host).c_str());
    X509_add_ext(cert_, san, -1);
    X509_EXTENSION_free(san);
    X509_sign(cert_, key_, EVP_sha256());
    ctx_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ctx_, cert_);
    SSL_CTX_use_PrivateKey(ctx_, key_);

    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_, 16) != 0 ||
        ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("fake server: cannot listen");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~fake_server() {
    stop_ = true;
    thread_.join();
    ::close(listen_);
    SSL_CTX_free(ctx_);
    X509_free(cert_);
    EVP_PKEY_free(key_);
  }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] int connections() const { return connections_; }
  [[nodiscard]] std::vector<std::string> passwords() {
    std::lock_guard<std::mutex> g(m_);
    return passwords_;
  }
  // Its certificate as a PEM file: a client that trusts it is fooled on purpose.
  void write_cert(const fs::path& file) const {
    FILE* f = std::fopen(file.c_str(), "w");
    PEM_write_X509(f, cert_);
    std::fclose(f);
  }

 private:
  EVP_PKEY* key_ = nullptr;
  X509* cert_ = nullptr;
  SSL_CTX* ctx_ = nullptr;
  int listen_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex m_;
  std::vector<std::string> passwords_;

  void serve() {
    while (!stop_) {
      pollfd p{listen_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const int fd = ::accept(listen_, nullptr, nullptr);
      if (fd < 0) continue;
      ++connections_;
      timeval tv{5, 0};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      handle(fd);
      ::close(fd);
    }
  }

  static bool read_n(int fd, SSL* ssl, std::string& out, std::size_t n) {
    out.resize(n);
    std::size_t got = 0;
    while (got < n) {
      const long r = ssl ? SSL_read(ssl, out.data() + got, static_cast<int>(n - got))
                         : static_cast<long>(::recv(fd, out.data() + got, n - got, 0));
      if (r <= 0) return false;
      got += static_cast<std::size_t>(r);
    }
    return true;
  }
  static std::uint32_t u32(const std::string& s, std::size_t at) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data() + at);
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
  }

  void handle(int fd) {
    SSL* ssl = nullptr;
    std::string head;
    // SSLRequest (answered yes) or a plaintext StartupMessage
    for (;;) {
      if (!read_n(fd, ssl, head, 8)) break;
      const std::uint32_t len = u32(head, 0), code = u32(head, 4);
      if (len == 8 && code == 80877103 && !ssl) {
        ::send(fd, "S", 1, MSG_NOSIGNAL);
        ssl = SSL_new(ctx_);
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) != 1) break;  // the client did not trust us: nothing more
        continue;
      }
      if (len == 8 && code == 80877104) {  // GSSENCRequest
        ::send(fd, "N", 1, MSG_NOSIGNAL);
        continue;
      }
      std::string rest;
      if (len < 8 || len > 10000 || !read_n(fd, ssl, rest, len - 8)) break;
      // ask for a cleartext password, as dsql_iam does
      const std::string ask{'R', 0, 0, 0, 8, 0, 0, 0, 3};
      if (ssl)
        SSL_write(ssl, ask.data(), static_cast<int>(ask.size()));
      else
        ::send(fd, ask.data(), ask.size(), MSG_NOSIGNAL);
      std::string msg;
      if (!read_n(fd, ssl, msg, 5) || msg[0] != 'p') break;
      std::string body;
      if (!read_n(fd, ssl, body, u32(msg, 1) - 4)) break;
      std::lock_guard<std::mutex> g(m_);
      passwords_.push_back(body.substr(0, body.find('\0')));
      break;
    }
    if (ssl) SSL_free(ssl);
    ERR_clear_error();
  }
};

// The environment of a user with AWS credentials and nothing else set.
struct aws_user {
  scoped_env a{"AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"}, s{"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG"},
      t{"AWS_SESSION_TOKEN", nullptr}, m{"PGSSLMODE", nullptr}, r{"PGSSLROOTCERT", nullptr}, p{"PGPASSWORD", nullptr},
      h{"PGHOST", nullptr}, st{"DSQL_IAM_STATE", nullptr};
};

std::string conninfo(const fake_server& f, const std::string& extra = {}) {
  return std::string("host=") + fake_host + " hostaddr=127.0.0.1 port=" + std::to_string(f.port()) +
         " user=admin dbname=postgres connect_timeout=5" + (extra.empty() ? "" : " " + extra);
}

}  // namespace

TEST_CASE("the engine never sends a DbConnectAdmin token to a server whose certificate does not verify",
          "[unit][engine][tls]") {
  aws_user env;
  fake_server fake;
  // the default: a DSQL host without a password gets a token, over verify-full
  auto r = run({DSQLCTL, "inspect", "--conninfo", conninfo(fake)});
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(r.output.find("certificate verify failed") != std::string::npos);
  CHECK(fake.connections() >= 1);   // it was reached...
  CHECK(fake.passwords().empty());  // ...and never saw the token
  // the same for a spec program (dsql::main) asked for a token explicitly
  auto seed = run({SEED_SPEC, "plan", "--conninfo", conninfo(fake), "--iam-token", "--region", "us-east-1"});
  INFO(seed.output);
  CHECK(seed.status == 1);
  CHECK(fake.passwords().empty());
}

TEST_CASE("an sslmode that does not verify the server is refused before anything is sent", "[unit][engine][tls]") {
  aws_user env;
  fake_server fake;
  for (const char* mode : {"require", "prefer", "allow", "disable", "verify-ca"}) {
    INFO(mode);
    auto r = run({DSQLCTL, "inspect", "--conninfo", conninfo(fake, std::string("sslmode=") + mode)});
    INFO(r.output);
    CHECK(r.status == 1);
    CHECK(r.output.find("sslmode=verify-full") != std::string::npos);
    CHECK(r.output.find("X-Amz-") == std::string::npos);
    scoped_env m("PGSSLMODE", mode);  // libpq's environment: the same refusal
    auto e = run({DSQLCTL, "inspect", "--conninfo", conninfo(fake), "--iam-token"});
    INFO(e.output);
    CHECK(e.status == 1);
    CHECK(e.output.find("sslmode=verify-full") != std::string::npos);
  }
  CHECK(fake.connections() == 0);
  CHECK(fake.passwords().empty());
}

TEST_CASE("positive controls: the fake server does see a token when it is trusted, or with the test-only flag",
          "[unit][engine][tls]") {
  aws_user env;
  fake_server fake;
  // the loud flag keeps sslmode=require: the impostor gets the admin token
  auto hole =
      run({DSQLCTL, "inspect", "--conninfo", conninfo(fake, "sslmode=require"), "--insecure-unverified-tls-for-tests"});
  INFO(hole.output);
  CHECK(hole.output.find("WARNING: --insecure-unverified-tls-for-tests") != std::string::npos);
  REQUIRE(fake.passwords().size() == 1);
  CHECK(fake.passwords()[0].rfind(std::string(fake_host) + "/?Action=DbConnectAdmin&", 0) == 0);
  // verify-full under a root that is the fake's own certificate: verified, so sent
  const fs::path pem = fs::temp_directory_path() / ("fake-" + std::to_string(getpid()) + ".pem");
  fake.write_cert(pem);
  auto trusted = run({DSQLCTL, "inspect", "--conninfo", conninfo(fake, "sslrootcert=" + pem.string())});
  fs::remove(pem);
  INFO(trusted.output);
  CHECK(fake.passwords().size() == 2);
}
