// The PostgreSQL v3 messages of the front door; see protocol.hpp.
#include "front/protocol.hpp"

#include <algorithm>
#include <exception>

#include "sql/dialect.hpp"

namespace dsql::front::protocol {

std::uint32_t get_u32(const unsigned char* p) noexcept {
  return (static_cast<std::uint32_t>(p[0]) << 24) | (static_cast<std::uint32_t>(p[1]) << 16) |
         (static_cast<std::uint32_t>(p[2]) << 8) | static_cast<std::uint32_t>(p[3]);
}

std::uint32_t get_u32(std::string_view s, std::size_t at) noexcept {
  return get_u32(reinterpret_cast<const unsigned char*>(s.data() + at));
}

void put_u32(std::string& out, std::uint32_t v) {
  out += static_cast<char>((v >> 24) & 0xff);
  out += static_cast<char>((v >> 16) & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
  out += static_cast<char>(v & 0xff);
}

void put_u16(std::string& out, std::uint16_t v) {
  out += static_cast<char>((v >> 8) & 0xff);
  out += static_cast<char>(v & 0xff);
}

std::string message(char type, std::string_view body) {
  std::string out;
  out.reserve(body.size() + 5);
  out += type;
  put_u32(out, static_cast<std::uint32_t>(body.size() + 4));
  out += body;
  return out;
}

namespace {

void field(std::string& body, char code, std::string_view value) {
  body += code;
  // A NUL would end the field early: never in our own texts, cut defensively.
  body += value.substr(0, value.find('\0'));
  body += '\0';
}

}  // namespace

std::string error_response(std::string_view severity, std::string_view sqlstate, std::string_view text,
                           std::string_view detail) {
  std::string body;
  field(body, 'S', severity);
  field(body, 'V', severity);
  field(body, 'C', sqlstate);
  field(body, 'M', text);
  if (!detail.empty()) field(body, 'D', detail);
  body += '\0';
  return message('E', body);
}

std::string auth_cleartext_password() {
  std::string body;
  put_u32(body, 3);
  return message('R', body);
}

std::string parameter_status(std::string_view name, std::string_view value) {
  std::string body(name.substr(0, name.find('\0')));
  body += '\0';
  body += value.substr(0, value.find('\0'));
  body += '\0';
  return message('S', body);
}

std::string negotiate_protocol_version(std::uint32_t newest_minor, const std::vector<std::string>& unrecognised) {
  std::string body;
  put_u32(body, (3u << 16) | newest_minor);
  put_u32(body, static_cast<std::uint32_t>(unrecognised.size()));
  for (const auto& o : unrecognised) {
    body += o;
    body += '\0';
  }
  return message('v', body);
}

std::string startup_message(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string body;
  put_u32(body, protocol_3_0);
  for (const auto& [name, value] : params) {
    body += name;
    body += '\0';
    body += value;
    body += '\0';
  }
  body += '\0';
  std::string out;
  put_u32(out, static_cast<std::uint32_t>(body.size() + 4));
  return out + body;
}

std::string password_message(std::string_view password) {
  std::string body(password);
  body += '\0';
  return message('p', body);
}

std::string cancel_request(std::uint32_t pid, std::uint32_t key) {
  std::string out;
  put_u32(out, 16);
  put_u32(out, cancel_request_code);
  put_u32(out, pid);
  put_u32(out, key);
  return out;
}

const std::string* startup::find(std::string_view name) const {
  for (const auto& p : params)
    if (p.first == name) return &p.second;
  return nullptr;
}

std::optional<std::string> parse_startup(std::string_view body, startup& out) {
  if (body.size() < 4) return "the startup packet is too short";
  out.version = get_u32(body, 0);
  out.params.clear();
  std::size_t i = 4;
  for (;;) {
    if (i >= body.size()) return "the startup packet's parameter list is not terminated";
    if (body[i] == '\0') {
      if (i + 1 != body.size()) return "the startup packet has bytes after its parameter list";
      return std::nullopt;
    }
    const std::size_t name_end = body.find('\0', i);
    if (name_end == std::string_view::npos) return "a startup parameter name is not terminated";
    const std::size_t value_end = body.find('\0', name_end + 1);
    if (value_end == std::string_view::npos || value_end + 1 > body.size()) return "a startup parameter has no value";
    std::string name(body.substr(i, name_end - i));
    std::string value(body.substr(name_end + 1, value_end - name_end - 1));
    if (out.find(name)) return "a startup parameter is given twice";
    out.params.emplace_back(std::move(name), std::move(value));
    i = value_end + 1;
  }
}

std::optional<std::string_view> parse_password(std::string_view body) {
  if (body.empty() || body.back() != '\0') return std::nullopt;
  if (body.find('\0') != body.size() - 1) return std::nullopt;
  return body.substr(0, body.size() - 1);
}

std::vector<std::string> split_options(std::string_view options) {
  // isspace() in the C locale, as the server's
  const auto space = [](char ch) { return ch == ' ' || (ch >= '\t' && ch <= '\r'); };
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < options.size()) {
    while (i < options.size() && space(options[i])) ++i;
    if (i == options.size()) break;
    std::string word;
    bool escaped = false;
    for (; i < options.size(); ++i) {
      const char ch = options[i];
      if (space(ch) && !escaped) break;
      if (!escaped && ch == '\\') {
        escaped = true;
      } else {
        escaped = false;
        word += ch;
      }
    }
    words.push_back(std::move(word));
  }
  return words;
}

std::optional<std::string> option_settings(std::string_view options, std::vector<std::string>& names) {
  const std::vector<std::string> words = split_options(options);
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    std::string setting;
    if (w.rfind("--", 0) == 0) {
      setting = w.substr(2);
    } else if (w == "-c") {
      if (i + 1 == words.size()) return w;
      setting = words[++i];
    } else if (w.rfind("-c", 0) == 0) {
      setting = w.substr(2);
    } else {
      return w;
    }
    const auto eq = setting.find('=');
    if (eq == std::string::npos || eq == 0) return w == "-c" ? setting : w;
    std::string name = setting.substr(0, eq);
    std::replace(name.begin(), name.end(), '-', '_');
    names.push_back(std::move(name));
  }
  return std::nullopt;
}

