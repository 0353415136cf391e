# Warning flags applied to every Siphon target (not to third-party code).
set(SIPHON_WARNING_FLAGS -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  # GCC 12 at -O3 reports -Wrestrict on ordinary std::string concatenation inside libstdc++
  # (GCC bug 105329, fixed in 13); it is a false positive, not a finding in our code.
  list(APPEND SIPHON_WARNING_FLAGS -Wno-restrict)
endif()
if(SIPHON_WERROR)
  list(APPEND SIPHON_WARNING_FLAGS -Werror)
endif()
if(SIPHON_SANITIZE)
  add_compile_options(-fsanitize=${SIPHON_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${SIPHON_SANITIZE})
endif()
if(SIPHON_FUZZ)
  # Coverage instrumentation for every library, not only the fuzz targets: without it
  # libFuzzer runs blind. The targets themselves link -fsanitize=fuzzer.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
