# Capture agent per-packet cost (issue 4): pcap frames → extractor → HEPv3 encode → UDP send,
# on captures loaded into memory, in one thread.
if(TARGET siphon_pipeline)
  siphon_add_bench(NAME agent SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/agent_bench.cc
                   LIBS siphon::pipeline siphon::trace siphon::test_support)
endif()
