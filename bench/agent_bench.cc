// The capture agent's per-packet CPU cost (issue 4's goal: pcap replay to HEP at >= 1,000,000
// packets/s per core through decode, reassembly and HEP encode). Captures are loaded into
// memory first, so file reading is not measured; everything runs in one thread.
//
//   Extract    frame → decodeFrame → IP reassembly → UDP / TCP (SipTcpExtractor) / SCTP
//              → an owned record, decoded once (HEP found in the capture included)
//   Encode     Extract + HEPv3 encode of each record into a reused buffer (encodeForSend)
//   Agent      Extract + what the agent's pipeline does per record (the trace_on processor,
//              the frozen shared record, the lane's byte-bounded queue) + HepOutSink::write
//              (encode, one UDP datagram per record to a loopback socket that nobody reads);
//              the lane's hand-over to its own thread is left out, as before
//   AgentParsed  Agent plus the SIP parse alone (/0 FieldSet::Keys: what the scope state
//              reads; /1 FieldSet::Dialog: what tracing rules read)
//   ExtractTraced  Extract plus the agent's record, /1 the keys parse, /2 and the tracing of
//              AgentTraced/N/100000, without the sink (whose sends make Agent's times swing),
//              /3 as /2 without the 100,000 live dialogs
//   AgentTraced  Agent plus tracing (issue 10): the keys parse, 10 [[trace]]
//              rules (9 misses, then scope d with the Call-ID as correlation) and the scope
//              state, holding range(1) live dialogs (0 or 100,000) before the replay; its
//              delta to Agent on the same capture is what tracing adds per message
//
// One benchmark iteration replays a whole capture and ends it with finish() (as the agent does
// per file), so TCP streams and fragments start afresh on the next pass. items_per_second is
// frames (packets) per second on one core; `goal_ratio` is that divided by 1,000,000;
// `records_per_pass` is the SIP/HEP records one pass yields.
//
//   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSIPHON_BENCH=ON
//   ninja -C build-bench agent_bench && build-bench/bench/agent_bench

#include <malloc.h>
#include <sys/socket.h>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/bounded_queue.h"
#include "core/byte_order.h"
#include "core/capture.h"
#include "core/config_file.h"
#include "core/endpoint.h"
#include "hep/hep_encoder.h"
#include "net/link_type.h"
#include "process/capture_switch.h"
#include "process/sip_parse.h"
#include "record/record.h"
#include "sink/hep_out/hep_out_encoder.h"
#include "sink/hep_out/hep_out_sink.h"
#include "source/frame_record_extractor.h"
#include "source/pcap_file_source.h"
#include "support/loopback_socket.h"
#include "support/records.h"
#include "support/sip_traffic.h"
#include "trace/trace_config.h"
#include "trace/trace_processor.h"

namespace {

using siphon::core::Capture;
using siphon::source::FrameRecordExtractor;
using siphon::source::RawPacket;

constexpr double kGoalPacketsPerSecond = 1'000'000;

// A capture held in memory: the frames' bytes and RawPackets viewing them.
struct Replay {
  std::vector<std::vector<std::byte>> bytes;
  std::vector<RawPacket> frames;
};

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "agent_bench: %s\n", why.c_str());
  std::exit(1);
}

void finishViews(Replay& r) {
  for (size_t i = 0; i < r.frames.size(); ++i) r.frames[i].bytes = r.bytes[i];
}

Replay loadCapture(const std::string& name) {
  auto opened =
      siphon::source::PcapFileSource::open(std::string(SIPHON_TEST_DATA_DIR) + "/pcap/" + name);
  if (!opened) die(opened.error().message);
  Replay r;
  for (;;) {
    auto next = (*opened)->next();
    if (!next) die(next.error().message);
    if (!next->has_value()) break;
    const RawPacket& p = **next;
    r.bytes.emplace_back(p.bytes.begin(), p.bytes.end());
    r.frames.push_back(p);
  }
  finishViews(r);
  return r;
}

