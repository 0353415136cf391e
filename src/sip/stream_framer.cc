#include "sip/stream_framer.h"

#include <charconv>
#include <cstring>

#include "core/text_cursor.h"
#include "sip/header_scanner.h"
#include "sip/start_line.h"

namespace siphon::sip {
namespace {

size_t findLf(std::string_view text, size_t from) {
  if (from >= text.size()) return std::string_view::npos;
  const void* hit = std::memchr(text.data() + from, '\n', text.size() - from);
  if (hit == nullptr) return std::string_view::npos;
  return static_cast<size_t>(static_cast<const char*>(hit) - text.data());
}

}  // namespace

void StreamFramer::feed(std::string_view chunk) {
  if (failed_ || chunk.empty()) return;
  if (!chunk_.empty()) {
    // The previous chunk was not drained: keep its tail before the new bytes.
    buffer_.append(chunk_);
    chunk_ = {};
  }
  if (bufferedBytes() > 0) {
    buffer_.append(chunk);
  } else {
    buffer_.clear();
    buf_start_ = 0;
    chunk_ = chunk;
  }
}

std::string_view StreamFramer::pending() const {
  if (bufferedBytes() > 0) return std::string_view(buffer_).substr(buf_start_);
  return chunk_;
}

void StreamFramer::consume(size_t n) {
  if (bufferedBytes() > 0) {
    buf_start_ += n;
  } else {
    chunk_.remove_prefix(n);
  }
}

void StreamFramer::resetMessageState() {
  in_message_ = false;
  start_line_end_ = scan_off_ = header_end_ = body_len_ = 0;
}

StreamFramer::StepResult StreamFramer::fail(SipErrc code, std::string_view detail) {
  failed_ = true;
  error_ = SipError{code, detail};
  ++stats_.errors;
  return {Step::Error};
}

Frame StreamFramer::next() {
  if (failed_) return Frame{FrameStatus::Error, {}, error_};
  // Drop what earlier messages used; views returned before this call are now invalid.
  if (buf_start_ > 0 && buf_start_ >= buffer_.size()) {
    buffer_.clear();
    buf_start_ = 0;
  } else if (buf_start_ > 0 && buf_start_ * 2 >= buffer_.size()) {
    buffer_.erase(0, buf_start_);
    buf_start_ = 0;
  }
  for (;;) {
    const std::string_view data = pending();
    const StepResult r = frameOne(data);
    switch (r.step) {
      case Step::Message: {
        const std::string_view msg = data.substr(0, r.length);
        consume(r.length);
        resetMessageState();
        ++stats_.messages;
        return Frame{FrameStatus::Message, msg, {}};
      }
      case Step::Skip:
        consume(r.length);
        continue;
      case Step::NeedMore:
        if (!chunk_.empty()) {
          // Keep the unfinished tail; offsets in the message state stay valid because they
          // are relative to the message start, which is the tail's first byte.
          buffer_.assign(chunk_);
          buf_start_ = 0;
          chunk_ = {};
        }
        return Frame{FrameStatus::NeedMore, {}, {}};
      case Step::Error:
        return Frame{FrameStatus::Error, {}, error_};
    }
  }
}

StreamFramer::StepResult StreamFramer::frameOne(std::string_view data) {
  if (!in_message_) {
    // Keep-alives between messages.
    size_t crlf = 0;
    while (crlf < data.size() && (data[crlf] == '\r' || data[crlf] == '\n')) ++crlf;
    if (crlf > 0) {
      if (crlf == data.size() && data.back() == '\r') {
        // Could be the first half of a CRLF: drop all but it and wait.
        if (crlf == 1) return {Step::NeedMore};
        ++stats_.keepalives;
        return {Step::Skip, crlf - 1};
      }
      ++stats_.keepalives;
      return {Step::Skip, crlf};
    }
    if (data.empty()) return {Step::NeedMore};
    const size_t lf = findLf(data, 0);
    if (lf == std::string_view::npos) {
      if (data.size() > limits_.max_header_bytes) {
        // A "line" longer than any header section: garbage without line ends. Drop it.
        stats_.skipped_bytes += data.size();
        ++stats_.resyncs;
        return {Step::Skip, data.size()};
      }
      return {Step::NeedMore};
    }
    std::string_view line = data.substr(0, lf);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!looksLikeSipStartLine(line)) {
      // Resynchronise: skip to the next line and look for a start line there.
      stats_.skipped_bytes += lf + 1;
      ++stats_.resyncs;
      return {Step::Skip, lf + 1};
    }
    in_message_ = true;
    start_line_end_ = lf + 1;
    scan_off_ = lf + 1;
  }

  if (header_end_ == 0) {
    for (;;) {
      const size_t lf = findLf(data, scan_off_);
      if (lf == std::string_view::npos) {
        if (data.size() > limits_.max_header_bytes) {
          return fail(SipErrc::TooLarge, "stream: header section over max_header_bytes");
        }
        return {Step::NeedMore};
      }
      if (lf + 1 > limits_.max_header_bytes) {
        return fail(SipErrc::TooLarge, "stream: header section over max_header_bytes");
      }
      const size_t len = lf - scan_off_;
      const bool empty_line = len == 0 || (len == 1 && data[scan_off_] == '\r');
      scan_off_ = lf + 1;
      if (empty_line) break;
    }
    header_end_ = scan_off_;

    // Content-Length from the parsed fields (long or compact name), first one wins.
    HeaderScanner scanner(data.substr(0, header_end_), start_line_end_);
    RawHeader h;
    std::string_view cl;
    bool have_cl = false;
    for (ScanStatus st = scanner.next(h); st == ScanStatus::Header ||
                                          st == ScanStatus::LineWithoutColon;
         st = scanner.next(h)) {
      if (st == ScanStatus::Header && h.id == HeaderId::ContentLength) {
        cl = h.value;
        have_cl = true;
        break;
      }
    }
    body_len_ = 0;
    if (have_cl) {
      uint64_t length = 0;
      auto [ptr, ec] = std::from_chars(cl.data(), cl.data() + cl.size(), length);
      if (cl.empty() || ec != std::errc{} || ptr != cl.data() + cl.size()) {
        return fail(SipErrc::BadContentLength, "stream: Content-Length is not an integer");
      }
      if (length > limits_.max_body_bytes) {
        return fail(SipErrc::TooLarge, "stream: Content-Length over max_body_bytes");
      }
      body_len_ = static_cast<size_t>(length);
    }
  }

  if (data.size() - header_end_ < body_len_) return {Step::NeedMore};
  return {Step::Message, header_end_ + body_len_};
}

}  // namespace siphon::sip
