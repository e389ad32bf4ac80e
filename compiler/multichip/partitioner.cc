#include "compiler/multichip/partitioner.h"

#include <algorithm>
#include <limits>

namespace aorta::multichip {

Stage StageCost(const std::vector<StageItem>& items, const std::vector<CutInfo>& cuts,
                const Resources& r, size_t begin, size_t end) {
  Stage s;
  s.begin = begin;
  s.end = end;
  for (size_t i = begin; i < end; ++i) {
    s.compute_cycles += items[i].cycles;
    s.weight_bytes += items[i].weight_bytes;
  }
  s.streamed_bytes =
      s.weight_bytes > r.weight_buffer_bytes ? s.weight_bytes - r.weight_buffer_bytes : 0;
  s.in_bytes = begin > 0 ? cuts[begin].bytes : 0;
  s.out_bytes = end < items.size() ? cuts[end].bytes : 0;
  const double link = r.link_bytes_per_cycle > 0 ? r.link_bytes_per_cycle : 1;
  const double dram = r.dram_bytes_per_cycle > 0 ? r.dram_bytes_per_cycle : 1;
  const double streamed = static_cast<double>(s.streamed_bytes) / dram;
  s.cost = static_cast<double>(s.in_bytes + s.out_bytes) / link +
           std::max(static_cast<double>(s.compute_cycles), streamed);
  return s;
}

Result<Plan> PlanStages(const std::vector<StageItem>& items, const std::vector<CutInfo>& cuts,
                        const Resources& r) {
  const size_t n = items.size();
  if (n == 0) return InvalidArgument("nothing to partition: the chip graph has no layers");
  if (r.chips == 0) return InvalidArgument("nothing to partition onto: 0 chips");
  if (cuts.size() != n + 1)
    return Internal("{} cut descriptions for {} layers (want {})", cuts.size(), n, n + 1);
  if (r.chips > 1 && !(r.link_bytes_per_cycle > 0))
    return InvalidArgument(
        "{} chips but the links carry nothing (link bandwidth 0 in the chip config)", r.chips);
  const size_t k_max = std::min<size_t>(r.chips, n);
  // best[k][j]: the best way to run items [0, j) in k stages, as (slowest stage, link bytes);
  // from[k][j] the start of its last stage.
  struct Cell {
    double slowest = std::numeric_limits<double>::infinity();
    uint64_t bytes = 0;
    size_t from = 0;
    bool ok = false;
  };
  std::vector<std::vector<Cell>> best(k_max + 1, std::vector<Cell>(n + 1));
  std::vector<size_t> layers_before(n + 1, 0);  // layers among items [0, i)
  for (size_t i = 0; i < n; ++i) layers_before[i + 1] = layers_before[i] + items[i].layer;
  best[0][0].ok = true;
  best[0][0].slowest = 0;
  auto better = [](double s, uint64_t b, const Cell& c) {
    if (!c.ok) return true;
    const double eps = 1e-9 * std::max(1.0, c.slowest);
    if (s < c.slowest - eps) return true;
    return s <= c.slowest + eps && b < c.bytes;
  };
  for (size_t k = 1; k <= k_max; ++k) {
    for (size_t j = k; j <= n; ++j) {
      // The stage [i, j) ends at cut j: legal when everything live across it is made in it.
      if (j < n && !cuts[j].allowed) continue;
      for (size_t i = k - 1; i < j; ++i) {
        const Cell& prev = best[k - 1][i];
        if (!prev.ok) continue;
        if (j < n && cuts[j].earliest_producer < i) continue;
        if (layers_before[j] == layers_before[i]) continue;  // layout changes only
        const Stage s = StageCost(items, cuts, r, i, j);
        const double slowest = std::max(prev.slowest, s.cost);
        const uint64_t bytes = prev.bytes + s.out_bytes;
        if (better(slowest, bytes, best[k][j])) best[k][j] = Cell{slowest, bytes, i, true};
      }
    }
  }
  size_t k = k_max;
  while (k > 1 && !best[k][n].ok) --k;
  if (!best[k][n].ok) return InvalidArgument("the chip graph has no layer to compute");
  Plan plan;
  for (size_t j = n; k > 0; --k) {
    const size_t i = best[k][j].from;
    plan.stages.push_back(StageCost(items, cuts, r, i, j));
    j = i;
  }
  std::reverse(plan.stages.begin(), plan.stages.end());
  double sum = 0;
  for (const Stage& s : plan.stages) {
    plan.slowest = std::max(plan.slowest, s.cost);
    sum += s.cost;
    plan.link_bytes += s.out_bytes;
    plan.streamed_bytes += s.streamed_bytes;
  }
  plan.mean = sum / static_cast<double>(plan.stages.size());
  plan.balance = plan.slowest > 0 ? plan.mean / plan.slowest : 1.0;
  return plan;
}

}  // namespace aorta::multichip