// Ethernet II / IPv4 (checksummed, DF) / UDP (no checksum) around one SIP message.
std::vector<std::byte> udpFrame(const siphon::load::TrafficMessage& m, uint16_t ip_id) {
  const size_t ip_len = 20 + 8 + m.payload.size();
  std::vector<std::byte> f(14 + ip_len);
  std::byte* p = f.data();
  const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
  std::memcpy(p, macs, sizeof macs);
  siphon::core::storeBe16(p + 12, 0x0800);
  std::byte* ip = p + 14;
  ip[0] = std::byte{0x45};
  siphon::core::storeBe16(ip + 2, static_cast<uint16_t>(ip_len));
  siphon::core::storeBe16(ip + 4, ip_id);
  siphon::core::storeBe16(ip + 6, 0x4000);
  ip[8] = std::byte{64};
  ip[9] = std::byte{17};
  std::memcpy(ip + 12, m.src.bytes().data(), 4);
  std::memcpy(ip + 16, m.dst.bytes().data(), 4);
  uint32_t sum = 0;
  for (size_t i = 0; i < 20; i += 2) {
    sum += (static_cast<uint32_t>(ip[i]) << 8) | static_cast<uint32_t>(ip[i + 1]);
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  siphon::core::storeBe16(ip + 10, static_cast<uint16_t>(~sum));
  std::byte* udp = ip + 20;
  siphon::core::storeBe16(udp, m.src_port);
  siphon::core::storeBe16(udp + 2, m.dst_port);
  siphon::core::storeBe16(udp + 4, static_cast<uint16_t>(8 + m.payload.size()));
  std::memcpy(udp + 8, m.payload.data(), m.payload.size());
  return f;
}

// The load generator's mix (calls with SDP, registrations, OPTIONS): every frame is SIP.
Replay syntheticSipUdp(size_t n) {
  siphon::load::SipTraffic gen(siphon::load::TrafficOptions{});
  std::vector<siphon::load::TrafficMessage> msgs;
  Replay r;
  while (r.frames.size() < n) {
    msgs.clear();
    gen.nextScenario(msgs);
    for (const auto& m : msgs) {
      if (r.frames.size() == n) break;
      r.bytes.push_back(udpFrame(m, static_cast<uint16_t>(r.frames.size())));
      RawPacket p;
      p.ts_sec = 1700000000 + static_cast<uint32_t>(r.frames.size() / 1000);
      p.ts_nsec = static_cast<uint32_t>(r.frames.size() % 1000) * 1000'000;
      p.link_type = static_cast<uint32_t>(siphon::net::LinkType::Ethernet);
      p.wire_length = static_cast<uint32_t>(r.bytes.back().size());
      r.frames.push_back(p);
    }
  }
  finishViews(r);
  return r;
}

// The same mix sent as HEPv3 over UDP to port 9060 (a capture taken in front of a collector):
// the agent's HEP-in-pcap path, where each record is decoded from the frame.
Replay syntheticHepUdp(size_t n) {
  siphon::load::SipTraffic gen(siphon::load::TrafficOptions{});
  std::vector<siphon::load::TrafficMessage> msgs;
  Replay r;
  siphon::core::CaptureMeta meta;
  while (r.frames.size() < n) {
    msgs.clear();
    gen.nextScenario(msgs);
    for (const auto& m : msgs) {
      if (r.frames.size() == n) break;
      const auto i = static_cast<uint32_t>(r.frames.size());
      gen.toMeta(m, meta, 1700000000 + i / 1000, (i % 1000) * 1000);
      std::vector<std::byte> hep;
      if (!siphon::hep::encodeHep(meta, hep).has_value()) die("cannot encode HEP");
      siphon::load::TrafficMessage outer;
      outer.payload.assign(reinterpret_cast<const char*>(hep.data()), hep.size());
      outer.src = *siphon::core::IpAddress::parse("127.0.2.1");
      outer.dst = *siphon::core::IpAddress::parse("127.0.2.2");
      outer.src_port = 40000;
      outer.dst_port = 9060;
      r.bytes.push_back(udpFrame(outer, static_cast<uint16_t>(i)));
      RawPacket p;
      p.ts_sec = 1700000000 + i / 1000;
      p.ts_nsec = (i % 1000) * 1000'000;
      p.link_type = static_cast<uint32_t>(siphon::net::LinkType::Ethernet);
      p.wire_length = static_cast<uint32_t>(r.bytes.back().size());
      r.frames.push_back(p);
    }
  }
  finishViews(r);
  return r;
}

const Replay& capture(int which) {
  static const Replay kAaa = loadCapture("sngrep__aaa.pcap");
  static const Replay kSipUdp = loadCapture("sipnab__sip-routing-error.pcapng");
  static const Replay kTcp = loadCapture("synthetic__sip_tcp_reassembly.pcap");
  static const Replay kSynthetic = syntheticSipUdp(4096);
  static const Replay kHep = syntheticHepUdp(4096);
  switch (which) {
    case 0:
      return kAaa;
    case 1:
      return kSipUdp;
    case 2:
      return kTcp;
    case 3:
      return kSynthetic;
    default:
      return kHep;
  }
}

const char* captureName(int which) {
  switch (which) {
    case 0:
      return "aaa_lan_691f_81sip";
    case 1:
      return "sip_udp_58f";
    case 2:
      return "tcp_reassembly_72f";
    case 3:
      return "synthetic_sip_udp_4096f";
    default:
      return "synthetic_hep3_udp_4096f";
  }
}

// Replays `r` once per iteration through `extractor` and sets the per-packet figures.
// `advance_sec`: each pass replays the capture that much later than the pass before (the
// tracing benchmarks: see tracedPasses()).
void replay(benchmark::State& state, const Replay& r, FrameRecordExtractor& extractor,
            uint64_t& records, uint32_t advance_sec = 0) {
  uint32_t offset = 0;
  for (auto _ : state) {
    if (advance_sec == 0) {
      for (const auto& f : r.frames) extractor.onFrame(f);
    } else {
      for (const auto& f : r.frames) {
        RawPacket later = f;
        later.ts_sec += offset;
        extractor.onFrame(later);
      }
      offset += advance_sec;
    }
    extractor.finish();
  }
  const auto passes = static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * r.frames.size()));
  state.counters["records_per_pass"] = static_cast<double>(records) / passes;
  state.counters["goal_ratio"] =
      benchmark::Counter(static_cast<double>(r.frames.size()) / kGoalPacketsPerSecond,
                         benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(captureName(static_cast<int>(state.range(0))));
}

