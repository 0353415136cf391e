# Stream fuzzers: TCP reassembly through the SIP extractor (src/source), WebSocket frames
# (src/net). Corpus fuzz/corpus/<name>/, crashers fuzz/regressions/<name>/.
if("net" IN_LIST SIPHON_AREAS)
  siphon_add_fuzzer(NAME websocket
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/websocket_fuzz.cc LIBS siphon::net)
endif()
if("source" IN_LIST SIPHON_AREAS)
  siphon_add_fuzzer(NAME tcp_reassembly
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tcp_reassembly_fuzz.cc LIBS siphon::source)
endif()
# HEP over TCP/TLS: the stream buffer and the decode step, with the balance of every stream
# (received = pushed + dropped) checked.
if("source" IN_LIST SIPHON_AREAS)
  siphon_add_fuzzer(NAME hep_stream
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/hep_stream_fuzz.cc LIBS siphon::source)
endif()
