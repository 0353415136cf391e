#include "record/record.h"

namespace siphon::record {

RecordPtr share(Record&& r) { return std::make_shared<const Record>(std::move(r)); }

}  // namespace siphon::record
