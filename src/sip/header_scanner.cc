#include "sip/header_scanner.h"

namespace siphon::sip {

// HeaderScanner::next() is defined inline in header_scanner.h, so that the scan loops of
// SipMessage::parse() and StreamFramer inline it.

}  // namespace siphon::sip
