#pragma once
// Authorization / Proxy-Authorization credentials (RFC 3261 §20.7, §25.1): only what capture
// needs, the digest username.

#include <optional>
#include <string_view>

namespace siphon::sip {

/// The `username` of Digest credentials ("Digest username=\"bob\", realm=..."), without its
/// quotes (escapes kept). nullopt for other schemes (RFC 4475 regaut01) or no username.
[[nodiscard]] std::optional<std::string_view> digestUsername(std::string_view credentials);

/// The user part of a username: the text before '@' when there is one (Kamailio's
/// `username.user`), else the whole username.
[[nodiscard]] std::string_view usernameUserPart(std::string_view username);

}  // namespace siphon::sip
