// capture_mode_rule: parsing (every error names the key and says what is wrong) and matching
// (all conditions must hold, the first matching rule wins, no rule means the default lane).

#include "process/capture_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace siphon::process {
namespace {

const std::vector<core::Endpoint> kListeners = {*core::Endpoint::parse("udp:0.0.0.0:9060"),
                                                *core::Endpoint::parse("tcp:0.0.0.0:9061")};
const std::vector<std::string> kModes = {"east", "west"};

core::CaptureMeta meta(uint32_t capture_id, std::string_view node, uint8_t payload_type = 1) {
  core::CaptureMeta m;
  m.capture_id = capture_id;
  m.node_name = node;
  m.payload_type = payload_type;
  return m;
}

TEST(CaptureRules, ParsesEveryCondition) {
  auto r = parseCaptureRule(
      " capture_id=2001 ; node=sbc1;payload_type=5;listen=tcp:0.0.0.0:9061 => west ", kListeners,
      kModes);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->capture_id, 2001u);
  EXPECT_EQ(r->node, "sbc1");
  EXPECT_EQ(r->payload_type, 5);
  EXPECT_EQ(r->listener, 1u);
  EXPECT_EQ(r->mode, "west");
  EXPECT_EQ(r->mode_index, 1u);
}

TEST(CaptureRules, BadRulesNameTheKeyAndTheProblem) {
  struct Case {
    const char* text;
    const char* says;
  };
  for (const Case& c : {Case{"capture_id=1", "=> MODE"},
                        Case{"capture_id=1 => north", "no capture_mode is named 'north'"},
                        Case{" => east", "no condition"}, Case{"capture_id => east", "without '='"},
                        Case{"capture_id=x => east", "capture_id is not a number"},
                        Case{"capture_id=99999999999 => east", "capture_id is not a number"},
                        Case{"payload_type=256 => east", "payload_type is not 0-255"},
                        Case{"listen=udp:0.0.0.0:1 => east", "is not one of the listeners"},
                        Case{"listen=nonsense => east", "listen:"},
                        Case{"colour=red => east", "unknown condition 'colour'"}}) {
    auto r = parseCaptureRule(c.text, kListeners, kModes);
    ASSERT_FALSE(r.has_value()) << c.text;
    EXPECT_EQ(r.error().exit_code, 2) << c.text;
    EXPECT_NE(r.error().message.find("capture_mode_rule"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
  }
}

TEST(CaptureRules, EveryConditionMustHoldAndTheFirstMatchWins) {
  std::vector<CaptureRule> rules;
  for (const char* text : {"capture_id=2001;node=sbc1 => west", "capture_id=2001 => east",
                           "listen=tcp:0.0.0.0:9061 => west"}) {
    auto r = parseCaptureRule(text, kListeners, kModes);
    ASSERT_TRUE(r.has_value());
    rules.push_back(*r);
  }
  CaptureRules set(std::move(rules));
  EXPECT_EQ(set.lane(meta(2001, "sbc1"), 0), 2u);  // rule 1: mode west = lane 1 + 1
  EXPECT_EQ(set.lane(meta(2001, "sbc2"), 0), 1u);  // rule 2 (rule 1's node differs)
  EXPECT_EQ(set.lane(meta(7, ""), 1), 2u);         // rule 3, by listener
  EXPECT_EQ(set.lane(meta(7, ""), 0), 0u);         // none: the default lane
  EXPECT_TRUE(CaptureRules().empty());
  EXPECT_EQ(CaptureRules().lane(meta(2001, "sbc1"), 0), 0u);
}

}  // namespace
}  // namespace siphon::process
