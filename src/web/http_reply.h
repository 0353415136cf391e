#pragma once
// Replies shared by the route files: JSON bodies and the {"error": "..."} of every failure.

#include <httplib.h>

#include <string>

#include <nlohmann/json.hpp>

namespace siphon::web {

/// Serializes `body` (invalid UTF-8 from a captured message is replaced, never thrown on).
template <class Json>
void replyJson(httplib::Response& res, const Json& body, int status = 200) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json");
}

inline void replyError(httplib::Response& res, int status, const std::string& message) {
  replyJson(res, nlohmann::json{{"error", message}}, status);
}

}  // namespace siphon::web
