#include "route/route_template.h"

#include <algorithm>
#include <array>

namespace siphon::route {
namespace {

constexpr std::array<std::string_view, 6> kHepNetNames = {"proto_family", "proto_id", "src_ip",
                                                          "src_port",     "dst_ip",   "dst_port"};
constexpr std::array<std::string_view, 18> kSipFieldNames = {
    "method",     "status",    "call_id",    "from_user", "from_domain",  "from_tag",
    "to_user",    "to_domain", "to_tag",     "ruri",      "ruri_user",    "ruri_domain",
    "user_agent", "cseq",      "via_branch", "pid_user",  "contact_user", "correlation_id"};

const core::Endpoint* listenerOf(const RouteContext& ctx) {
  if (ctx.listeners == nullptr || ctx.record->source >= ctx.listeners->size()) return nullptr;
  return &(*ctx.listeners)[ctx.record->source];
}

}  // namespace

bool isHepNetName(std::string_view name) {
  return std::find(kHepNetNames.begin(), kHepNetNames.end(), name) != kHepNetNames.end();
}

bool isSipFieldName(std::string_view name) {
  return std::find(kSipFieldNames.begin(), kSipFieldNames.end(), name) != kSipFieldNames.end();
}

std::string hepNet(const RouteContext& ctx, std::string_view name) {
  const record::Record& r = *ctx.record;
  if (name == "src_ip") return r.peer_ip.toString();
  if (name == "src_port") return r.peer_port == 0 ? std::string() : std::to_string(r.peer_port);
  const core::Endpoint* ep = listenerOf(ctx);
  if (ep == nullptr) return {};
  if (name == "proto_family") return ep->ip.isV6() ? "AF_INET6" : "AF_INET";
  if (name == "proto_id") return std::string(core::endpointProtoName(ep->proto));
  if (name == "dst_ip") return ep->ip.toString();
  if (name == "dst_port") return std::to_string(ep->port);
  return {};
}

std::string_view sipField(const record::Record& r, std::string_view field) {
  if (!r.parsed || !r.sip.isSip()) return {};
  const auto& f = r.sip.fields;
  if (field == "method") return f.type == 1 ? f.method : std::string_view{};
  if (field == "call_id") return f.callid;
  if (field == "from_user") return f.from_user;
  if (field == "from_domain") return f.from_domain;
  if (field == "from_tag") return f.from_tag;
  if (field == "to_user") return f.to_user;
  if (field == "to_domain") return f.to_domain;
  if (field == "to_tag") return f.to_tag;
  if (field == "ruri") return f.ruri;
  if (field == "ruri_user") return f.ruri_user;
  if (field == "ruri_domain") return f.ruri_domain;
  if (field == "user_agent") return f.user_agent;
  if (field == "cseq") return f.cseq;
  if (field == "via_branch") return f.via_1_branch;
  if (field == "pid_user") return f.pid_user;
  if (field == "contact_user") return f.contact_user;
  if (field == "correlation_id") return r.sip.correlation_id;
  return {};  // status is numeric: expand() formats it
}

core::Result<Template, std::string> Template::parse(std::string_view text) {
  Template t;
  std::string literal;
  auto flush = [&] {
    if (literal.empty()) return;
    t.parts_.push_back({Kind::Text, std::move(literal), {}});
    literal.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$') {
      literal += c;
      ++i;
      continue;
    }
    std::string_view rest = text.substr(i + 1);
    if (rest.starts_with("$")) {
      literal += '$';
      i += 2;
      continue;
    }
    if (rest.starts_with("HEPVERSION")) {
      flush();
      t.parts_.push_back({Kind::HepVersion, {}, {}});
      i += 1 + 10;
      continue;
    }
    auto open = rest.find('(');
    auto close = rest.find(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
      return core::unexpected("'" + std::string(text) + "': unknown pseudo-variable at '$" +
                              std::string(rest.substr(0, 16)) + "'");
    }
    std::string_view fn = rest.substr(0, open);
    std::string_view arg = rest.substr(open + 1, close - open - 1);
    flush();
    if (fn == "hep") {
      auto id = hep::parseChunkId(arg);
      if (!id.has_value()) return core::unexpected("$hep(" + std::string(arg) + "): " + id.error());
      t.parts_.push_back({Kind::Chunk, {}, *id});
    } else if (fn == "hep_net") {
      if (!isHepNetName(arg))
        return core::unexpected("$hep_net(" + std::string(arg) + "): unknown name");
      t.parts_.push_back({Kind::HepNet, std::string(arg), {}});
    } else if (fn == "sip") {
      if (!isSipFieldName(arg))
        return core::unexpected("$sip(" + std::string(arg) + "): unknown field");
      t.parts_.push_back({Kind::Sip, std::string(arg), {}});
      t.uses_sip_ = true;
    } else {
      return core::unexpected("'" + std::string(text) + "': unknown pseudo-variable $" +
                              std::string(fn) + "()");
    }
    i += 1 + close + 1;
  }
  flush();
  return t;
}

void Template::expand(const RouteContext& ctx, std::string& out) const {
  const record::Record& r = *ctx.record;
  for (const auto& p : parts_) {
    switch (p.kind) {
      case Kind::Text:
        out += p.text;
        break;
      case Kind::Chunk:
        if (auto v = hep::chunkText(r.meta(), p.chunk)) out += *v;
        break;
      case Kind::HepNet:
        out += hepNet(ctx, p.text);
        break;
      case Kind::HepVersion:
        out += std::to_string(r.meta().hep_version);
        break;
      case Kind::Sip:
        if (p.text == "status") {
          if (r.parsed && r.sip.fields.status_code != 0)
            out += std::to_string(r.sip.fields.status_code);
        } else {
          out += sipField(r, p.text);
        }
        break;
    }
  }
}

}  // namespace siphon::route
