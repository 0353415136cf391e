#pragma once
// The worked examples A-D of docs/HEP-AND-MODULES.md §1.12, byte for byte as printed there.

#include <string_view>

namespace siphon::hep::testing {

/// A: HEPv3, IPv4, UDP, SIP, Kamailio order, 117 bytes.
inline constexpr std::string_view kExampleA = R"(
0000: 48 45 50 33 00 75 00 00 00 01 00 07 02 00 00 00
0010: 02 00 07 11 00 00 00 03 00 0a c0 a8 01 0a 00 00
0020: 00 04 00 0a c0 a8 01 14 00 00 00 07 00 08 13 c4
0030: 00 00 00 08 00 08 13 d8 00 00 00 09 00 0a 65 53
0040: f1 00 00 00 00 0a 00 0a 00 01 e2 40 00 00 00 0b
0050: 00 07 01 00 00 00 0c 00 0a 00 00 07 d1 00 00 00
0060: 0f 00 18 53 49 50 2f 32 2e 30 20 32 30 30 20 4f
0070: 4b 0d 0a 0d 0a
)";

/// B: HEPv3, IPv6, TCP, auth key, correlation id, a vendor chunk, node name, 203 bytes.
inline constexpr std::string_view kExampleB = R"(
0000: 48 45 50 33 00 cb 00 00 00 01 00 07 0a 00 00 00
0010: 02 00 07 06 00 00 00 05 00 16 20 01 0d b8 00 00
0020: 00 00 00 00 00 00 00 00 00 01 00 00 00 06 00 16
0030: 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02
0040: 00 00 00 07 00 08 13 c5 00 00 00 08 00 08 13 c4
0050: 00 00 00 09 00 0a 65 53 f1 01 00 00 00 0a 00 0a
0060: 00 0f 42 3f 00 00 00 0b 00 07 01 00 00 00 0c 00
0070: 0a 00 00 00 01 00 00 00 0e 00 0c 73 65 63 72 65
0080: 74 00 00 00 11 00 0e 61 62 63 40 68 6f 73 74 00
0090: 03 00 22 00 08 78 79 00 00 00 13 00 0b 6e 6f 64
00a0: 65 31 00 00 00 0f 00 29 42 59 45 20 73 69 70 3a
00b0: 61 40 5b 32 30 30 31 3a 64 62 38 3a 3a 31 5d 20
00c0: 53 49 50 2f 32 2e 30 0d 0a 0d 0a
)";

/// C: HEPv2, IPv4, UDP, 53 bytes (little-endian time block).
inline constexpr std::string_view kExampleC = R"(
0000: 02 10 02 11 13 c4 13 c4 0a 00 00 01 0a 00 00 02
0010: 00 f1 53 65 20 a1 07 00 2a 00 00 00 4f 50 54 49
0020: 4f 4e 53 20 73 69 70 3a 78 20 53 49 50 2f 32 2e
0030: 30 0d 0a 0d 0a
)";

/// D: HEPv1, IPv4, TCP, 38 bytes.
inline constexpr std::string_view kExampleD = R"(
0000: 01 10 02 06 13 ce 13 c4 ac 10 00 05 ac 10 00 06
0010: 49 4e 46 4f 20 73 69 70 3a 79 20 53 49 50 2f 32
0020: 2e 30 0d 0a 0d 0a
)";

}  // namespace siphon::hep::testing
