#pragma once
// IpReassembler: puts fragmented IPv4 (RFC 791) and IPv6 (RFC 8200 §4.5) datagrams back
// together from the fragments decodeFrame flags.
//
// Design
// ------
// A capture agent sees fragments, it does not receive them: nothing may be trusted, nothing
// may grow without bound, and time is the capture's, not the wall clock's. So:
//
//  * Key. A datagram is (IP version, source, destination, identification, protocol), as in
//    RFC 791. For IPv6 the protocol is left out of the key: RFC 8200 §4.5 says the Next Header
//    values of non-first fragments may differ and only the first fragment's counts.
//  * Memory. Each pending datagram holds its header (from the offset-0 fragment) and one
//    buffer for the fragment data, grown as higher offsets arrive. Three limits bound it: the
//    size of one reassembled datagram (IpReassemblyLimits::max_datagram_bytes, and the 16-bit
//    length fields in any case), the bytes held by all pending datagrams, and their number.
//    When a new datagram or a growing one would break a limit, the oldest pending datagrams are
//    evicted first (new traffic is worth more than traffic that has waited longest); if that is
//    not enough, the datagram itself is dropped. Each is counted as over_budget.
//  * Time. add() takes the capture timestamp of the fragment. Datagrams whose first fragment
//    is `timeout` or more older than the newest timestamp are dropped (timeout). Timestamps
//    that go backwards expire nothing. expire() lets an idle caller flush.
//  * Overlaps. A fragment whose bytes are all held already, with the same values, is an exact
//    duplicate (captures on several interfaces see every packet twice): it is ignored and
//    counted as duplicate. Anything else that overlaps:
//      IPv4: first wins. Bytes already held are kept, only the gaps are filled, and the
//            fragment is counted as overlap. This is deterministic whatever the arrival order
//            of non-overlapping data, and it never lets a late fragment rewrite a header
//            another component may already have looked at.
//      IPv6: RFC 5722: the whole datagram is dropped (overlap), and so are its later fragments.
//  * Broken fragments (a non-last fragment whose length is not a multiple of 8, a second last
//    fragment with a different end, data past a known end) count as invalid. Inconsistent ends
//    drop the datagram, as in Linux's ip_frag_queue.
//  * After a datagram is dropped for overlap, size or an inconsistent end, a tombstone keeps
//    swallowing its later fragments (counted as late) until the timeout, so that one drop is
//    counted once instead of again as a timeout.
//
// The reassembled datagram is a plain IP packet with its length fields fixed up: IPv4 gets the
// first fragment's header (options included) with total length set, MF and offset cleared and
// the header checksum recomputed; IPv6 gets the first fragment's header chain with the Fragment
// header removed and the payload length set. Feed it to decodeIpPacket() (frame_decoder.h).
//
// Thread-safety: none; one instance per capture thread (or per flow shard).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/ip_address.h"
#include "net/decoded_packet.h"

namespace siphon::net {

/// The largest IPv4 datagram (total length is 16 bits) and the largest non-jumbo IPv6 one
/// (40-byte header + 16-bit payload length).
inline constexpr size_t kMaxIpv4DatagramBytes = 65535;
inline constexpr size_t kMaxIpv6DatagramBytes = 40 + 65535;

struct IpReassemblyLimits {
  /// Largest reassembled datagram, headers included; never above the 16-bit limits above.
  size_t max_datagram_bytes = kMaxIpv6DatagramBytes;
  /// Bytes held by all pending datagrams together (headers and data buffers).
  size_t max_total_bytes = size_t{8} << 20;
  /// Datagrams waiting for fragments (tombstones included). 0 disables reassembly.
  size_t max_pending = 1024;
  /// Capture time after the first fragment at which an incomplete datagram is dropped.
  std::chrono::nanoseconds timeout = std::chrono::seconds(30);
};

/// Counters, each a reason as in siphon_net_ip_reassembly_dropped_total{reason=...}.
struct IpReassemblyStats {
  uint64_t fragments = 0;    ///< fragments given to add()
  uint64_t completed = 0;    ///< datagrams returned whole
  uint64_t duplicates = 0;   ///< fragments ignored because their bytes were already held
  uint64_t timeout = 0;      ///< datagrams dropped incomplete after the timeout
  uint64_t over_budget = 0;  ///< datagrams evicted or refused for the byte or count limits
  uint64_t overlap = 0;      ///< IPv4: fragments partly discarded; IPv6: datagrams dropped
  uint64_t too_large = 0;    ///< datagrams dropped for growing past max_datagram_bytes
  uint64_t invalid = 0;      ///< fragments refused (see the design notes above)
  uint64_t late = 0;         ///< fragments of a datagram already dropped, swallowed
};

class IpReassembler {
 public:
  explicit IpReassembler(IpReassemblyLimits limits = {});

