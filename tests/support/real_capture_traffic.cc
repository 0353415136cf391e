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
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
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

// Appends `digits` to the user part of every sip:/sips:/tel: URI in `line` (a user part is
// what lies between the scheme and an '@' before any ';', '>', ',' or space).
std::string appendToUsers(std::string line, std::string_view digits) {
  std::string lower = line;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t at = 0;
  while (at < line.size()) {
    size_t s = lower.find("sip", at);
    size_t t = lower.find("tel:", at);
    size_t scheme = std::min(s, t);
    if (scheme == std::string::npos) break;
    size_t user = scheme == t                              ? t + 4
                  : lower.compare(scheme, 4, "sip:") == 0  ? scheme + 4
                  : lower.compare(scheme, 5, "sips:") == 0 ? scheme + 5
                                                           : std::string::npos;
    if (user == std::string::npos) {
      at = scheme + 3;
      continue;
    }
    size_t end = user;
    while (end < line.size() && line[end] != '@' && line[end] != ';' && line[end] != '>' &&
           line[end] != ',' && line[end] != ' ' && line[end] != '\r' && line[end] != '\n') {
      ++end;
    }
    const bool has_user = scheme == t ? end > user : end < line.size() && line[end] == '@';
    if (has_user && end > user) {
      line.insert(end, digits);
      lower.insert(end, digits);
      end += digits.size();
    }
    at = end;
  }
  return line;
}

// "CSeq: 17 INVITE" with 17 + shift (a number that does not parse is left alone).
std::string shiftCSeq(std::string line, uint64_t shift) {
  size_t v = line.find(':') + 1;
  while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
  size_t e = v;
  while (e < line.size() && std::isdigit(static_cast<unsigned char>(line[e]))) ++e;
  if (e == v || e - v > 9) return line;
  const uint64_t n = std::stoull(line.substr(v, e - v)) + shift;
  return line.substr(0, v) + std::to_string(n) + line.substr(e);
}

// The digits of each SDP "o=" line's session id and version replaced, digit for digit, with
// the pass's (the body keeps its length).
std::string varySdpOrigin(std::string_view body, uint64_t pass) {
  std::string out(body);
  const std::string p = std::to_string(pass * 2654435761u % 1'000'000'007u);
  size_t at = 0;
  while ((at = out.find("o=", at)) != std::string::npos) {
    if (at > 0 && out[at - 1] != '\n') {
      at += 2;
      continue;
    }
    size_t i = out.find(' ', at);  // after the username
    for (int field = 0; field < 2 && i != std::string::npos; ++field) {
      size_t d = i + 1, k = 0;
      while (d < out.size() && std::isdigit(static_cast<unsigned char>(out[d]))) {
        out[d] = p[k++ % p.size()];
        ++d;
      }
      i = d < out.size() && out[d] == ' ' ? d : std::string::npos;
    }
    at += 2;
  }
  return out;
}

}  // namespace

std::string varyCall(std::string_view payload, std::string_view run_id, uint64_t pass) {
  const std::string p = std::to_string(pass);
  const std::string subscriber = std::to_string(pass % 100'000);
  const uint64_t cseq_shift = (pass % 1'000) * 1'000;
  // Line by line up to the empty line that ends the headers; LF-only messages exist in the
  // captures too, so a line ends at '\n' and keeps its '\r'.
  std::string out;
  out.reserve(payload.size() + 96);
  size_t at = 0;
  bool first = true;
  while (at < payload.size()) {
    size_t nl = payload.find('\n', at);
    const size_t end = nl == std::string_view::npos ? payload.size() : nl + 1;
    std::string line(payload.substr(at, end - at));
    at = end;
    if (line == "\r\n" || line == "\n") {
      out += line;
      break;  // the body follows
    }
    if (first) {
      first = false;
      if (!line.starts_with("SIP/")) line = appendToUsers(std::move(line), subscriber);
    } else if (headerIs(line, "call-id", 'i')) {
      size_t v = line.find(':') + 1;
      while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
      line.insert(v, std::string(run_id) + "-" + p + "-");
    } else if (headerIs(line, "from", 'f') || headerIs(line, "to", 't')) {
      line = suffixParam(std::move(line), ";tag=", "-" + p);
      line = appendToUsers(std::move(line), subscriber);
    } else if (headerIs(line, "via", 'v')) {
      line = suffixParam(std::move(line), ";branch=", "." + p);
    } else if (headerIs(line, "contact", 'm') || headerIs(line, "p-asserted-identity", 0) ||
               headerIs(line, "p-preferred-identity", 0) || headerIs(line, "remote-party-id", 0)) {
      line = appendToUsers(std::move(line), subscriber);
    } else if (headerIs(line, "cseq", 0)) {
      line = shiftCSeq(std::move(line), cseq_shift);
    }
    out += line;
  }
  out += varySdpOrigin(payload.substr(at), pass);
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
  if (t.messages_.empty())
    return core::unexpected(core::Failure{dir + ": no SIP in the captures", 2});
  return t;
}

void RealCaptureTraffic::next(TrafficMessage& out) {
  const TrafficMessage& m = messages_[at_];
  out = m;
  out.payload = varyCall(m.payload, run_id_, pass_);
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
