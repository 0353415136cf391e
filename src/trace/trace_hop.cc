#include "trace/trace_hop.h"

namespace siphon::trace {
namespace {

bool isStream(core::Transport t) {
  return t == core::Transport::Tcp || t == core::Transport::Tls || t == core::Transport::Ws ||
         t == core::Transport::Wss;
}

bool sameEnd(const core::IpAddress& ip, uint16_t port, const core::IpAddress& other_ip,
             uint16_t other_port, bool stream) {
  return ip == other_ip && (stream || port == other_port);
}

}  // namespace

Hop Hop::of(const core::CaptureMeta& meta) {
  return {meta.src_ip.unmapped(), meta.dst_ip.unmapped(), meta.src_port, meta.dst_port};
}

bool Hop::carries(const core::CaptureMeta& meta) const {
  const bool stream = isStream(meta.transport());
  const core::IpAddress src = meta.src_ip.unmapped(), dst = meta.dst_ip.unmapped();
  return (sameEnd(a, a_port, src, meta.src_port, stream) &&
          sameEnd(b, b_port, dst, meta.dst_port, stream)) ||
         (sameEnd(a, a_port, dst, meta.dst_port, stream) &&
          sameEnd(b, b_port, src, meta.src_port, stream));
}

}  // namespace siphon::trace