void BM_Extract(benchmark::State& state) {
  const Replay& r = capture(static_cast<int>(state.range(0)));
  uint64_t records = 0;
  FrameRecordExtractor extractor({}, [&](Capture&& rec) {
    ++records;
    benchmark::DoNotOptimize(rec.meta.payload.data());
  });
  replay(state, r, extractor, records);
}

void BM_ExtractEncode(benchmark::State& state) {
  const Replay& r = capture(static_cast<int>(state.range(0)));
  siphon::sink::HepOutEncoding encoding;
  encoding.node_name = "agent-1";
  std::vector<std::byte> packet;
  uint64_t records = 0;
  FrameRecordExtractor extractor({}, [&](Capture&& rec) {
    ++records;
    auto fit = siphon::sink::encodeForSend(rec, encoding, packet);
    benchmark::DoNotOptimize(fit);
    benchmark::DoNotOptimize(packet.data());
  });
  replay(state, r, extractor, records);
}

// A UDP socket on loopback that is never read: the kernel drops what does not fit its buffer.
class DeadEnd {
 public:
  DeadEnd() : socket_(SOCK_DGRAM) {
    if (socket_.fd() < 0) die("cannot bind a loopback UDP socket");
  }
  [[nodiscard]] uint16_t port() const { return socket_.port(); }

 private:
  siphon::support::LoopbackSocket socket_;
};

