# HEP decoder fuzzer: decode, and for every packet that decodes, encode and decode again.
siphon_add_fuzzer(NAME hep_decoder SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/hep_decoder_fuzz.cc LIBS siphon::hep)
# OpenSIPS extra correlation (0x0065) values: any bytes, values must view the input.
siphon_add_fuzzer(NAME extra_correlation SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/extra_correlation_fuzz.cc LIBS siphon::hep)
# hep_set / hep_del then encode: what encodes must decode back to the edited chunks.
siphon_add_fuzzer(NAME hep_edit SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/hep_edit_fuzz.cc LIBS siphon::hep)
