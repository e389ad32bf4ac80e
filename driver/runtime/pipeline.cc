#include "driver/runtime/pipeline.h"

#include <charconv>

namespace aorta::runtime {

std::string FormatBoardLinks(const std::vector<config::BoardLink>& links) {
  std::string s;
  for (const config::BoardLink& l : links)
    s += fmt::format("{}{}.{}-{}.{}", s.empty() ? "" : ",", l.chip_a(), l.port_a(), l.chip_b(),
                     l.port_b());
  return s;
}

Result<std::vector<config::BoardLink>> ParseBoardLinks(const std::string& text) {
  std::vector<config::BoardLink> links;
  if (!text.empty() && text.back() == ',')
    return InvalidArgument("{} '{}': bad link '' (expected CHIP.PORT-CHIP.PORT)", kBoardLinksKey,
                           text);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(pos, end - pos);
    uint32_t v[4] = {};
    const char* p = item.data();
    const char* e = item.data() + item.size();
    bool ok = true;
    for (int i = 0; i < 4 && ok; ++i) {
      auto [next, ec] = std::from_chars(p, e, v[i]);
      ok =
          ec == std::errc() && (i == 3 ? next == e : next < e && *next == (i % 2 == 0 ? '.' : '-'));
      p = next + 1;
    }
    if (!ok)
      return InvalidArgument("{} '{}': bad link '{}' (expected CHIP.PORT-CHIP.PORT)",
                             kBoardLinksKey, text, item);
    config::BoardLink l;
    l.set_chip_a(v[0]);
    l.set_port_a(v[1]);
    l.set_chip_b(v[2]);
    l.set_port_b(v[3]);
    links.push_back(l);
    pos = end + 1;
  }
  return links;
}

Result<std::vector<config::BoardLink>> BoardLinksOf(const Program& program) {
  auto it = program.metadata().find(kBoardLinksKey);
  if (it == program.metadata().end()) return std::vector<config::BoardLink>{};
  AORTA_ASSIGN_OR_RETURN(std::vector<config::BoardLink> links, ParseBoardLinks(it->second));
  for (const config::BoardLink& l : links)
    if (l.chip_a() >= static_cast<uint32_t>(program.chips_size()) ||
        l.chip_b() >= static_cast<uint32_t>(program.chips_size()))
      return InvalidArgument("{}: link {}.{}-{}.{} names a chip the program does not have ({})",
                             kBoardLinksKey, l.chip_a(), l.port_a(), l.chip_b(), l.port_b(),
                             program.chips_size());
  return links;
}

}  // namespace aorta::runtime
