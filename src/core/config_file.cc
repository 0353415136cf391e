#include "core/config_file.h"

#include <fstream>
#include <sstream>

#include <toml.hpp>

namespace siphon::core {

struct ConfigFile::Doc {
  toml::value root;
};

ConfigFile::ConfigFile(std::unique_ptr<Doc> doc, std::string name)
    : doc_(std::move(doc)), name_(std::move(name)) {}
ConfigFile::ConfigFile(ConfigFile&&) noexcept = default;
ConfigFile& ConfigFile::operator=(ConfigFile&&) noexcept = default;
ConfigFile::~ConfigFile() = default;

Result<ConfigFile, Failure> ConfigFile::parse(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  auto doc = std::make_unique<Doc>();
  try {  // toml11 reports syntax errors by exception: converted here, at the call site
    doc->root = toml::parse(in, name);
  } catch (const toml::syntax_error& e) {
    return unexpected(Failure{std::string("configuration syntax error: ") + e.what(), 2});
  } catch (const std::exception& e) {
    return unexpected(Failure{name + ": " + e.what(), 2});
  }
  if (!doc->root.is_table()) return unexpected(Failure{name + ": not a TOML table", 2});
  return ConfigFile(std::move(doc), name);
}

Result<ConfigFile, Failure> ConfigFile::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(Failure{path + ": cannot read configuration file", 2});
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

Failure ConfigFile::bad(const std::string& key, const std::string& why) const {
  return Failure{name_ + ": " + key + ": " + why, 2};
}

namespace {
const toml::value* lookup(const toml::value& root, const std::string& key) {
  const auto& table = root.as_table();
  auto it = table.find(key);
  return it == table.end() ? nullptr : &it->second;
}
}  // namespace

Result<std::optional<std::string>, Failure> ConfigFile::getString(const std::string& key) {
  used_.insert(key);
  const auto* v = lookup(doc_->root, key);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return unexpected(bad(key, "expected a string"));
  return std::optional<std::string>(v->as_string().str);
}

Result<std::optional<int64_t>, Failure> ConfigFile::getInt(const std::string& key, int64_t min,
                                                            int64_t max) {
  used_.insert(key);
  const auto* v = lookup(doc_->root, key);
  if (!v) return std::optional<int64_t>();
  if (!v->is_integer()) return unexpected(bad(key, "expected an integer"));
  int64_t n = v->as_integer();
  if (n < min || n > max) {
    return unexpected(bad(key, std::to_string(n) + " is out of range " + std::to_string(min) + ".." +
                                   std::to_string(max)));
  }
  return std::optional<int64_t>(n);
}

Result<std::optional<bool>, Failure> ConfigFile::getSwitch(const std::string& key) {
  used_.insert(key);
  const auto* v = lookup(doc_->root, key);
  if (!v) return std::optional<bool>();
  if (v->is_boolean()) return std::optional<bool>(v->as_boolean());
  if (v->is_integer() && (v->as_integer() == 0 || v->as_integer() == 1)) {
    return std::optional<bool>(v->as_integer() == 1);
  }
  return unexpected(bad(key, "expected 0 or 1"));
}

Result<std::optional<std::vector<std::string>>, Failure> ConfigFile::getStrings(
    const std::string& key) {
  used_.insert(key);
  const auto* v = lookup(doc_->root, key);
  if (!v) return std::optional<std::vector<std::string>>();
  std::vector<std::string> out;
  if (v->is_string()) {
    out.push_back(v->as_string().str);
  } else if (v->is_array()) {
    for (const auto& item : v->as_array()) {
      if (!item.is_string()) return unexpected(bad(key, "expected an array of strings"));
      out.push_back(item.as_string().str);
    }
  } else {
    return unexpected(bad(key, "expected a string or an array of strings"));
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::vector<ConfigFile>, Failure> ConfigFile::getTables(const std::string& key) {
  used_.insert(key);
  std::vector<ConfigFile> out;
  const auto* v = lookup(doc_->root, key);
  if (!v) return out;
  if (!v->is_array()) return unexpected(bad(key, "expected tables ([[" + key + "]])"));
  size_t n = 0;
  for (const auto& item : v->as_array()) {
    ++n;
    if (!item.is_table()) return unexpected(bad(key, "expected tables ([[" + key + "]])"));
    auto doc = std::make_unique<Doc>();
    doc->root = item;
    out.push_back(ConfigFile(std::move(doc), name_ + ": " + key + " #" + std::to_string(n)));
  }
  return out;
}

Result<std::optional<ConfigFile>, Failure> ConfigFile::getTable(const std::string& key) {
  used_.insert(key);
  const auto* v = lookup(doc_->root, key);
  if (!v) return std::optional<ConfigFile>();
  if (!v->is_table()) return unexpected(bad(key, "expected a table"));
  auto doc = std::make_unique<Doc>();
  doc->root = *v;
  return std::optional<ConfigFile>(ConfigFile(std::move(doc), name_ + ": " + key));
}

Result<void, Failure> ConfigFile::rejectUnknown() const {
  for (const auto& [key, value] : doc_->root.as_table()) {
    if (!used_.count(key)) return unexpected(Failure{name_ + ": unknown key '" + key + "'", 2});
  }
  return {};
}

}  // namespace siphon::core
