#include "query/ladder_text.h"

#include <algorithm>

namespace siphon::query {
namespace {

constexpr size_t kGutter = 27;  // "HH:MM:SS.uuuuuu +S.uuuuuu  "
constexpr size_t kMinColumn = 12;
constexpr size_t kMaxColumn = 32;
constexpr size_t kNoteRoom = 16;  // right of the last column: " 1 INVITE leg1"


// Text from the wire, made safe to print: printable ASCII kept, the rest '?'. Box mode is the
// only source of multi-byte glyphs, so one cell is one terminal column.
std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

std::string fit(std::string s, size_t n) {
  if (s.size() <= n) return s;
  if (n == 0) return "";
  return s.substr(0, n - 1) + "~";
}

struct Glyphs {
  const char* bar;
  const char* dash;
  const char* dot;  // retransmissions
  const char* right;
  const char* left;
};
constexpr Glyphs kAscii{"|", "-", ".", ">", "<"};
constexpr Glyphs kBox{"\u2502", "\u2500", "\u2504", "\u25b6", "\u25c0"};

// One output line as cells: each cell one terminal column holding one glyph.
class Line {
 public:
  explicit Line(size_t n) : cells_(n, " ") {}
  void put(size_t x, std::string_view glyph) {
    if (x < cells_.size()) cells_[x] = glyph;
  }
  void text(size_t x, std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) put(x + i, std::string(1, s[i]));
  }
  size_t size() const { return cells_.size(); }
  std::string str(size_t width) const {
    size_t end = cells_.size();
    while (end > 0 && cells_[end - 1] == " ") --end;
    std::string out;
    for (size_t i = 0; i < end && i < width; ++i) {
      out += (i + 1 == width && end > width) ? std::string(">") : cells_[i];
    }
    return out + "\n";
  }

 private:
  std::vector<std::string> cells_;
};

}  // namespace

std::string renderLadderText(const Ladder& ladder, const CallResult& call,
                             const TextLadderOptions& options) {
  const Glyphs& g = options.box ? kBox : kAscii;
  size_t width = std::max<size_t>(options.width, 40);
  size_t ncols = std::max<size_t>(ladder.columns.size(), 1);
  size_t colw = std::clamp((width - kGutter - kNoteRoom) / ncols, kMinColumn, kMaxColumn);
  auto center = [&](size_t c) { return kGutter + colw / 2 + c * colw; };
  size_t note_x = center(ncols - 1) + 2;  // just right of the last lifeline
  size_t line_cells = std::max(width, note_x) + 64;  // room for the right-hand notes
  std::string out;

  if (options.header) {
    if (!ladder.legs.empty()) out += fit("Call-ID: " + printable(ladder.legs.front()), width) + "\n";
    for (size_t i = 1; i < ladder.legs.size(); ++i) {
      out += fit("  leg " + std::to_string(i) + ": " + printable(ladder.legs[i]), width) + "\n";
    }
    out += std::to_string(call.messages.size()) + " message(s), " + std::to_string(ladder.arrows.size()) +
           " arrow(s), " + std::to_string(ladder.legs.size()) + " leg(s), " +
           std::to_string(ladder.transactions.size()) + " transaction(s)\n";
    if (ladder.truncated) out += fit("TRUNCATED: " + ladder.truncated_reason, width) + "\n";
  }

  Line head(line_cells), labels(line_cells), rule(line_cells);
  for (size_t c = 0; c < ladder.columns.size(); ++c) {
    std::string addr = fit(printable(ladder.columns[c].address), colw - 1);
    head.text(center(c) - std::min(center(c), addr.size() / 2), addr);
    if (!ladder.columns[c].label.empty()) {
      std::string l = fit("[" + printable(ladder.columns[c].label) + "]", colw - 1);
      labels.text(center(c) - std::min(center(c), l.size() / 2), l);
    }
    rule.put(center(c), g.bar);
  }
  out += head.str(width);
  if (labels.str(width) != "\n") out += labels.str(width);
  out += rule.str(width);

  for (size_t k = 0; k < ladder.arrows.size(); ++k) {
    const LadderArrow& a = ladder.arrows[k];
    Line top(line_cells), bottom(line_cells);
    for (size_t c = 0; c < ladder.columns.size(); ++c) {
      top.put(center(c), g.bar);
      bottom.put(center(c), g.bar);
    }
    std::string label = printable(a.label);
    if (a.has_sdp) label += " (SDP)";
    if (a.retransmission) label += " [retrans]";
    size_t lo = std::min(center(a.from), center(a.to)), hi = std::max(center(a.from), center(a.to));
    if (a.from == a.to) {
      // A message from a host to itself: a stub arrow to the right of its column.
      label = fit(label, colw - 4);
      top.text(lo + 2, label);
      bottom.put(lo + 1, g.left);
      bottom.put(lo + 2, g.dash);
      bottom.put(lo + 3, g.dash);
    } else {
      size_t span = hi - lo - 1;
      label = fit(label, span > 2 ? span - 2 : 0);
      top.text(lo + 1 + (span - label.size()) / 2, label);
      for (size_t x = lo + 1; x < hi; ++x) bottom.put(x, a.retransmission ? g.dot : g.dash);
      if (a.to > a.from) {
        bottom.put(hi - 1, g.right);
      } else {
        bottom.put(lo + 1, g.left);
      }
    }
    bottom.text(0, clockText(a.ts_us) + " " + deltaText(a.delta_prev_us));
    std::string note = " " + printable(a.cseq);
    if (ladder.legs.size() > 1) note += " leg" + std::to_string(a.leg);
    if (a.capture_points.size() > 1) {
      note += " seen at";
      for (const auto& p : a.capture_points) note += " " + printable(p);
    }
    bottom.text(note_x, note);
    out += top.str(width);
    out += bottom.str(width);
  }
  return out;
}

}  // namespace siphon::query
