// Multi-chip programs on N devices (docs/runtime.md, "Multi-chip pipelines").
//
// A program compiled for a board (`aorta compile --board`) has one ChipProgram per pipeline
// stage: chip k RECVs its inputs from chip k-1, runs its layers and SENDs its results to chip
// k+1. The program's metadata names the links to wire ("board.links"), so any backend can be
// opened with them (BoardLinksOf), and a Session runs the program one request at a time (every
// chip started, then every chip waited for).
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/program.h"
#include "core/status.h"

namespace aorta::runtime {

inline constexpr char kBoardNameKey[] = "board.name";
inline constexpr char kBoardLinksKey[] = "board.links";

// "0.1-1.0,1.1-2.0": chip_a.port_a-chip_b.port_b, comma-separated.
std::string FormatBoardLinks(const std::vector<config::BoardLink>& links);
Result<std::vector<config::BoardLink>> ParseBoardLinks(const std::string& text);
// The links a program's chips need (none for a one-chip program or one without the key).
Result<std::vector<config::BoardLink>> BoardLinksOf(const Program& program);

}  // namespace aorta::runtime
