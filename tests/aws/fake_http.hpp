// A fake HTTP endpoint on 127.0.0.1 for the credential-chain tests (the container
// credentials endpoint, EC2's instance metadata service): libmicrohttpd does the HTTP,
// the test gives a handler. Every request is recorded (method, path, headers, body).
// Test-only helper.
#pragma once

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <cctype>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace dsql::test {

struct http_request {
  std::string method, path, body;
  std::map<std::string, std::string> headers;  ///< names lower-cased
};

struct http_reply {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
};

class fake_http {
 public:
  using handler = std::function<http_reply(const http_request&)>;

  explicit fake_http(handler h) : handler_(std::move(h)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    daemon_ =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, nullptr, nullptr, &on_request, this, MHD_OPTION_SOCK_ADDR,
                         &a, MHD_OPTION_NOTIFY_COMPLETED, &on_done, nullptr, MHD_OPTION_END);
    if (!daemon_) throw std::runtime_error("fake_http: cannot listen on 127.0.0.1");
    port_ = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT)->port;
  }
  ~fake_http() { MHD_stop_daemon(daemon_); }
  fake_http(const fake_http&) = delete;
  fake_http& operator=(const fake_http&) = delete;

  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] std::vector<http_request> requests() const {
    std::lock_guard l(m_);
    return requests_;
  }

 private:
  struct pending {
    http_request r;
  };
  static MHD_Result header(void* cls, MHD_ValueKind, const char* k, const char* v) {
    std::string name = k ? k : "";
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static_cast<http_request*>(cls)->headers[name] = v ? v : "";
    return MHD_YES;
  }
  static MHD_Result on_request(void* cls, MHD_Connection* c, const char* url, const char* method, const char*,
                               const char* data, size_t* size, void** con) {
    auto* self = static_cast<fake_http*>(cls);
    if (!*con) {
      auto* p = new pending;
      p->r.method = method;
      p->r.path = url;
      *con = p;
      return MHD_YES;
    }
    auto* p = static_cast<pending*>(*con);
    if (*size) {
      p->r.body.append(data, *size);
      *size = 0;
      return MHD_YES;
    }
    MHD_get_connection_values(c, MHD_HEADER_KIND, &header, &p->r);
    http_reply reply;
    {
      std::lock_guard l(self->m_);
      self->requests_.push_back(p->r);
    }
    reply = self->handler_(p->r);
    MHD_Response* resp = MHD_create_response_from_buffer(reply.body.size(), reply.body.data(), MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(resp, "Content-Type", reply.content_type.c_str());
    const MHD_Result ret = MHD_queue_response(c, reply.status, resp);
    MHD_destroy_response(resp);
    return ret;
  }
  static void on_done(void*, MHD_Connection*, void** con, MHD_RequestTerminationCode) {
    delete static_cast<pending*>(*con);
    *con = nullptr;
  }

  handler handler_;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
  mutable std::mutex m_;
  std::vector<http_request> requests_;
};

}  // namespace dsql::test
