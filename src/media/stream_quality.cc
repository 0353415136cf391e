#include "media/stream_quality.h"

#include <algorithm>
#include <map>

#include "core/endpoint.h"

namespace siphon::media {
namespace {

struct Building {
  StreamQuality q;
  double jitter_sum = 0;
  double fraction_sum = 0;
  size_t fraction_reports = 0;
  double rtt_ms = 0;
  size_t order = 0;
};

}  // namespace

double estimateMos(double loss_pct, double jitter_ms, double rtt_ms) {
  const double latency = rtt_ms / 2 + 2 * jitter_ms + 10;
  double r = 93.2 - (latency < 160 ? latency / 40 : (latency - 120) / 10) - 2.5 * loss_pct;
  if (r < 0) return 1.0;
  if (r > 100) r = 100;
  const double mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return std::clamp(mos, 1.0, 4.5);
}

std::vector<StreamQuality> summarizeStreams(std::span<const RtcpObservation> observations,
                                            uint32_t clock_rate, size_t max_streams) {
  std::vector<const RtcpObservation*> sorted;
  sorted.reserve(observations.size());
  for (const auto& o : observations) sorted.push_back(&o);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto* a, const auto* b) { return a->micros < b->micros; });
  const double units_per_ms = clock_rate == 0 ? 8.0 : clock_rate / 1000.0;

  std::map<uint32_t, Building> streams;
  std::map<uint32_t, std::string_view> cnames;
  auto stream = [&](uint32_t ssrc, int64_t micros) -> Building* {
    auto it = streams.find(ssrc);
    if (it == streams.end()) {
      if (streams.size() >= max_streams) return nullptr;
      it = streams.emplace(ssrc, Building{}).first;
      it->second.q.ssrc = ssrc;
      it->second.q.first_micros = micros;
      it->second.order = streams.size();
    }
    it->second.q.last_micros = std::max(it->second.q.last_micros, micros);
    return &it->second;
  };

  for (const auto* o : sorted) {
    const RtcpReport& r = o->report;
    if (!r.cname.empty()) cnames.emplace(r.ssrc, r.cname);
    if (r.sender) {
      if (Building* s = stream(r.ssrc, o->micros)) {
        s->q.packets = r.sender->packets;
        s->q.octets = r.sender->octets;
        if (s->q.from.empty()) s->q.from = o->source;  // the sender sends its SR
      }
    }
    for (const auto& m : r.voip_metrics) {
      Building* s = stream(m.source_ssrc, o->micros);
      if (s == nullptr) continue;
      ++s->q.reports;
      if (m.round_trip_delay != 0) s->rtt_ms = m.round_trip_delay;
      if (m.mos_lq >= 10 && m.mos_lq <= 50) {  // 1.0..5.0; 127 is "unavailable" (§4.7.5)
        s->q.mos = m.mos_lq / 10.0;
        s->q.mos_from_xr = true;
      }
    }
    for (const auto& b : r.blocks) {
      Building* s = stream(b.source_ssrc, o->micros);
      if (s == nullptr) continue;
      ++s->q.reports;
      if (s->q.from.empty()) s->q.from = o->destination;
      if (s->q.to.empty()) s->q.to = o->source;
      QualitySample sample;
      sample.micros = o->micros;
      sample.fraction_lost_pct = b.fraction_lost * 100.0 / 256.0;
      sample.cumulative_lost = b.cumulative_lost;
      sample.highest_seq = b.highest_seq;
      sample.jitter_ms = b.jitter / units_per_ms;
      sample.mos = s->q.mos_from_xr ? s->q.mos
                                    : estimateMos(sample.fraction_lost_pct, sample.jitter_ms, s->rtt_ms);
      s->q.lost = b.cumulative_lost;
      s->q.max_jitter_ms = std::max(s->q.max_jitter_ms, sample.jitter_ms);
      s->jitter_sum += sample.jitter_ms;
      s->fraction_sum += sample.fraction_lost_pct;
      ++s->fraction_reports;
      s->q.samples.push_back(sample);
    }
  }

  std::vector<Building*> order;
  for (auto& [ssrc, b] : streams) order.push_back(&b);
  std::sort(order.begin(), order.end(), [](const Building* a, const Building* b) {
    return a->q.first_micros != b->q.first_micros ? a->q.first_micros < b->q.first_micros
                                                  : a->order < b->order;
  });
  std::vector<StreamQuality> out;
  out.reserve(order.size());
  for (Building* b : order) {
    StreamQuality& q = b->q;
    if (auto c = cnames.find(q.ssrc); c != cnames.end()) q.cname = std::string(c->second);
    const size_t n = b->fraction_reports;
    if (n > 0) q.avg_jitter_ms = b->jitter_sum / static_cast<double>(n);
    const int32_t lost = std::max(q.lost, 0);
    if (q.packets > 0) {
      q.loss_pct = 100.0 * lost / (static_cast<double>(q.packets) + lost);
    } else if (n > 0) {
      q.loss_pct = b->fraction_sum / static_cast<double>(n);
    }
    if (!q.mos_from_xr) q.mos = estimateMos(q.loss_pct, q.avg_jitter_ms, b->rtt_ms);
    out.push_back(std::move(q));
  }
  return out;
}

