#pragma once
// The hook through which `siphon serve` serves the web UI (src/web/ui/, built to static files
// and embedded in the binary by its own CMake). The API server only routes: GET / serves the
// file at "/index.html", GET /ui/... and GET /favicon.ico the file at the request path; a
// lookup that gives nullopt is a 404.
//
// To plug the UI in, either
//  * pass ApiOptions::static_files (any lookup, e.g. staticFileTable(my_files)), or
//  * link a definition of embeddedUiFiles() (a generated .cc; src/web/CMakeLists.txt uses
//    SIPHON_UI_EMBED_SOURCES when set, else ui_files_none.cc, which has no files): the server
//    uses it when ApiOptions::static_files is empty.

#include <functional>
#include <optional>
#include <span>
#include <string_view>

namespace siphon::web {

/// One file. The views must stay valid while the server runs (embedded arrays are static).
struct StaticFile {
  std::string_view path;          ///< URL path: "/index.html", "/ui/app.js"
  std::string_view content_type;  ///< "text/html; charset=utf-8", "text/javascript", ...
  std::string_view bytes;
};

/// Finds the file for a URL path; called from the server's threads at once.
using StaticFileLookup = std::function<std::optional<StaticFile>(std::string_view path)>;

/// A lookup over a fixed table (exact path match). `files` must outlive the lookup.
[[nodiscard]] StaticFileLookup staticFileTable(std::span<const StaticFile> files);

/// The UI files built into this binary; empty when it was built without the UI.
[[nodiscard]] std::span<const StaticFile> embeddedUiFiles();

}  // namespace siphon::web
