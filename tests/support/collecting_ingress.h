#pragma once
// CollectingIngress: the pipeline's side of a source, for testing a source alone — every
// record pushed is kept (thread-safe), nothing is processed or dropped.

#include <cstddef>
#include <mutex>
#include <vector>

#include "source/ingress.h"

namespace siphon::support {

class CollectingIngress final : public source::Ingress {
 public:
  bool push(record::RecordBox r, source::PushPolicy policy) override {
    std::lock_guard lock(mu_);
    policies_.push_back(policy);
    records_.push_back(std::move(r));
    return true;
  }
  [[nodiscard]] size_t size() const {
    std::lock_guard lock(mu_);
    return records_.size();
  }
  /// The records so far (moved out).
  [[nodiscard]] std::vector<record::RecordBox> take() {
    std::lock_guard lock(mu_);
    return std::move(records_);
  }
  [[nodiscard]] std::vector<source::PushPolicy> policies() const {
    std::lock_guard lock(mu_);
    return policies_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<record::RecordBox> records_;
  std::vector<source::PushPolicy> policies_;
};

}  // namespace siphon::support
