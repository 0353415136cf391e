# HEP codec benchmarks: HEPv3 decode of a ~700-byte INVITE with SDP and of the heplify 200 OK
# vector, and encode.
siphon_add_bench(NAME hep SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/hep_bench.cc LIBS siphon::hep)
