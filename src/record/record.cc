#include "record/record.h"

namespace siphon::record {

RecordBox makeRecord(core::Capture&& c) { return std::make_shared<Record>(std::move(c)); }

}  // namespace siphon::record
