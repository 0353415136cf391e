#include "sink/clickhouse/clickhouse_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <mutex>

namespace siphon::sink {
namespace {

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// An INSERT's body, handed to libcurl piece by piece. There is deliberately no seek callback:
// libcurl silently sends a request again when a kept-alive connection turns out dead after the
// request went out (its "retrying a fresh connect"), which for an INSERT the server may have
// committed is a second copy of the batch. A body that cannot be rewound makes that retry fail
// (CURLE_SEND_FAIL_REWIND), and the failure reaches the writer, which knows the batch is in
// doubt (DatabaseSink, BatchWriter::rewrite).
struct Body {
  const char* data;
  size_t left;
};

size_t readBody(char* out, size_t size, size_t n, void* user) {
  auto* body = static_cast<Body*>(user);
  const size_t take = std::min(size * n, body->left);
  std::memcpy(out, body->data, take);
  body->data += take;
  body->left -= take;
  return take;
}

std::string urlEncode(std::string_view v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// libcurl's global state is set up once per process, before any handle (its documented rule).
void globalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

struct ClickHouseHttp::Curl {
  CURL* handle = nullptr;
  ~Curl() {
    if (handle) curl_easy_cleanup(handle);
  }
};

ClickHouseHttp::ClickHouseHttp(core::DbUrl url) : url_(std::move(url)) {
  database_ = url_.database.empty() ? "default" : url_.database;
  const std::string host = url_.host.find(':') != std::string::npos ? "[" + url_.host + "]"
                           : url_.host.empty()                       ? "127.0.0.1"
                                                                     : url_.host;
  base_ = "http://" + host + ":" + std::to_string(url_.port ? url_.port : 8123) +
          "/?database=" + urlEncode(database_);
}

ClickHouseHttp::~ClickHouseHttp() = default;

namespace {

// libcurl's progress callback: a non-zero answer aborts the transfer.
int abortWhenInterrupted(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(flag)->load(std::memory_order_relaxed) ? 1 : 0;
}

}  // namespace

void ClickHouseHttp::reset() { curl_.reset(); }

core::Result<std::string, core::Failure> ClickHouseHttp::perform(
    const std::string& url_query, const void* body, size_t size,
    const std::vector<ClickHouseTable>* tables, bool once) {
  globalInit();
  if (interrupted_.load(std::memory_order_relaxed)) {
    return core::unexpected(
        core::Failure{"clickhouse: stopping: requests given up (interrupted)", 1});
  }
  if (!curl_) {
    curl_ = std::make_unique<Curl>();
    curl_->handle = curl_easy_init();
    if (!curl_->handle) return core::unexpected(core::Failure{"clickhouse: out of memory", 1});
  }
  CURL* c = curl_->handle;
  curl_easy_reset(c);
  std::string url = base_ + url_query;
  std::string response;
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);  // a dead host must not hold the sink
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &abortWhenInterrupted);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &interrupted_);
  if (!url_.user.empty()) curl_easy_setopt(c, CURLOPT_USERNAME, url_.user.c_str());
  if (url_.has_password) curl_easy_setopt(c, CURLOPT_PASSWORD, url_.password.c_str());
  curl_mime* mime = nullptr;
  curl_slist* headers = nullptr;
  Body upload{static_cast<const char*>(body), size};
  if (tables) {
    mime = curl_mime_init(c);
    for (const auto& t : *tables) {
      curl_mimepart* part = curl_mime_addpart(mime);
      curl_mime_name(part, t.name.c_str());
      curl_mime_filename(part, t.name.c_str());
      curl_mime_data(part, t.row_binary.data(), t.row_binary.size());
    }
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
  } else if (once) {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, &readBody);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(size));
    // No "Expect: 100-continue" round trip before a large batch: ClickHouse takes it at once.
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  } else {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(size));
  }
  const CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (mime) curl_mime_free(mime);
  if (headers) curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    reset();
    return core::unexpected(core::Failure{
        "db_url: " + url_.redacted() + ": " + (error[0] ? std::string(error) : curl_easy_strerror(rc)), 1});
  }
  if (status != 200) {
    while (!response.empty() && (response.back() == '\n' || response.back() == ' ')) response.pop_back();
    return core::unexpected(core::Failure{"clickhouse: " + response, 1});
  }
  return response;
}

core::Result<std::string, core::Failure> ClickHouseHttp::query(const std::string& sql) {
  return perform("", sql.data(), sql.size(), nullptr, false);
}

core::Result<std::string, core::Failure> ClickHouseHttp::insert(const std::string& sql,
                                                                std::span<const std::byte> body) {
  return perform("&query=" + urlEncode(sql), body.data(), body.size(), nullptr, true);
}

core::Result<std::string, core::Failure> ClickHouseHttp::queryWith(
    const std::string& sql, const std::vector<ClickHouseTable>& tables) {
  std::string q = "&query=" + urlEncode(sql);
  for (const auto& t : tables) {
    q += "&" + t.name + "_structure=" + urlEncode(t.structure) + "&" + t.name + "_format=RowBinary";
  }
  return perform(q, nullptr, 0, &tables, false);
}

core::Result<std::pair<int, int>, core::Failure> ClickHouseHttp::version() {
  if (version_.first != 0) return version_;
  SIPHON_ASSIGN_OR_RETURN(std::string v, query("SELECT version()"));
  int major = 0, minor = 0;
  const char* p = v.data();
  const char* end = v.data() + v.size();
  auto [p1, e1] = std::from_chars(p, end, major);
  if (e1 == std::errc() && p1 < end && *p1 == '.') std::from_chars(p1 + 1, end, minor);
  if (major == 0) return core::unexpected(core::Failure{"clickhouse: version '" + v + "'?", 1});
  version_ = {major, minor};
  return version_;
}

std::string clickhouseQuoteIdent(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`' || c == '\\') out += '\\';
    out += c;
  }
  out += '`';
  return out;
}

}  // namespace siphon::sink
