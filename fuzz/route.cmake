# Fuzzers over the sink library: routing rules on any HEP packet (guard, named route, SIP parse,
# SIP rules, relay re-encoding), and the ClickHouse replies the search reads.
siphon_add_fuzzer(NAME route_eval SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/route_eval_fuzz.cc
                  LIBS siphon::route siphon::sink)
# ClickHouse's RowBinary replies, read by the ClickHouse search (sink/clickhouse/row_binary.h).
siphon_add_fuzzer(NAME row_binary SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/row_binary_fuzz.cc
                  LIBS siphon::sink)
