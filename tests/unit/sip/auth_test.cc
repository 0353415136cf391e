#include "sip/auth.h"

#include <gtest/gtest.h>

namespace siphon::sip {
namespace {

TEST(Auth, DigestUsername) {
  EXPECT_EQ(digestUsername("Digest username=\"bob\", realm=\"a,b\""), "bob");
  EXPECT_EQ(digestUsername("digest realm=\"a, b\", nonce=\"x\", username=\"al\\\"ice\""),
            "al\\\"ice");
  EXPECT_EQ(digestUsername("Digest  username = carol , realm=r"), "carol");
  EXPECT_FALSE(digestUsername("NoOneKnowsThisScheme opaque-data=here"));
  EXPECT_FALSE(digestUsername("Digest realm=\"r\""));
  EXPECT_FALSE(digestUsername("Digest username=\"open"));
  EXPECT_FALSE(digestUsername("Digest"));
  EXPECT_EQ(usernameUserPart("bob@example.com"), "bob");
  EXPECT_EQ(usernameUserPart("bob"), "bob");
}

}  // namespace
}  // namespace siphon::sip
