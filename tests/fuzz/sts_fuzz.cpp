// libFuzzer target over the local STS's request handling (dsl/iam/sts_server.cpp), the
// code `dsqlctl sts serve` runs on bytes a client controls: form bodies, Authorization
// headers (extension/sigv4.c), web identity tokens (JWT parsing before and after the
// signature check), trust-policy evaluation. Build and run: tests/fuzz/run_sts.sh
// [SECONDS] (clang-14, -fsanitize=fuzzer,address,undefined).
//
// Per input: the bytes up to the first "\n\n" are the Authorization header, the rest
// the body of POST /; once in a while (a leading '@') the body is wrapped as an
// AssumeRoleWithWebIdentity whose token is the rest. The answer must be an STS XML
// document with a known HTTP status; nothing may crash or leak.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "iam/jwt.hpp"
#include "iam/state.hpp"
#include "iam/sts.hpp"
#include "iam/sts_server.hpp"

namespace {

std::unique_ptr<dsql::aws::sts::local_server> server;
std::filesystem::path scratch;

void cleanup() {
  server.reset();
  std::error_code ec;
  std::filesystem::remove_all(scratch, ec);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  char tmpl[] = "/tmp/dsql-sts-fuzz.XXXXXX";
  if (!mkdtemp(tmpl)) abort();
  scratch = tmpl;
  std::atexit(cleanup);
  const std::filesystem::path file = scratch / "iam.sqlite";
  {
    dsql::aws::state st(file);
    st.create_principal("arn:aws:iam::123456789012:user/alice");
    st.create_access_key("arn:aws:iam::123456789012:user/alice");
    st.create_principal("arn:aws:iam::123456789012:role/App");
    const auto keys = dsql::aws::jwt::generate_es256();
    st.create_oidc_provider({"arn:aws:iam::123456789012:oidc-provider/oidc.local/f",
                             "https://oidc.local/f",
                             {"aud"},
                             keys.public_pem,
                             keys.private_pem});
    st.put_trust_policy(
        "arn:aws:iam::123456789012:role/App",
        R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root","Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.local/f"},"Action":"sts:*","Condition":{"StringLike":{"oidc.local/f:sub":"*"}}}]})");
  }
  dsql::aws::sts::server_options o;
  o.state_file = file;
  server = std::make_unique<dsql::aws::sts::local_server>(o);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  std::string auth, body = in;
  if (const auto cut = in.find("\n\n"); cut != std::string::npos) {
    auth = in.substr(0, cut);
    body = in.substr(cut + 2);
  }
  if (!body.empty() && body[0] == '@')
    body = dsql::aws::sts::form_encode({{"Action", "AssumeRoleWithWebIdentity"},
                                        {"Version", "2011-06-15"},
                                        {"RoleArn", "arn:aws:iam::123456789012:role/App"},
                                        {"RoleSessionName", "fuzz"},
                                        {"WebIdentityToken", body.substr(1)}});
  dsql::aws::sts::local_server::header_list headers{{"Host", "127.0.0.1:1"}, {"X-Amz-Date", "20251129T095320Z"}};
  if (!auth.empty()) headers.emplace_back("Authorization", auth);
  const auto r = server->handle("POST", "/", headers, body, 1764410000);
  if (r.status != 200 && r.status != 400 && r.status != 403 && r.status != 500) abort();
  std::string root;
  if (!dsql::aws::sts::xml_leaves(r.body, &root)) abort();
  if (r.status != 200 && root != "ErrorResponse") abort();
  return 0;
}