// The agent's path for every record the extractor yields, with `extra` (Record&) -> bool
// (false: not traced) run after the trace_on switch, as the agent's processors run.
template <class Extra>
void agentPath(benchmark::State& state, const Replay& r, Extra&& extra, uint32_t advance_sec = 0) {
  DeadEnd dead_end;
  siphon::sink::HepOutOptions o;
  o.destinations = {
      *siphon::core::Endpoint::parse("udp:127.0.0.1:" + std::to_string(dead_end.port()))};
  o.encoding.node_name = "agent-1";
  const size_t batch_size = o.batch;
  siphon::sink::HepOutSink sink(o);
  if (!sink.open()) die("cannot open the HEP sink");
  siphon::process::CaptureSwitch trace;
  siphon::process::CaptureSwitchProcessor trace_on(
      trace, siphon::process::CaptureSwitchProcessor::Kind::Trace);
  siphon::core::BoundedQueue<siphon::record::RecordPtr> queue(batch_size, 128u << 20);
  // The lane's thread is not started: the replay thread writes each full batch itself.
  std::vector<siphon::record::RecordPtr> batch;
  batch.reserve(batch_size);
  auto writeQueued = [&] {
    queue.popBatch(batch, batch_size, std::chrono::milliseconds(0));
    sink.write(batch);
    batch.clear();
  };
  uint64_t records = 0;
  FrameRecordExtractor extractor({}, [&](Capture&& c) {
    ++records;
    siphon::record::RecordBox rec = siphon::record::makeRecord(std::move(c));
    rec->lanes.set(0);
    if (trace_on.process(*rec) == siphon::process::Verdict::Drop) return;
    if (!extra(*rec)) return;
    siphon::record::RecordPtr shared = std::move(rec);
    const size_t bytes = shared->footprint();
    if (!queue.tryPush(std::move(shared), bytes)) die("queue full");
    if (queue.size() == batch_size) writeQueued();
  });
  replay(state, r, extractor, records, advance_sec);
  writeQueued();
  using siphon::sink::HepOutCount;
  state.counters["sent"] = static_cast<double>(sink.stats().countOf(HepOutCount::Sent));
  state.counters["udp_send_errors"] =
      static_cast<double>(sink.stats().countOf(HepOutCount::UdpSendErrors));
}

void BM_Agent(benchmark::State& state) {
  agentPath(state, capture(static_cast<int>(state.range(0))),
            [](siphon::record::Record&) { return true; });
}

// BM_Agent plus the SIP parse alone: splits BM_AgentTraced's delta into the parse and the
// rules with their state. Second argument: 0 the scope keys every message gets from an agent
// whose rules open scopes (FieldSet::Keys; BM_AgentTraced's parse), 1 the fields the rules
// read (FieldSet::Dialog, which the tracer adds for the messages no scope holds).
void BM_AgentParsed(benchmark::State& state) {
  siphon::process::SipParseProcessor parse(
      {}, state.range(1) == 0 ? siphon::sip::FieldSet::Keys : siphon::sip::FieldSet::Dialog);
  agentPath(state, capture(static_cast<int>(state.range(0))), [&](siphon::record::Record& rec) {
    (void)parse.process(rec);
    return true;
  });
}

// Tracing (issue 10): 10 [[trace]] rules as an operator's list would be, 9 that no message of
// the captures matches (each on another key, one a header regex) and a last one that takes
// every message into scope d with its Call-ID as correlation.
std::vector<siphon::trace::TraceRule> tenRules() {
  const char* misses[] = {"method = [\"SUBSCRIBE\"]",       "from_user = \"vip-caller\"",
                          "to_user = \"vip-callee\"",       "source = \"192.0.2.0/24\"",
                          "destination = \"198.51.100.7\"", "ruri_user = \"lab\"",
                          "header = \"X-Trace~^yes\"",      "method = [\"PUBLISH\", \"REFER\"]",
                          "source = \"203.0.113.9:5060\""};
  std::string toml;
  for (const char* m : misses) toml += "[[trace]]\n" + std::string(m) + "\ncorrelation = \"x\"\n";
  toml += "[[trace]]\nscope = \"d\"\ncorrelation = \"call-id\"\n";
  auto file = siphon::core::ConfigFile::parse(toml, "bench.toml");
  if (!file) die(file.error().message);
  auto rules = siphon::trace::parseTraceRules(*file);
  if (!rules || rules->size() != 10) die("the 10 rules do not parse");
  return std::move(*rules);
}

