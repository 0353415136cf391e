// Every fixture cut at every byte: never a crash (run under ASan in build-sip-asan), and a
// truncated message is never reported valid with a body longer than the bytes present.

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

#include "sip/sip_capture_fields.h"
#include "sip/sip_message.h"
#include "sip_fixtures.h"

namespace siphon::sip {
namespace {

void touchEverything(const SipMessage& msg) {
  SipCaptureFields f;
  extractCaptureFields(msg, FieldOptions{}, f);
  (void)msg.parseError();
  (void)msg.requestUriParsed();
  (void)msg.contact();
  (void)msg.topVia();
  for (size_t i = 0; i < msg.headerCount(); ++i) (void)msg.headerAt(i);
  (void)msg.headerValues("Via");
}

void checkAllPrefixes(const std::string& name, const std::string& full) {
  for (size_t n = 0; n <= full.size(); ++n) {
    // An exactly sized heap copy so ASan catches any read past the prefix.
    std::unique_ptr<char[]> buf(new char[n == 0 ? 1 : n]);
    std::memcpy(buf.get(), full.data(), n);
    const std::string_view prefix(buf.get(), n);
    auto msg = SipMessage::parse(prefix);
    touchEverything(msg);
    const char* end = prefix.data() + prefix.size();
    ASSERT_LE(msg.body().data() + msg.body().size(), end) << name << " @" << n;
    if (!msg.parseError() && msg.contentLength()) {
      ASSERT_EQ(msg.body().size(), *msg.contentLength()) << name << " @" << n;
    }
    if (n < full.size() && !msg.parseError()) {
      // Only possible when the cut is after the announced body (or there is none).
      ASSERT_LE(msg.messageSize(), n) << name << " @" << n;
    }
  }
}

TEST(Truncation, EveryPrefixOfEveryFixture) {
  size_t files = 0;
  for (const char* dir : {"rfc4475", "rfc5118", "real-world"}) {
    for (const auto& rel : testing::fixturesIn(dir)) {
      const std::string bytes = testing::loadFixture(rel);
      checkAllPrefixes(rel, bytes);
      checkAllPrefixes(rel + " (crlf)", testing::toCrlf(bytes));
      ++files;
    }
  }
  EXPECT_GE(files, 44u);
}

}  // namespace
}  // namespace siphon::sip
