#include "net/ip_reassembler.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/byte_order.h"

namespace siphon::net {

namespace {

constexpr size_t kIpv4MinHeader = 20;
constexpr size_t kIpv6FixedHeader = 40;
constexpr size_t kIpv6FragmentHeader = 8;
constexpr uint8_t kIpv6FragmentNextHeader = 44;
constexpr uint8_t kIpv6AuthNextHeader = 51;
/// More than decodeIpv6 would ever walk; only guards the loop below.
constexpr size_t kMaxHeaderWalk = 64;

/// True when `inner` lies inside `outer` (both views of one buffer, as the decoder makes them).
/// Compared as integers: relational operators on pointers into different arrays are not
/// defined, and the caller may hand us anything.
bool within(std::span<const std::byte> outer, std::span<const std::byte> inner) {
  const auto o = reinterpret_cast<uintptr_t>(outer.data());
  const auto i = reinterpret_cast<uintptr_t>(inner.data());
  return i >= o && i - o <= outer.size() && inner.size() <= outer.size() - (i - o);
}

/// RFC 791 header checksum: one's complement of the one's complement sum of 16-bit words.
uint16_t ipv4HeaderChecksum(std::span<const std::byte> header) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < header.size(); i += 2) {
    sum += core::loadBe16(header.data() + i);
  }
  while (sum > 0xFFFF) {
    sum = (sum & 0xFFFF) + (sum >> 16);
  }
  return static_cast<uint16_t>(~sum);
}

/// Walks the IPv6 header chain of `packet` up to the Fragment header at `fragment_at` and
/// returns the index of the Next Header byte that names it (6 when it follows the fixed
/// header). nullopt when the chain does not land exactly there.
std::optional<size_t> ipv6FragmentLinkIndex(std::span<const std::byte> packet, size_t fragment_at) {
  size_t index = 6;
  size_t pos = kIpv6FixedHeader;
  for (size_t walked = 0; walked < kMaxHeaderWalk && pos < fragment_at; ++walked) {
    if (packet.size() - pos < 2) {  // pos < fragment_at <= packet.size()
      return std::nullopt;
    }
    const auto type = static_cast<uint8_t>(packet[index]);
    const auto len = static_cast<size_t>(packet[pos + 1]);
    // Same length rules as decodeIpv6: AH in 4-byte units minus 2 (RFC 4302 §2.2), an atomic
    // Fragment header is 8 bytes, the others 8-byte units not counting the first 8.
    const size_t bytes = type == kIpv6AuthNextHeader       ? (len + 2) * 4
                         : type == kIpv6FragmentNextHeader ? kIpv6FragmentHeader
                                                           : (len + 1) * 8;
    index = pos;
    pos += bytes;
  }
  if (pos != fragment_at || static_cast<uint8_t>(packet[index]) != kIpv6FragmentNextHeader) {
    return std::nullopt;
  }
  return index;
}

}  // namespace

size_t IpReassembler::KeyHash::operator()(const Key& k) const {
  // FNV-1a over the fields: cheap, and the map is bounded, so a weak hash cannot be abused
  // into more than max_pending entries per bucket.
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](uint8_t b) {
    h ^= b;
    h *= 1099511628211ULL;
  };
  for (std::byte b : k.src.bytes()) {
    mix(static_cast<uint8_t>(b));
  }
  for (std::byte b : k.dst.bytes()) {
    mix(static_cast<uint8_t>(b));
  }
  for (int shift = 0; shift < 32; shift += 8) {
    mix(static_cast<uint8_t>(k.id >> shift));
  }
  mix(k.version);
  mix(k.proto);
  return static_cast<size_t>(h);
}

IpReassembler::IpReassembler(IpReassemblyLimits limits) : limits_(limits) {}

size_t IpReassembler::maxDatagramBytes(uint8_t version) const {
  return std::min(limits_.max_datagram_bytes,
                  version == 4 ? kMaxIpv4DatagramBytes : kMaxIpv6DatagramBytes);
}

size_t IpReassembler::headerEstimate(const Pending& p) const {
  if (!p.header.empty()) {
    return p.header.size();
  }
  return p.key.version == 4 ? kIpv4MinHeader : kIpv6FixedHeader;
}

void IpReassembler::account(Pending& p) {
  const size_t now_held =
      p.header.capacity() + p.data.capacity() + p.have.capacity() * sizeof(Range);
  held_bytes_ = held_bytes_ - p.held + now_held;
  p.held = now_held;
}

void IpReassembler::erase(PendingList::iterator it) {
  held_bytes_ -= it->held;
  index_.erase(it->key);
  pending_.erase(it);
}

void IpReassembler::kill(PendingList::iterator it) {
  held_bytes_ -= it->held;
  it->held = 0;
  std::vector<std::byte>().swap(it->header);
  std::vector<std::byte>().swap(it->data);
  std::vector<Range>().swap(it->have);
  it->dead = true;
}