// Confirmed dialogs the tracker holds before the replay: INVITE, 200 and ACK each, at capture
// times ending 100 s before `first_us`, then one message at `first_us` - 50 s, which expires
// their transactions (Timer H/J, 32 s) and leaves the dialogs (dialog_timeout 12 h).
void preloadDialogs(siphon::trace::TraceProcessor& tracer, size_t n, int64_t first_us) {
  siphon::process::SipParseProcessor parse({});
  auto feed = [&](const std::string& sip, int64_t ts_us) {
    siphon::support::CaptureSpec spec;
    spec.src = "10.1.0.1";
    spec.dst = "10.1.0.2";
    spec.ts_us = ts_us;
    siphon::record::Record rec(siphon::support::makeCapture(sip, spec));
    rec.lanes.set(0);
    (void)parse.process(rec);
    (void)tracer.process(rec);
  };
  const int64_t start_us = first_us - 100'000'000 - static_cast<int64_t>(n) * 100;
  for (size_t i = 0; i < n; ++i) {
    const std::string id = "live-" + std::to_string(i) + "@bench.example.com";
    const std::string common =
        "From: <sip:alice@example.com>;tag=f" + std::to_string(i) + "\r\nCall-ID: " + id + "\r\n";
    const std::string via = "Via: SIP/2.0/UDP 10.1.0.1;branch=z9hG4bKp" + std::to_string(i);
    const int64_t t = start_us + static_cast<int64_t>(i) * 100;
    feed("INVITE sip:bob@example.com SIP/2.0\r\n" + via + "\r\n" + common +
             "To: <sip:bob@example.com>\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
         t);
    feed("SIP/2.0 200 OK\r\n" + via + "\r\n" + common +
             "To: <sip:bob@example.com>;tag=t1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
         t + 10);
    feed("ACK sip:bob@10.1.0.2 SIP/2.0\r\n" + via + "a\r\n" + common +
             "To: <sip:bob@example.com>;tag=t1\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n",
         t + 20);
  }
  feed(
      "OPTIONS sip:proxy@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.1.0.1;branch=z9hG4bKo\r\n"
      "From: <sip:mon@example.com>;tag=m\r\nTo: <sip:proxy@example.com>\r\n"
      "Call-ID: expire@bench.example.com\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
      first_us - 50'000'000);
}

int64_t firstFrameMicros(const Replay& r) {
  return static_cast<int64_t>(r.frames.front().ts_sec) * 1'000'000 +
         r.frames.front().ts_nsec / 1000;
}

// The tracing benchmarks replay a capture again and again. Replayed at the same times, every
// call of the capture would be in scope from the second pass on (its dialog or transaction
// from the pass before, whose timers run on the capture's clock, never expire), and the
// benchmark would time only messages a scope holds. So each pass runs an hour after the one
// before: by then the transactions and the ended dialogs of a pass have expired, and its calls
// meet the rules again as new calls do; a call still up at the end of the capture stays in
// scope, as it would. Confirmed dialogs idle out after 30 days here (trace_dialog_timeout),
// so that the preloaded ones stay live through every pass.
constexpr uint32_t kTracedPassAdvanceSec = 3600;

siphon::trace::TrackerOptions tracedPasses() {
  siphon::trace::TrackerOptions o;
  o.dialog_timeout = std::chrono::hours(24 * 30);
  return o;
}

