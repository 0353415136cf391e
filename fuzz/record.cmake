# Records as columns, JSON and text: any payload through the one SIP parse (src/record).
siphon_add_fuzzer(NAME record_json
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/record_json_fuzz.cc LIBS siphon::record)
# The spool's record codec: bytes read back from disk (a database sink's spool).
siphon_add_fuzzer(NAME record_codec
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/record_codec_fuzz.cc LIBS siphon::record)
