#include "support/temp_dir.h"

#include <unistd.h>

#include <atomic>
#include <string>
#include <system_error>

namespace siphon::support {

TempDir::TempDir(std::string_view tag) {
  static std::atomic<unsigned> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          ("siphon-" + std::string(tag) + "-" + std::to_string(::getpid()) + "-" +
           std::to_string(counter.fetch_add(1)));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;  // a test that failed half-way may leave anything: remove what is there
  std::filesystem::remove_all(path_, ec);
}

}  // namespace siphon::support
