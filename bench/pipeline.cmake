siphon_add_bench(NAME pipeline SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/pipeline_bench.cc
                 LIBS siphon::hep siphon::sip siphon::process siphon::test_support)
