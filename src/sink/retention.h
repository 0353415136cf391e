#pragma once
// RetentionPolicy: how long each table keeps its messages (`retention_days`, and per table
// `retention = ["sip_capture_%Y%m%d=7", "rtcp_capture=30"]`), and the reading of day tables.
//
// A rule's pattern is a table name or a table_name pattern with strftime conversions; it
// matches a table when the name is what the pattern makes for some time (each %Y, %m, %d, %H,
// %M, %S, %y, %j stands for its digits). The first matching rule decides; `retention_days` is
// the rest's. A table whose name carries a day (its pattern has %Y, %m and %d) is dropped whole
// once that day is past the limit — the stores' cheapest removal — and other tables lose the
// rows older than the limit (sink/database: DELETE in bounded chunks; ClickHouse: day
// partitions; the embedded store: whole blocks, store/block_store.h).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace siphon::sink {

struct RetentionRule {
  std::string pattern;
  int days = 0;  ///< 0: kept forever
};

class RetentionPolicy {
 public:
  RetentionPolicy() = default;
  RetentionPolicy(int default_days, std::vector<RetentionRule> rules)
      : default_days_(default_days), rules_(std::move(rules)) {}

  /// `retention_days` and the `retention` list ("PATTERN=DAYS", DAYS 0..36500). Errors name
  /// the entry (exit code 2).
  [[nodiscard]] static core::Result<RetentionPolicy, core::Failure> parse(
      int default_days, const std::vector<std::string>& specs);

  /// Whether anything expires at all.
  [[nodiscard]] bool enabled() const;
  /// Days `table` keeps its messages (0: forever).
  [[nodiscard]] int daysFor(std::string_view table) const;
  /// The UTC day (seconds at midnight) `table`'s name stands for, when it is what one of the
  /// rules' patterns or `patterns` (the table_name patterns a writer used) with %Y, %m and %d
  /// makes; nullopt for a table that holds any day.
  [[nodiscard]] std::optional<int64_t> dayOf(std::string_view table,
                                             std::span<const std::string> patterns = {}) const;
  [[nodiscard]] const std::vector<RetentionRule>& rules() const { return rules_; }
  [[nodiscard]] int defaultDays() const { return default_days_; }

 private:
  int default_days_ = 0;
  std::vector<RetentionRule> rules_;
};

/// The date fields a strftime pattern's conversions took from a name (-1 where it had none).
struct PatternDate {
  int year = -1, month = -1, day = -1;
};
/// Whether `name` is what strftime `pattern` makes for some time; the date fields it carries.
[[nodiscard]] bool matchTablePattern(std::string_view name, std::string_view pattern,
                                     PatternDate* date = nullptr);

}  // namespace siphon::sink
