# Query latency over a large store (issue 5): fill_store makes the store, query_bench measures
# Call-ID lookup, whole-call assembly and a 24 h user search (first page) with p50/p99 counters.
if(TARGET siphon_query AND TARGET siphon::test_support)
  add_executable(fill_store ${PROJECT_SOURCE_DIR}/bench/load/fill_store_main.cc)
  target_compile_options(fill_store PRIVATE ${SIPHON_WARNING_FLAGS})
  target_include_directories(fill_store PRIVATE ${CLI11_INCLUDE_DIR})
  target_link_libraries(fill_store PRIVATE siphon::pipeline siphon::test_support)
  siphon_add_bench(NAME query SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/query_bench.cc LIBS siphon::query)
endif()
