#include "process/auth_key.h"

namespace siphon::process {
namespace {

enum class AuthKeyDrop : uint8_t { AuthKey };
constexpr std::string_view kAuthKeyDrops[] = {"auth_key"};

}  // namespace

AuthKeyProcessor::AuthKeyProcessor(std::string key)
    : Processor("hep_auth_key", {{}, kAuthKeyDrops}), key_(std::move(key)) {}

Verdict AuthKeyProcessor::process(record::Record& r) {
  const auto& m = r.meta();
  if (m.hep_version == 0) return Verdict::Keep;
  if (m.has_auth_key && m.auth_key == key_) return Verdict::Keep;
  counters_.drop(AuthKeyDrop::AuthKey);
  return Verdict::Drop;
}

}  // namespace siphon::process
