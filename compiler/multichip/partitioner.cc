#include "compiler/multichip/partitioner.h"

#include <algorithm>
#include <limits>

namespace aorta::multichip {

namespace {
// Slowest, mean, balance, link and streamed bytes of the plan's stages.
void Summarize(Plan& plan);
}  // namespace

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
  const auto crossing = static_cast<double>(s.in_bytes + s.out_bytes);
  // A link transfer takes the longer of its bytes over the link and its rows through the
  // unified buffer (the link engine reads a row while the link earns the credit for it, and
  // writes each row as it arrives).
  s.cost =
      std::max(crossing / link, r.ub_bytes_per_cycle > 0 ? crossing / r.ub_bytes_per_cycle : 0.0) +
      std::max(static_cast<double>(s.compute_cycles), streamed);
  return s;
}

Result<Plan> PlanStages(const std::vector<StageItem>& items, const std::vector<CutInfo>& cuts,
                        const Resources& r, const Measured& measured) {
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
  auto cost = [&](size_t i, size_t j) {
    Stage s = StageCost(items, cuts, r, i, j);
    if (auto m = measured.find({i, j}); m != measured.end()) s.cost += m->second;
    return s;
  };
  std::vector<size_t> layers_before(n + 1, 0);  // layers among items [0, i)
  std::vector<size_t> solo_before(n + 1, 0);    // solo items among items [0, i)
  for (size_t i = 0; i < n; ++i) {
    layers_before[i + 1] = layers_before[i] + items[i].layer;
    solo_before[i + 1] = solo_before[i] + items[i].solo;
  }
  if (solo_before[n] > r.chips)
    return InvalidArgument("{} slices of split layers need a chip each; {} chips", solo_before[n],
                           r.chips);
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
        if (layers_before[j] == layers_before[i]) continue;  // layout changes only
        // A solo item is the whole stage.
        if (solo_before[j] != solo_before[i] && j - i != 1) continue;
        const Stage s = cost(i, j);
        const double slowest = std::max(prev.slowest, s.cost);
        const uint64_t bytes = prev.bytes + s.out_bytes;
        if (better(slowest, bytes, best[k][j])) best[k][j] = Cell{slowest, bytes, i, true};
      }
    }
  }
  size_t k = k_max;
  while (k > 1 && !best[k][n].ok) --k;
  if (!best[k][n].ok)
    return InvalidArgument(
        "{}", solo_before[n] > 0 ? "no plan puts each slice of a split layer on a chip of its own"
                                 : "the chip graph has no layer to compute");
  Plan plan;
  for (size_t j = n; k > 0; --k) {
    const size_t i = best[k][j].from;
    plan.stages.push_back(cost(i, j));
    j = i;
  }
  std::reverse(plan.stages.begin(), plan.stages.end());
  Summarize(plan);
  return plan;
}

Result<Plan> PlanAt(const std::vector<StageItem>& items, const std::vector<CutInfo>& cuts,
                    const Resources& r, const std::vector<size_t>& starts) {
  const size_t n = items.size();
  if (cuts.size() != n + 1)
    return Internal("{} cut descriptions for {} layers (want {})", cuts.size(), n, n + 1);
  Plan plan;
  std::vector<size_t> bounds{0};
  bounds.insert(bounds.end(), starts.begin(), starts.end());
  bounds.push_back(n);
  for (size_t s = 0; s + 1 < bounds.size(); ++s) {
    const size_t i = bounds[s], j = bounds[s + 1];
    if (j <= i || j > n) return InvalidArgument("stage {} would be empty or out of order", s);
    if (j < n && !cuts[j].allowed)
      return InvalidArgument("no cut before '{}': {}", items[j].name, cuts[j].why_not);
    bool layer = false;
    for (size_t p = i; p < j; ++p) {
      layer = layer || items[p].layer;
      if (items[p].solo && j - i != 1)
        return InvalidArgument("slice '{}' shares stage {} with other layers", items[p].name, s);
    }
    if (!layer) return InvalidArgument("stage {} has no layer to compute", s);
    plan.stages.push_back(StageCost(items, cuts, r, i, j));
  }
  Summarize(plan);
  return plan;
}

namespace {
void Summarize(Plan& plan) {
  double sum = 0;
  for (const Stage& s : plan.stages) {
    plan.slowest = std::max(plan.slowest, s.cost);
    sum += s.cost;
    plan.link_bytes += s.out_bytes;
    plan.streamed_bytes += s.streamed_bytes;
  }
  plan.mean = sum / static_cast<double>(plan.stages.size());
  plan.balance = plan.slowest > 0 ? plan.mean / plan.slowest : 1.0;
}

}  // namespace

}  // namespace aorta::multichip
