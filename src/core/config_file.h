#pragma once
// A TOML configuration file (toml11) read key by key. Keys are the seed documents' parameter
// names, top level (`capture_on = 1`, `table_name = "sip_capture_%Y%m%d"`). Every getter names
// the key and the file in its error; rejectUnknown() turns any key nobody asked for into an
// error, so that a typo stops start-up instead of being ignored.

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace siphon::core {

class ConfigFile {
 public:
  /// Reads and parses a file; a syntax error names the file, line and column.
  [[nodiscard]] static Result<ConfigFile, Failure> load(const std::string& path);
  /// Parses TOML text; `name` stands for the file in messages.
  [[nodiscard]] static Result<ConfigFile, Failure> parse(const std::string& text,
                                                         const std::string& name);

  ConfigFile(ConfigFile&&) noexcept;
  ConfigFile& operator=(ConfigFile&&) noexcept;
  ~ConfigFile();

  [[nodiscard]] Result<std::optional<std::string>, Failure> getString(const std::string& key);
  [[nodiscard]] Result<std::optional<int64_t>, Failure> getInt(const std::string& key, int64_t min,
                                                               int64_t max);
  /// Seeds write switches as 0/1 (`capture_on = 1`); true/false is accepted too.
  [[nodiscard]] Result<std::optional<bool>, Failure> getSwitch(const std::string& key);
  /// An array of strings, or one string (kept as a one-element list).
  [[nodiscard]] Result<std::optional<std::vector<std::string>>, Failure> getStrings(
      const std::string& key);
  /// An array of tables (`[[route]]`): one ConfigFile per table, in file order, each named
  /// "FILE: KEY #N" so that its own errors say which table is wrong. Absent: an empty list.
  [[nodiscard]] Result<std::vector<ConfigFile>, Failure> getTables(const std::string& key);
  /// One table (an inline table `{ a = 1 }` or a `[key]` section) as its own ConfigFile.
  [[nodiscard]] Result<std::optional<ConfigFile>, Failure> getTable(const std::string& key);

  /// Error naming the first key that no getter asked for.
  [[nodiscard]] Result<void, Failure> rejectUnknown() const;

  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  struct Doc;
  ConfigFile(std::unique_ptr<Doc> doc, std::string name);
  Failure bad(const std::string& key, const std::string& why) const;

  std::unique_ptr<Doc> doc_;
  std::string name_;
  std::set<std::string> used_;
};

}  // namespace siphon::core
