#include "tui/tui_app.h"

#include <ncurses.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string_view>
#include <vector>

#include "core/db_url.h"
#include "query/call_request.h"
#include "query/capture_reader.h"
#include "query/ladder.h"
#include "query/pcap_export.h"
#include "tui/call_list.h"

namespace siphon::tui {
namespace {

constexpr int kTimeWidth = 13;  // "HH:MM:SS.mmm "

int64_t nowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Captured text made safe for the terminal: printable ASCII, anything else '.'.
std::string printable(std::string_view text, size_t width) {
  std::string out;
  out.reserve(std::min(text.size(), width));
  for (char c : text) {
    if (out.size() >= width) break;
    out += (c >= 0x20 && c < 0x7f) ? c : '.';
  }
  return out;
}

std::string clockMillis(int64_t us) {
  const time_t secs = static_cast<time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(us / 1000 % 1000));
  return buf;
}

void put(int y, int x, std::string_view text, int width, attr_t attr = A_NORMAL) {
  if (width <= 0 || y < 0 || y >= LINES) return;
  attron(attr);
  mvaddnstr(y, x, printable(text, static_cast<size_t>(width)).c_str(), width);
  attroff(attr);
}

std::string pad(std::string s, size_t width) {
  if (s.size() > width) s.resize(width);
  s.append(width - s.size(), ' ');
  return s;
}

std::string exportCall(const TuiOptions& o, const std::string& callid) {
  query::CallRequest req;
  req.db_url = o.db_url;
  req.query.call_id = callid;
  auto call = query::loadCall(req, nowMicros());
  if (!call.has_value()) return "export: " + call.error().message;
  query::PcapBuilder pcap;
  for (const auto& m : call->messages) pcap.add(m.meta);
  std::string name = "call-";
  for (char c : callid.substr(0, 80)) name += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '_';
  name += ".pcap";
  auto w = query::writeFile(name, pcap.bytes());
  if (!w.has_value()) return "export: " + w.error().message;
  return "exported " + std::to_string(call->messages.size()) + " message(s) to " + name;
}

class App {
 public:
  explicit App(const TuiOptions& o) : o_(o) {}

  // The first load reads the window's newest `limit` messages; each refresh then reads only
  // what was stored since the newest message the list has (CallList), with the same reader.
  bool load(std::string& error) {
    if (!reader_) {
      auto url = core::DbUrl::parse(o_.db_url);
      if (!url.has_value()) {
        error = url.error().message;
        return false;
      }
      auto reader = query::openCaptureReader(*url, o_.row);
      if (!reader.has_value()) {
        error = reader.error().message;
        return false;
      }
      reader_ = std::move(*reader);
    }
    query::SearchQuery q;
    auto since = query::parseTime(o_.since, nowMicros());
    if (!since.has_value()) {
      error = since.error().message;
      return false;
    }
    q.since = std::max(*since, list_.newestMicros());
    q.limit = o_.limit;
    auto found = reader_->search(q);
    if (!found.has_value()) {
      error = found.error().message;
      reader_.reset();  // a store that went away is opened again on the next refresh
      return false;
    }
    list_.add(found->records);
    list_.forgetBefore(*since);
    rows_ = list_.rows();
    shown_ = filterRows(rows_, filter_);
    // More than `limit` messages in the window, or new since the last refresh: some are not in
    // the list, and stay out of it.
    truncated_ = truncated_ || found->truncated;
    if (!selected_callid_.empty()) {  // keep the selection on the same call across refreshes
      for (size_t i = 0; i < shown_.size(); ++i) {
        if (rows_[shown_[i]].callid == selected_callid_) selected_ = i;
      }
    }
    selected_ = shown_.empty() ? 0 : std::min(selected_, shown_.size() - 1);
    return true;
  }

  int run() {
    std::string error;
    if (!load(error)) {
      std::fprintf(stderr, "siphon tui: %s\n", error.c_str());
      return 1;
    }
    initscr();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    timeout(o_.refresh_ms);
    for (bool running = true; running;) {
      if (call_) {
        drawCall();
      } else {
        drawList();
      }
      const int key = getch();
      if (key == ERR) {  // the refresh interval passed
        if (!call_ && !typing_ && !load(error)) status_ = "reading the store: " + error;
        continue;
      }
      running = call_ ? callKey(key) : listKey(key);
    }
    endwin();
    return 0;
  }

