#include "support/sip_traffic.h"

#include <array>
#include <cstdio>

#include "core/byte_reader.h"

namespace siphon::load {
namespace {

constexpr std::array<const char*, 4> kUserAgents = {
    "Linphone/5.2.0 (belle-sip/5.2.0)", "Zoiper rv2.10.19.7", "Yealink SIP-T46U 108.86.0.70",
    "PolycomVVX-VVX_411-UA/6.4.3.5018"};
constexpr std::array<const char*, 3> kServers = {"Asterisk PBX 20.5.0", "FreeSWITCH-mod_sofia/1.10.11",
                                                 "kamailio (5.6.3 (x86_64/linux))"};

std::string sdp(const std::string& ip, int port, uint64_t session) {
  std::string s;
  s += "v=0\r\n";
  const char* family = ip.find(':') == std::string::npos ? " IN IP4 " : " IN IP6 ";
  s += "o=- " + std::to_string(session) + " " + std::to_string(session) + family + ip + "\r\n";
  s += "s=call\r\n";
  s += std::string("c=") + (family + 1) + ip + "\r\n";
  s += "t=0 0\r\n";
  s += "m=audio " + std::to_string(port) + " RTP/AVP 0 8 101\r\n";
  s += "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
  s += "a=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n";
  return s;
}

struct Leg {
  std::string caller, callee, caller_ip, callee_ip, call_id, from_tag, to_tag, branch;
  uint16_t caller_port, callee_port;
  const char* agent;
  const char* server;
};

// An address as it stands in a SIP URI or Via sent-by: IPv6 references in brackets (RFC 5118).
std::string hostPort(const std::string& ip, uint16_t port) {
  std::string host = ip.find(':') == std::string::npos ? ip : "[" + ip + "]";
  return host + ":" + std::to_string(port);
}

std::string withBody(std::string head, const std::string& body, const char* content_type) {
  if (!body.empty()) head += std::string("Content-Type: ") + content_type + "\r\n";
  head += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  return head + body;
}

std::string request(const Leg& l, const char* method, int cseq, const char* cseq_method,
                    bool with_to_tag, const std::string& branch, const std::string& extra,
                    const std::string& body) {
  std::string via_host = hostPort(l.caller_ip, l.caller_port);
  std::string s = std::string(method) + " sip:" + l.callee + "@" +
                  hostPort(l.callee_ip, l.callee_port) + " SIP/2.0\r\n";
  s += "Via: SIP/2.0/UDP " + via_host + ";rport;branch=" + branch + "\r\n";
  s += "Max-Forwards: 70\r\n";
  s += "From: \"" + l.caller + "\" <sip:" + l.caller + "@siphon.test>;tag=" + l.from_tag + "\r\n";
  s += "To: <sip:" + l.callee + "@siphon.test>" + (with_to_tag ? ";tag=" + l.to_tag : "") + "\r\n";
  s += "Call-ID: " + l.call_id + "\r\n";
  s += "CSeq: " + std::to_string(cseq) + " " + cseq_method + "\r\n";
  s += "Contact: <sip:" + l.caller + "@" + via_host + ">\r\n";
  s += std::string("User-Agent: ") + l.agent + "\r\n";
  s += extra;
  return withBody(s, body, "application/sdp");
}

std::string reply(const Leg& l, int code, const char* reason, int cseq, const char* cseq_method,
                  bool with_to_tag, const std::string& branch, const std::string& body) {
  std::string via_host = hostPort(l.caller_ip, l.caller_port);
  std::string s = "SIP/2.0 " + std::to_string(code) + " " + reason + "\r\n";
  s += "Via: SIP/2.0/UDP " + via_host + ";rport=" + std::to_string(l.caller_port) +
       ";branch=" + branch + "\r\n";
  s += "From: \"" + l.caller + "\" <sip:" + l.caller + "@siphon.test>;tag=" + l.from_tag + "\r\n";
  s += "To: <sip:" + l.callee + "@siphon.test>" + (with_to_tag ? ";tag=" + l.to_tag : "") + "\r\n";
  s += "Call-ID: " + l.call_id + "\r\n";
  s += "CSeq: " + std::to_string(cseq) + " " + cseq_method + "\r\n";
  if (code >= 200 && code < 300 && std::string_view(cseq_method) == "INVITE") {
    s += "Contact: <sip:" + l.callee + "@" + hostPort(l.callee_ip, l.callee_port) + ">\r\n";
  }
  s += std::string("Server: ") + l.server + "\r\n";
  return withBody(s, body, "application/sdp");
}

}  // namespace

SipTraffic::SipTraffic(TrafficOptions options) : options_(std::move(options)), rng_(options_.seed) {}

std::string SipTraffic::hex(int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(static_cast<size_t>(digits), '0');
  uint64_t v = rng_();
  for (int i = 0; i < digits; ++i) {
    s[static_cast<size_t>(i)] = kHex[v & 15];
    v >>= 4;
    if (i % 15 == 14) v = rng_();
  }
  return s;
}

std::string SipTraffic::user() {
  return "user" + std::to_string(1000 + rng_() % static_cast<uint64_t>(options_.users));
}

void SipTraffic::nextScenario(std::vector<TrafficMessage>& out) {
  int total = options_.weight_call + options_.weight_register + options_.weight_options;
  int pick = static_cast<int>(rng_() % static_cast<uint64_t>(total < 1 ? 1 : total));
  ++scenario_;
  if (pick < options_.weight_call) {
    call(out);
  } else if (pick < options_.weight_call + options_.weight_register) {
    registration(out);
  } else {
    this->options(out);
  }
}

void SipTraffic::call(std::vector<TrafficMessage>& out) {
  Leg l;
  l.caller = user();
  l.callee = user();
  uint64_t a = rng_() % 250 + 1, b = rng_() % 250 + 1;
  l.caller_ip = options_.ipv6 ? "::1" : "127.0.1." + std::to_string(a);
  l.callee_ip = options_.ipv6 ? "::1" : "127.0.1." + std::to_string(b);
  l.caller_port = static_cast<uint16_t>(5060 + rng_() % 2000);
  l.callee_port = static_cast<uint16_t>(5060 + rng_() % 2000);
  l.call_id = options_.run_id + "-" + std::to_string(scenario_) + "-" + hex(8) + "@siphon.test";
  l.from_tag = hex(10);
  l.to_tag = hex(10);
  l.agent = kUserAgents[rng_() % kUserAgents.size()];
  l.server = kServers[rng_() % kServers.size()];
  std::string b1 = "z9hG4bK" + hex(16), b2 = "z9hG4bK" + hex(16), b3 = "z9hG4bK" + hex(16);
  std::string pai = "P-Asserted-Identity: <sip:" + l.caller + "@siphon.test>\r\n";
  auto offer = sdp(l.caller_ip, 10000 + static_cast<int>(rng_() % 20000), rng_() % 100000000);
  auto answer = sdp(l.callee_ip, 10000 + static_cast<int>(rng_() % 20000), rng_() % 100000000);
  auto up = [&](std::string payload) {
    out.push_back({std::move(payload), *core::IpAddress::parse(l.caller_ip),
                   *core::IpAddress::parse(l.callee_ip), l.caller_port, l.callee_port, l.call_id});
  };
  auto down = [&](std::string payload) {
    out.push_back({std::move(payload), *core::IpAddress::parse(l.callee_ip),
                   *core::IpAddress::parse(l.caller_ip), l.callee_port, l.caller_port, l.call_id});
  };
  up(request(l, "INVITE", 1, "INVITE", false, b1, pai + "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\n", offer));
  down(reply(l, 100, "Trying", 1, "INVITE", false, b1, ""));
  down(reply(l, 180, "Ringing", 1, "INVITE", true, b1, ""));
  down(reply(l, 200, "OK", 1, "INVITE", true, b1, answer));
  up(request(l, "ACK", 1, "ACK", true, b2, "", ""));
  up(request(l, "BYE", 2, "BYE", true, b3, "Reason: Q.850;cause=16;text=\"Normal call clearing\"\r\n", ""));
  down(reply(l, 200, "OK", 2, "BYE", true, b3, ""));
}

void SipTraffic::registration(std::vector<TrafficMessage>& out) {
  Leg l;
  l.caller = user();
  l.callee = l.caller;
  l.caller_ip = options_.ipv6 ? "::1" : "127.0.1." + std::to_string(rng_() % 250 + 1);
  l.callee_ip = options_.ipv6 ? "::1" : "127.0.0.53";
  l.caller_port = static_cast<uint16_t>(5060 + rng_() % 2000);
  l.callee_port = 5060;
  l.call_id = options_.run_id + "-" + std::to_string(scenario_) + "-" + hex(8) + "@siphon.test";
  l.from_tag = hex(10);
  l.to_tag = hex(10);
  l.agent = kUserAgents[rng_() % kUserAgents.size()];
  l.server = kServers[rng_() % kServers.size()];
  std::string branch = "z9hG4bK" + hex(16);
  auto src = *core::IpAddress::parse(l.caller_ip), dst = *core::IpAddress::parse(l.callee_ip);
  out.push_back({request(l, "REGISTER", 1, "REGISTER", false, branch, "Expires: 3600\r\n", ""), src,
                 dst, l.caller_port, l.callee_port, l.call_id});
  out.push_back({reply(l, 200, "OK", 1, "REGISTER", true, branch, ""), dst, src, l.callee_port,
                 l.caller_port, l.call_id});
}

void SipTraffic::options(std::vector<TrafficMessage>& out) {
  Leg l;
  l.caller = "pinger";
  l.callee = user();
  l.caller_ip = options_.ipv6 ? "::1" : "127.0.0.53";
  l.callee_ip = options_.ipv6 ? "::1" : "127.0.1." + std::to_string(rng_() % 250 + 1);
  l.caller_port = 5060;
  l.callee_port = static_cast<uint16_t>(5060 + rng_() % 2000);
  l.call_id = options_.run_id + "-" + std::to_string(scenario_) + "-" + hex(8) + "@siphon.test";
  l.from_tag = hex(10);
  l.to_tag = hex(10);
  l.agent = kServers[rng_() % kServers.size()];
  l.server = kUserAgents[rng_() % kUserAgents.size()];
  std::string branch = "z9hG4bK" + hex(16);
  auto src = *core::IpAddress::parse(l.caller_ip), dst = *core::IpAddress::parse(l.callee_ip);
  out.push_back({request(l, "OPTIONS", 1, "OPTIONS", false, branch, "", ""), src, dst,
                 l.caller_port, l.callee_port, l.call_id});
  out.push_back({reply(l, 200, "OK", 1, "OPTIONS", true, branch, ""), dst, src, l.callee_port,
                 l.caller_port, l.call_id});
}

void SipTraffic::toMeta(const TrafficMessage& m, core::CaptureMeta& meta, uint32_t ts_sec,
                        uint32_t ts_usec) const {
  meta = core::CaptureMeta{};
  meta.hep_version = 3;
  meta.ip_family = m.src.isV6() ? 10 : 2;
  meta.ip_proto = 17;
  meta.src_ip = m.src;
  meta.dst_ip = m.dst;
  meta.src_port = m.src_port;
  meta.dst_port = m.dst_port;
  meta.ts_sec = ts_sec;
  meta.ts_usec = ts_usec;
  meta.capture_id = options_.capture_id;
  meta.payload_type = 1;
  meta.node_name = options_.node_name;
  if (!options_.auth_key.empty()) {
    meta.has_auth_key = true;
    meta.auth_key = options_.auth_key;
  }
  if (options_.correlation_callid) meta.correlation_id = m.call_id;
  meta.payload = core::asBytes(m.payload);
}

}  // namespace siphon::load
