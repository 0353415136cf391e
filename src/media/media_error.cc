#include "media/media_error.h"

namespace siphon::media {

std::string_view mediaErrcName(MediaErrc code) {
  switch (code) {
    case MediaErrc::Truncated:
      return "truncated";
    case MediaErrc::BadVersion:
      return "bad_version";
    case MediaErrc::NotRtcp:
      return "not_rtcp";
    case MediaErrc::BadLength:
      return "bad_length";
    case MediaErrc::BadJson:
      return "bad_json";
    case MediaErrc::Empty:
      return "empty";
  }
  return "unknown";
}

}  // namespace siphon::media