namespace {

// The bridge's rewrite of a query string; nullopt when it does not change it or
// cannot process it.
std::optional<std::string> rewrite_sql(std::string_view sql) {
  try {
    // PostgreSQL's lexical rules only: psql's (COPY data lines, meta-commands,
    // :variables) would read SQL as data and rewrite inside a literal.
    std::string text = dsql::dialect::rewrite(sql, dsql::dialect::source::wire).text;
    if (text == sql) return std::nullopt;
    return text;
  } catch (const std::exception&) {
    return std::nullopt;  // dialect_error (the server says why), or out of memory
  }
}

}  // namespace

std::optional<std::string> rewrite_client_message(char type, std::string_view body) {
  if (type == 'Q') {
    const auto sql = parse_password(body);  // same shape: one string, NUL at the end
    if (!sql) return std::nullopt;
    auto text = rewrite_sql(*sql);
    if (!text) return std::nullopt;
    if (text->find('\0') != std::string::npos) return std::nullopt;
    *text += '\0';
    return message('Q', *text);
  }
  if (type == 'P') {
    const std::size_t name_end = body.find('\0');
    if (name_end == std::string_view::npos) return std::nullopt;
    const std::size_t sql_end = body.find('\0', name_end + 1);
    if (sql_end == std::string_view::npos) return std::nullopt;
    auto text = rewrite_sql(body.substr(name_end + 1, sql_end - name_end - 1));
    if (!text || text->find('\0') != std::string::npos) return std::nullopt;
    std::string out;
    out.reserve(body.size() + text->size());
    out += body.substr(0, name_end + 1);
    out += *text;
    out += body.substr(sql_end);  // NUL, parameter count and types unchanged
    return message('P', out);
  }
  return std::nullopt;
}

bool unsafe_client_encoding(std::string_view encoding) noexcept {
  std::string e;
  for (const char c : encoding)
    if (c != '_' && c != '-') e += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  // PostgreSQL's client-only encodings (and their aliases), see encnames.c.
  static constexpr std::string_view unsafe[] = {"SJIS",   "SHIFTJIS",   "MSKANJI", "WIN932", "WINDOWS932",  "BIG5",
                                                "WIN950", "WINDOWS950", "GBK",     "WIN936", "WINDOWS936",  "UHC",
                                                "WIN949", "WINDOWS949", "GB18030", "JOHAB",  "SHIFTJIS2004"};
  return std::find(std::begin(unsafe), std::end(unsafe), e) != std::end(unsafe);
}

}  // namespace dsql::front::protocol
