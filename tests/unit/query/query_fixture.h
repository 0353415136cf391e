#pragma once
// Test helpers for the query tests: SIP messages of a call, records that own their bytes, and a
// temporary embedded store filled through the store sink (the collector's own write path).

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/byte_reader.h"
#include "core/capture.h"
#include "query/call_assembly.h"
#include "sink/store_sink.h"
#include "support/records.h"
#include "support/temp_dir.h"

namespace siphon::query::testing {

/// One captured message as the tests describe it.
struct Msg {
  std::string payload;
  std::string src = "10.0.0.1", dst = "10.0.0.2";
  uint16_t sport = 5060, dport = 5060;
  int64_t ts_us = 1'700'000'000'000'000;
  std::string node = "edge1";
  uint8_t ip_proto = 17;
  std::string correlation;  ///< HEP 0x0011
  std::string extra;        ///< OpenSIPS 0x0065 value
  uint8_t payload_type = 1;  ///< HEP 0x000b: 1 SIP, 5 RTCP, 100 log
};

/// A request or reply of call `callid`. `first` is "INVITE" or "200 OK"-like status text.
inline std::string sipText(const std::string& first, const std::string& callid, const std::string& branch,
                           const std::string& cseq, const std::string& extra_headers = "",
                           const std::string& body = "") {
  bool reply = first[0] >= '1' && first[0] <= '6';
  std::string s = reply ? "SIP/2.0 " + first + "\r\n" : first + " sip:bob@example.com SIP/2.0\r\n";
  s += "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=" + branch + "\r\n";
  s += "From: <sip:alice@example.com>;tag=f1\r\nTo: <sip:bob@example.com>\r\n";
  s += "Call-ID: " + callid + "\r\nCSeq: " + cseq + "\r\n" + extra_headers;
  if (!body.empty()) s += "Content-Type: application/sdp\r\n";
  s += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return s;
}

/// The 7 messages of a basic call on one hop, `t0` + 10 ms per message; `invite_headers` go
/// into the INVITE only (X-CID is sent on the initial request).
inline std::vector<Msg> basicCall(const std::string& callid, const std::string& a, const std::string& b,
                                  int64_t t0, const std::string& invite_headers = "") {
  std::vector<Msg> v;
  auto add = [&](std::string text, bool up) {
    Msg m;
    m.payload = std::move(text);
    m.src = up ? a : b;
    m.dst = up ? b : a;
    m.ts_us = t0 + static_cast<int64_t>(v.size()) * 10'000;
    v.push_back(std::move(m));
  };
  std::string br = "z9hG4bK-" + callid;
  add(sipText("INVITE", callid, br + "-1", "1 INVITE", invite_headers, "v=0\r\n"), true);
  add(sipText("100 Trying", callid, br + "-1", "1 INVITE"), false);
  add(sipText("180 Ringing", callid, br + "-1", "1 INVITE"), false);
  add(sipText("200 OK", callid, br + "-1", "1 INVITE", "", "v=0\r\n"), false);
  add(sipText("ACK", callid, br + "-2", "1 ACK"), true);
  add(sipText("BYE", callid, br + "-3", "2 BYE"), true);
  add(sipText("200 OK", callid, br + "-3", "2 BYE"), false);
  return v;
}

/// A record owning its bytes: payload, correlation, extra chunk and node live in `raw`.
inline core::Capture toCapture(const Msg& m) {
  siphon::support::CaptureSpec spec;
  spec.src = m.src;
  spec.dst = m.dst;
  spec.sport = m.sport;
  spec.dport = m.dport;
  spec.ts_us = m.ts_us;
  spec.capture_id = 2001;
  spec.ip_proto = m.ip_proto;
  spec.correlation = m.correlation;
  spec.extra_correlation = m.extra;
  spec.node = m.node;
  spec.payload_type = m.payload_type;
  return siphon::support::makeCapture(m.payload, spec);
}

/// A fresh store file in its own temporary directory, removed at the end.
class TempStore {
 public:
  TempStore() : path_((dir_ / "siphon.db").string()) {}
  /// Writes the messages through the store sink (index keys as the collector makes them).
  void write(const std::vector<Msg>& msgs) {
    sink::StoreSinkOptions o;
    o.path = path_;
    sink::StoreSink sink(o);
    ASSERT_TRUE(sink.open().has_value());
    siphon::support::RecordMaker records;
    for (const auto& m : msgs) sink.stage(*records.make(toCapture(m)));
    sink.close();
  }
  std::unique_ptr<store::BlockStore> open() {
    auto s = store::BlockStore::open(path_, {}, /*read_only=*/true);
    EXPECT_TRUE(s.has_value());
    return s.has_value() ? std::move(*s) : nullptr;
  }
  const std::string& path() const { return path_; }

 private:
  siphon::support::TempDir dir_{"query"};
  std::string path_;
};

}  // namespace siphon::query::testing
