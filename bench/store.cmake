siphon_add_bench(NAME store SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/store_bench.cc
                 LIBS siphon::sink siphon::hep siphon::test_support)
