#include "iam/http.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace dsql::aws::http {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw http_error("libcurl failed to initialise");
  });
}

struct sink {
  std::string* body;
  std::size_t limit;
  bool overflow = false;
};

std::size_t on_data(char* data, std::size_t size, std::size_t n, void* user) {
  auto* s = static_cast<sink*>(user);
  const std::size_t bytes = size * n;
  if (s->body->size() + bytes > s->limit) {
    s->overflow = true;
    return 0;  // aborts the transfer
  }
  s->body->append(data, bytes);
  return bytes;
}

// A curl_slist freed on scope exit.
struct slist {
  curl_slist* p = nullptr;
  slist() = default;
  slist(const slist&) = delete;
  slist& operator=(const slist&) = delete;
  ~slist() { curl_slist_free_all(p); }
  void add(const std::string& what, const std::string& line) {
    curl_slist* next = curl_slist_append(p, line.c_str());
    if (!next) throw http_error(what + ": out of memory");
    p = next;
  }
};

}  // namespace

std::string redacted(const std::string& url) {
  std::string u = url.substr(0, url.find_first_of("?#"));
  // drop any user:password@ part
  const auto scheme = u.find("://");
  if (scheme != std::string::npos) {
    const auto slash = u.find('/', scheme + 3);
    const auto at = u.rfind('@', slash == std::string::npos ? std::string::npos : slash);
    if (at != std::string::npos && at > scheme) u.erase(scheme + 3, at - scheme - 2);
  }
  return u;
}

response send(const request& r) {
  global_init();
  const std::string what = r.method + " " + redacted(r.url);
  if (!(r.url.starts_with("http://") || r.url.starts_with("https://")))
    throw http_error(what + ": only http:// and https:// URLs are allowed");
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw http_error(what + ": libcurl could not create a handle");
  CURL* c = curl.get();
  response out;
  sink s{&out.body, r.max_response_bytes};
  char errbuf[CURL_ERROR_SIZE] = {0};
  slist headers;
  for (const auto& [name, value] : r.headers) {
    if (name.empty() || name.find_first_of("\r\n: ") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos)
      throw http_error(what + ": header " + name + " holds a space, a colon or a line break");
    headers.add(what, name + ": " + value);
  }
  // no "Expect: 100-continue" round trip before a body
  if (r.method == "POST" || r.method == "PUT") headers.add(what, "Expect:");
  curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "dsql-roles/0.1");
  if (r.direct) curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  if (headers.p) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.p);
  if (r.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  } else if (r.method == "PUT") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  } else if (r.method != "GET") {
    throw http_error(what + ": unsupported method");
  }
  const CURLcode rc = curl_easy_perform(c);
  if (s.overflow)
    throw http_error(what + ": the response is larger than " + std::to_string(r.max_response_bytes) + " bytes");
  if (rc != CURLE_OK)
    throw http_error(what + ": " + (errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc))));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
  return out;
}

}  // namespace dsql::aws::http
