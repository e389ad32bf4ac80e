// Ordering check of an instruction stream: does its outcome depend on timing?
//
// The LD, EX and ST queues run concurrently; the only orders a program can rely on are
//   - program order within a queue (each queue's instructions take effect in order),
//   - dependency tokens: the k-th pop of a direction (LD->EX, EX->LD, EX->ST, ST->EX) happens
//     after the k-th push of it,
//   - barriers (SYNC, PERF, HALT): everything fetched before one takes effect before it, and
//     everything fetched after it after it.
// Two instructions of different queues that touch the same on-chip row (isa::ExtentsOf) or the
// same external byte of a slot, at least one of them writing, with neither ordered before the
// other by these rules, race: the golden model (one fixed interleaving), the TLM model and the
// RTL (their own timing) may give different results. CheckOrdering finds the first such pair, or
// a stream whose tokens can never all be matched (a pop with no push: a deadlock on every device).
//
// The check follows happens-before with vector clocks: one clock per queue, advanced per
// instruction, joined over tokens and reset at barriers (a barrier orders everything, so the
// state before it is dropped). Window reads count their bounding rows (ExtentsOf); DMA external
// bytes count row by row. The locations are kept as intervals of rows (per on-chip memory) and of
// bytes (per slot) that share one access record, split where an access starts or ends inside one
// and merged again where neighbours become equal: an instruction costs the intervals its extents
// overlap (the distinct histories of its locations), not its rows or bytes. The result is the
// one a record per row and per byte gives (ordering_test compares them on random streams).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "core/config.h"
#include "core/isa/isa.h"
#include "core/status.h"

namespace aorta::isa {

struct Race {
  size_t first = 0, second = 0;  // stream positions, first < second
  std::string where;             // the first location they share: "UB row 4608", "slot 0 byte 8"
  // "both write", "the second reads what the first writes", "the second overwrites what the
  // first reads"
  std::string kind;
};

// The first race of `stream`, or none; an error if the tokens cannot be matched (a pop that no
// push ever serves) — the message names the blocked instruction.
Result<std::optional<Race>> FindRace(std::span<const Insn> stream, const ChipGeometry& g);

// FindRace as a status: OK when race-free; otherwise FailedPrecondition naming both instructions
// (position and disassembly), the memory location and the kind, prefixed by `what`.
Status CheckOrdering(std::span<const Insn> stream, const ChipGeometry& g, const std::string& what);

}  // namespace aorta::isa
