#include "verif/multichip/rtl_board.h"

#include <set>
#include <utility>

namespace aorta::verif {

Result<std::unique_ptr<RtlBoard>> RtlBoard::Create(std::vector<std::unique_ptr<RtlDevice>> devices,
                                                   const std::vector<config::BoardLink>& links,
                                                   const std::vector<LinkTiming>& timing) {
  if (timing.size() != links.size())
    return InvalidArgument("{} link timings for {} links", timing.size(), links.size());
  auto board = std::unique_ptr<RtlBoard>(new RtlBoard());
  board->devices_ = std::move(devices);
  std::set<std::pair<uint32_t, uint32_t>> wired;
  for (size_t i = 0; i < links.size(); ++i) {
    const config::BoardLink& l = links[i];
    const LinkTiming& t = timing[i];
    const std::string name =
        fmt::format("link {}.{}-{}.{}", l.chip_a(), l.port_a(), l.chip_b(), l.port_b());
    if (l.chip_a() >= board->devices_.size() || l.chip_b() >= board->devices_.size())
      return InvalidArgument("{} names a chip the board does not have ({} chips)", name,
                             board->devices_.size());
    if (!(t.bytes_per_cycle > 0) || t.latency_cycles == 0 || t.fifo_rows == 0)
      return InvalidArgument(
          "{}: bad timing ({} bytes per cycle, latency {} cycles, {} rows): each must be > 0", name,
          t.bytes_per_cycle, t.latency_cycles, t.fifo_rows);
    for (auto [chip, port] : {std::pair{l.chip_a(), l.port_a()}, std::pair{l.chip_b(), l.port_b()}})
      if (!wired.insert({chip, port}).second)
        return InvalidArgument("{}: port {} of chip {} is wired twice", name, port, chip);
    RtlDevice& a = *board->devices_[l.chip_a()];
    RtlDevice& b = *board->devices_[l.chip_b()];
    if (a.geometry().n != b.geometry().n)
      return InvalidArgument("{}: the chips' rows differ ({} and {} bytes)", name, a.geometry().n,
                             b.geometry().n);
    Link link{l, std::make_shared<CycleLink>(a.geometry().n, t),
              std::make_shared<CycleLink>(a.geometry().n, t)};
    AORTA_RETURN_IF_ERROR(
        a.AttachLinkPins(l.port_a(), std::make_shared<PortPins>(link.a_to_b, link.b_to_a)));
    AORTA_RETURN_IF_ERROR(
        b.AttachLinkPins(l.port_b(), std::make_shared<PortPins>(link.b_to_a, link.a_to_b)));
    board->links_.push_back(std::move(link));
  }
  for (auto& d : board->devices_) d->JoinBoard(board.get(), board->mu_);
  return board;
}

void RtlBoard::Tick(uint64_t cycles) {
  for (uint64_t c = 0; c < cycles; ++c) {
    for (auto& d : devices_) d->CycleAlone();
    for (Link& l : links_) {
      l.a_to_b->Tick();
      l.b_to_a->Tick();
    }
    ++cycles_;
  }
}

void RtlBoard::UpdateUp(Link& l) {
  const bool up = !l.forced_down && !devices_[l.wiring.chip_a()]->held_in_reset() &&
                  !devices_[l.wiring.chip_b()]->held_in_reset();
  l.a_to_b->set_up(up);
  l.b_to_a->set_up(up);
}

void RtlBoard::HoldReset(size_t chip, bool hold) {
  std::lock_guard<std::mutex> lock(*mu_);
  devices_.at(chip)->HoldReset(hold);
  for (Link& l : links_) UpdateUp(l);
}

void RtlBoard::SetLinkUp(size_t i, bool up) {
  std::lock_guard<std::mutex> lock(*mu_);
  links_.at(i).forced_down = !up;
  UpdateUp(links_[i]);
}

}  // namespace aorta::verif
