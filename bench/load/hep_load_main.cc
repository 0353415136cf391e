// siphon-hep-load: sends realistic SIP traffic as HEP to a collector on this machine, at a
// fixed rate or as fast as possible, bounded in count and time. Prints one JSON summary line.
//
//   siphon-hep-load --target udp:127.0.0.1:9060 --count 500000 --rate 100000
//   siphon-hep-load --target tcp:127.0.0.1:9060 --count 10000 --hep-version 3

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/endpoint.h"
#include "hep/hep_encoder.h"
#include "support/real_capture_traffic.h"
#include "support/sip_traffic.h"

namespace {

using Clock = std::chrono::steady_clock;

bool isLoopback(const siphon::core::IpAddress& ip) {
  auto b = ip.bytes();
  if (ip.isV4()) return b[0] == std::byte{127};
  if (ip.isV6()) {
    for (size_t i = 0; i < 15; ++i) {
      if (b[i] != std::byte{0}) return false;
    }
    return b[15] == std::byte{1};
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Send SIP traffic as HEP to a collector on loopback", "siphon-hep-load");
  std::string target = "udp:127.0.0.1:9060";
  uint64_t count = 10000;
  double rate = 0;  // packets/s; 0 = as fast as possible
  double max_seconds = 60;
  int hep_version = 3;
  siphon::load::TrafficOptions traffic;
  traffic.run_id = "load" + std::to_string(::getpid());
  app.add_option("--target", target, "collector address (loopback only)");
  app.add_option("--count", count, "packets to send")
      ->check(CLI::Range(uint64_t{1}, uint64_t{100'000'000}));
  app.add_option("--rate", rate, "packets per second, 0 = unpaced");
  app.add_option("--max-seconds", max_seconds, "hard stop");
  app.add_option("--hep-version", hep_version, "1, 2 or 3")->check(CLI::IsMember({1, 2, 3}));
  app.add_option("--run-id", traffic.run_id, "Call-ID prefix of this run");
  app.add_option("--seed", traffic.seed, "traffic seed");
  app.add_option("--users", traffic.users, "user pool size");
  app.add_option("--node-name", traffic.node_name, "HEP node name chunk");
  app.add_option("--auth-key", traffic.auth_key, "HEP auth key chunk");
  app.add_option("--capture-id", traffic.capture_id, "HEP capture agent id (0x000c)");
  app.add_flag("--correlation-callid", traffic.correlation_callid, "0x0011 = Call-ID");
  app.add_flag("--ipv6", traffic.ipv6, "inner addresses ::1");
  std::string real_mix;
  app.add_option("--real-mix", real_mix,
                 "send the SIP of the captures in this folder (e.g. tests/data/pcap), each pass "
                 "with unique Call-IDs, tags, branches, users, CSeq numbers and SDP origins, "
                 "instead of synthetic calls");
  CLI11_PARSE(app, argc, argv);

  auto ep = siphon::core::Endpoint::parse(target);
  if (!ep.has_value()) {
    std::fprintf(stderr, "siphon-hep-load: %s\n", ep.error().message.c_str());
    return 2;
  }
  if (!isLoopback(ep->ip)) {
    std::fprintf(stderr, "siphon-hep-load: refusing non-loopback target %s\n", target.c_str());
    return 2;
  }
  if (ep->proto != siphon::core::EndpointProto::Udp && hep_version != 3) {
    std::fprintf(stderr, "siphon-hep-load: HEPv%d goes over UDP only\n", hep_version);
    return 2;
  }

  // Pre-generate the packets so that generation does not limit the send rate.
  siphon::load::SipTraffic gen(traffic);
  std::optional<siphon::load::RealCaptureTraffic> real;
  if (!real_mix.empty()) {
    auto loaded = siphon::load::RealCaptureTraffic::load(real_mix, traffic.run_id);
    if (!loaded.has_value()) {
      std::fprintf(stderr, "siphon-hep-load: %s\n", loaded.error().message.c_str());
      return 2;
    }
    real = std::move(*loaded);
    std::fprintf(stderr, "siphon-hep-load: %zu real SIP messages, %.0f bytes on average\n",
                 real->size(), real->averageBytes());
  }
  std::vector<siphon::load::TrafficMessage> messages;
  std::vector<std::vector<std::byte>> packets;
  packets.reserve(count);
  auto wall = std::chrono::system_clock::now().time_since_epoch();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(wall).count();
  siphon::core::CaptureMeta meta;
  siphon::hep::EncodeOptions enc;
  enc.version = static_cast<uint8_t>(hep_version);
  uint64_t bytes = 0, unencodable = 0;
  while (packets.size() < count) {
    messages.clear();
    if (real) {
      messages.emplace_back();
      real->next(messages.back());
    } else {
      gen.nextScenario(messages);
    }
    for (const auto& m : messages) {
      if (packets.size() == count) break;
      gen.toMeta(m, meta, static_cast<uint32_t>(us / 1'000'000),
                 static_cast<uint32_t>(us % 1'000'000));
      std::vector<std::byte> pkt;
      auto r = siphon::hep::encodeHep(meta, pkt, enc);
      if (!r.has_value() && real) {
        ++unencodable;  // a captured message HEP cannot carry as it is (e.g. no port)
        if (unencodable > 10 * count + 1000) {
          std::fprintf(stderr, "siphon-hep-load: the captures hold nothing HEP can carry\n");
          return 1;
        }
        continue;
      }
      if (!r.has_value()) {
        std::fprintf(stderr, "siphon-hep-load: encode failed\n");
        return 1;
      }
      bytes += pkt.size();
      packets.push_back(std::move(pkt));
      ++us;
    }
  }

  int type = ep->proto == siphon::core::EndpointProto::Udp ? SOCK_DGRAM : SOCK_STREAM;
  int fd = ::socket(ep->ip.isV6() ? AF_INET6 : AF_INET, type, 0);
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (ep->ip.isV6()) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(ep->port);
    std::memcpy(&a.sin6_addr, ep->ip.bytes().data(), 16);
    std::memcpy(&ss, &a, sizeof a);
    len = sizeof a;
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(ep->port);
    std::memcpy(&a.sin_addr, ep->ip.bytes().data(), 4);
    std::memcpy(&ss, &a, sizeof a);
    len = sizeof a;
  }
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    std::perror("siphon-hep-load: connect");
    return 1;
  }
  int sndbuf = 16 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);

  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(max_seconds);
  uint64_t sent = 0, errors = 0;
  constexpr size_t kBatch = 64;
  std::vector<mmsghdr> msgs(kBatch);
  std::vector<iovec> iov(kBatch);
  while (sent < count && Clock::now() < deadline) {
    if (rate > 0) {  // pace per batch against the wall clock
      auto due = start + std::chrono::duration<double>(static_cast<double>(sent) / rate);
      auto now = Clock::now();
      if (due > now) std::this_thread::sleep_for(due - now);
    }
    size_t n = std::min<uint64_t>(kBatch, count - sent);
    if (type == SOCK_DGRAM) {
      for (size_t i = 0; i < n; ++i) {
        auto& p = packets[sent + i];
        iov[i] = {p.data(), p.size()};
        msgs[i] = {};
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      int k = ::sendmmsg(fd, msgs.data(), static_cast<unsigned>(n), 0);
      if (k <= 0) {
        ++errors;
        continue;
      }
      sent += static_cast<uint64_t>(k);
    } else {
      for (size_t i = 0; i < n; ++i) {
        auto& p = packets[sent];
        size_t off = 0;
        while (off < p.size()) {
          ssize_t w = ::send(fd, p.data() + off, p.size() - off, MSG_NOSIGNAL);
          if (w <= 0) {
            std::perror("siphon-hep-load: send");
            return 1;
          }
          off += static_cast<size_t>(w);
        }
        ++sent;
      }
    }
  }
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(fd);
  std::printf(
      "{\"target\":\"%s\",\"hep_version\":%d,\"sent\":%llu,\"requested\":%llu,\"seconds\":%.3f,"
      "\"rate\":%.0f,\"avg_bytes\":%.0f,\"send_errors\":%llu,\"run_id\":\"%s\"}\n",
      target.c_str(), hep_version, static_cast<unsigned long long>(sent),
      static_cast<unsigned long long>(count), secs,
      secs > 0 ? static_cast<double>(sent) / secs : 0.0,
      static_cast<double>(bytes) / static_cast<double>(count),
      static_cast<unsigned long long>(errors), traffic.run_id.c_str());
  return sent == count ? 0 : 2;
}