bool IpReassembler::evictOldestExcept(PendingList::iterator keep) {
  auto victim = pending_.begin();
  if (victim == keep) {
    ++victim;
  }
  if (victim == pending_.end()) {
    return false;
  }
  if (!victim->dead) {
    ++stats_.over_budget;
  }
  erase(victim);
  return true;
}

bool IpReassembler::takeHeader(Pending& p, const DecodedPacket& f, size_t l4_offset) {
  if (p.key.version == 4) {
    if (l4_offset < kIpv4MinHeader) {
      return false;
    }
    p.header.assign(f.ip_packet.begin(), f.ip_packet.begin() + static_cast<ptrdiff_t>(l4_offset));
    return true;
  }
  if (l4_offset < kIpv6FixedHeader + kIpv6FragmentHeader) {
    return false;
  }
  const size_t fragment_at = l4_offset - kIpv6FragmentHeader;
  auto link = ipv6FragmentLinkIndex(f.ip_packet, fragment_at);
  if (!link) {
    return false;
  }
  p.header.assign(f.ip_packet.begin(), f.ip_packet.begin() + static_cast<ptrdiff_t>(fragment_at));
  p.next_header_index = *link;
  p.first_next_header = f.ip_proto;
  return true;
}

size_t IpReassembler::expire(std::chrono::nanoseconds now) {
  size_t dropped = 0;
  // Oldest first; a timestamp that went backwards makes now - first_seen negative: no expiry.
  while (!pending_.empty() && now - pending_.front().first_seen >= limits_.timeout) {
    if (!pending_.front().dead) {
      ++stats_.timeout;
      ++dropped;
    }
    erase(pending_.begin());
  }
  return dropped;
}

