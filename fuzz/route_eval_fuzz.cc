// Fuzz target for routing-rule evaluation (route/): any bytes, decoded as a HEP packet, go
// through the relay loop guard, a named hep_route, the SIP parse and the SIP-level rules, with
// rules that use every match key and every action (edits, templates, regexes, report_capture,
// relay, capture_mode). Nothing may crash or read out of bounds; the relay's re-encoding of
// the edited record must decode again whenever it encodes (traps otherwise).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/config_file.h"
#include "hep/hep_decoder.h"
#include "process/sip_parse.h"
#include "route/relay_guard.h"
#include "route/route_config.h"
#include "route/route_processor.h"
#include "sink/hep_out/hep_out_encoder.h"

namespace {

using namespace siphon;

constexpr const char* kRules = R"t(
[[route]]
name = "fast"
payload_type = "rtcp"
report_capture = { correlation = "$hep(correlation_id)-$hep_net(src_ip)", table = "rtcp_capture", proto_type = 5 }
[[route]]
name = "fast"
chunk = ["0x0011~^[a-f0-9]+$", "node"]
get_chunk = ["node=custom_field1", "0x0011=correlation"]
set_chunk = ["src_ip=fd00::1", "dst_ip=fd00::2", "proto_id=tcp", "vlan_id=$hep(captagent_id)"]
del_chunk = ["auth_key", "0x0003:0x0020"]
store = false
relay = ["udp:127.0.0.1:9"]
[[route]]
name = "fast"
hep_version = 2
set_chunk = ["captagent_id=7"]
resume_sip = true
drop_on_error = true
[[route]]
name = "fast"
sender = "10.0.0.0/8"
received_on = "udp:127.0.0.1:9060"
drop = true
[[route]]
method = ["INVITE", "BYE"]
header = "X-Trace~^y(es)?"
custom_field2 = "$sip(from_user)@$sip(ruri_domain)/$HEPVERSION"
set_chunk = ["correlation_id=$sip(call_id)", "payload=$sip(method)"]
capture_mode = "east"
[[route]]
status = "4xx"
from_user = "alice"
to_user = "bob"
ruri_user = "carol"
del_chunk = ["captagent_id", "src_port"]
table = "sip_%Y%m%d"
relay = ["udp:127.0.0.1:9"]
[[route]]
header = "Call-ID"
report_capture = { correlation = "$sip(call_id)", table = "report_capture", proto_type = 32 }
[[route]]
capture_id = 2001
node = "edge"
get_chunk = ["timestamp=custom_field3"]
)t";

struct Chain {
  std::vector<core::Endpoint> listeners = {*core::Endpoint::parse("udp:127.0.0.1:9060")};
  std::unique_ptr<route::RelayGuardProcessor> guard;
  std::unique_ptr<route::RouteProcessor> hep, sip;
  process::SipParseProcessor parse{{}};

  Chain() {
    auto file = core::ConfigFile::parse(kRules, "fuzz.toml");
    if (!file.has_value()) __builtin_trap();
    route::RuleScope scope;
    scope.listeners = &listeners;
    scope.capture_modes = {"east"};
    scope.hep_route.mode = route::HepRoute::Mode::Named;
    scope.hep_route.name = "fast";
    auto tables = file->getTables("route");
    if (!tables.has_value()) __builtin_trap();
    std::vector<route::RouteRule> named, plain;
    for (auto& t : *tables) {
      auto r = route::parseRouteTable(t, t.name(), scope);
      if (!r.has_value()) __builtin_trap();
      (r->name.empty() ? plain : named).push_back(std::move(*r));
    }
    route::RouteLanes lanes;
    lanes.storage = {0, 1};
    lanes.capture_modes = {"east"};
    lanes.relays = {{*core::Endpoint::parse("udp:127.0.0.1:9"), 2}};
    guard = std::make_unique<route::RelayGuardProcessor>(0x11223344, 4);
    hep = std::make_unique<route::RouteProcessor>(route::RouteProcessor::Phase::Hep,
                                                  std::move(named), lanes, listeners);
    sip = std::make_unique<route::RouteProcessor>(route::RouteProcessor::Phase::Sip,
                                                  std::move(plain), lanes, listeners);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Chain chain;
  if (size < 2) return 0;
  std::vector<std::byte> packet(reinterpret_cast<const std::byte*>(data) + 1,
                                reinterpret_cast<const std::byte*>(data) + size);
  hep::DecodeOptions options;
  options.max_inflated_bytes = 256 * 1024;
  auto capture = hep::decodeHepCapture(std::move(packet), options);
  if (!capture.has_value()) return 0;
  record::Record r(std::move(*capture));
  // The first byte picks the sender, so that the sender rule sees both kinds.
  r.peer_ip = *core::IpAddress::parse(data[0] & 1 ? "10.1.2.3" : "192.0.2.1");
  r.peer_port = static_cast<uint16_t>(data[0]);
  r.lanes.set(0);
  for (process::Processor* p : std::initializer_list<process::Processor*>{
           chain.guard.get(), chain.hep.get(), &chain.parse, chain.sip.get()}) {
    if (p->process(r) == process::Verdict::Drop) return 0;
  }
  sink::HepOutEncoding relay;
  relay.relay_id = 0x55667788;
  std::vector<std::byte> wire;
  if (!sink::encodeForSend(r.capture, relay, wire).has_value()) return 0;
  core::CaptureMeta back;
  std::vector<std::byte> inflated;
  hep::DecodeOptions again = options;
  again.max_chunks += 32;
  if (!hep::decodeHep(wire, back, &inflated, again).has_value()) __builtin_trap();
  return 0;
}