 private:
  // ---- call list ----
  void drawList() {
    erase();
    const int w = COLS;
    std::string head = "siphon tui  " + o_.db_url + "  " + std::to_string(shown_.size()) + " call(s)";
    if (shown_.size() != rows_.size()) head += " of " + std::to_string(rows_.size());
    if (truncated_) head += " (newest " + std::to_string(o_.limit) + " messages)";
    if (!filter_.empty() || typing_) head += "  filter: " + filter_ + (typing_ ? "_" : "");
    put(0, 0, pad(head, static_cast<size_t>(w)), w, A_REVERSE);
    // time 12, from/to share the rest with the Call-ID
    const int rest = std::max(w - (kTimeWidth + 9 + 13 + 5), 30);
    const int party = rest / 4, callid = rest - 2 * party;
    auto line = [&](const std::string& t, const std::string& from, const std::string& to, const std::string& m,
                    const std::string& st, const std::string& n, const std::string& cid) {
      return pad(t, kTimeWidth) + pad(from, static_cast<size_t>(party)) + " " + pad(to, static_cast<size_t>(party)) +
             " " + pad(m, 9) + pad(st, 13) + pad(n, 5) + pad(cid, static_cast<size_t>(callid));
    };
    put(1, 0, line("Time (UTC)", "From", "To", "Method", "State", "Msgs", "Call-ID"), w, A_BOLD);
    const int height = LINES - 3;
    if (selected_ < top_) top_ = selected_;
    if (height > 0 && selected_ >= top_ + static_cast<size_t>(height)) top_ = selected_ - static_cast<size_t>(height) + 1;
    for (int i = 0; i < height && top_ + static_cast<size_t>(i) < shown_.size(); ++i) {
      const size_t index = top_ + static_cast<size_t>(i);
      const CallRow& r = rows_[shown_[index]];
      put(2 + i, 0, line(clockMillis(r.first_us), r.from, r.to, r.method, r.state, std::to_string(r.messages), r.callid),
          w, index == selected_ ? A_REVERSE : A_NORMAL);
    }
    if (shown_.empty()) put(3, 2, rows_.empty() ? "No call stored in this range yet." : "No call matches the filter.", w - 2);
    const std::string help = status_.empty() ? "Enter open  / filter  e export pcap  q quit" : status_;
    put(LINES - 1, 0, pad(help, static_cast<size_t>(w)), w, A_REVERSE);
  }

  bool listKey(int key) {
    if (typing_) {
      if (key == '\n' || key == KEY_ENTER) {
        typing_ = false;
      } else if (key == 27) {
        typing_ = false;
        filter_.clear();
      } else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        if (!filter_.empty()) filter_.pop_back();
      } else if (key >= 0x20 && key < 0x7f && filter_.size() < 64) {
        filter_ += static_cast<char>(key);
      }
      shown_ = filterRows(rows_, filter_);
      selected_ = top_ = 0;
      return true;
    }
    status_.clear();
    const size_t page = static_cast<size_t>(std::max(LINES - 3, 1));
    switch (key) {
      case 'q':
      case 'Q':
        return false;
      case KEY_UP:
        if (selected_ > 0) --selected_;
        break;
      case KEY_DOWN:
        if (selected_ + 1 < shown_.size()) ++selected_;
        break;
      case KEY_PPAGE:
        selected_ = selected_ > page ? selected_ - page : 0;
        break;
      case KEY_NPAGE:
        if (!shown_.empty()) selected_ = std::min(selected_ + page, shown_.size() - 1);
        break;
      case '/':
        typing_ = true;
        break;
      case 'e':
        if (!shown_.empty()) status_ = exportCall(o_, rows_[shown_[selected_]].callid);
        break;
      case '\n':
      case KEY_ENTER:
      case KEY_RIGHT:
        if (!shown_.empty()) openCall(rows_[shown_[selected_]].callid);
        break;
      default:
        break;
    }
    if (!shown_.empty()) selected_callid_ = rows_[shown_[selected_]].callid;
    return true;
  }

  // ---- one call ----
  void openCall(const std::string& callid) {
    query::CallRequest req;
    req.db_url = o_.db_url;
    req.query.call_id = callid;
    auto call = query::loadCall(req, nowMicros());
    if (!call.has_value()) {
      status_ = call.error().message;
      return;
    }
    call_ = std::make_unique<query::CallResult>(std::move(*call));
    ladder_ = query::buildLadder(*call_);
    callid_ = callid;
    arrow_ = arrow_top_ = 0;
    status_.clear();
  }

