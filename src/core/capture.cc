#include "core/capture.h"

namespace siphon::core {

Transport CaptureMeta::transport() const {
  // IP protocol ids as HEP senders use them (HEP-AND-MODULES.md §1.7).
  switch (ip_proto) {
    case 17:
      return Transport::Udp;
    case 6:
      return Transport::Tcp;
    case 22:
      return Transport::Tls;
    case 132:
      return Transport::Sctp;
    case 50:
      return Transport::Ws;
    default:
      return Transport::Unknown;
  }
}

}  // namespace siphon::core
