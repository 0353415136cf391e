#pragma once
// Shared helpers of the HEP tests: byte arrays from hex, test-data files, field comparison.

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_reader.h"
#include "core/capture.h"

namespace siphon::hep::testing {

using Bytes = std::vector<std::byte>;

/// Bytes from hex text; spaces, newlines and "0000:"-style offsets are allowed.
inline Bytes fromHex(std::string_view text) {
  Bytes out;
  int nibbles = 0;
  unsigned acc = 0;
  std::string_view::size_type i = 0;
  while (i < text.size()) {
    // Skip an "0010:" offset label: hex digits up to a colon at the start of a line.
    const auto colon = text.find(':', i);
    const auto newline = text.find('\n', i);
    if (colon != std::string_view::npos && (newline == std::string_view::npos || colon < newline) &&
        nibbles == 0 && (i == 0 || text[i - 1] == '\n')) {
      i = colon + 1;
      continue;
    }
    const char c = text[i++];
    unsigned v;
    if (c >= '0' && c <= '9') {
      v = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v = static_cast<unsigned>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      v = static_cast<unsigned>(c - 'A' + 10);
    } else {
      continue;
    }
    acc = acc * 16 + v;
    if (++nibbles == 2) {
      out.push_back(static_cast<std::byte>(acc));
      acc = 0;
      nibbles = 0;
    }
  }
  return out;
}

inline Bytes bytesOf(std::string_view s) {
  auto b = core::asBytes(s);
  return {b.begin(), b.end()};
}

/// A file below tests/data (never /work/shared: tests carry their own data).
inline Bytes readTestData(const std::string& relative) {
  std::ifstream in(std::string(SIPHON_TEST_DATA_DIR) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing test data " << relative;
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Bytes out(chars.size());
  for (size_t i = 0; i < chars.size(); ++i) out[i] = static_cast<std::byte>(chars[i]);
  return out;
}

inline std::string text(std::span<const std::byte> b) { return std::string(core::asText(b)); }

inline bool sameBytes(std::span<const std::byte> a, std::span<const std::byte> b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

/// Every decoded field equal (views compared by content). payload_compressed is compared
/// only when `with_compressed_flag`.
inline void expectSameFields(const core::CaptureMeta& a, const core::CaptureMeta& b,
                             bool with_compressed_flag = true) {
  EXPECT_EQ(a.hep_version, b.hep_version);
  EXPECT_EQ(a.ip_family, b.ip_family);
  EXPECT_EQ(a.ip_proto, b.ip_proto);
  EXPECT_EQ(a.src_ip, b.src_ip);
  EXPECT_EQ(a.dst_ip, b.dst_ip);
  EXPECT_EQ(a.src_port, b.src_port);
  EXPECT_EQ(a.dst_port, b.dst_port);
  EXPECT_EQ(a.ts_sec, b.ts_sec);
  EXPECT_EQ(a.ts_usec, b.ts_usec);
  EXPECT_EQ(a.capture_id, b.capture_id);
  EXPECT_EQ(a.payload_type, b.payload_type);
  EXPECT_EQ(a.has_auth_key, b.has_auth_key);
  if (with_compressed_flag) {
    EXPECT_EQ(a.payload_compressed, b.payload_compressed);
  }
  EXPECT_EQ(a.keepalive, b.keepalive);
  EXPECT_EQ(a.auth_key, b.auth_key);
  EXPECT_EQ(a.correlation_id, b.correlation_id);
  EXPECT_EQ(a.node_name, b.node_name);
  EXPECT_EQ(text(a.payload), text(b.payload));
  ASSERT_EQ(a.other_chunks.size(), b.other_chunks.size());
  for (size_t i = 0; i < a.other_chunks.size(); ++i) {
    EXPECT_EQ(a.other_chunks[i].vendor, b.other_chunks[i].vendor) << i;
    EXPECT_EQ(a.other_chunks[i].type, b.other_chunks[i].type) << i;
    EXPECT_TRUE(sameBytes(a.other_chunks[i].value, b.other_chunks[i].value)) << i;
  }
}

inline core::IpAddress ip(std::string_view s) { return *core::IpAddress::parse(s); }

}  // namespace siphon::hep::testing
