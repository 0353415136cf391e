#include "sink/sink.h"

namespace siphon::sink {

std::string_view sinkStateName(SinkState s) {
  switch (s) {
    case SinkState::Ok:
      return "ok";
    case SinkState::Retrying:
      return "retrying";
    case SinkState::Spooling:
      return "spooling";
    case SinkState::Down:
      return "down";
  }
  return "ok";
}

}  // namespace siphon::sink
