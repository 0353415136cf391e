#include "support/real_capture_traffic.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "source/frame_record_extractor.h"
#include "source/pcap_file_source.h"

namespace siphon::load {
namespace {

bool headerIs(std::string_view line, std::string_view name, char compact) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view n = line.substr(0, colon);
  while (!n.empty() && (n.back() == ' ' || n.back() == '\t')) n.remove_suffix(1);
  if (n.size() == 1) return std::tolower(static_cast<unsigned char>(n[0])) == compact;
  return std::equal(n.begin(), n.end(), name.begin(), name.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

// Appends `suffix` to the value of parameter `param` (";tag=", ";branch=") in `line`.
std::string suffixParam(std::string line, std::string_view param, std::string_view suffix) {
  std::string lower = line;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t at = 0;
  while ((at = lower.find(param, at)) != std::string::npos) {
    size_t end = at + param.size();
    while (end < line.size() && line[end] != ';' && line[end] != ',' && line[end] != '>' &&
           line[end] != ' ' && line[end] != '\r' && line[end] != '\n') {
      ++end;
    }
    line.insert(end, suffix);
    lower.insert(end, suffix);
    at = end + suffix.size();
  }
  return line;
}

}  // namespace

std::string uniqueIds(std::string_view payload, std::string_view callid_prefix,
                      std::string_view suffix) {
  // Line by line up to the empty line that ends the headers; LF-only messages exist in the
  // captures too, so a line ends at '\n' and keeps its '\r'.
  std::string out;
  out.reserve(payload.size() + 64);
  size_t at = 0;
  while (at < payload.size()) {
    size_t nl = payload.find('\n', at);
    const size_t end = nl == std::string_view::npos ? payload.size() : nl + 1;
    std::string line(payload.substr(at, end - at));
    at = end;
    if (line == "\r\n" || line == "\n") {
      out += line;
      break;  // the body follows, as it is
    }
    if (headerIs(line, "call-id", 'i')) {
      size_t v = line.find(':') + 1;
      while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
      line.insert(v, std::string(callid_prefix));
    } else if (headerIs(line, "from", 'f') || headerIs(line, "to", 't')) {
      line = suffixParam(std::move(line), ";tag=", std::string("-") + std::string(suffix));
    } else if (headerIs(line, "via", 'v')) {
      line = suffixParam(std::move(line), ";branch=", std::string(".") + std::string(suffix));
    }
    out += line;
  }
  out.append(payload.substr(at));
  return out;
}

core::Result<RealCaptureTraffic, core::Failure> RealCaptureTraffic::load(const std::string& dir,
                                                                        std::string run_id) {
  RealCaptureTraffic t;
  t.run_id_ = std::move(run_id);
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const auto ext = e.path().extension();
    if (ext == ".pcap" || ext == ".pcapng" || ext == ".cap") files.push_back(e.path());
  }
  if (ec || files.empty()) return core::unexpected(core::Failure{dir + ": no capture files", 2});
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto src = source::PcapFileSource::open(f.string());
    if (!src.has_value()) continue;  // a file in the folder that is not a capture
    source::FrameRecordExtractor extract({}, [&](core::Capture&& c) {
      if (c.meta.payload_type != 1 || c.meta.payload.empty()) return;
      TrafficMessage m;
      m.payload.assign(reinterpret_cast<const char*>(c.meta.payload.data()), c.meta.payload.size());
      m.src = c.meta.src_ip;
      m.dst = c.meta.dst_ip;
      m.src_port = c.meta.src_port;
      m.dst_port = c.meta.dst_port;
      t.messages_.push_back(std::move(m));
    });
    for (;;) {
      auto next = (*src)->next();
      if (!next.has_value() || !next->has_value()) break;
      extract.onFrame(**next);
    }
    extract.finish();
  }
  if (t.messages_.empty()) return core::unexpected(core::Failure{dir + ": no SIP in the captures", 2});
  return t;
}

void RealCaptureTraffic::next(TrafficMessage& out) {
  const TrafficMessage& m = messages_[at_];
  out = m;
  const std::string pass = std::to_string(pass_);
  out.payload = uniqueIds(m.payload, run_id_ + "-" + pass + "-", pass);
  if (++at_ == messages_.size()) {
    at_ = 0;
    ++pass_;
  }
}

double RealCaptureTraffic::averageBytes() const {
  double sum = 0;
  for (const auto& m : messages_) sum += static_cast<double>(m.payload.size());
  return messages_.empty() ? 0 : sum / static_cast<double>(messages_.size());
}

}  // namespace siphon::load
