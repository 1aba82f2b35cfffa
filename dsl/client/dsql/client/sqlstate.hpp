// dsql/client/sqlstate.hpp - the SQLSTATE of a libpqxx exception, for every part of the
// project that talks to PostgreSQL or DSQL through libpqxx (the client, the engine,
// dsql::testing).
#pragma once

#include <exception>
#include <string>

namespace dsql::client {

/// The five-character SQLSTATE of a libpqxx error ("40001", "42501", ...), or "" when the
/// exception carries none (a broken connection, not a libpqxx error at all).
///
/// libpqxx 6.4 (Debian 12) throws some errors as a subclass whose constructor drops the
/// code (pqxx::insufficient_privilege arrives with an empty sqlstate()); each such class
/// is mapped back to the code libpqxx chose it for (its `pqxx/except.hxx` dispatch).
[[nodiscard]] std::string sqlstate_of(const std::exception& e);

}  // namespace dsql::client
