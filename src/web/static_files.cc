#include "web/static_files.h"

namespace siphon::web {

StaticFileLookup staticFileTable(std::span<const StaticFile> files) {
  return [files](std::string_view path) -> std::optional<StaticFile> {
    for (const auto& f : files) {  // a handful of files: a scan is as fast as a map
      if (f.path == path) return f;
    }
    return std::nullopt;
  };
}

}  // namespace siphon::web
