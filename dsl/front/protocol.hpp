// The PostgreSQL frontend/backend protocol (version 3.0) as far as the front door
// needs it: the packets a client sends before it is authenticated (SSLRequest,
// GSSENCRequest, CancelRequest, StartupMessage, PasswordMessage), the messages the
// front door writes itself (ErrorResponse, AuthenticationCleartextPassword,
// NegotiateProtocolVersion, ParameterStatus), and the rewriting of Query and Parse
// messages with the DSQL-dialect bridge (dsl/sql). Pure functions over bytes: no I/O.
//
// Sources: PostgreSQL 15 documentation, "Frontend/Backend Protocol" (message
// formats), src/backend/postmaster/postmaster.c (ProcessStartupPacket: limits and
// checks this file mirrors), src/include/libpq/pqcomm.h (request codes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dsql::front::protocol {

/// Request codes of the packets without a message type byte (pqcomm.h).
inline constexpr std::uint32_t ssl_request_code = 80877103;     // 1234.5679
inline constexpr std::uint32_t gssenc_request_code = 80877104;  // 1234.5680
inline constexpr std::uint32_t cancel_request_code = 80877102;  // 1234.5678
inline constexpr std::uint32_t protocol_3_0 = 3u << 16;

/// postmaster.c's MAX_STARTUP_PACKET_LENGTH: the largest startup packet accepted.
inline constexpr std::size_t max_startup_packet = 10000;

[[nodiscard]] std::uint32_t get_u32(const unsigned char* p) noexcept;
[[nodiscard]] std::uint32_t get_u32(std::string_view s, std::size_t at) noexcept;
void put_u32(std::string& out, std::uint32_t v);
void put_u16(std::string& out, std::uint16_t v);

/// A message of the given type byte and body: type, int32 length (body + 4), body.
[[nodiscard]] std::string message(char type, std::string_view body);

/// ErrorResponse with fields S and V (severity), C (SQLSTATE), M (message), and D
/// (detail) when not empty. severity: "FATAL" or "ERROR".
[[nodiscard]] std::string error_response(std::string_view severity, std::string_view sqlstate, std::string_view text,
                                         std::string_view detail = {});

/// AuthenticationCleartextPassword ('R', code 3).
[[nodiscard]] std::string auth_cleartext_password();

/// ParameterStatus ('S').
[[nodiscard]] std::string parameter_status(std::string_view name, std::string_view value);

/// NegotiateProtocolVersion ('v'): the newest minor version supported (0) and the
/// protocol options (`_pq_.*`) not recognised.
[[nodiscard]] std::string negotiate_protocol_version(std::uint32_t newest_minor,
                                                     const std::vector<std::string>& unrecognised);

/// A StartupMessage: version 3.0 and its name/value parameters.
[[nodiscard]] std::string startup_message(const std::vector<std::pair<std::string, std::string>>& params);

/// A PasswordMessage ('p') carrying password (NUL-terminated).
[[nodiscard]] std::string password_message(std::string_view password);

/// CancelRequest: 16 bytes.
[[nodiscard]] std::string cancel_request(std::uint32_t pid, std::uint32_t key);

/// A parsed StartupMessage body (the bytes after the length word).
struct startup {
  std::uint32_t version = 0;                                ///< major << 16 | minor
  std::vector<std::pair<std::string, std::string>> params;  ///< in packet order
  [[nodiscard]] const std::string* find(std::string_view name) const;
};

/// Parses a StartupMessage body (version word, then name NUL value NUL ... NUL) as
/// ProcessStartupPacket does: a name without a value, a missing final NUL, an empty
/// or duplicate name are errors. Returns the error sentence on failure.
[[nodiscard]] std::optional<std::string> parse_startup(std::string_view body, startup& out);

/// The password of a PasswordMessage body: exactly one NUL, at the end.
[[nodiscard]] std::optional<std::string_view> parse_password(std::string_view body);

/// The words of a startup `options` value as the server splits them (postinit.c,
/// pg_split_opts): whitespace separates words, a backslash takes the next character
/// as it is (`dsql\_iam` is `dsql_iam`, `a\ b` one word).
[[nodiscard]] std::vector<std::string> split_options(std::string_view options);

/// The configuration parameters a startup `options` value sets, as the server reads
/// its words (postgres.c, process_postgres_switches): `-c name=value` (one word or
/// two), `--name=value`; in a name '-' stands for '_' (guc.c, ParseLongOption).
/// Returns the first word that is none of those (another switch such as `-e` or `-B`,
/// a setting without '=', a stray word), or nullopt with the names in names.
[[nodiscard]] std::optional<std::string> option_settings(std::string_view options, std::vector<std::string>& names);

/// The rewrite of one client message by the DSQL-dialect bridge. type is the message
/// type byte, body what follows the length word. Only Query ('Q': query string) and
/// Parse ('P': statement name, query string, parameter types) are rewritten; nullopt
/// when the message is not one of those, does not change, is malformed (the server
/// reports that), or the bridge cannot process it (an unterminated quote, a malformed
/// `AWS IAM` statement: then the server's own syntax error is DSQL's answer too).
/// Otherwise the whole new message (type, length, body).
[[nodiscard]] std::optional<std::string> rewrite_client_message(char type, std::string_view body);

/// Client encodings in which byte 0x5c (backslash) or a quote can be the second
/// byte of a multibyte character (PostgreSQL's client-only encodings): the bridge's
/// tokenizer, like the server's scanner in those encodings, cannot split such text
/// by bytes, so the front door does not rewrite it.
[[nodiscard]] bool unsafe_client_encoding(std::string_view encoding) noexcept;

}  // namespace dsql::front::protocol
