// The local CA and the server certificate; see certificates.hpp.
#include "local/certificates.hpp"

#include <arpa/inet.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <memory>

#include "local/files.hpp"

namespace dsql::local {
namespace fs = std::filesystem;

namespace {

constexpr long ca_days = 3650;
constexpr long server_days = 397;
constexpr long renew_days = 30;  // replaced when it expires within this many days

struct bio_free {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct x509_free {
  void operator()(X509* x) const { X509_free(x); }
};
struct pkey_free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using bio_ptr = std::unique_ptr<BIO, bio_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

std::string openssl_errors() {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += (out.empty() ? "" : "; ") + std::string(buf);
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

[[noreturn]] void fail(const std::string& what) { throw cluster_error(what + ": " + openssl_errors()); }

pkey_ptr new_key() {
  pkey_ptr k(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!k) fail("cannot generate a P-256 key");
  return k;
}

std::string pem_of(X509* x) {
  bio_ptr b(BIO_new(BIO_s_mem()));
  if (!b || PEM_write_bio_X509(b.get(), x) != 1) fail("cannot encode a certificate");
  char* p = nullptr;
  const long n = BIO_get_mem_data(b.get(), &p);
  return std::string(p, static_cast<std::size_t>(n));
}

std::string pem_of(EVP_PKEY* k) {
  bio_ptr b(BIO_new(BIO_s_secmem()));
  if (!b || PEM_write_bio_PrivateKey(b.get(), k, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail("cannot encode a private key");
  char* p = nullptr;
  const long n = BIO_get_mem_data(b.get(), &p);
  return std::string(p, static_cast<std::size_t>(n));
}

// A file of ours (the invoking user's, or `owner`'s), read without following links.
std::optional<std::string> read_owned(const fs::path& path, uid_t owner) {
  std::string text;
  struct stat st {};
  if (read_small_file(path, 64 * 1024, text, st) != 0) return std::nullopt;
  if (st.st_uid != owner) return std::nullopt;
  return text;
}

x509_ptr parse_cert(const std::string& pem) {
  bio_ptr b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return x509_ptr(b ? PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr) : nullptr);
}

pkey_ptr parse_key(std::string& pem) {
  bio_ptr b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  pkey_ptr k(b ? PEM_read_bio_PrivateKey(b.get(), nullptr, nullptr, nullptr) : nullptr);
  OPENSSL_cleanse(pem.data(), pem.size());
  return k;
}

bool valid_for_days(X509* x, long days) {
  const std::time_t t = std::time(nullptr) + days * 86400;
  return X509_cmp_time(X509_get0_notAfter(x), const_cast<std::time_t*>(&t)) > 0;
}

// The first DNS name a CA's nameConstraints permits: the endpoint it was made for.
std::string constrained_to(X509* x) {
  auto* nc = static_cast<NAME_CONSTRAINTS*>(X509_get_ext_d2i(x, NID_name_constraints, nullptr, nullptr));
  std::string out;
  for (int i = 0; nc && nc->permittedSubtrees && i < sk_GENERAL_SUBTREE_num(nc->permittedSubtrees); ++i) {
    const GENERAL_SUBTREE* t = sk_GENERAL_SUBTREE_value(nc->permittedSubtrees, i);
    if (t->base->type == GEN_DNS) {
      const auto* s = t->base->d.dNSName;
      out.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                 static_cast<std::size_t>(ASN1_STRING_length(s)));
      break;
    }
  }
  NAME_CONSTRAINTS_free(nc);
  return out;
}

void add_ext(X509* x, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, x, nullptr, nullptr, 0);
  X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!e) fail("cannot make the certificate extension " + value);
  const int ok = X509_add_ext(x, e, -1);
  X509_EXTENSION_free(e);
  if (ok != 1) fail("cannot add the certificate extension " + value);
}

x509_ptr new_cert(EVP_PKEY* key, const std::string& cn, long days) {
  x509_ptr x(X509_new());
  if (!x || X509_set_version(x.get(), X509_VERSION_3) != 1) fail("cannot make a certificate");
  // a random 127-bit serial number
  BIGNUM* bn = BN_new();
  if (!bn || BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x.get()))) {
    BN_free(bn);
    fail("cannot make a serial number");
  }
  BN_free(bn);
  // valid from an hour ago (clocks of clients differ a little)
  if (!X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600) ||
      !X509_gmtime_adj(X509_getm_notAfter(x.get()), days * 86400))
    fail("cannot set the validity");
  X509_NAME* name = X509_get_subject_name(x.get());
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("dsql-roles"), -1, -1,
                                 0) != 1)
    fail("cannot set the subject");
  // a common name is at most 64 characters; the names that count are the SANs
  if (cn.size() <= 64 && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                                    reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) != 1)
    fail("cannot set the subject");
  if (X509_set_pubkey(x.get(), key) != 1) fail("cannot set the public key");
  return x;
}

