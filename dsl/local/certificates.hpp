// The local cluster's certificates: a local certificate authority kept in the cluster
// directory, and the front door's server certificate it issues for the cluster's
// names, so that clients connect with sslmode=verify-full as they do to Aurora DSQL.
//
//   DIR/ca.crt               the CA certificate (PEM, 0644): what clients trust
//                            (PGSSLROOTCERT, NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, ...)
//   DIR/ca.key               its private key (P-256, 0600), the invoking user's (root's
//                            when root: the run user, i.e. the server, cannot read it)
//   DIR/data/server.crt      the server certificate then the CA's (0644, run user)
//   DIR/data/server.key      its private key (0600, run user: PostgreSQL and the front
//                            door read it)
//
// The CA may issue only for the cluster's names: its nameConstraints extension
// (critical) permits exactly the DSQL-shaped name, localhost and 127.0.0.1, so a
// client that trusts it cannot be deceived about any other host, even if the key
// leaked. A CA whose subject names another endpoint (a new --cluster-id or --region),
// that expires within 30 days, or whose files are not the invoking user's regular
// files is replaced; so is a server certificate not issued by the current CA, naming
// other names, or expiring within 30 days. Keys are generated in process (OpenSSL)
// and written with write_file (no external program writes into DIR as root).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "local/process.hpp"

namespace dsql::local {

struct certificate_result {
  bool new_ca = false;      ///< the CA was made now (clients must trust the new ca.crt)
  bool new_server = false;  ///< the server certificate was issued now
};

/// Ensures DIR/ca.{crt,key} and DATA/server.{crt,key} as described above for the DNS
/// name `endpoint` (<id>.dsql.<region>.on.aws), plus localhost and 127.0.0.1.
/// run_user owns the server key and certificate. Throws cluster_error.
certificate_result ensure_certificates(const std::filesystem::path& dir, const std::filesystem::path& data_dir,
                                       const std::string& endpoint, const os_user& run_user);

/// The subject alternative names of a PEM certificate file, as "DNS:x" / "IP:a.b.c.d"
/// (for status output and tests). Throws cluster_error when it cannot be read.
[[nodiscard]] std::vector<std::string> certificate_names(const std::filesystem::path& pem_file);

}  // namespace dsql::local
