// embeddedUiFiles() of a build without the web UI (see static_files.h): no files, so GET /
// answers 404 and the API works alone.

#include "web/static_files.h"

namespace siphon::web {

std::span<const StaticFile> embeddedUiFiles() { return {}; }

}  // namespace siphon::web
