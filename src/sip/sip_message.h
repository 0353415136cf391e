#pragma once
// SipMessage: one SIP message parsed lazily and without copies.
//
// Design. A captured message is parsed on every packet, but most of its header values are
// never looked at, so the work is split in two (reSIProcate's HeaderFieldValue/LazyParser):
//
//  1. parse() makes one pass over the bytes: it parses the start line, finds each header
//     field with memchr (HeaderScanner), classifies its name with a perfect hash on length,
//     first and last letter plus one word-at-a-time comparison (header_names.h) and records its
//     position in a fixed inline array
//     (kInlineHeaders slots; more spill into a vector, up to ParseLimits::max_headers). The
//     first field of each known header is indexed by HeaderId, so header(HeaderId) is one
//     load. Content-Length (long or compact form) is read with from_chars to bound the body.
//     Nothing is allocated for messages with up to kInlineHeaders header fields.
//  2. Values are parsed on first use (from(), to(), topVia(), cseq(), requestUriParsed(),
//     contact()) into views of the buffer, and the result is cached in the message (mutable
//     members: a message is used from one thread at a time).
//
// Bad input is data (STYLE.md §4): parse() never throws and always returns a message. When
// something does not parse, parseError() says what, and everything that did parse stays
// available: a message with a bad start line still has its Call-ID, one with a truncated body
// still has all its headers. Framing problems are found by parse(); parseError() adds the
// first error of the values a capture server must understand (every Via, From, To, CSeq,
// every Contact), parsed on its first call. It shares the caches of the accessors: values
// extractCaptureFields() already parsed (top Via, first Contact, From, To) are not parsed again.
//
// Lifetime. SipMessage does not own its bytes: every view it returns (and every view in the
// structs it returns) points into the buffer given to parse(), normally the Capture record's
// payload, and is valid while that buffer is alive and unmodified. Copying a SipMessage
// copies the index, not the bytes.
//
// Header values. header() returns the raw value of the first field with that name: LWS
// around it is trimmed, folding inside it is left as written (so it may contain CRLF SP);
// this is the text Kamailio stores. Comma-list headers (Via, Contact, Route, ...; see
// isCommaListHeader) are split into values by forEachHeaderValue(); other headers give one
// value per field line.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "sip/cseq.h"
#include "sip/header_names.h"
#include "sip/header_scanner.h"
#include "sip/header_values.h"
#include "sip/name_addr.h"
#include "sip/sip_error.h"
#include "sip/start_line.h"
#include "sip/uri.h"
#include "sip/via.h"

namespace siphon::sip {

/// Per-message bounds on CPU and memory (STYLE.md §5: every length checked against a maximum).
struct ParseLimits {
  /// Bytes beyond this are not parsed (TooLarge). As large as the stream framer accepts: a
  /// 64 KB+ body (a MESSAGE, an INVITE with big multipart ISUP/SDP) is real traffic.
  size_t max_message_bytes = 1u << 20;
  size_t max_headers = 256;          ///< header fields beyond this are not indexed (TooManyHeaders)
};

/// One header field as indexed by parse().
struct HeaderField {
  std::string_view name;   ///< as written ("v", "MaX-fOrWaRdS")
  std::string_view value;  ///< trimmed, folding kept
  HeaderId id = HeaderId::Other;
};

class SipMessage {
 public:
  /// Header fields stored without allocation; beyond this they go to a vector.
  static constexpr size_t kInlineHeaders = 64;

  SipMessage() = default;

  /// Scans `bytes` (one whole message, e.g. a UDP payload). Never throws; always returns a
  /// message. The views of the result borrow `bytes`.
  [[nodiscard]] static SipMessage parse(std::string_view bytes, const ParseLimits& limits = {});

  /// nullopt when the message parsed: framing (start line, header section, Content-Length,
  /// body) and the values of Via, From, To, CSeq and Contact. Otherwise the first error.
  /// The first call parses those values (they are cached for the accessors).
  [[nodiscard]] std::optional<SipError> parseError() const;
  /// Only the errors found by parse() (no value parsing): cheap.
  [[nodiscard]] std::optional<SipError> framingError() const { return framing_error_; }
  /// The framing error, else the first error of the values that identify a transaction and
  /// a dialog (From, To, CSeq, the top Via; absent ones are not errors): what a tracer needs
  /// to trust, without parsing every Via and Contact as parseError() does.
  [[nodiscard]] std::optional<SipError> dialogError() const;

  // --- start line ---
  [[nodiscard]] bool hasStartLine() const { return start_ok_; }
  [[nodiscard]] bool isRequest() const { return start_ok_ && start_.kind == StartLineKind::Request; }
  [[nodiscard]] bool isResponse() const {
    return start_ok_ && start_.kind == StartLineKind::Response;
  }
  /// The first line as written (without line end), even when it did not parse.
  [[nodiscard]] std::string_view startLine() const { return start_line_; }
  [[nodiscard]] std::string_view method() const { return start_.method; }
  [[nodiscard]] std::string_view requestUri() const { return start_.request_uri; }
  [[nodiscard]] uint16_t statusCode() const { return start_.status_code; }
  /// The three digits of the status code as written ("200"), empty for requests.
  [[nodiscard]] std::string_view statusText() const { return start_.status_text; }
  [[nodiscard]] std::string_view reasonPhrase() const { return start_.reason; }

