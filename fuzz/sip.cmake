# SIP parser fuzzers (STYLE.md §7): corpus fuzz/corpus/<name>/, crashers fuzz/regressions/<name>/.
siphon_add_fuzzer(NAME sip_message
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sip_message_fuzz.cc LIBS siphon::sip)
siphon_add_fuzzer(NAME sip_stream_framer
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sip_stream_framer_fuzz.cc LIBS siphon::sip)
