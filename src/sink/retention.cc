#include "sink/retention.h"

#include <charconv>

#include "core/text_cursor.h"

namespace siphon::sink {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// Digits a conversion stands for: how many, and which date field they fill.
struct Conversion {
  size_t width;
  int PatternDate::*field;
};

std::optional<Conversion> conversion(char c) {
  switch (c) {
    case 'Y':
      return Conversion{4, &PatternDate::year};
    case 'm':
      return Conversion{2, &PatternDate::month};
    case 'd':
      return Conversion{2, &PatternDate::day};
    case 'H':
    case 'M':
    case 'S':
    case 'y':
      return Conversion{2, nullptr};
    case 'j':
      return Conversion{3, nullptr};
    default:
      return std::nullopt;
  }
}

}  // namespace

bool matchTablePattern(std::string_view name, std::string_view pattern, PatternDate* date) {
  PatternDate d;
  size_t at = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size()) {
      const char c = pattern[++i];
      if (c == '%') {
        if (at >= name.size() || name[at] != '%') return false;
        ++at;
        continue;
      }
      auto conv = conversion(c);
      if (!conv || conv->width > name.size() - at) return false;
      int v = 0;
      auto [p, ec] = std::from_chars(name.data() + at, name.data() + at + conv->width, v);
      if (ec != std::errc() || p != name.data() + at + conv->width) return false;
      if (conv->field) d.*(conv->field) = v;
      at += conv->width;
      continue;
    }
    if (at >= name.size() || name[at] != pattern[i]) return false;
    ++at;
  }
  if (at != name.size()) return false;
  if (date) *date = d;
  return true;
}

core::Result<RetentionPolicy, core::Failure> RetentionPolicy::parse(
    int default_days, const std::vector<std::string>& specs) {
  std::vector<RetentionRule> rules;
  for (const auto& spec : specs) {
    const size_t eq = spec.rfind('=');
    auto bad = [&](std::string_view why) {
      return core::unexpected(
          core::Failure{"retention: '" + spec + "': " + std::string(why), 2});
    };
    if (eq == std::string::npos || eq == 0) return bad("expected PATTERN=DAYS");
    const std::string_view pattern = core::trimBlanks(std::string_view(spec).substr(0, eq));
    const std::string_view days = core::trimBlanks(std::string_view(spec).substr(eq + 1));
    int n = 0;
    auto [p, ec] = std::from_chars(days.data(), days.data() + days.size(), n);
    if (ec != std::errc() || p != days.data() + days.size() || n < 0 || n > 36500) {
      return bad("DAYS must be 0..36500");
    }
    if (pattern.empty()) return bad("no table pattern");
    rules.push_back({std::string(pattern), n});
  }
  return RetentionPolicy(default_days, std::move(rules));
}

bool RetentionPolicy::enabled() const {
  if (default_days_ > 0) return true;
  for (const auto& r : rules_) {
    if (r.days > 0) return true;
  }
  return false;
}

int RetentionPolicy::daysFor(std::string_view table) const {
  for (const auto& r : rules_) {
    if (matchTablePattern(table, r.pattern)) return r.days;
  }
  return default_days_;
}

std::optional<int64_t> RetentionPolicy::dayOf(std::string_view table,
                                              std::span<const std::string> patterns) const {
  auto tryPattern = [&](std::string_view pattern) -> std::optional<int64_t> {
    PatternDate d;
    if (!matchTablePattern(table, pattern, &d)) return std::nullopt;
    if (d.year < 1970 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31) return std::nullopt;
    return daysFromCivil(d.year, static_cast<unsigned>(d.month), static_cast<unsigned>(d.day)) * 86400;
  };
  for (const auto& r : rules_) {
    if (auto day = tryPattern(r.pattern)) return day;
  }
  for (const auto& p : patterns) {
    if (auto day = tryPattern(p)) return day;
  }
  return std::nullopt;
}

}  // namespace siphon::sink
