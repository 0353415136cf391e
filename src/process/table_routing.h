#pragma once
// Table routing: which table a record is stored in (sip_capture(table) in a Kamailio script;
// here the table_name / mt_mode / hash_source of the storage lane the record goes to, see
// table_router.h). SIP records get the lane's table pattern, the other payload types their
// report table (rtcp_capture, report_capture, logs_capture). A table already chosen by an
// earlier processor is kept. Runs after the SIP parse (mt_mode=hash reads the parsed fields)
// and after the lane choice.

#include <cstddef>
#include <deque>
#include <utility>
#include <vector>

#include "process/processor.h"
#include "process/table_router.h"

namespace siphon::process {

class TableRoutingProcessor final : public Processor {
 public:
  struct LaneRouting {
    size_t lane;  ///< a storage lane
    TableRouting routing;
  };
  explicit TableRoutingProcessor(std::vector<LaneRouting> lanes);
  [[nodiscard]] Verdict process(record::Record& r) override;

 private:
  struct Route {
    Route(size_t l, TableRouting r) : lane(l), router(std::move(r)) {}
    size_t lane;
    TableRouter router;  ///< holds atomics: routes stay where they are built
  };
  std::deque<Route> routes_;
};

}  // namespace siphon::process
