# X-Siptrace-* header reader (xheaders_read): text from the network, in a plain-SIP duplicate.
siphon_add_fuzzer(NAME xheaders SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/xheaders_fuzz.cc LIBS siphon::sip)
