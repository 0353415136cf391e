#include "source/sip_tcp_extractor.h"

#include <optional>
#include <string>
#include <utility>

#include "core/byte_reader.h"
#include "sip/start_line.h"

namespace siphon::source {
namespace {

// Upper bound on decoder calls per delivered chunk: each call consumes bytes or ends the loop,
// so this only guards against a logic error turning into a hang.
constexpr size_t kMaxStepsPerChunk = 1u << 20;

std::string_view skipLineEnds(std::string_view d) {
  size_t i = 0;
  while (i < d.size() && (d[i] == '\r' || d[i] == '\n')) {
    ++i;
  }
  return d.substr(i);
}

// TLS record layer (RFC 8446 §5.1): content type 20..23, then legacy version major 3.
bool looksLikeTlsRecord(std::string_view t) {
  const auto type = static_cast<uint8_t>(t[0]);
  return type >= 20 && type <= 23 && t.size() >= 2 && t[1] == '\x03';
}

bool couldBeTlsRecord(std::string_view t) {
  const auto type = static_cast<uint8_t>(t[0]);
  return t.size() < 2 && type >= 20 && type <= 23;
}

// An HTTP request line ("METHOD target HTTP/1.1") or status line ("HTTP/1.1 200 OK").
bool looksLikeHttpLine(std::string_view line) {
  if (line.starts_with("HTTP/")) {
    return true;
  }
  const size_t sp = line.rfind(' ');
  return sp != std::string_view::npos && line.substr(sp + 1).starts_with("HTTP/");
}

bool hasCompleteHead(std::string_view d) {
  return d.find("\r\n\r\n") != std::string_view::npos || d.find("\n\n") != std::string_view::npos;
}

}  // namespace

struct SipTcpExtractor::Stream final : net::TcpFlowContext {
  enum class Mode : uint8_t { Detect, Sip, WebSocket, Ignored };
  Mode mode = Mode::Detect;
  std::string probe;  // Detect: the stream's first bytes while the first line is incomplete
  std::optional<sip::StreamFramer> framer;
  std::optional<net::WebSocketDecoder> ws;
  bool confirmed = false;  // a SIP start line or message was seen on this stream
  uint64_t unconfirmed_bytes = 0;
};

SipTcpExtractor::SipTcpExtractor(SipTcpExtractorConfig config)
    : config_(config), tcp_(config.tcp) {}

SipTcpExtractor::~SipTcpExtractor() = default;

void SipTcpExtractor::onPacket(const net::DecodedPacket& packet, uint64_t ts_us,
                               SipStreamSink& sink) {
  sink_ = &sink;
  tcp_.feed(packet, ts_us, *this);
  sink_ = nullptr;
}

void SipTcpExtractor::expireIdle(uint64_t now_us, SipStreamSink& sink) {
  sink_ = &sink;
  tcp_.expireIdle(now_us, *this);
  sink_ = nullptr;
}

void SipTcpExtractor::flush(SipStreamSink& sink) {
  sink_ = &sink;
  tcp_.flushAll(*this);
  sink_ = nullptr;
}

void SipTcpExtractor::onTcpEvent(const net::TcpEvent& event) {
  net::TcpFlowContextPtr& slot = *event.context;
  if (!slot) {
    if (event.kind != net::TcpEventKind::Data) {
      return;  // no bytes seen yet: nothing to resynchronise or close
    }
    slot = std::make_unique<Stream>();
  }
  auto& stream = static_cast<Stream&>(*slot);
  switch (event.kind) {
    case net::TcpEventKind::Data:
      onData(stream, event);
      return;
    case net::TcpEventKind::Gap:
      switch (stream.mode) {
        case Stream::Mode::Detect:
          stream.probe.clear();  // a partial first line that will never be completed
          return;
        case Stream::Mode::Sip:
          // A fresh framer skips to the next plausible start line.
          ++stats_.gap_resyncs;
          stream.framer.emplace(config_.framer);
          return;
        case Stream::Mode::WebSocket:
          ++stats_.gap_resyncs;
          stream.ws->resynchronise();
          return;
        case Stream::Mode::Ignored:
          return;
      }
      return;
    case net::TcpEventKind::Closed:
      if ((stream.mode == Stream::Mode::Sip && stream.framer->bufferedBytes() > 0) ||
          (stream.mode == Stream::Mode::WebSocket && stream.ws->bufferedBytes() > 0)) {
        ++stats_.truncated_at_close;
      }
      return;  // the reassembler destroys the stream right after this event
  }
}

void SipTcpExtractor::onData(Stream& stream, const net::TcpEvent& event) {
  const std::string_view bytes = core::asText(event.data);
  switch (stream.mode) {
    case Stream::Mode::Ignored:
      stats_.ignored_bytes += bytes.size();
      return;
    case Stream::Mode::Sip:
      frameSip(stream, bytes, event);
      return;
    case Stream::Mode::WebSocket:
      frameWebSocket(stream, bytes, event);
      return;
    case Stream::Mode::Detect:
      break;
  }
  // Classify on the held first bytes plus these; feed the decoder chosen from the same view.
  std::string held;
  std::string_view data = bytes;
  if (!stream.probe.empty()) {
    stream.probe.append(bytes);
    held = std::move(stream.probe);
    stream.probe = std::string();
    data = held;
  }
  classify(stream, data);
  switch (stream.mode) {
    case Stream::Mode::Detect:
      if (!skipLineEnds(data).empty()) {
        stream.probe.assign(data);  // wait for the rest of the first line
      }
      return;
    case Stream::Mode::Sip:
      frameSip(stream, data, event);
      return;
    case Stream::Mode::WebSocket:
      frameWebSocket(stream, data, event);
      return;
    case Stream::Mode::Ignored:
      stats_.ignored_bytes += data.size();
      return;
  }
}

void SipTcpExtractor::classify(Stream& stream, std::string_view data) {
  const std::string_view t = skipLineEnds(data);
  if (t.empty()) {
    return;  // only keep-alive line ends so far
  }
  const bool probe_full = data.size() >= config_.max_probe_bytes;
  if (couldBeTlsRecord(t) && !probe_full) {
    return;
  }
  if (looksLikeTlsRecord(t)) {
    ignore(stream, stats_.streams_tls);
    return;
  }
  if (net::looksLikeSipWebSocketFrame(core::asBytes(t))) {
    // The capture started after the upgrade: frames from the first byte.
    ++stats_.streams_websocket;
    stream.mode = Stream::Mode::WebSocket;
    stream.ws.emplace(config_.websocket);
    return;
  }
  const size_t lf = t.find('\n');
  if (lf == std::string_view::npos) {
    if (!probe_full) {
      return;
    }
    ++stats_.streams_mid_message;
    stream.mode = Stream::Mode::Sip;
    stream.framer.emplace(config_.framer);
    return;
  }
  std::string_view line = t.substr(0, lf);
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  if (sip::looksLikeSipStartLine(line)) {
    ++stats_.streams_sip;
    stream.mode = Stream::Mode::Sip;
    stream.confirmed = true;
    stream.framer.emplace(config_.framer);
    return;
  }
  if (looksLikeHttpLine(line)) {
    // RFC 7118 §4: SIP over WebSocket starts with the HTTP Upgrade handshake.
    if (net::looksLikeWebSocketHandshake(t)) {
      ++stats_.streams_websocket;
      stream.mode = Stream::Mode::WebSocket;
      stream.ws.emplace(config_.websocket);
      return;
    }
    if (hasCompleteHead(t) || probe_full) {
      ignore(stream, stats_.streams_http);
    }
    return;
  }
  // Text that is no start line: most likely the capture began inside a message. The framer
  // resynchronises at the next start line; max_unconfirmed_bytes bounds the search.
  ++stats_.streams_mid_message;
  stream.mode = Stream::Mode::Sip;
  stream.framer.emplace(config_.framer);
}

void SipTcpExtractor::frameSip(Stream& stream, std::string_view bytes, const net::TcpEvent& event) {
  sip::StreamFramer& framer = *stream.framer;
  framer.feed(bytes);
  for (size_t step = 0; step < kMaxStepsPerChunk; ++step) {
    const sip::Frame f = framer.next();
    if (f.status == sip::FrameStatus::NeedMore) {
      break;
    }
    if (f.status == sip::FrameStatus::Error) {
      // Limits exceeded or a bad Content-Length: the message cannot be framed. Start over with
      // a fresh framer, which resynchronises at the next start line in later bytes.
      ++stats_.framer_errors;
      stream.framer.emplace(config_.framer);
      break;
    }
    stream.confirmed = true;
    stream.unconfirmed_bytes = 0;
    ++stats_.messages;
    SipStreamMessage m;
    m.flow = event.flow;
    m.transport = SipStreamTransport::Tcp;
    m.ts_us = event.ts_us;
    m.bytes = f.message;
    sink_->onSipMessage(m);
  }
  if (!stream.confirmed) {
    stream.unconfirmed_bytes += bytes.size();
    if (stream.unconfirmed_bytes > config_.max_unconfirmed_bytes) {
      ignore(stream, stats_.streams_not_sip);
    }
  }
}

void SipTcpExtractor::frameWebSocket(Stream& stream, std::string_view bytes,
                                     const net::TcpEvent& event) {
  net::WebSocketDecoder& ws = *stream.ws;
  ws.feed(core::asBytes(bytes));
  for (size_t step = 0; step < kMaxStepsPerChunk; ++step) {
    const net::WsResult r = ws.next();
    if (r.status == net::WsStatus::NeedMore || r.status == net::WsStatus::Closed) {
      return;
    }
    if (r.status == net::WsStatus::Error) {
      ++stats_.ws_errors;
      ws.resynchronise();  // skips at least the offending byte, then looks for a SIP frame
      continue;
    }
    // RFC 7118 §5.1: one SIP message per WebSocket message.
    if (!sip::looksLikeSip(r.payload)) {
      ++stats_.ws_not_sip;
      continue;
    }
    ++stats_.messages;
    ++stats_.ws_messages;
    SipStreamMessage m;
    m.flow = event.flow;
    m.transport = SipStreamTransport::Ws;
    m.ts_us = event.ts_us;
    m.bytes = r.payload;
    sink_->onSipMessage(m);
  }
}

void SipTcpExtractor::ignore(Stream& stream, uint64_t& counter) {
  ++counter;
  stream.mode = Stream::Mode::Ignored;
  stream.framer.reset();
  stream.ws.reset();
  stream.probe = std::string();
}

}  // namespace siphon::source
