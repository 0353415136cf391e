// The web UI embedded by cmake/EmbedFiles.cmake: the files GET / and /ui/... serve are in the
// binary with the right content types, every module the UI imports is there, nothing is loaded
// from another origin, and no code turns strings into markup (the UI's escaping rule).

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "web/static_files.h"

namespace siphon::web {
namespace {

std::optional<StaticFile> find(std::string_view path) { return staticFileTable(embeddedUiFiles())(path); }

TEST(WebUiFiles, IndexAndModulesAreEmbeddedWithTheirContentTypes) {
  auto index = find("/index.html");
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(index->bytes.starts_with("<!DOCTYPE html>"));
  EXPECT_NE(index->bytes.find("src=\"/ui/app.js\""), std::string_view::npos);
  EXPECT_NE(index->bytes.find("href=\"/ui/style.css\""), std::string_view::npos);
  auto app = find("/ui/app.js");
  ASSERT_TRUE(app.has_value());
  EXPECT_EQ(app->content_type, "text/javascript; charset=utf-8");
  auto css = find("/ui/style.css");
  ASSERT_TRUE(css.has_value());
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_FALSE(find("/ui/../index.html").has_value());
  EXPECT_FALSE(find("/ui/").has_value());
}

TEST(WebUiFiles, EveryRelativeImportIsEmbedded) {
  std::set<std::string> paths;
  for (const auto& f : embeddedUiFiles()) paths.insert(std::string(f.path));
  size_t imports = 0;
  for (const auto& f : embeddedUiFiles()) {
    if (!f.path.ends_with(".js")) continue;
    std::string_view text = f.bytes;
    for (size_t at = text.find("from './"); at != std::string_view::npos; at = text.find("from './", at + 1)) {
      size_t start = at + 8;
      size_t end = text.find('\'', start);
      ASSERT_NE(end, std::string_view::npos) << f.path;
      std::string target = "/ui/" + std::string(text.substr(start, end - start));
      EXPECT_TRUE(paths.count(target)) << f.path << " imports " << target;
      ++imports;
    }
  }
  EXPECT_GE(imports, 5u);
}

TEST(WebUiFiles, SelfContainedAndNoMarkupFromStrings) {
  for (const auto& f : embeddedUiFiles()) {
    std::string_view text = f.bytes;
    for (std::string_view bad : {"src=\"http", "href=\"http", "url(http", "from 'http", "@import",
                                 "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("}) {
      EXPECT_EQ(text.find(bad), std::string_view::npos) << f.path << " contains " << bad;
    }
  }
}

}  // namespace
}  // namespace siphon::web
