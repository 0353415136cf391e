#include "hep/extra_correlation.h"

#include "core/byte_reader.h"
#include "hep/hep_chunk_types.h"

namespace siphon::hep {
namespace {

bool isJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && isJsonSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

// A tiny cursor over the chunk text: only what a flat JSON object of strings needs. cJSON
// (OpenSIPS) pretty-prints with tabs and newlines, so whitespace is skipped everywhere.
class JsonCursor {
 public:
  explicit JsonCursor(std::string_view s) : s_(s) {}
  void skipSpace() {
    while (pos_ < s_.size() && isJsonSpace(s_[pos_])) ++pos_;
  }
  bool eat(char c) {
    skipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // The raw text between the quotes of a string (escapes kept), or false.
  bool string(std::string_view& out) {
    if (!eat('"')) return false;
    size_t start = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\\') {
        if (s_.size() - pos_ < 2) return false;  // an escape needs its next character
        pos_ += 2;
        continue;
      }
      if (c == '"') {
        out = s_.substr(start, pos_ - start);
        ++pos_;
        return true;
      }
      ++pos_;
    }
    return false;
  }
  // A bare scalar (number, true, false, null): up to the next ',' or '}'.
  bool scalar(std::string_view& out) {
    skipSpace();
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '}' && s_[pos_] != '{' &&
           s_[pos_] != '[' && s_[pos_] != '"') {
      ++pos_;
    }
    out = trim(s_.substr(start, pos_ - start));
    return !out.empty();
  }
  bool peek(char c) {
    skipSpace();
    return pos_ < s_.size() && s_[pos_] == c;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

size_t extraCorrelationValues(std::string_view chunk, std::span<std::string_view> out) {
  size_t n = 0;
  std::string_view text = trim(chunk);
  if (text.empty() || out.empty()) return 0;
  if (text.front() != '{') {
    out[n++] = text;  // not JSON: some senders put a plain id here
    return n;
  }
  JsonCursor c(text);
  (void)c.eat('{');
  if (c.eat('}')) return 0;
  while (n < out.size()) {
    std::string_view key, value;
    if (!c.string(key) || !c.eat(':')) break;
    bool is_string = c.peek('"');
    if (is_string ? !c.string(value) : !c.scalar(value)) break;  // nested values: stop here
    if (key != "net" && !value.empty() && value != "null") out[n++] = value;
    if (!c.eat(',')) break;
  }
  return n;
}

size_t extraCorrelationValues(const core::CaptureMeta& meta, std::span<std::string_view> out) {
  size_t n = 0;
  if (out.size() > kMaxExtraCorrelationValues) out = out.first(kMaxExtraCorrelationValues);
  for (const auto& chunk : meta.other_chunks) {
    if (chunk.vendor != 0 || chunk.type != wire(ChunkType::ExtraCorrelation)) continue;
    if (n == out.size()) break;
    n += extraCorrelationValues(core::asText(chunk.value), out.subspan(n));
  }
  return n;
}

}  // namespace siphon::hep
