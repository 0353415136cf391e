#pragma once
// Test-only helpers: load SIP fixtures from tests/data/sip (never from /work/shared).

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace siphon::sip::testing {

inline std::string fixturePath(const std::string& rel) {
  return std::string(SIPHON_TEST_DATA_DIR) + "/sip/" + rel;
}

inline std::string loadFixture(const std::string& rel) {
  std::ifstream in(fixturePath(rel), std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// Every regular file under tests/data/sip/<dir>, sorted, as paths relative to tests/data/sip.
inline std::vector<std::string> fixturesIn(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(fixturePath(dir))) {
    if (e.is_regular_file()) out.push_back(dir + "/" + e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// LF -> CRLF (bare LF only), plus the closing empty line when the header section lacks it.
inline std::string toCrlf(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) out += '\r';
    out += in[i];
  }
  if (out.find("\r\n\r\n") == std::string::npos) {
    if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
    out += "\r\n";
  }
  return out;
}

/// Every LF becomes CRLF: messages written with "\n" in tests, sent as SIP writes them.
inline std::string crlf(const std::string& in) {
  std::string out;
  for (char c : in) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

/// Every message at hand: the RFC 4475 and RFC 5118 torture messages, the real-world ones and
/// the sip_message fuzz corpus (differential tests run over all of them).
inline std::vector<std::string> everyMessageAtHand() {
  std::vector<std::string> inputs;
  for (const char* dir : {"rfc4475", "rfc5118", "real-world"}) {
    for (const auto& rel : fixturesIn(dir)) inputs.push_back(loadFixture(rel));
  }
  const auto corpus = std::filesystem::path(SIPHON_TEST_DATA_DIR) / "../../fuzz/corpus/sip_message";
  for (const auto& e : std::filesystem::directory_iterator(corpus)) {
    std::ifstream in(e.path(), std::ios::binary);
    inputs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return inputs;
}

}  // namespace siphon::sip::testing
