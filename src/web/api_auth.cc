#include "web/api_auth.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace siphon::web {
namespace {

std::array<unsigned char, 32> digestOf(std::string_view text) {
  std::array<unsigned char, 32> d{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), d.data());
  return d;
}

bool isAdminOnly(std::string_view method, std::string_view path) {
  // Reading is GET (HEAD is GET without a body); the capture and trace switches, even their
  // state, are control: the contract lists GET /api/v1/capture with the admin routes.
  if (method != "GET" && method != "HEAD") return true;
  return path == "/api/v1/capture" || path.starts_with("/api/v1/capture/") ||
         path == "/api/v1/trace" || path.starts_with("/api/v1/trace/");
}

}  // namespace

bool isLoopbackClient(std::string_view addr) {
  return addr.starts_with("127.") || addr == "::1" || addr.starts_with("::ffff:127.");
}

std::string_view bearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  for (size_t i = 0; i < kScheme.size(); ++i) {
    char ch = authorization[i];
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    if (ch != kScheme[i]) return {};
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

ApiAuth::ApiAuth(const ApiTokens& tokens) {
  for (const auto& t : tokens.read) read_.push_back(digestOf(t));
  for (const auto& t : tokens.admin) admin_.push_back(digestOf(t));
}

ApiAuth::Access ApiAuth::accessOf(std::string_view token) const {
  Digest d = digestOf(token);
  // Every configured digest is compared, so the time does not tell which list matched.
  bool admin = false, read = false;
  for (const auto& a : admin_) admin |= CRYPTO_memcmp(a.data(), d.data(), d.size()) == 0;
  for (const auto& r : read_) read |= CRYPTO_memcmp(r.data(), d.data(), d.size()) == 0;
  return admin ? Access::Admin : read ? Access::Read : Access::None;
}

AuthDecision ApiAuth::authorize(const AuthRequest& request) const {
  if (request.path == "/health") return {};
  if (!tokensConfigured()) {
    if (isLoopbackClient(request.remote_addr)) return {};
    return {403, "loopback clients only (no api_read_tokens / api_admin_tokens configured)"};
  }
  // The web UI's own files hold no captured data, and a browser cannot add a header to the
  // requests that load them: they are served without a token, and the UI asks for one when the
  // API first answers 401.
  if (request.method == "GET" && (request.path == "/" || request.path.starts_with("/ui/") ||
                                  request.path == "/favicon.ico")) {
    return {};
  }
  std::string_view token = bearerToken(request.authorization);
  if (token.empty()) token = request.query_token;
  if (token.empty()) return {401, "missing token: send Authorization: Bearer TOKEN"};
  Access access = accessOf(token);
  if (access == Access::None) return {401, "unknown token"};
  if (access == Access::Read && isAdminOnly(request.method, request.path)) {
    return {403, "this token may only read; an admin token is needed"};
  }
  return {};
}

}  // namespace siphon::web
