#pragma once
// Traffic statistics kept at ingest, so that a dashboard's 24 h answers without reading 10 M
// messages: counts per time bucket and dimension, written by the store in the transaction
// that writes the records they count (block_store.h), and summed by the read side.
//
//   dimension            bucket   key
//   total                1 min    ""                      every record
//   method               1 min    "INVITE", "BYE", ...    SIP requests
//   code                 1 min    "200", "486", ...       SIP replies
//   class                1 min    "1xx" ... "6xx"         SIP replies
//   node                 1 min    the node column         every record
//   kind                 1 min    "sip" "rtcp" "report" "log"
//   calls                1 min    ""                      INVITEs without a To tag (attempts)
//   answered             1 min    ""                      2xx replies to INVITE
//   src_ip, dst_ip       1 h      the address text        every record  (top dimensions)
//   user                 1 h      From user               SIP
//   user_agent           1 h      User-Agent (or Server)  SIP
//
// The top dimensions have as many keys as the traffic has addresses and users, so each
// (hour, dimension) keeps at most `top_keys_per_hour` keys; later keys of that hour count under
// "(other)". The first keys of an hour are not always its biggest: a top list over a range
// is exact for the keys kept, and "(other)" says how much was not. ASR per interval is
// answered / calls (a retransmitted 200 OK or one captured at two hops counts twice, as in
// Homer's counters).
//
// The accumulator is filled on the store's write thread (add()) and emptied by take() into the
// rows the store writes. Memory: the counts of one flush interval plus, per (hour, top
// dimension), the keys seen (bounded by top_keys_per_hour); hours older than two are forgotten.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace siphon::store {

enum class StatsDim : uint8_t {
  Total = 0,
  Method = 1,
  Code = 2,
  Class = 3,
  Node = 4,
  Kind = 5,
  Calls = 6,
  Answered = 7,
  SrcIp = 8,
  DstIp = 9,
  User = 10,
  UserAgent = 11,
  kCount
};

/// "total", "method", ... "user_agent"; the names the API takes.
[[nodiscard]] std::string_view statsDimName(StatsDim dim);
/// The dimension named `name`, or kCount when none is.
[[nodiscard]] StatsDim statsDimFromName(std::string_view name);
/// True for the hour-bucketed, capped dimensions (addresses, users, User-Agents).
[[nodiscard]] constexpr bool isTopDim(StatsDim dim) { return dim >= StatsDim::SrcIp; }
/// The bucket (seconds since the epoch) a capture time falls in for `dim`.
[[nodiscard]] int64_t statsBucket(StatsDim dim, int64_t micros);

inline constexpr std::string_view kStatsOther = "(other)";

struct StatsRow {
  int64_t bucket = 0;  ///< seconds since the epoch: start of the minute or hour
  StatsDim dim = StatsDim::Total;
  std::string key;
  int64_t count = 0;
};

class StatsAccumulator {
 public:
  explicit StatsAccumulator(size_t top_keys_per_hour = 1000) : top_keys_(top_keys_per_hour) {}

  /// Counts one record under `key` of `dim` at capture time `micros`.
  void add(StatsDim dim, int64_t micros, std::string_view key);
  /// The counts since the last take(), as rows; the accumulator is empty after.
  [[nodiscard]] std::vector<StatsRow> take();
  /// Counts `rows` (from take()) again: their write was rolled back. Their keys were within
  /// the caps when counted, so the caps do not apply again.
  void restore(const std::vector<StatsRow>& rows);
  /// Forgets the counts not taken yet (the store gave up writing their records).
  void discard() {
    counts_.clear();
    forgetRecent();
  }
  [[nodiscard]] bool empty() const { return counts_.empty(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Key text: 8 bytes bucket, 1 byte dimension, then the key. One lookup per add, without an
  // allocation when the entry exists.
  std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> counts_;
  // The entries each dimension counted last, newest first. Most records repeat the minute,
  // kind and node of the one before, and one of the last few methods, codes and addresses (a
  // request and its reply swap source and destination): comparing the bucket and key with
  // these entries' text skips building the key, the hash and the lookup (about 9 adds per
  // stored record, 8 % of the store's instructions with one entry: store_bench). Entries of
  // an unordered_map keep their address until erased; counts_ is only cleared.
  using Entry = std::pair<const std::string, int64_t>;
  static constexpr size_t kRecent = 4;
  std::array<std::array<Entry*, kRecent>, static_cast<size_t>(StatsDim::kCount)> recent_{};
  void forgetRecent() { recent_ = {}; }
  void remember(StatsDim dim, Entry* e);
  // Keys seen per (hour, top dimension): the cap.
  std::unordered_map<std::string, std::unordered_set<std::string, Hash, std::equal_to<>>, Hash,
                     std::equal_to<>>
      top_seen_;
  int64_t newest_hour_ = 0;
  size_t top_keys_;
  std::string scratch_;
};

}  // namespace siphon::store
