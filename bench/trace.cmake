# Tracing rules on the agent's path (trace/): the SIP parse alone against the parse and 10
# [[trace]] rules, one core.
if(TARGET siphon_trace)
  siphon_add_bench(NAME trace SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/trace_bench.cc
                   LIBS siphon::trace siphon::test_support)
endif()
