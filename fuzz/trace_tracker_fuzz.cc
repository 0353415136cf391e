// Fuzz target: a sequence of SIP messages (the input split at each "\n--\n") through the SIP
// parse and the trace processor with rules of every scope (b sessions too), on small state
// tables, with a capture clock the input moves: the tracker and the sessions must neither
// crash nor grow past their bounds, whatever the messages say (broken CSeq, missing tags, an ACK
// before its INVITE, ...), nor the Replaces / Refer-To reading of correlation = "replaces".

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/capture.h"
#include "core/config_file.h"
#include "process/sip_parse.h"
#include "trace/trace_config.h"
#include "trace/trace_processor.h"

namespace {

using namespace siphon;

trace::TraceProcessor& processor() {
  static trace::TraceProcessor* p = [] {
    auto file = core::ConfigFile::parse(R"t(
[[trace]]
method = ["INVITE"]
header = "X-B2B"
scope = "b"
session_header = "X-CID;X-Leg"
[[trace]]
method = ["INVITE"]
scope = "d"
correlation = "header:Replaces"
extra_correlation = "replaces"
[[trace]]
method = ["REFER"]
correlation = "replaces"
[[trace]]
method = ["OPTIONS", "REGISTER"]
scope = "t"
drop = true
[[trace]]
type = "request"
scope = "t"
correlation = "call-id"
[[trace]]
header = "X-Trace~^y"
)t",
                                        "fuzz.toml");
    auto rules = trace::parseTraceRules(*file);
    if (!rules.has_value()) std::abort();
    trace::TraceLanes lanes;
    lanes.senders.set(0);
    trace::TrackerOptions o;
    o.max_dialogs = 64;
    o.max_transactions = 64;
    o.max_sessions = 16;
    return new trace::TraceProcessor(std::move(*rules), lanes, o);
  }();
  return *p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);  // NOLINT
  static process::SipParseProcessor parse({});
  static uint32_t clock_s = 1'700'000'000;
  auto& tracer = processor();
  while (!in.empty()) {
    const size_t cut = in.find("\n--\n");
    const std::string_view one = in.substr(0, cut);
    in = cut == std::string_view::npos ? std::string_view() : in.substr(cut + 4);
    core::Capture c;
    c.raw.assign(reinterpret_cast<const std::byte*>(one.data()),
                 reinterpret_cast<const std::byte*>(one.data()) + one.size());
    c.meta.payload = c.raw;
    // The first byte moves the clock by 0-255 s: timers fire within one input.
    clock_s += one.empty() ? 1 : static_cast<uint8_t>(one[0]);
    c.meta.ts_sec = clock_s;
    record::Record r(std::move(c));
    r.lanes.set(0);
    (void)parse.process(r);
    (void)tracer.process(r);
    // Read every byte of the correlation a scope gave: ASan sees a view that outlived its bytes.
    size_t sum = 0;
    for (char ch : r.meta().correlation_id) sum += static_cast<unsigned char>(ch);
    if (sum == SIZE_MAX) std::abort();
  }
  const auto* t = tracer.tracker();
  if (t == nullptr || t->dialogs() > 64 || t->transactions() > 64) std::abort();
  if (tracer.sessions() == nullptr || tracer.sessions()->size() > 16) std::abort();
  return 0;
}
