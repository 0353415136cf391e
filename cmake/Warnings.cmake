# Warning flags applied to every Siphon target (not to third-party code).
set(SIPHON_WARNING_FLAGS -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
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
