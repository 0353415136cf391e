#include "sip/sip_error.h"

namespace siphon::sip {

std::string_view sipErrcName(SipErrc code) {
  switch (code) {
    case SipErrc::NoStartLine: return "no_start_line";
    case SipErrc::BadStartLine: return "bad_start_line";
    case SipErrc::BadVersion: return "bad_version";
    case SipErrc::BadStatusCode: return "bad_status_code";
    case SipErrc::HeaderWithoutColon: return "header_without_colon";
    case SipErrc::UnterminatedHeaders: return "unterminated_headers";
    case SipErrc::BadContentLength: return "bad_content_length";
    case SipErrc::BodyTruncated: return "body_truncated";
    case SipErrc::TooManyHeaders: return "too_many_headers";
    case SipErrc::TooLarge: return "too_large";
    case SipErrc::BadHeaderValue: return "bad_header_value";
    case SipErrc::MissingHeader: return "missing_header";
    case SipErrc::BadUri: return "bad_uri";
    case SipErrc::BadMultipart: return "bad_multipart";
  }
  return "unknown";
}

}  // namespace siphon::sip