  /// Adds one fragment (a DecodedPacket with isFragment() true, straight from decodeFrame or
  /// decodeIpPacket: its ip_packet and l4 views must be the decoder's) seen at capture time
  /// `now` (any epoch, the same for every call). The bytes are copied; the views may die after
  /// the call. Returns the whole datagram when this fragment completed it, nullopt otherwise
  /// (waiting, duplicate or dropped: see stats()). A packet that is not a fragment counts as
  /// invalid and returns nullopt: the caller already has it whole.
  [[nodiscard]] std::optional<std::vector<std::byte>> add(const DecodedPacket& fragment,
                                                          std::chrono::nanoseconds now);

  /// Drops every datagram whose timeout has passed at `now`; returns how many were dropped
  /// incomplete (tombstones leave silently).
  size_t expire(std::chrono::nanoseconds now);

  [[nodiscard]] const IpReassemblyStats& stats() const { return stats_; }
  [[nodiscard]] size_t pendingDatagrams() const { return pending_.size(); }
  [[nodiscard]] size_t pendingBytes() const { return held_bytes_; }

 private:
  struct Key {
    core::IpAddress src;
    core::IpAddress dst;
    uint32_t id = 0;
    uint8_t version = 0;
    uint8_t proto = 0;  ///< 0 for IPv6 (see the design notes)
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  struct Range {
    size_t begin;
    size_t end;
  };
  struct Pending {
    Key key;
    std::chrono::nanoseconds first_seen{};
    /// Offset-0 fragment's header; IPv6: up to (not including) the Fragment header.
    std::vector<std::byte> header;
    size_t next_header_index = 0;   ///< IPv6: byte of `header` that named the Fragment header
    uint8_t first_next_header = 0;  ///< IPv6: the offset-0 Fragment header's Next Header
    std::vector<std::byte> data;    ///< fragment data by offset; only `have` ranges are valid
    std::vector<Range> have;        ///< received ranges, sorted, merged, disjoint
    std::optional<size_t> total;    ///< data length, known once the last fragment arrived
    size_t held = 0;                ///< bytes counted in held_bytes_
    bool dead = false;              ///< tombstone of a dropped datagram
  };
  using PendingList = std::list<Pending>;

  void erase(PendingList::iterator it);
  void kill(PendingList::iterator it);  ///< frees the buffers, keeps a tombstone
  bool evictOldestExcept(PendingList::iterator keep);
  void account(Pending& p);
  [[nodiscard]] bool takeHeader(Pending& p, const DecodedPacket& f, size_t l4_offset);
  [[nodiscard]] size_t headerEstimate(const Pending& p) const;
  [[nodiscard]] size_t maxDatagramBytes(uint8_t version) const;
  [[nodiscard]] std::vector<std::byte> build(const Pending& p) const;

  IpReassemblyLimits limits_;
  IpReassemblyStats stats_;
  PendingList pending_;  ///< oldest first
  std::unordered_map<Key, PendingList::iterator, KeyHash> index_;
  size_t held_bytes_ = 0;
};

}  // namespace siphon::net
