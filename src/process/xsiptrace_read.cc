#include "process/xsiptrace_read.h"

#include "core/byte_reader.h"
#include "sip/xheaders.h"

namespace siphon::process {
namespace {

enum class XsiptraceReadCount : uint8_t { Read };
enum class XsiptraceReadDrop : uint8_t { NoXHeaders };
constexpr std::string_view kXsiptraceReadCounts[] = {"xheaders_read"};
constexpr std::string_view kXsiptraceReadDrops[] = {"no_xheaders"};

// The IP protocol a trace address's transport travels on.
uint8_t ipProtoOf(core::Transport t) {
  switch (t) {
    case core::Transport::Tcp:
    case core::Transport::Tls:
    case core::Transport::Ws:
    case core::Transport::Wss:
      return 6;
    case core::Transport::Sctp:
      return 132;
    default:
      return 17;
  }
}

}  // namespace

XSiptraceReadProcessor::XSiptraceReadProcessor()
    : Processor("xheaders_read", {kXsiptraceReadCounts, kXsiptraceReadDrops}) {}

Verdict XSiptraceReadProcessor::process(record::Record& r) {
  if (r.meta().hep_version != 0) return Verdict::Keep;
  auto read = sip::readXHeaders(core::asText(r.meta().payload));
  if (!read) {
    counters_.drop(XsiptraceReadDrop::NoXHeaders);
    return Verdict::Drop;
  }
  core::Flow flow{read->from.ip, read->to.ip, read->from.port, read->to.port,
                  ipProtoOf(read->from.proto)};
  const int64_t ts_us = int64_t{read->values.ts_sec} * 1'000'000 + read->values.ts_usec;
  const std::string& msg = read->message;
  const auto* bytes = reinterpret_cast<const std::byte*>(msg.data());
  // No time given (ts 0): the arrival-time processor, later in the chain, stamps it.
  r.capture = core::sniffedCapture(flow, ts_us, std::vector<std::byte>(bytes, bytes + msg.size()));
  counters_.count(XsiptraceReadCount::Read);
  return Verdict::Keep;
}

}  // namespace siphon::process
