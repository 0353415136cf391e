# One helper per kind of target (Seastar's seastar_add_test, fmt's add_fmt_test).

# siphon_library(NAME core SOURCES a.cc b.cc DEPS siphon::x PUBLIC_LIBS ZLIB::ZLIB)
# Builds siphon_<NAME> with alias siphon::<NAME>; include paths are rooted at src/.
function(siphon_library)
  cmake_parse_arguments(A "" "NAME" "SOURCES;DEPS;LIBS" ${ARGN})
  add_library(siphon_${A_NAME} STATIC ${A_SOURCES})
  add_library(siphon::${A_NAME} ALIAS siphon_${A_NAME})
  target_include_directories(siphon_${A_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(siphon_${A_NAME} PRIVATE ${SIPHON_WARNING_FLAGS})
  target_link_libraries(siphon_${A_NAME} PUBLIC ${A_DEPS} ${A_LIBS})
endfunction()

# siphon_add_test(NAME hep_decoder SOURCES x_test.cc LIBS siphon::hep [LABELS integration]
#                 [NO_PCH])
# NO_PCH: for a test whose libraries define macros the tests' precompiled header was not built
# with (ncurses' _XOPEN_SOURCE); GCC would refuse the header.
# The optimisation flags are tests/CMakeLists.txt's SIPHON_TEST_OPT_FLAGS, the ones its
# precompiled header is built with (GCC takes the level from the header).
function(siphon_add_test)
  cmake_parse_arguments(A "NO_PCH" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${A_NAME}_test ${A_SOURCES})
  target_compile_options(${A_NAME}_test PRIVATE ${SIPHON_WARNING_FLAGS} ${SIPHON_TEST_OPT_FLAGS})
  target_include_directories(${A_NAME}_test PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${A_NAME}_test PRIVATE
      SIPHON_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data")
  target_link_libraries(${A_NAME}_test PRIVATE ${A_LIBS} GTest::gtest GTest::gtest_main)
  if(TARGET siphon_test_pch AND NOT A_NO_PCH)
    target_precompile_headers(${A_NAME}_test REUSE_FROM siphon_test_pch)
    # The header's libraries too: fmt's FMT_SHARED must be defined as it was for the header.
    target_link_libraries(${A_NAME}_test PRIVATE fmt::fmt nlohmann_json::nlohmann_json)
    # A header GCC refuses to reuse (flags differ) is a warning, so an error here, not a
    # silently slower build.
    target_compile_options(${A_NAME}_test PRIVATE -Winvalid-pch ${SIPHON_TEST_PCH_FLAGS})
  endif()
  add_test(NAME ${A_NAME} COMMAND ${A_NAME}_test)
  set(labels unit)
  if(A_LABELS)
    set(labels ${A_LABELS})
  endif()
  set_tests_properties(${A_NAME} PROPERTIES LABELS "${labels}")
endfunction()

# siphon_add_fuzzer(NAME hep_decoder SOURCES fuzz/hep_decoder_fuzz.cc LIBS siphon::hep)
# The corpus is fuzz/corpus/<NAME>/ and crash regressions fuzz/regressions/<NAME>/.
# Every fuzzer joins the `fuzzers` target (fuzz/CMakeLists.txt), which builds them and only what
# they link. Without SIPHON_FUZZ the target links replay_main.cc and a ctest replays both folders
# (the fuzzers never rot); with SIPHON_FUZZ (clang) it is a real libFuzzer binary.
function(siphon_add_fuzzer)
  cmake_parse_arguments(A "" "NAME" "SOURCES;LIBS" ${ARGN})
  set(corpus ${PROJECT_SOURCE_DIR}/fuzz/corpus/${A_NAME})
  set(regressions ${PROJECT_SOURCE_DIR}/fuzz/regressions/${A_NAME})
  if(NOT EXISTS ${corpus})
    message(FATAL_ERROR "fuzzer ${A_NAME} needs a seed corpus in ${corpus}")
  endif()
  add_executable(${A_NAME}_fuzz ${A_SOURCES})
  add_dependencies(fuzzers ${A_NAME}_fuzz)
  target_compile_options(${A_NAME}_fuzz PRIVATE ${SIPHON_WARNING_FLAGS})
  target_link_libraries(${A_NAME}_fuzz PRIVATE ${A_LIBS})
  if(SIPHON_FUZZ)
    target_compile_options(${A_NAME}_fuzz PRIVATE -fsanitize=fuzzer)
    target_link_options(${A_NAME}_fuzz PRIVATE -fsanitize=fuzzer)
    set(test_name fuzz_${A_NAME})
    add_test(NAME ${test_name} COMMAND ${A_NAME}_fuzz -max_total_time=10 ${corpus})
  else()
    target_sources(${A_NAME}_fuzz PRIVATE ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cc)
    set(test_name fuzz_replay_${A_NAME})
    add_test(NAME ${test_name} COMMAND ${A_NAME}_fuzz ${corpus} ${regressions})
  endif()
  set_tests_properties(${test_name} PROPERTIES LABELS fuzz)
endfunction()

# siphon_add_bench(NAME hep SOURCES hep_bench.cc LIBS siphon::hep); only with SIPHON_BENCH.
function(siphon_add_bench)
  cmake_parse_arguments(A "" "NAME" "SOURCES;LIBS" ${ARGN})
  add_executable(${A_NAME}_bench ${A_SOURCES})
  target_compile_options(${A_NAME}_bench PRIVATE ${SIPHON_WARNING_FLAGS})
  target_include_directories(${A_NAME}_bench PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_definitions(${A_NAME}_bench PRIVATE
      SIPHON_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data")
  target_link_libraries(${A_NAME}_bench PRIVATE ${A_LIBS} benchmark::benchmark benchmark::benchmark_main)
endfunction()
