# Frame decoding fuzzers (src/net).
siphon_add_fuzzer(NAME net_frame SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/net_frame_fuzz.cc LIBS siphon::net)
siphon_add_fuzzer(NAME ip_reassembly SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/ip_reassembly_fuzz.cc LIBS siphon::net)
