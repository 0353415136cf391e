// Replays fuzz corpora through a fuzz target without libFuzzer, so every ctest run exercises
// the fuzzers with gcc and the sanitizers (simdjson's and fmt's "fuzzers never rot" rule).
// Usage: <target>_fuzz DIR_OR_FILE...  (missing folders are skipped: regressions/ may be empty)

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

int replayFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return 1;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Copy into an exactly sized heap buffer so ASan sees any read past the end.
  std::vector<uint8_t> exact(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(exact.data(), exact.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  size_t replayed = 0;
  int failures = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path root(argv[i]);
    std::error_code ec;
    if (!std::filesystem::exists(root, ec)) continue;
    if (std::filesystem::is_regular_file(root, ec)) {
      failures += replayFile(root);
      ++replayed;
      continue;
    }
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root, ec)) {
      if (!entry.is_regular_file()) continue;
      failures += replayFile(entry.path());
      ++replayed;
    }
  }
  std::printf("%zu inputs replayed, %d unreadable\n", replayed, failures);
  return failures == 0 && replayed > 0 ? 0 : 1;
}
