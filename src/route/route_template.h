#pragma once
// Values of routing rules with pseudo-variables in them (docs/CLI.md "Routing rules"; the
// OpenSIPS names of docs/HEP-AND-MODULES.md §3.7):
//
//   $hep(ID)          a chunk of the packet as text (hep/chunk_edit.h chunkText; ID as there)
//   $hep_net(NAME)    the outer packet: proto_family (AF_INET, AF_INET6), proto_id (udp, tcp,
//                     tls: the listener's transport), src_ip, src_port (the sender), dst_ip,
//                     dst_port (the listener's address and port as configured)
//   $HEPVERSION       1, 2 or 3
//   $sip(FIELD)       a field of the parsed SIP message (hep_route = "sip" rules only): method,
//                     status, call_id, from_user, from_domain, from_tag, to_user, to_domain,
//                     to_tag, ruri, ruri_user, ruri_domain, user_agent, cseq, via_branch,
//                     pid_user, contact_user, correlation_id
//   $$                a literal '$'
//
// A missing value expands to "". Anything else after '$' is an error at start-up.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/endpoint.h"
#include "core/result.h"
#include "hep/chunk_edit.h"
#include "record/record.h"

namespace siphon::route {

/// What a value is expanded against: the record and the collector's listeners.
struct RouteContext {
  const record::Record* record = nullptr;
  const std::vector<core::Endpoint>* listeners = nullptr;
};

/// $hep_net(NAME) of a record; "" for an unknown name or a listener the context lacks.
[[nodiscard]] std::string hepNet(const RouteContext& ctx, std::string_view name);
[[nodiscard]] bool isHepNetName(std::string_view name);
/// $sip(FIELD) of a parsed record; "" when the record was not parsed.
[[nodiscard]] std::string_view sipField(const record::Record& r, std::string_view field);
[[nodiscard]] bool isSipFieldName(std::string_view name);

class Template {
 public:
  /// Compiles `text`; the error names the bad pseudo-variable.
  [[nodiscard]] static core::Result<Template, std::string> parse(std::string_view text);

  [[nodiscard]] bool isLiteral() const {
    return parts_.size() <= 1 && (parts_.empty() || parts_[0].kind == Kind::Text);
  }
  [[nodiscard]] bool usesSip() const { return uses_sip_; }
  /// The text of a literal template.
  [[nodiscard]] std::string_view literal() const {
    return parts_.empty() ? std::string_view{} : parts_[0].text;
  }
  /// Appends the expansion to `out`.
  void expand(const RouteContext& ctx, std::string& out) const;
  [[nodiscard]] std::string expand(const RouteContext& ctx) const {
    std::string out;
    expand(ctx, out);
    return out;
  }

 private:
  enum class Kind : uint8_t { Text, Chunk, HepNet, HepVersion, Sip };
  struct Part {
    Kind kind = Kind::Text;
    std::string text;  ///< Text: the literal; HepNet / Sip: the name
    hep::ChunkId chunk;
  };
  std::vector<Part> parts_;
  bool uses_sip_ = false;
};

}  // namespace siphon::route
