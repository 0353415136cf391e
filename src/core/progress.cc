#include "core/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace siphon::core {
namespace {

constexpr int kWidth = 20;
constexpr auto kRedraw = std::chrono::milliseconds(100);

std::string amount(double v, ProgressUnit unit) {
  char buf[32];
  if (unit == ProgressUnit::Items) {
    if (v >= 1e6) {
      std::snprintf(buf, sizeof buf, "%.1fM", v / 1e6);
    } else if (v >= 1e4) {
      std::snprintf(buf, sizeof buf, "%.0fk", v / 1e3);
    } else {
      std::snprintf(buf, sizeof buf, "%.0f", v);
    }
    return buf;
  }
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

std::string clockText(double seconds) {
  const auto s = static_cast<long long>(std::max(0.0, std::round(seconds)));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  }
  return buf;
}

}  // namespace

bool stderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

ProgressBar::ProgressBar(std::string label, uint64_t total, ProgressUnit unit, bool enabled, std::FILE* out,
                         const Clock& clock, std::string items)
    : label_(std::move(label)),
      total_(total),
      unit_(unit),
      enabled_(enabled),
      out_(out),
      clock_(clock),
      items_(std::move(items)),
      start_(clock.steadyNow()) {}

std::string ProgressBar::line(uint64_t done, double seconds) const {
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  const std::string per = unit_ == ProgressUnit::Bytes ? "/s" : " " + items_ + "/s";
  std::string out = label_;
  if (total_ == 0) return out + "  " + amount(static_cast<double>(done), unit_) + "  " + amount(rate, unit_) + per;
  const double share = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
  const int filled = static_cast<int>(share * kWidth);
  out += " [" + std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(kWidth - filled), '.') + "]";
  char pct[8];
  std::snprintf(pct, sizeof pct, "%4.0f%%", share * 100);
  out += std::string(" ") + pct + "  " + amount(static_cast<double>(done), unit_) + " of " +
         amount(static_cast<double>(total_), unit_) + "  " + amount(rate, unit_) + per;
  if (rate > 0 && done < total_) out += "  ETA " + clockText(static_cast<double>(total_ - done) / rate);
  return out;
}

void ProgressBar::update(uint64_t done) {
  if (!enabled_ || finished_) return;
  const auto now = clock_.steadyNow();
  if (drawn_ && now - last_draw_ < kRedraw) return;
  last_draw_ = now;
  drawn_ = true;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  // \r, the line, then clear to the end of the line (a shorter line leaves no tail).
  std::fprintf(out_, "\r%s\x1b[K", line(done, seconds).c_str());
  std::fflush(out_);
}

void ProgressBar::finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_ && drawn_) {
    std::fprintf(out_, "\r\x1b[K");
    std::fflush(out_);
  }
}

}  // namespace siphon::core
