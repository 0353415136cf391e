# SIP parser and record JSON benchmark (built with -DSIPHON_BENCH=ON, never run by ctest).
siphon_add_bench(NAME sip SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/sip_bench.cc LIBS siphon::sip siphon::record)
