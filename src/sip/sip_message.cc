#include "sip/sip_message.h"

#include <charconv>
#include <limits>

#include "core/char_class.h"
#include "core/text_cursor.h"
#include "sip/header_scanner.h"

namespace siphon::sip {
namespace {

// Offsets are stored as uint32_t; max_message_bytes is clamped so they always fit.
constexpr size_t kMaxOffset = std::numeric_limits<uint32_t>::max();

template <class T>
const SipResult<T>& missing(std::optional<SipResult<T>>& cache, std::string_view what) {
  cache.emplace(sipError(SipErrc::MissingHeader, what));
  return *cache;
}

// Parses straight into the cache (no copy of the ~300-byte result): `parse_into(text, T&)`
// fills a value-initialised T and returns the error or nullopt.
template <class T, class F>
const SipResult<T>& fillCache(std::optional<SipResult<T>>& cache, std::string_view text,
                              F&& parse_into) {
  cache.emplace(T{});
  if (auto err = parse_into(text, **cache)) cache.emplace(core::unexpected(*err));
  return *cache;
}

std::optional<SipError> cseqInto(std::string_view text, CSeq& out) {
  auto r = parseCSeq(text);
  if (!r) return r.error();
  out = *r;
  return std::nullopt;
}

}  // namespace

void SipMessage::setError(SipErrc code, std::string_view detail) {
  if (!framing_error_) framing_error_ = SipError{code, detail};  // keep the first reason
}

void SipMessage::addHeader(const RawHeader& h) {
  if (h.name.size() > 0xFFFF) [[unlikely]] {  // Slot::name_len is 16 bits; no real name is
    setError(SipErrc::TooLarge, "header name over 65535 bytes");
    return;
  }
  const Slot s{static_cast<uint32_t>(h.name.data() - bytes_.data()),
               static_cast<uint32_t>(h.value.data() - bytes_.data()),
               static_cast<uint32_t>(h.value.size()), static_cast<uint16_t>(h.name.size()),
               h.id};
  const size_t index = header_count_;
  if (index < kInlineHeaders) [[likely]] {
    inline_[index] = s;
  } else {
    overflow_.push_back(s);
  }
  ++header_count_;
  other_count_ += h.id == HeaderId::Other;
  auto& first = first_[static_cast<size_t>(h.id)];
  if (first == kNoSlot && index < kNoSlot) first = static_cast<uint16_t>(index);
}

SipMessage SipMessage::parse(std::string_view bytes, const ParseLimits& limits) {
  SipMessage msg;
  msg.bytes_ = bytes;
  msg.first_.fill(kNoSlot);

  std::string_view text = bytes;
  const size_t max_bytes = limits.max_message_bytes < kMaxOffset ? limits.max_message_bytes
                                                                  : kMaxOffset;
  if (text.size() > max_bytes) {
    msg.setError(SipErrc::TooLarge, "message over max_message_bytes");
    text = text.substr(0, max_bytes);  // bound the work; the bytes stay available raw
  }
  const StartLineSpan first = findStartLine(text);
  if (first.begin == text.size()) {
    msg.setError(SipErrc::NoStartLine, "no start line");
    return msg;
  }
  msg.start_line_ = text.substr(first.begin, first.end - first.begin);
  if (auto start = parseStartLine(msg.start_line_)) {
    msg.start_ = *start;
    msg.start_ok_ = true;
  } else {
    msg.setError(start.error().code, start.error().detail);
  }

  const size_t max_headers = limits.max_headers < kNoSlot ? limits.max_headers : kNoSlot;
  HeaderScanner scanner(text, first.next);
  RawHeader h;
  bool terminated = false;
  for (;;) {
    const ScanStatus st = scanner.next(h);
    if (st == ScanStatus::End) {
      terminated = true;
      break;
    }
    if (st == ScanStatus::Unterminated) break;
    if (st == ScanStatus::LineWithoutColon) {
      msg.setError(SipErrc::HeaderWithoutColon, "header line without name and colon");
      continue;
    }
    if (msg.header_count_ >= max_headers) {
      msg.setError(SipErrc::TooManyHeaders, "more header fields than max_headers");
      continue;  // keep scanning for the body; the work stays bounded by max_message_bytes
    }
    msg.addHeader(h);
  }
  if (!terminated) {
    msg.setError(SipErrc::UnterminatedHeaders, "no empty line after the headers");
    msg.message_size_ = text.size();
    return msg;
  }

  const size_t body_start = scanner.bodyOffset();
  const std::string_view rest = text.substr(body_start);
  msg.body_ = rest;
  msg.message_size_ = text.size();
  if (msg.first_[static_cast<size_t>(HeaderId::ContentLength)] == kNoSlot) return msg;

  // Content-Length: a whole non-negative decimal (from_chars into uint64_t; no sign allowed).
  const std::string_view cl = msg.header(HeaderId::ContentLength);
  uint64_t length = 0;
  auto [ptr, ec] = std::from_chars(cl.data(), cl.data() + cl.size(), length);
  if (cl.empty() || ec != std::errc{} || ptr != cl.data() + cl.size()) {
    msg.setError(SipErrc::BadContentLength, "Content-Length is not a non-negative integer");
    return msg;
  }
  msg.content_length_ = length;
  if (length > rest.size()) {
    // On UDP a shorter datagram than announced is invalid (RFC 4475 clerr); keep what is there.
    msg.setError(SipErrc::BodyTruncated, "Content-Length larger than the bytes present");
    return msg;
  }
  msg.body_ = rest.substr(0, static_cast<size_t>(length));
  msg.message_size_ = body_start + static_cast<size_t>(length);
  return msg;
}

HeaderField SipMessage::headerAt(size_t i) const {
  if (i >= header_count_) return {};
  const Slot& s = slot(i);
  return HeaderField{bytes_.substr(s.name_off, s.name_len), bytes_.substr(s.value_off, s.value_len),
                     s.id};
}

std::string_view SipMessage::header(HeaderId id) const {
  const auto i = static_cast<size_t>(id);
  if (id == HeaderId::Other || i >= kHeaderIdCount || first_[i] == kNoSlot) return {};
  return slotValue(slot(first_[i]));
}

bool SipMessage::hasHeader(HeaderId id) const {
  const auto i = static_cast<size_t>(id);
  return id != HeaderId::Other && i < kHeaderIdCount && first_[i] != kNoSlot;
}

std::optional<std::string_view> SipMessage::findHeader(std::string_view name) const {
  const HeaderId id = classifyHeaderName(name);
  if (id != HeaderId::Other) {
    if (!hasHeader(id)) return std::nullopt;
    return header(id);
  }
  // Unknown names have no index: compare the length first, then the letters.
  if (other_count_ == 0) return std::nullopt;
  for (size_t i = 0; i < header_count_; ++i) {
    const Slot& s = slot(i);
    if (s.id == HeaderId::Other && s.name_len == name.size() &&
        core::equalsIgnoreCase(std::string_view(bytes_.data() + s.name_off, s.name_len), name)) {
      return slotValue(s);
    }
  }
  return std::nullopt;
}

std::string_view SipMessage::header(std::string_view name) const {
  auto v = findHeader(name);
  return v ? *v : std::string_view{};
}

size_t SipMessage::headerFieldCount(std::string_view name) const {
  size_t n = 0;
  forEachHeaderField(name, [&](std::string_view) { ++n; });
  return n;
}

std::vector<std::string_view> SipMessage::headerValues(std::string_view name) const {
  std::vector<std::string_view> out;
  forEachHeaderValue(name, [&](std::string_view v) { out.push_back(v); });
  return out;
}

const SipResult<Uri>& SipMessage::requestUriParsed() const {
  if (ruri_) return *ruri_;
  if (!isRequest()) return missing(ruri_, "not a request");
  return fillCache(ruri_, start_.request_uri, detail::parseUriFresh);
}

const SipResult<NameAddr>& SipMessage::from() const {
  if (from_) return *from_;
  if (!hasHeader(HeaderId::From)) return missing(from_, "From");
  return fillCache(from_, header(HeaderId::From), detail::parseNameAddrFresh);
}

const SipResult<NameAddr>& SipMessage::to() const {
  if (to_) return *to_;
  if (!hasHeader(HeaderId::To)) return missing(to_, "To");
  return fillCache(to_, header(HeaderId::To), detail::parseNameAddrFresh);
}

const SipResult<NameAddr>& SipMessage::contact() const {
  if (contact_) return *contact_;
  if (!hasHeader(HeaderId::Contact)) return missing(contact_, "Contact");
  contact_rest_ = HeaderValueSplitter(header(HeaderId::Contact));
  const auto first = contact_rest_.next();
  return fillCache(contact_, first ? *first : std::string_view{}, detail::parseNameAddrFresh);
}

const SipResult<Via>& SipMessage::topVia() const {
  if (top_via_) return *top_via_;
  if (!hasHeader(HeaderId::Via)) return missing(top_via_, "Via");
  via_rest_ = HeaderValueSplitter(header(HeaderId::Via));
  const auto first = via_rest_.next();
  return fillCache(top_via_, first ? *first : std::string_view{}, detail::parseViaFresh);
}

const SipResult<CSeq>& SipMessage::cseq() const {
  if (cseq_) return *cseq_;
  if (!hasHeader(HeaderId::CSeq)) return missing(cseq_, "CSeq");
  return fillCache(cseq_, header(HeaderId::CSeq), cseqInto);
}

std::optional<SipError> SipMessage::parseError() const {
  if (framing_error_) return framing_error_;
  if (!value_error_) value_error_.emplace(validateValues());
  return *value_error_;
}

std::optional<SipError> SipMessage::dialogError() const {
  if (framing_error_) return framing_error_;
  if (const auto& f = from(); !f && f.error().code != SipErrc::MissingHeader) return f.error();
  if (const auto& t = to(); !t && t.error().code != SipErrc::MissingHeader) return t.error();
  if (const auto& c = cseq(); !c && c.error().code != SipErrc::MissingHeader) return c.error();
  if (const auto& v = topVia(); !v && v.error().code != SipErrc::MissingHeader) return v.error();
  return std::nullopt;
}

std::optional<SipError> SipMessage::validateValues() const {
  // Single-value headers: the cached parse of the first field (multi01: extra fields of a
  // single-value header are a semantic error, not a syntax one, and are not checked).
  if (const auto& f = from(); !f && f.error().code != SipErrc::MissingHeader) return f.error();
  if (const auto& t = to(); !t && t.error().code != SipErrc::MissingHeader) return t.error();
  if (const auto& c = cseq(); !c && c.error().code != SipErrc::MissingHeader) return c.error();
  // List headers: every value of every field (badinv01: ";;,;,," in Via; regbadct: Contact).
  // The first value of the first field is the cached topVia()/contact(); the splitter they
  // left behind gives the rest of that field, and later fields are split here.
  if (hasHeader(HeaderId::Via)) {
    if (const auto& v = topVia(); !v) return v.error();
    HeaderValueSplitter rest = via_rest_;
    Via via;
    while (auto v = rest.next()) {
      if (auto err = parseViaInto(*v, via)) return err;
    }
    const size_t first = first_[static_cast<size_t>(HeaderId::Via)];
    for (size_t i = first + 1; i < header_count_; ++i) {
      const Slot& s = slot(i);
      if (s.id != HeaderId::Via) continue;
      HeaderValueSplitter split(slotValue(s));
      while (auto v = split.next()) {
        if (auto err = parseViaInto(*v, via)) return err;
      }
    }
  }
  if (hasHeader(HeaderId::Contact)) {
    if (const auto& c = contact(); !c) return c.error();
    HeaderValueSplitter rest = contact_rest_;
    NameAddr na;
    while (auto v = rest.next()) {
      if (auto err = parseNameAddrInto(*v, na)) return err;
    }
    const size_t first = first_[static_cast<size_t>(HeaderId::Contact)];
    for (size_t i = first + 1; i < header_count_; ++i) {
      const Slot& s = slot(i);
      if (s.id != HeaderId::Contact) continue;
      HeaderValueSplitter split(slotValue(s));
      while (auto v = split.next()) {
        if (auto err = parseNameAddrInto(*v, na)) return err;
      }
    }
  }
  return std::nullopt;
}

}  // namespace siphon::sip