  void drawCall() {
    erase();
    const int w = COLS;
    put(0, 0, pad("Call " + callid_ + "  " + std::to_string(ladder_.arrows.size()) + " message(s), " +
                      std::to_string(ladder_.legs.size()) + " leg(s)", static_cast<size_t>(w)),
        w, A_REVERSE);
    const size_t n = ladder_.columns.size();
    const int left = kTimeWidth, width = std::max(w - left - 2, 10);
    std::vector<int> x(n);
    for (size_t i = 0; i < n; ++i) {
      x[i] = left + 1 + (n == 1 ? width / 2 : static_cast<int>(static_cast<long>(width - 1) * static_cast<long>(i) / static_cast<long>(n - 1)));
    }
    const int spacing = n > 1 ? std::max((width - 1) / static_cast<int>(n - 1), 4) : width;
    for (size_t i = 0; i < n; ++i) {
      const std::string& a = ladder_.columns[i].address;
      const int len = std::min(static_cast<int>(a.size()), spacing - 1);
      const int start = std::clamp(x[i] - len / 2, 0, std::max(w - len, 0));
      put(1, start, a, len, A_BOLD);
    }
    const int split = 2 + std::max((LINES - 4) / 2, 3);
    const int rows = split - 2;
    if (arrow_ < arrow_top_) arrow_top_ = arrow_;
    if (arrow_ >= arrow_top_ + static_cast<size_t>(rows)) arrow_top_ = arrow_ - static_cast<size_t>(rows) + 1;
    for (int i = 0; i < rows && arrow_top_ + static_cast<size_t>(i) < ladder_.arrows.size(); ++i) {
      const size_t index = arrow_top_ + static_cast<size_t>(i);
      const auto& a = ladder_.arrows[index];
      std::string line(static_cast<size_t>(w), ' ');
      const std::string t = clockMillis(a.ts_us);
      line.replace(0, std::min(t.size(), line.size()), t.substr(0, line.size()));
      for (int cx : x) {
        if (cx < w) line[static_cast<size_t>(cx)] = '|';
      }
      const int from = x[std::min(a.from, n - 1)], to = x[std::min(a.to, n - 1)];
      const int lo = std::min(from, to), hi = std::max(from, to);
      for (int c = lo + 1; c < hi && c < w; ++c) line[static_cast<size_t>(c)] = '-';
      if (from < to && to - 1 < w && to - 1 > lo) line[static_cast<size_t>(to - 1)] = '>';
      if (from > to && lo + 1 < w && lo + 1 < hi) line[static_cast<size_t>(lo + 1)] = '<';
      std::string label = a.label + (a.retransmission ? " (retr.)" : "");
      const int room = std::max(hi - lo - 3, 1);
      if (static_cast<int>(label.size()) > room) label.resize(static_cast<size_t>(room));
      const int lx = lo == hi ? lo + 2 : lo + (hi - lo - static_cast<int>(label.size())) / 2 + 1;
      for (size_t k = 0; k < label.size() && lx + static_cast<int>(k) < w; ++k) {
        line[static_cast<size_t>(lx) + k] = label[k];
      }
      put(2 + i, 0, line, w, index == arrow_ ? A_REVERSE : A_NORMAL);
    }
    // The selected message, in full, below.
    if (!ladder_.arrows.empty()) {
      const auto& a = ladder_.arrows[arrow_];
      const auto& m = call_->messages[a.message];
      const std::string where = query::endpointText(m.meta.src_ip, m.meta.src_port) + " -> " +
                                query::endpointText(m.meta.dst_ip, m.meta.dst_port) + "  " + clockMillis(m.micros());
      put(split, 0, pad("-- " + where + " ", static_cast<size_t>(w)), w, A_BOLD);
      std::string_view text = m.payload();
      int y = split + 1;
      while (!text.empty() && y < LINES - 1) {
        const size_t nl = text.find('\n');
        std::string_view one = text.substr(0, nl);
        if (!one.empty() && one.back() == '\r') one.remove_suffix(1);
        put(y++, 0, one, w);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
      }
    }
    const std::string help = status_.empty() ? "Up/Down step  e export pcap  q back" : status_;
    put(LINES - 1, 0, pad(help, static_cast<size_t>(w)), w, A_REVERSE);
  }

  bool callKey(int key) {
    status_.clear();
    switch (key) {
      case 'q':
      case 'Q':
      case 27:
      case KEY_LEFT:
        call_.reset();
        break;
      case KEY_UP:
        if (arrow_ > 0) --arrow_;
        break;
      case KEY_DOWN:
        if (arrow_ + 1 < ladder_.arrows.size()) ++arrow_;
        break;
      case 'e':
        status_ = exportCall(o_, callid_);
        break;
      default:
        break;
    }
    return true;
  }

  const TuiOptions& o_;
  query::CaptureReaderPtr reader_;  ///< kept across refreshes; null after a failed read
  CallList list_;
  std::vector<CallRow> rows_;
  std::vector<size_t> shown_;
  bool truncated_ = false;
  size_t selected_ = 0, top_ = 0;
  std::string selected_callid_;
  std::string filter_;
  bool typing_ = false;
  std::string status_;
  std::unique_ptr<query::CallResult> call_;
  query::Ladder ladder_;
  std::string callid_;
  size_t arrow_ = 0, arrow_top_ = 0;
};

}  // namespace

int runTui(const TuiOptions& options) {
  App app(options);
  return app.run();
}

}  // namespace siphon::tui
