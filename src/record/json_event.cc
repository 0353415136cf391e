#include "record/json_event.h"

#include <cstdint>
#include <nlohmann/json.hpp>

namespace siphon::record {
namespace {

// Depth 1 is the top-level object; only its "Event" key is of interest.
class EventFinder final : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::string event;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t& s) override {
    if (next_is_event_ && !found_) event = s;
    return value();
  }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    next_is_event_ = depth_ == 1 && k == "Event";
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  // cJSON_GetObjectItem takes the first of repeated keys, whatever its type.
  bool value() {
    if (next_is_event_) found_ = true;
    next_is_event_ = false;
    return true;
  }
  bool open() {
    value();
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }

  uint32_t depth_ = 0;
  bool next_is_event_ = false;
  bool found_ = false;
};

}  // namespace

std::string jsonEvent(std::span<const std::byte> payload) {
  const auto* begin = reinterpret_cast<const char*>(payload.data());
  // Cheap refusal of what cannot be an object: most report payloads (RTCP) are binary.
  size_t i = 0;
  while (i < payload.size() &&
         (begin[i] == ' ' || begin[i] == '\t' || begin[i] == '\r' || begin[i] == '\n')) {
    ++i;
  }
  if (i == payload.size() || begin[i] != '{') return {};
  EventFinder finder;
  const bool ok = nlohmann::json::sax_parse(begin, begin + payload.size(), &finder,
                                            nlohmann::json::input_format_t::json,
                                            /*strict=*/true);
  return ok ? finder.event : std::string();
}

}  // namespace siphon::record
