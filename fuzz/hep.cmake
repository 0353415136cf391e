# HEP decoder fuzzer: decode, and for every packet that decodes, encode and decode again.
siphon_add_fuzzer(NAME hep_decoder SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/hep_decoder_fuzz.cc LIBS siphon::hep)
