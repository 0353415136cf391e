#include "core/db_url.h"

#include <charconv>

namespace siphon::core {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The URL as it may be shown: whatever sits between "scheme://user:" and the '@' that ends the
// authority is a password, also when the rest of the URL is malformed.
std::string redactText(std::string_view text) {
  auto sep = text.find("://");
  if (sep == std::string_view::npos) return std::string(text);
  size_t start = sep + 3;
  size_t end = text.find_first_of("/?", start);
  if (end == std::string_view::npos) end = text.size();
  std::string_view authority = text.substr(start, end - start);
  auto at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(text);
  auto colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::string(text);
  return std::string(text.substr(0, start + colon + 1)) + "***" +
         std::string(text.substr(start + at));
}

}  // namespace

bool percentDecode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (in.size() - i < 3) return false;  // compare with what is left: no i + 2 overflow
    int hi = hexValue(in[i + 1]), lo = hexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

Result<DbUrl, Failure> DbUrl::parse(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return unexpected(Failure{"db_url: '" + redactText(text) + "': " + std::string(why), 2});
  };
  DbUrl url;
  if (text.starts_with("sqlite:")) {
    url.scheme = DbScheme::Sqlite;
    url.path = std::string(text.substr(7));
    if (url.path.empty()) return bad("sqlite: needs a file path (sqlite:PATH)");
    return url;
  }
  auto sep = text.find("://");
  if (sep == std::string_view::npos) {
    return bad("expected sqlite:PATH or postgres://user:password@host:port/database");
  }
  std::string_view scheme = text.substr(0, sep);
  if (scheme == "postgres" || scheme == "postgresql") {
    url.scheme = DbScheme::Postgres;
  } else if (scheme == "mysql") {
    url.scheme = DbScheme::Mysql;
  } else if (scheme == "clickhouse") {
    url.scheme = DbScheme::ClickHouse;
  } else {
    return bad("unknown scheme '" + std::string(scheme) +
               "' (sqlite:, postgres://, mysql://, clickhouse://)");
  }
  std::string_view rest = text.substr(sep + 3);
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view authority = rest, path;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }
  // RFC 3986 §3.2: userinfo ends at the last '@' of the authority (an unescaped '@' in a
  // password is common enough in hand-written URLs to accept).
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    std::string_view user = userinfo, password;
    if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      password = userinfo.substr(colon + 1);
      url.has_password = true;
    }
    if (!percentDecode(user, url.user)) return bad("bad %-escape in the user");
    if (!percentDecode(password, url.password)) return bad("bad %-escape in the password");
  }
  std::string_view host = authority, port;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("'[' without ']' around an IPv6 host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad("unexpected text after ']'");
      port = after.substr(1);
    }
    if (host.empty()) return bad("empty IPv6 host");
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return bad("empty port");
  }
  if (!percentDecode(host, url.host)) return bad("bad %-escape in the host");
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      return bad("port must be a number from 1 to 65535");
    }
    url.port = static_cast<uint16_t>(value);
  }
  if (path.find('/') != std::string_view::npos) return bad("'/' in the database name");
  if (!percentDecode(path, url.database)) return bad("bad %-escape in the database name");
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) return bad("query parameter without key=value");
    std::string key, value;
    if (!percentDecode(item.substr(0, eq), key) || !percentDecode(item.substr(eq + 1), value)) {
      return bad("bad %-escape in a query parameter");
    }
    url.params.emplace_back(std::move(key), std::move(value));
  }
  return url;
}

std::string_view DbUrl::schemeName() const {
  switch (scheme) {
    case DbScheme::Sqlite:
      return "sqlite";
    case DbScheme::Postgres:
      return "postgres";
    case DbScheme::Mysql:
      return "mysql";
    case DbScheme::ClickHouse:
      return "clickhouse";
  }
  return "unknown";
}

std::string DbUrl::redacted() const {
  if (scheme == DbScheme::Sqlite) return "sqlite:" + path;
  std::string out = std::string(schemeName()) + "://";
  if (!user.empty() || has_password) {
    out += user;
    if (has_password) out += ":***";
    out += '@';
  }
  if (host.find(':') != std::string::npos) {
    out += "[" + host + "]";
  } else {
    out += host;
  }
  if (port != 0) out += ":" + std::to_string(port);
  if (!database.empty()) out += "/" + database;
  return out;
}

}  // namespace siphon::core
