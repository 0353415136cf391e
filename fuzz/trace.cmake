# Tracing rules and the transaction/dialog state on any sequence of SIP messages.
siphon_add_fuzzer(NAME trace_tracker SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/trace_tracker_fuzz.cc
                  LIBS siphon::trace)
