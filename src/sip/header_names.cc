#include "sip/header_names.h"

#include <array>

#include "core/char_class.h"

namespace siphon::sip {
namespace {

struct NameEntry {
  std::string_view name;  // canonical spelling
  HeaderId id;
  char compact;           // RFC 3261 §7.3.3 / IANA compact form, '\0' when none
};

// Canonical names in HeaderId order (index = id). Compact forms: RFC 3261 §7.3.3 (i m e l c f
// s k t v), RFC 3515 (r), RFC 3892 (b), RFC 3265 (o, u), RFC 4028 (x), RFC 4474 (y, n),
// RFC 3841 (a, j, d).
constexpr std::array<NameEntry, kHeaderIdCount> kNames = {{
    {"", HeaderId::Other, '\0'},
    {"Call-ID", HeaderId::CallId, 'i'},
    {"From", HeaderId::From, 'f'},
    {"To", HeaderId::To, 't'},
    {"Via", HeaderId::Via, 'v'},
    {"CSeq", HeaderId::CSeq, '\0'},
    {"Contact", HeaderId::Contact, 'm'},
    {"Content-Length", HeaderId::ContentLength, 'l'},
    {"Content-Type", HeaderId::ContentType, 'c'},
    {"Content-Encoding", HeaderId::ContentEncoding, 'e'},
    {"User-Agent", HeaderId::UserAgent, '\0'},
    {"Server", HeaderId::Server, '\0'},
    {"Max-Forwards", HeaderId::MaxForwards, '\0'},
    {"Expires", HeaderId::Expires, '\0'},
    {"Route", HeaderId::Route, '\0'},
    {"Record-Route", HeaderId::RecordRoute, '\0'},
    {"Subject", HeaderId::Subject, 's'},
    {"Supported", HeaderId::Supported, 'k'},
    {"Event", HeaderId::Event, 'o'},
    {"Refer-To", HeaderId::ReferTo, 'r'},
    {"Referred-By", HeaderId::ReferredBy, 'b'},
    {"Allow-Events", HeaderId::AllowEvents, 'u'},
    {"Session-Expires", HeaderId::SessionExpires, 'x'},
    {"Identity", HeaderId::Identity, 'y'},
    {"Identity-Info", HeaderId::IdentityInfo, 'n'},
    {"Request-Disposition", HeaderId::RequestDisposition, 'd'},
    {"Accept-Contact", HeaderId::AcceptContact, 'a'},
    {"Reject-Contact", HeaderId::RejectContact, 'j'},
    {"Authorization", HeaderId::Authorization, '\0'},
    {"Proxy-Authorization", HeaderId::ProxyAuthorization, '\0'},
    {"WWW-Authenticate", HeaderId::WwwAuthenticate, '\0'},
    {"Proxy-Authenticate", HeaderId::ProxyAuthenticate, '\0'},
    {"P-Asserted-Identity", HeaderId::PAssertedIdentity, '\0'},
    {"P-Preferred-Identity", HeaderId::PPreferredIdentity, '\0'},
    {"Remote-Party-ID", HeaderId::RemotePartyId, '\0'},
    {"Diversion", HeaderId::Diversion, '\0'},
    {"Reason", HeaderId::Reason, '\0'},
    {"X-OIP", HeaderId::XOip, '\0'},
    {"X-RTP-Stat-Add", HeaderId::XRtpStatAdd, '\0'},
    {"X-RTP-Stat-T38", HeaderId::XRtpStatT38, '\0'},
    {"X-RTP-Stat", HeaderId::XRtpStat, '\0'},
    {"P-RTP-Stat", HeaderId::PRtpStat, '\0'},
    {"X-Siemens-RTP-stats", HeaderId::XSiemensRtpStats, '\0'},
    {"X-NG-RTP-STATS", HeaderId::XNgRtpStats, '\0'},
    {"RTP-RxStat", HeaderId::RtpRxStat, '\0'},
    {"Date", HeaderId::Date, '\0'},
    {"Accept", HeaderId::Accept, '\0'},
    {"Allow", HeaderId::Allow, '\0'},
    {"Require", HeaderId::Require, '\0'},
    {"Proxy-Require", HeaderId::ProxyRequire, '\0'},
    {"Unsupported", HeaderId::Unsupported, '\0'},
    {"Warning", HeaderId::Warning, '\0'},
}};

constexpr bool namesInIdOrder() {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (static_cast<size_t>(kNames[i].id) != i) return false;
  }
  return true;
}
static_assert(namesInIdOrder(), "kNames must list the headers in HeaderId order");

// Compact letter (lower case) -> id.
constexpr std::array<HeaderId, 26> kCompact = [] {
  std::array<HeaderId, 26> t{};
  for (const auto& e : kNames) {
    if (e.compact != '\0') t[static_cast<size_t>(e.compact - 'a')] = e.id;
  }
  return t;
}();

}  // namespace

