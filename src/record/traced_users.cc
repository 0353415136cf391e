#include "record/traced_users.h"

#include <nlohmann/json.hpp>

namespace siphon::record {

std::vector<std::string> tracedUserList(std::string_view json) {
  if (json.empty()) return {""};
  // No exceptions: a malformed chunk is data, read as the single "" row.
  const auto doc = nlohmann::json::parse(json, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array() || doc.empty()) return {""};
  std::vector<std::string> users;
  for (const auto& v : doc) {
    if (!v.is_string()) return {""};
    if (users.size() == kMaxTracedUsers) break;
    users.push_back(v.get<std::string>());
  }
  return users;
}

}  // namespace siphon::record
