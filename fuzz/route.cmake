# Routing rules on any HEP packet: guard, named route, SIP parse, SIP rules, relay re-encoding.
siphon_add_fuzzer(NAME route_eval SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/route_eval_fuzz.cc
                  LIBS siphon::route siphon::sink)
