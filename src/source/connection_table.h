#pragma once
// ConnectionTable: who holds the slots of a stream listener (HEP over TCP or TLS), and who must
// give one up. Without it, 1,024 idle connections filled every slot and later senders were
// refused silently (issue 15). The rules:
//
//  * admission   a sender at its per-address limit (tcp_max_connections_per_source) gives up
//                its own oldest idle connection, or is refused; a full table (max_connections)
//                gives up its globally oldest idle connection, or refuses. Idle means nothing
//                received for at least kEvictableAfter: a connection that is sending is never
//                evicted to make room.
//  * idle        a connection that received nothing for tcp_idle_timeout is closed.
//  * handshake   (TLS) a connection that has not finished its handshake within
//                tls_handshake_timeout is closed.
//
// The table decides; the source closes. Times come from the injected clock. Thread-safe: the
// TLS source admits on its accept thread while each connection thread reports activity.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/ip_address.h"

namespace siphon::source {

struct StreamLimits {
  size_t max_connections = 1024;               ///< slots of the listener
  size_t max_per_source = 256;                 ///< tcp_max_connections_per_source
  std::chrono::seconds idle_timeout{300};      ///< tcp_idle_timeout
  std::chrono::seconds handshake_timeout{10};  ///< tls_handshake_timeout
};

class ConnectionTable {
 public:
  using Id = uint64_t;
  /// A connection this long without a byte may be evicted for a newcomer.
  static constexpr std::chrono::seconds kEvictableAfter{1};

  struct Admission {
    std::optional<Id> id;       ///< the newcomer's slot; empty: refused
    std::optional<Id> evicted;  ///< the connection that gave its slot up, to be closed
  };

  ConnectionTable(StreamLimits limits, const core::Clock& clock);

  /// A new connection from `peer`.
  [[nodiscard]] Admission admit(const core::IpAddress& peer);
  /// Bytes arrived on `id` (or its handshake finished).
  void touch(Id id);
  void handshakeDone(Id id);
  /// The connection left (closed by either side).
  void remove(Id id);
  /// Connections idle for idle_timeout, and handshakes older than handshake_timeout; they are
  /// removed from the table, the caller closes them.
  struct Expired {
    std::vector<Id> idle;
    std::vector<Id> handshake;
  };
  [[nodiscard]] Expired expire();
  [[nodiscard]] size_t size() const;
  [[nodiscard]] const StreamLimits& limits() const { return limits_; }

 private:
  struct Entry {
    core::IpAddress peer;
    core::Clock::SteadyTime opened;
    core::Clock::SteadyTime last_activity;
    bool handshaking;
  };
  /// The oldest idle entry, of `peer` only when given; end() when none.
  std::map<Id, Entry>::iterator oldestIdle(const core::IpAddress* peer,
                                           core::Clock::SteadyTime now);

  StreamLimits limits_;
  const core::Clock& clock_;
  mutable std::mutex mu_;
  std::map<Id, Entry> entries_;                   ///< guarded by mu_
  std::map<core::IpAddress, size_t> per_source_;  ///< guarded by mu_
  Id next_id_ = 1;                                ///< guarded by mu_
};

}  // namespace siphon::source
