#include "trace/sip_trace_rows.h"

#include <nlohmann/json.hpp>

#include "hep/siphon_chunks.h"

namespace siphon::trace {
namespace {

std::string_view userField(const sip::SipCaptureFields& f, std::string_view name) {
  if (name == "from_user") return f.from_user;
  if (name == "to_user") return f.to_user;
  if (name == "ruri_user") return f.ruri_user;
  if (name == "pid_user") return f.pid_user;
  if (name == "contact_user") return f.contact_user;
  if (name == "auth_user") return f.auth_user;
  return {};
}

bool isLocal(const core::IpAddress& ip, uint16_t port, std::span<const core::AddressMatch> local) {
  for (const auto& a : local) {
    if (a.matches(ip, port)) return true;
  }
  return false;
}

}  // namespace

std::string_view traceDirection(const core::CaptureMeta& meta,
                                std::span<const core::AddressMatch> local) {
  if (isLocal(meta.dst_ip, meta.dst_port, local)) return "in";
  if (isLocal(meta.src_ip, meta.src_port, local)) return "out";
  return {};
}

std::string tracedUsersJson(const record::Record& r, std::span<const std::string> fields) {
  nlohmann::json users = nlohmann::json::array();
  users.push_back("");
  if (r.parsed && r.sip.isSip()) {
    for (const auto& name : fields) {
      const std::string_view v = userField(r.sip.fields, name);
      if (!v.empty()) users.push_back(std::string(v));
    }
  }
  // A user part is the sender's bytes: replace what is not UTF-8 rather than throw.
  return users.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void stampSipTraceRow(record::Record& r, std::string_view table,
                      std::span<const std::string> fields,
                      std::span<const core::AddressMatch> local) {
  hep::setSiphonChunk(r.capture, hep::kTraceTableChunk,
                      std::string(table.empty() ? std::string_view("sip_trace") : table));
  if (!fields.empty()) {
    hep::setSiphonChunk(r.capture, hep::kTracedUsersChunk, tracedUsersJson(r, fields));
  }
  // A direction the source stamped (the tracer library's caller knows which way its own
  // message went) wins over the address guess.
  if (hep::siphonChunkText(r.meta(), hep::kTraceDirectionChunk)) return;
  const std::string_view direction = traceDirection(r.meta(), local);
  if (!direction.empty()) {
    hep::setSiphonChunk(r.capture, hep::kTraceDirectionChunk, std::string(direction));
  }
}

}  // namespace siphon::trace
