# check-headers: every header under src/ must compile on its own (Seastar's checkheaders).
# One generated translation unit per header, built as part of the normal build.
file(GLOB_RECURSE SIPHON_ALL_HEADERS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/*.h)
set(check_sources)
foreach(header ${SIPHON_ALL_HEADERS})
  file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR}/src ${header})
  string(REPLACE "/" "__" stem ${rel})
  set(tu ${CMAKE_BINARY_DIR}/check_headers/${stem}.cc)
  if(NOT EXISTS ${tu})
    file(WRITE ${tu} "#include \"${rel}\"\n")
  endif()
  list(APPEND check_sources ${tu})
endforeach()
if(check_sources)
  add_library(check_headers OBJECT EXCLUDE_FROM_ALL ${check_sources})
  # Each header alone in its translation unit: that is the check.
  set_target_properties(check_headers PROPERTIES UNITY_BUILD OFF)
  # Parse only: code generation for 209 headers cost about 150 s of CI's wall time and checks
  # nothing a header-alone build is for.
  set_target_properties(check_headers PROPERTIES
    CXX_COMPILER_LAUNCHER ${CMAKE_CURRENT_LIST_DIR}/syntax_only.sh)
  target_include_directories(check_headers PRIVATE ${PROJECT_SOURCE_DIR}/src ${CLI11_INCLUDE_DIR})
  target_compile_options(check_headers PRIVATE ${SIPHON_WARNING_FLAGS})
  target_link_libraries(check_headers PRIVATE nlohmann_json::nlohmann_json fmt::fmt PkgConfig::PCAP)
endif()
