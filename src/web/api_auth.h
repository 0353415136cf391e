#pragma once
// Who may call which route of the HTTP API (docs: notes/api_contract.md "Authentication").
//
//  * No token configured: only loopback clients are served, and they need no token (a
//    collector on a shared host is not controllable from the network by default).
//  * Tokens configured: every request except GET /health carries `Authorization: Bearer T`
//    (or `?token=T`, for links and downloads a browser opens). A read token may GET every
//    route except the capture switch; an admin token may do everything.
//
// Tokens are compared as SHA-256 digests with CRYPTO_memcmp: the time taken depends neither on
// how many leading bytes match nor on the length of the configured token.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace siphon::web {

struct ApiTokens {
  std::vector<std::string> read;   ///< api_read_tokens
  std::vector<std::string> admin;  ///< api_admin_tokens
};

/// What a request asks, taken from the HTTP request by the server.
struct AuthRequest {
  std::string_view method;         ///< "GET", "POST", ...
  std::string_view path;           ///< "/api/v1/search"
  std::string_view remote_addr;    ///< peer address as text ("127.0.0.1", "::1")
  std::string_view authorization;  ///< the Authorization header, "" when absent
  std::string_view query_token;    ///< the `token` URL parameter, "" when absent
};

/// The answer: `status` 0 lets the request through; otherwise 401 (no or unknown token), 403
/// (token lacks the right, or a non-loopback client without configured tokens) and `error`.
struct AuthDecision {
  int status = 0;
  std::string error;
};

class ApiAuth {
 public:
  explicit ApiAuth(const ApiTokens& tokens);

  /// Safe to call from any number of threads at once (no state changes after construction).
  [[nodiscard]] AuthDecision authorize(const AuthRequest& request) const;
  [[nodiscard]] bool tokensConfigured() const { return !read_.empty() || !admin_.empty(); }

 private:
  using Digest = std::array<unsigned char, 32>;
  enum class Access : uint8_t { None, Read, Admin };
  [[nodiscard]] Access accessOf(std::string_view token) const;

  std::vector<Digest> read_, admin_;
};

/// True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x.
[[nodiscard]] bool isLoopbackClient(std::string_view addr);

/// The token of an `Authorization: Bearer T` header (scheme case-insensitive, RFC 6750 §2.1),
/// "" when the header is absent or another scheme.
[[nodiscard]] std::string_view bearerToken(std::string_view authorization);

}  // namespace siphon::web
