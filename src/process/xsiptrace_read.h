#pragma once
// xheaders_read (siptrace seed, docs/HEP-AND-MODULES.md §4.7): a collector listening for HEP
// also takes the plain SIP copies a Kamailio with hep_mode_on=0 and xheaders_write=1 sends.
// The HEP source hands such a datagram over as a record that is not HEP (hep_version 0); this
// processor reads its five X-Siptrace-* headers, which give the original addresses, transport
// and time, and rewrites the record as the message without them. A copy without valid headers
// is dropped and counted (no_xheaders): Kamailio neither stores nor relays it.

#include "process/processor.h"

namespace siphon::process {

class XSiptraceReadProcessor final : public Processor {
 public:
  XSiptraceReadProcessor();
  /// HEP records pass untouched.
  [[nodiscard]] Verdict process(record::Record& r) override;
};

}  // namespace siphon::process
