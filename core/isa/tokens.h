// Dependency tokens between neighbouring queues (LD -> EX -> ST): which of the four token
// counters an instruction pops and pushes. One definition for every model of the chip (the golden
// device and the TLM model count tokens with it, the loader's ordering check follows them);
// docs/isa.md "Queues, dependency tokens and ordering" states the rule.
#pragma once

#include "aorta/isa_gen.h"

namespace aorta::isa {

// Token counters, named by direction; the index is ERR_ADDR of TOKEN_OVERFLOW.
inline constexpr int kLdToEx = 0, kExToLd = 1, kExToSt = 2, kStToEx = 3;
inline constexpr int kTokenCounters = 4;
inline constexpr int kNoCounter = -1;

// The counter queue `q` (an isa::Queue value, LD / EX / ST) pops from (tokens from its
// neighbour `prev` or next) and pushes to; kNoCounter where the queue has no such neighbour.
constexpr int PopCounter(int q, bool prev) {
  if (q == static_cast<int>(Queue::kLd)) return prev ? kNoCounter : kExToLd;
  if (q == static_cast<int>(Queue::kEx)) return prev ? kLdToEx : kStToEx;
  return prev ? kExToSt : kNoCounter;
}
constexpr int PushCounter(int q, bool prev) {
  if (q == static_cast<int>(Queue::kLd)) return prev ? kNoCounter : kLdToEx;
  if (q == static_cast<int>(Queue::kEx)) return prev ? kExToLd : kExToSt;
  return prev ? kStToEx : kNoCounter;
}

// The counters an instruction of queue `q` pops and pushes (kNoCounter where it does not).
struct TokenUse {
  int pop_prev = kNoCounter, pop_next = kNoCounter, push_prev = kNoCounter, push_next = kNoCounter;
};
constexpr TokenUse TokenUseOf(int q, const Deps& deps) {
  TokenUse u;
  if (deps.pop_prev) u.pop_prev = PopCounter(q, true);
  if (deps.pop_next) u.pop_next = PopCounter(q, false);
  if (deps.push_prev) u.push_prev = PushCounter(q, true);
  if (deps.push_next) u.push_next = PushCounter(q, false);
  return u;
}

}  // namespace aorta::isa
