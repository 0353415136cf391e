#pragma once
// TempDir: a fresh directory under the system's temporary directory, removed with everything
// in it when the object goes away. Named after the process and a counter, so parallel tests
// (ctest -j) and repeated fixtures never share one.

#include <filesystem>
#include <string_view>

namespace siphon::support {

class TempDir {
 public:
  /// `tag` goes into the name, to tell a leftover directory's test.
  explicit TempDir(std::string_view tag = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::filesystem::path operator/(std::string_view name) const {
    return path_ / name;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace siphon::support
