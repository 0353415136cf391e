#pragma once
// What every database writer (PostgreSQL, MySQL, ClickHouse) is built from: db_url and the
// store's keys that shape its rows, its sip_trace tables and its retention. Each writer's
// options add their own to these (ClickHouse: the cluster).

#include "core/db_url.h"
#include "record/capture_row.h"
#include "sink/retention.h"

namespace siphon::sink {

struct SqlWriterOptions {
  core::DbUrl url;                ///< the writer's scheme
  record::CaptureRowOptions row;  ///< capture_node (the node column), homer5_on
  /// The agent's trace_to_database: a traced message (the tracing rules stamped its table,
  /// trace/sip_trace_rows.h) becomes rows of that sip_trace table, one per traced user,
  /// instead of a sip_capture row. A collector leaves it off: traced HEP from an agent is
  /// captured traffic like any other there.
  bool trace_tables = false;
  RetentionPolicy retention;  ///< retention_days, retention: days per table
};

}  // namespace siphon::sink