namespace detail {

constexpr std::array<HashedName, 256> kHashedNames = [] {
  std::array<HashedName, 256> t{};
  for (size_t i = 1; i < kNames.size(); ++i) {
    const std::string_view name = kNames[i].name;
    auto& e = t[hashHeaderName(name.size(), static_cast<unsigned char>(name.front()) | 0x20u,
                               static_cast<unsigned char>(name.back()) | 0x20u)];
    e.len = static_cast<uint8_t>(name.size());
    e.id = kNames[i].id;
    for (size_t k = 0; k < name.size(); ++k) e.lower[k] = core::toLowerAscii(name[k]);
  }
  return t;
}();

constexpr std::array<HeaderId, 26> kCompactIds = kCompact;

}  // namespace detail

namespace {

static_assert([] {
  std::array<bool, 256> used{};
  for (size_t i = 1; i < kNames.size(); ++i) {
    const std::string_view name = kNames[i].name;
    if (name.size() > detail::kMaxHeaderNameLen || name.size() < 2) return false;
    const size_t h = detail::hashHeaderName(name.size(),
                                            static_cast<unsigned char>(name.front()) | 0x20u,
                                            static_cast<unsigned char>(name.back()) | 0x20u);
    if (used[h]) return false;
    used[h] = true;
  }
  return true;
}(), "header names collide in the classification hash: change hashHeaderName");

}  // namespace

std::string_view canonicalHeaderName(HeaderId id) {
  const auto i = static_cast<size_t>(id);
  return i < kNames.size() ? kNames[i].name : std::string_view{};
}

char compactHeaderForm(HeaderId id) {
  const auto i = static_cast<size_t>(id);
  return i < kNames.size() ? kNames[i].compact : '\0';
}

bool isCommaListHeader(HeaderId id) {
  switch (id) {
    case HeaderId::Via:
    case HeaderId::Contact:
    case HeaderId::Route:
    case HeaderId::RecordRoute:
    case HeaderId::Supported:
    case HeaderId::AllowEvents:
    case HeaderId::AcceptContact:
    case HeaderId::RejectContact:
    case HeaderId::RequestDisposition:
    case HeaderId::ContentEncoding:
    case HeaderId::PAssertedIdentity:
    case HeaderId::PPreferredIdentity:
    case HeaderId::RemotePartyId:
    case HeaderId::Diversion:
    case HeaderId::Reason:
    case HeaderId::Accept:
    case HeaderId::Allow:
    case HeaderId::Require:
    case HeaderId::ProxyRequire:
    case HeaderId::Unsupported:
    case HeaderId::Warning:
      return true;
    default:
      return false;
  }
}

bool headerNameMatches(std::string_view wire_name, std::string_view wanted) {
  if (core::equalsIgnoreCase(wire_name, wanted)) return true;
  // Only a compact/long pair can match with different lengths or spellings.
  if (wire_name.size() != 1 && wanted.size() != 1) return false;
  const HeaderId a = classifyHeaderName(wire_name);
  return a != HeaderId::Other && a == classifyHeaderName(wanted);
}

}  // namespace siphon::sip