  // --- raw header access ---
  [[nodiscard]] size_t headerCount() const { return header_count_; }
  /// Field i in message order; i < headerCount().
  [[nodiscard]] HeaderField headerAt(size_t i) const;
  /// Raw value of the first field named `name` (case-insensitive, long or compact form);
  /// empty when absent (use hasHeader() to tell absent from empty).
  [[nodiscard]] std::string_view header(std::string_view name) const;
  [[nodiscard]] std::string_view header(HeaderId id) const;
  [[nodiscard]] bool hasHeader(std::string_view name) const { return findHeader(name).has_value(); }
  /// Raw value of the first field named `name`, or nullopt when there is none.
  [[nodiscard]] std::optional<std::string_view> findHeader(std::string_view name) const;
  [[nodiscard]] bool hasHeader(HeaderId id) const;
  /// Number of fields named `name`.
  [[nodiscard]] size_t headerFieldCount(std::string_view name) const;

  /// Calls f(std::string_view raw_value) for each field named `name`, in order.
  template <class F>
  void forEachHeaderField(std::string_view name, F&& f) const {
    const HeaderId id = classifyHeaderName(name);
    for (size_t i = 0; i < header_count_; ++i) {
      const HeaderField h = headerAt(i);
      if (id != HeaderId::Other ? h.id == id : headerNameMatches(h.name, name)) f(h.value);
    }
  }
  /// Calls f(std::string_view value) for every value of header `name`: comma-list headers
  /// are split (commas in quotes and <> do not split), others give one value per field.
  template <class F>
  void forEachHeaderValue(std::string_view name, F&& f) const {
    const bool list = isCommaListHeader(classifyHeaderName(name));
    forEachHeaderField(name, [&](std::string_view raw) {
      if (!list) {
        f(raw);
        return;
      }
      HeaderValueSplitter split(raw);
      while (auto v = split.next()) f(*v);
    });
  }
  /// All values of header `name` (allocates; for tests and tools, not the hot path).
  [[nodiscard]] std::vector<std::string_view> headerValues(std::string_view name) const;

  // --- parsed values (lazy, cached); errors are MissingHeader or the value's error ---
  [[nodiscard]] const SipResult<Uri>& requestUriParsed() const;
  [[nodiscard]] const SipResult<NameAddr>& from() const;
  [[nodiscard]] const SipResult<NameAddr>& to() const;
  /// First value of the first Contact field.
  [[nodiscard]] const SipResult<NameAddr>& contact() const;
  /// First value of the first Via field (the topmost Via).
  [[nodiscard]] const SipResult<Via>& topVia() const;
  [[nodiscard]] const SipResult<CSeq>& cseq() const;
  /// Call-ID value (first field), empty when absent.
  [[nodiscard]] std::string_view callId() const { return header(HeaderId::CallId); }
  /// The Content-Length value when present and valid.
  [[nodiscard]] std::optional<uint64_t> contentLength() const { return content_length_; }

  // --- bytes ---
  /// The body: Content-Length bytes after the header section (fewer if truncated), or all
  /// remaining bytes when there is no valid Content-Length.
  [[nodiscard]] std::string_view body() const { return body_; }
  /// The bytes given to parse(), all of them (kept raw even when they did not parse).
  [[nodiscard]] std::string_view bytes() const { return bytes_; }
  /// Bytes the message occupies: header section plus body. Bytes after it (a second
  /// message in one datagram, RFC 4475 dblreq) are ignored.
  [[nodiscard]] size_t messageSize() const { return message_size_; }

 private:
  struct Slot {
    uint32_t name_off;
    uint32_t value_off;
    uint32_t value_len;
    uint16_t name_len;
    HeaderId id;
  };
  static constexpr uint16_t kNoSlot = 0xFFFF;

  inline void addHeader(const RawHeader& h);
  void setError(SipErrc code, std::string_view detail);
  [[nodiscard]] const Slot& slot(size_t i) const {
    return i < kInlineHeaders ? inline_[i] : overflow_[i - kInlineHeaders];
  }
  [[nodiscard]] std::optional<SipError> validateValues() const;
  [[nodiscard]] std::string_view slotValue(const Slot& s) const {
    return std::string_view(bytes_.data() + s.value_off, s.value_len);
  }

  std::string_view bytes_;
  std::string_view start_line_;
  StartLine start_;
  bool start_ok_ = false;
  std::optional<SipError> framing_error_;
  std::string_view body_;
  size_t message_size_ = 0;
  std::optional<uint64_t> content_length_;

  size_t header_count_ = 0;
  size_t other_count_ = 0;  // fields with HeaderId::Other (findHeader skips its scan when 0)
  std::array<uint16_t, kHeaderIdCount> first_;  // slot index of the first field per id
  std::array<Slot, kInlineHeaders> inline_;     // not value-initialised: written before read
  std::vector<Slot> overflow_;

  mutable std::optional<std::optional<SipError>> value_error_;
  mutable std::optional<SipResult<Uri>> ruri_;
  mutable std::optional<SipResult<NameAddr>> from_;
  mutable std::optional<SipResult<NameAddr>> to_;
  mutable std::optional<SipResult<NameAddr>> contact_;
  mutable std::optional<SipResult<Via>> top_via_;
  mutable std::optional<SipResult<CSeq>> cseq_;
  // Where topVia()/contact() stopped in the first Via/Contact field: parseError() goes on from
  // there instead of splitting and parsing the first value again.
  mutable HeaderValueSplitter via_rest_{std::string_view{}};
  mutable HeaderValueSplitter contact_rest_{std::string_view{}};
};

}  // namespace siphon::sip