std::string ca_subject(const std::string& endpoint) {
  std::string cn = "dsqlctl local CA " + endpoint.substr(0, endpoint.find('.'));
  return cn.substr(0, 64);
}

}  // namespace

std::vector<std::string> certificate_names(const fs::path& pem_file) {
  std::string text;
  struct stat st {};
  if (read_small_file(pem_file, 64 * 1024, text, st) != 0)
    throw cluster_error("cannot read the certificate " + pem_file.string());
  x509_ptr x = parse_cert(text);
  if (!x) throw cluster_error(pem_file.string() + " is not a PEM certificate");
  std::vector<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x.get(), NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    if (g->type == GEN_DNS) {
      const auto* s = g->d.dNSName;
      out.push_back("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                         static_cast<std::size_t>(ASN1_STRING_length(s))));
    } else if (g->type == GEN_IPADD && ASN1_STRING_length(g->d.iPAddress) == 4) {
      char ip[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, ASN1_STRING_get0_data(g->d.iPAddress), ip, sizeof ip);
      out.push_back(std::string("IP:") + ip);
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

certificate_result ensure_certificates(const fs::path& dir, const fs::path& data_dir, const std::string& endpoint,
                                       const os_user& run_user) {
  certificate_result result;
  const fs::path ca_crt = dir / "ca.crt", ca_key = dir / "ca.key";
  const fs::path srv_crt = data_dir / "server.crt", srv_key = data_dir / "server.key";
  const uid_t me = geteuid();
  const std::vector<std::string> wanted = {"DNS:" + endpoint, "DNS:localhost", "IP:127.0.0.1"};

  // The CA: reused while it is ours, names this endpoint and stays valid.
  x509_ptr ca;
  pkey_ptr ca_pkey;
  if (auto crt = read_owned(ca_crt, me)) {
    if (auto key = read_owned(ca_key, me)) {
      ca = parse_cert(*crt);
      ca_pkey = parse_key(*key);
      if (!ca || !ca_pkey || X509_check_private_key(ca.get(), ca_pkey.get()) != 1 ||
          constrained_to(ca.get()) != endpoint || !valid_for_days(ca.get(), renew_days)) {
        ca.reset();
        ca_pkey.reset();
      }
      ERR_clear_error();
    }
  }
  if (!ca) {
    ca_pkey = new_key();
    ca = new_cert(ca_pkey.get(), ca_subject(endpoint), ca_days);
    if (X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get())) != 1) fail("cannot set the issuer");
    add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
    add_ext(ca.get(), ca.get(), NID_name_constraints,
            "critical,permitted;DNS:" + endpoint + ",permitted;DNS:localhost,permitted;IP:127.0.0.1/255.255.255.255");
    if (X509_sign(ca.get(), ca_pkey.get(), EVP_sha256()) <= 0) fail("cannot sign the CA certificate");
    std::string key_pem = pem_of(ca_pkey.get());
    write_file(ca_key, key_pem, 0600);  // the invoking user's (root's when root)
    OPENSSL_cleanse(key_pem.data(), key_pem.size());
    write_file(ca_crt, pem_of(ca.get()), 0644);
    result.new_ca = true;
  }

  // The server certificate: reused while the current CA issued it for exactly these names.
  bool reuse = false;
  if (!result.new_ca) {
    if (auto crt = read_owned(srv_crt, run_user.uid); crt && read_owned(srv_key, run_user.uid)) {
      x509_ptr srv = parse_cert(*crt);
      pkey_ptr ca_pub(X509_get_pubkey(ca.get()));
      if (srv && ca_pub && X509_verify(srv.get(), ca_pub.get()) == 1 && valid_for_days(srv.get(), renew_days)) {
        try {
          auto names = certificate_names(srv_crt);
          reuse = names == wanted;
        } catch (const cluster_error&) {
          reuse = false;
        }
      }
      ERR_clear_error();
    }
  }
  if (!reuse) {
    pkey_ptr key = new_key();
    x509_ptr srv = new_cert(key.get(), endpoint, server_days);
    if (X509_set_issuer_name(srv.get(), X509_get_subject_name(ca.get())) != 1) fail("cannot set the issuer");
    add_ext(srv.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_ext(srv.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
    add_ext(srv.get(), ca.get(), NID_ext_key_usage, "serverAuth");
    add_ext(srv.get(), ca.get(), NID_subject_key_identifier, "hash");
    add_ext(srv.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
    add_ext(srv.get(), ca.get(), NID_subject_alt_name, "DNS:" + endpoint + ",DNS:localhost,IP:127.0.0.1");
    if (X509_sign(srv.get(), ca_pkey.get(), EVP_sha256()) <= 0) fail("cannot sign the server certificate");
    std::string key_pem = pem_of(key.get());
    write_file(srv_key, key_pem, 0600, run_user);
    OPENSSL_cleanse(key_pem.data(), key_pem.size());
    write_file(srv_crt, pem_of(srv.get()) + pem_of(ca.get()), 0644, run_user);
    result.new_server = true;
  }
  return result;
}

}  // namespace dsql::local
