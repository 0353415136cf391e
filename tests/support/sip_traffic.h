#pragma once
// Realistic SIP traffic for load tools and tests: calls (INVITE/100/180/200/ACK/BYE/200 with
// SDP), registrations and OPTIONS pings, each scenario with its own Call-ID, tags and branches,
// users from a pool, addresses on loopback. Deterministic for a given seed.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/capture.h"

namespace siphon::load {

struct TrafficOptions {
  std::string run_id = "run";  ///< prefix of every Call-ID: RUNID-N-xxxxxxxx@siphon.test
  uint64_t seed = 1;
  int users = 1000;            ///< size of the user pool
  int weight_call = 6, weight_register = 2, weight_options = 2;
  bool ipv6 = false;           ///< inner addresses ::1 instead of 127.0.1.x
  uint32_t capture_id = 2001;
  std::string node_name;       ///< 0x0013 when set
  std::string auth_key;        ///< 0x000e when set
  bool correlation_callid = false;  ///< 0x0011 = Call-ID
};

/// One captured SIP message: payload text plus the HEP metadata to send it with.
struct TrafficMessage {
  std::string payload;
  core::IpAddress src, dst;
  uint16_t src_port = 0, dst_port = 0;
  std::string call_id;
};

class SipTraffic {
 public:
  explicit SipTraffic(TrafficOptions options);
  /// Appends the messages of the next scenario (7 for a call, 2 otherwise).
  void nextScenario(std::vector<TrafficMessage>& out);
  /// Fills `meta` to send `m` as HEP (time = now); views point into `m` and the options.
  void toMeta(const TrafficMessage& m, core::CaptureMeta& meta, uint32_t ts_sec,
              uint32_t ts_usec) const;

 private:
  void call(std::vector<TrafficMessage>& out);
  void registration(std::vector<TrafficMessage>& out);
  void options(std::vector<TrafficMessage>& out);
  std::string hex(int digits);
  std::string user();

  TrafficOptions options_;
  std::mt19937_64 rng_;
  uint64_t scenario_ = 0;
};

}  // namespace siphon::load
