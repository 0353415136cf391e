siphon_add_bench(NAME route SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/route_bench.cc
                 LIBS siphon::route siphon::sink siphon::test_support)