std::optional<std::vector<std::byte>> IpReassembler::add(const DecodedPacket& f,
                                                         std::chrono::nanoseconds now) {
  ++stats_.fragments;
  expire(now);
  if (!f.isFragment() || (f.ip_version != 4 && f.ip_version != 6) || !within(f.ip_packet, f.l4)) {
    ++stats_.invalid;
    return std::nullopt;
  }
  const auto l4_offset = static_cast<size_t>(f.l4.data() - f.ip_packet.data());
  const size_t offset = f.fragment_offset;
  const size_t len = f.l4.size();
  const size_t end = offset + len;  // offset < 2^16, len < 2^17: no overflow
  // RFC 791 / RFC 8200 §4.5: every fragment but the last carries a multiple of 8 bytes.
  if (f.more_fragments && (len == 0 || len % 8 != 0)) {
    ++stats_.invalid;
    return std::nullopt;
  }

  Key key{f.src, f.dst, f.fragment_id, f.ip_version, f.ip_version == 4 ? f.ip_proto : uint8_t{0}};
  PendingList::iterator it;
  if (auto found = index_.find(key); found != index_.end()) {
    it = found->second;
  } else {
    if (limits_.max_pending == 0) {
      ++stats_.over_budget;
      return std::nullopt;
    }
    while (pending_.size() >= limits_.max_pending && evictOldestExcept(pending_.end())) {
    }
    pending_.push_back(Pending{});
    it = std::prev(pending_.end());
    it->key = key;
    it->first_seen = now;
    index_.emplace(key, it);
  }
  Pending& p = *it;
  if (p.dead) {
    ++stats_.late;
    return std::nullopt;
  }

  // The first offset-0 fragment to arrive gives the header (first wins, like the data).
  if (offset == 0 && p.header.empty()) {
    const size_t before = p.header.capacity();
    if (!takeHeader(p, f, l4_offset)) {
      ++stats_.invalid;
      return std::nullopt;
    }
    const size_t growth = p.header.capacity() - before;
    while (held_bytes_ + growth > limits_.max_total_bytes && evictOldestExcept(it)) {
    }
    account(p);
    if (held_bytes_ > limits_.max_total_bytes) {
      ++stats_.over_budget;
      kill(it);
      return std::nullopt;
    }
  }

  // Ends: the last fragment fixes the length; nothing may lie past it, and it may not move.
  const size_t held_end = p.have.empty() ? 0 : p.have.back().end;
  if (!f.more_fragments) {
    if ((p.total && *p.total != end) || held_end > end) {
      ++stats_.invalid;
      kill(it);
      return std::nullopt;
    }
    p.total = end;
  } else if (p.total && end > *p.total) {
    ++stats_.invalid;
    kill(it);
    return std::nullopt;
  }

  const size_t limit = maxDatagramBytes(p.key.version);
  if (headerEstimate(p) + std::max(end, held_end) > limit) {
    ++stats_.too_large;
    kill(it);
    return std::nullopt;
  }

  // How much of [offset, end) is held already.
  size_t covered = 0;
  for (const Range& r : p.have) {
    const size_t lo = std::max(r.begin, offset);
    const size_t hi = std::min(r.end, end);
    if (lo < hi) {
      covered += hi - lo;
    }
  }
  if (len > 0 && covered == len) {
    if (std::memcmp(p.data.data() + offset, f.l4.data(), len) == 0) {
      ++stats_.duplicates;
      return std::nullopt;
    }
  }
  if (covered > 0) {
    ++stats_.overlap;
    if (p.key.version == 6) {  // RFC 5722 §4: discard the datagram and its later fragments
      kill(it);
      return std::nullopt;
    }
    if (covered == len) {
      return std::nullopt;  // IPv4, first wins: nothing new in it
    }
  }

  if (end > p.data.size()) {
    if (end > p.data.capacity()) {
      // Grow to the known length at once, else geometrically (bounded by the datagram limit)
      // so that fragments arriving in order do not copy the buffer each time.
      size_t want = p.total
                        ? *p.total
                        : std::min(std::max(end, p.data.capacity() * 2), limit - headerEstimate(p));
      want = std::max(want, end);
      if (held_bytes_ + (want - p.data.capacity()) > limits_.max_total_bytes) {
        want = end;  // no room to grow ahead: grow exactly, before evicting anyone
      }
      const size_t growth = want - p.data.capacity();
      while (held_bytes_ + growth > limits_.max_total_bytes && evictOldestExcept(it)) {
      }
      if (held_bytes_ + growth > limits_.max_total_bytes) {
        ++stats_.over_budget;
        kill(it);
        return std::nullopt;
      }
      p.data.reserve(want);
    }
    p.data.resize(end);
  }

  // Copy the gaps only (all of it when nothing overlapped), then merge the range in.
  size_t cursor = offset;
  auto copy = [&](size_t from, size_t to) {
    std::memcpy(p.data.data() + from, f.l4.data() + (from - offset), to - from);
  };
  for (const Range& r : p.have) {
    if (r.end <= cursor) {
      continue;
    }
    if (r.begin >= end) {
      break;
    }
    if (r.begin > cursor) {
      copy(cursor, r.begin);
    }
    cursor = std::max(cursor, r.end);
  }
  if (cursor < end) {
    copy(cursor, end);
  }
  if (len > 0) {
    Range merged{offset, end};
    std::vector<Range> next;
    next.reserve(p.have.size() + 1);
    bool placed = false;
    for (const Range& r : p.have) {
      if (r.end < merged.begin) {
        next.push_back(r);
      } else if (r.begin > merged.end) {
        if (!placed) {
          next.push_back(merged);
          placed = true;
        }
        next.push_back(r);
      } else {  // touching or overlapping: one range
        merged.begin = std::min(merged.begin, r.begin);
        merged.end = std::max(merged.end, r.end);
      }
    }
    if (!placed) {
      next.push_back(merged);
    }
    p.have.swap(next);
  }
  account(p);
  // The range list grew too: settle the budget exactly, as for the buffers above.
  while (held_bytes_ > limits_.max_total_bytes && evictOldestExcept(it)) {
  }
  if (held_bytes_ > limits_.max_total_bytes) {
    ++stats_.over_budget;
    kill(it);
    return std::nullopt;
  }

  const bool complete = p.total && !p.header.empty() && p.have.size() == 1 &&
                        p.have.front().begin == 0 && p.have.front().end == *p.total;
  if (!complete) {
    return std::nullopt;
  }
  std::vector<std::byte> datagram = build(p);
  ++stats_.completed;
  erase(it);
  return datagram;
}

std::vector<std::byte> IpReassembler::build(const Pending& p) const {
  std::vector<std::byte> out;
  out.reserve(p.header.size() + *p.total);
  out.insert(out.end(), p.header.begin(), p.header.end());
  out.insert(out.end(), p.data.begin(), p.data.begin() + static_cast<ptrdiff_t>(*p.total));
  if (p.key.version == 4) {
    // Sizes were checked against kMaxIpv4DatagramBytes, so the casts below do not truncate.
    core::storeBe16(out.data() + 2, static_cast<uint16_t>(out.size()));
    const uint16_t flags = core::loadBe16(out.data() + 6);
    core::storeBe16(out.data() + 6, static_cast<uint16_t>(flags & 0xC000));  // MF, offset := 0
    core::storeBe16(out.data() + 10, 0);
    core::storeBe16(out.data() + 10, ipv4HeaderChecksum(std::span(out).first(p.header.size())));
  } else {
    out[p.next_header_index] = static_cast<std::byte>(p.first_next_header);
    core::storeBe16(out.data() + 4, static_cast<uint16_t>(out.size() - kIpv6FixedHeader));
  }
  return out;
}

}  // namespace siphon::net