std::vector<StreamQuality> streamsFromVq(const VqReport& report, int64_t micros) {
  std::vector<StreamQuality> out;
  auto endpoint = [](const VqAddress& a) {
    if (a.ip.empty()) return std::string();
    return a.port != 0 ? core::hostPortText(a.ip, a.port) : core::bracketedHost(a.ip);
  };
  for (bool local : {true, false}) {
    const VqMetrics& m = local ? report.local_metrics : report.remote_metrics;
    if (!m.present) continue;
    const VqAddress& sender = local ? report.remote : report.local;
    const VqAddress& receiver = local ? report.local : report.remote;
    StreamQuality q;
    q.origin = "vq-rtcpxr";
    q.ssrc = sender.ssrc.value_or(0);
    q.from = endpoint(sender);
    q.to = endpoint(receiver);
    q.loss_pct = m.loss_pct.value_or(0);
    q.avg_jitter_ms = q.max_jitter_ms = m.jitter_ms.value_or(0);
    q.mos_from_xr = m.mos_lq.has_value();
    q.mos = m.mos_lq ? *m.mos_lq : estimateMos(q.loss_pct, q.avg_jitter_ms, m.rtt_ms.value_or(0));
    q.reports = 1;
    q.first_micros = q.last_micros = micros;
    QualitySample sample;
    sample.micros = micros;
    sample.fraction_lost_pct = q.loss_pct;
    sample.jitter_ms = q.avg_jitter_ms;
    sample.mos = q.mos;
    q.samples.push_back(sample);
    out.push_back(std::move(q));
  }
  return out;
}

std::vector<StreamQuality> streamsFromQos(std::span<const QosObservation> observations,
                                          size_t max_streams) {
  std::vector<StreamQuality> out;
  std::vector<std::string> keys;
  std::vector<double> jitter_sums;
  std::vector<size_t> jitter_counts;
  for (const auto& o : observations) {
    const QosReport& r = o.report;
    const std::string key = r.streamKey();
    size_t i = 0;
    while (i < keys.size() && keys[i] != key) ++i;
    if (i == keys.size()) {
      if (out.size() >= max_streams) continue;
      keys.push_back(key);
      jitter_sums.push_back(0);
      jitter_counts.push_back(0);
      StreamQuality q;
      q.origin = "hep-qos";
      q.name = r.name;
      q.from = r.source.empty() ? r.name : r.source;
      q.to = r.destination;
      q.first_micros = o.micros;
      out.push_back(std::move(q));
    }
    StreamQuality& q = out[i];
    const int64_t at = r.report_time_s ? static_cast<int64_t>(*r.report_time_s * 1e6) : o.micros;
    q.first_micros = std::min(q.first_micros, at);
    q.last_micros = std::max(q.last_micros, at);
    ++q.reports;
    QualitySample sample;
    sample.micros = at;
    if (r.packets) q.packets = static_cast<uint32_t>(std::clamp<int64_t>(*r.packets, 0, UINT32_MAX));
    if (r.lost) {
      q.lost = static_cast<int32_t>(std::clamp<int64_t>(*r.lost, INT32_MIN, INT32_MAX));
      sample.cumulative_lost = q.lost;
      const int64_t expected = r.expected && *r.expected > 0 ? *r.expected
                               : r.packets                    ? *r.packets + *r.lost
                                                              : 0;
      if (expected > 0) {
        sample.fraction_lost_pct = 100.0 * static_cast<double>(*r.lost) / static_cast<double>(expected);
        q.loss_pct = sample.fraction_lost_pct;
      }
    }
    const std::optional<double> jitter = r.mean_jitter_ms ? r.mean_jitter_ms : r.jitter_ms;
    if (jitter) {
      jitter_sums[i] += *jitter;
      ++jitter_counts[i];
      q.avg_jitter_ms = jitter_sums[i] / static_cast<double>(jitter_counts[i]);
    }
    sample.jitter_ms = r.jitter_ms.value_or(jitter.value_or(0));
    q.max_jitter_ms = std::max({q.max_jitter_ms, r.max_jitter_ms.value_or(0), sample.jitter_ms});
    if (r.mos && *r.mos >= 1.0 && *r.mos <= 5.0) {
      q.mos = *r.mos;
      q.mos_from_xr = true;
    }
    sample.mos = r.mos.value_or(estimateMos(sample.fraction_lost_pct, sample.jitter_ms, 0));
    q.samples.push_back(sample);
  }
  for (auto& q : out) {
    if (!q.mos_from_xr) q.mos = estimateMos(q.loss_pct, q.avg_jitter_ms, 0);
  }
  return out;
}

}  // namespace siphon::media
