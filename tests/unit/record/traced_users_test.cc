#include "record/traced_users.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace siphon::record {
namespace {

// The traced_users chunk arrives over HEP too: anything but an array of strings is one '' row,
// and no chunk makes more than kMaxTracedUsers rows.
TEST(TracedUsers, HostileChunksBecomeOneRowOrABoundedList) {
  using V = std::vector<std::string>;
  EXPECT_EQ(tracedUserList(""), V{""});
  EXPECT_EQ(tracedUserList(R"(["", "alice", "bob"])"), (V{"", "alice", "bob"}));
  for (const char* bad : {"[", "{}", "[]", "[1]", "[\"a\", null]", "\"a\"", "[[\"a\"]]", "nul"}) {
    EXPECT_EQ(tracedUserList(bad), V{""}) << bad;
  }
  std::string many = "[";
  for (int i = 0; i < 1000; ++i) many += (i ? ",\"u" : "\"u") + std::to_string(i) + "\"";
  many += "]";
  EXPECT_EQ(tracedUserList(many).size(), kMaxTracedUsers);
}

}  // namespace
}  // namespace siphon::record