// BM_Agent plus what tracing adds per record: the SIP parse the rules read, the 10 rules and
// the scope state, with range(1) live dialogs already held. `heap_bytes_per_dialog` is what
// the preload took from the heap (mallinfo2) divided by the dialogs it left.
void BM_AgentTraced(benchmark::State& state) {
  const Replay& r = capture(static_cast<int>(state.range(0)));
  const auto live = static_cast<size_t>(state.range(1));
  siphon::trace::TraceLanes lanes;
  lanes.senders.set(0);
  siphon::trace::TraceProcessor tracer(tenRules(), lanes, tracedPasses());
  const size_t heap_before = ::mallinfo2().uordblks;
  preloadDialogs(tracer, live, firstFrameMicros(r));
  const size_t heap_after = ::mallinfo2().uordblks;
  const size_t preloaded = tracer.tracker()->dialogs();
  if (preloaded < live) die("the tracker refused preloaded dialogs");
  // As the agent parses when only the tracer reads the parse (no trace_to_database) and its
  // rules open scopes: the keys; the tracer parses the rest for the messages no scope holds.
  siphon::process::SipParseProcessor parse({}, siphon::sip::FieldSet::Keys);
  agentPath(state, r, [&](siphon::record::Record& rec) {
    (void)parse.process(rec);
    return tracer.process(rec) != siphon::process::Verdict::Drop;
  }, kTracedPassAdvanceSec);
  state.counters["live_dialogs_before"] = static_cast<double>(preloaded);
  state.counters["live_dialogs_after"] = static_cast<double>(tracer.tracker()->dialogs());
  if (live > 0) {
    state.counters["heap_bytes_per_dialog"] =
        static_cast<double>(heap_after - heap_before) / static_cast<double>(preloaded);
  }
}

// What tracing costs without the HEP sink around it: BM_AgentTraced's time swings by 100 ns and
// more from run to run with the sink's sends, which hides a change of the tracer's own cost.
// Each record is made as the agent makes it; range(1): 0 nothing else, 1 the keys parse,
// 2 the keys parse and the 10 rules with 100,000 live dialogs (BM_AgentTraced/N/100000's
// work), 3 the same without the live dialogs. The delta of /2 to /0 is what tracing adds per
// frame; of /2 to /3, what holding 100,000 other calls costs it.
void BM_ExtractTraced(benchmark::State& state) {
  const Replay& r = capture(static_cast<int>(state.range(0)));
  const int64_t mode = state.range(1);
  siphon::trace::TraceLanes lanes;
  lanes.senders.set(0);
  siphon::trace::TraceProcessor tracer(tenRules(), lanes, tracedPasses());
  if (mode == 2) preloadDialogs(tracer, 100'000, firstFrameMicros(r));
  siphon::process::SipParseProcessor parse({}, siphon::sip::FieldSet::Keys);
  uint64_t records = 0;
  FrameRecordExtractor extractor({}, [&](Capture&& c) {
    ++records;
    siphon::record::RecordBox rec = siphon::record::makeRecord(std::move(c));
    rec->lanes.set(0);
    if (mode >= 1) (void)parse.process(*rec);
    if (mode >= 2) benchmark::DoNotOptimize(tracer.process(*rec));  // 2 and 3
    benchmark::DoNotOptimize(rec->meta().payload.data());
  });
  const uint64_t held_before = tracer.tracker()->stats().countOf(siphon::trace::TrackerCount::Held);
  replay(state, r, extractor, records, kTracedPassAdvanceSec);
  if (mode >= 2) {  // how many records of a pass a scope held (the rest met the rules)
    const uint64_t held =
        tracer.tracker()->stats().countOf(siphon::trace::TrackerCount::Held) - held_before;
    state.counters["held_per_pass"] =
        static_cast<double>(held) / static_cast<double>(state.iterations());
  }
}

void captures(benchmark::internal::Benchmark* b) {
  for (int i = 0; i < 5; ++i) b->Arg(i);
}

BENCHMARK(BM_Extract)->Apply(captures);
BENCHMARK(BM_ExtractEncode)->Apply(captures);
BENCHMARK(BM_Agent)->Apply(captures);
// The delta to BM_Agent on the same capture is what tracing adds per message.
BENCHMARK(BM_AgentParsed)->ArgsProduct({{0, 3, 4}, {0, 1}});
BENCHMARK(BM_AgentTraced)->ArgsProduct({{0, 3, 4}, {0, 100'000}});
BENCHMARK(BM_ExtractTraced)->ArgsProduct({{3}, {0, 1, 2, 3}});
// A fixed amount of work (50 passes over the 4096-frame HEP capture), for instruction counts
// that two builds can compare (valgrind --tool=callgrind).
BENCHMARK(BM_Agent)->Name("BM_Agent_fixed")->Arg(4)->Iterations(50);

}  // namespace
