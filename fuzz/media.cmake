# RTCP (binary and JSON) into reports, and reports into per-stream quality.
siphon_add_fuzzer(NAME rtcp_decode SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/rtcp_decode_fuzz.cc LIBS siphon::media)
# SDP media endpoints (the agent's --rtcp reads them from captured SIP).
siphon_add_fuzzer(NAME sdp_media SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sdp_media_fuzz.cc LIBS siphon::media)
