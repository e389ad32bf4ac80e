// docsync: keeps the generated sections of Markdown documents equal to generated files.
//
//   docsync --check|--update --gen-dir DIR DOC.md...
//
// A section is everything between "<!-- BEGIN GENERATED: build/gen/<path> -->" and
// "<!-- END GENERATED -->"; its content must be a newline followed by DIR/<path>. --check exits
// 1 naming the first stale section; --update rewrites the documents.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

const std::string kBegin = "<!-- BEGIN GENERATED: build/gen/";
const std::string kEnd = "<!-- END GENERATED -->";

bool Slurp(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bool update = false;
  std::string gen_dir;
  std::vector<std::string> docs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--update")
      update = true;
    else if (a == "--check")
      update = false;
    else if (a == "--gen-dir" && i + 1 < argc)
      gen_dir = argv[++i];
    else
      docs.push_back(a);
  }
  if (gen_dir.empty() || docs.empty()) {
    fmt::print(stderr, "usage: docsync --check|--update --gen-dir DIR DOC.md...\n");
    return 2;
  }
  int status = 0;
  for (const std::string& doc : docs) {
    std::string text;
    if (!Slurp(doc, &text)) {
      fmt::print(stderr, "docsync: cannot read {}\n", doc);
      return 2;
    }
    std::string out;
    size_t pos = 0;
    bool stale = false;
    for (;;) {
      size_t b = text.find(kBegin, pos);
      if (b == std::string::npos) break;
      size_t close = text.find(" -->", b);
      size_t e = text.find(kEnd, close);
      if (close == std::string::npos || e == std::string::npos) {
        fmt::print(stderr, "docsync: {}: unterminated generated section\n", doc);
        return 2;
      }
      std::string path = text.substr(b + kBegin.size(), close - b - kBegin.size());
      std::string generated;
      if (!Slurp(gen_dir + "/" + path, &generated)) {
        fmt::print(stderr, "docsync: {}: cannot read {}/{} (build first)\n", doc, gen_dir, path);
        return 2;
      }
      std::string want = "\n" + generated;
      std::string have = text.substr(close + 4, e - close - 4);
      if (have != want) {
        stale = true;
        if (!update)
          fmt::print(
              stderr,
              "docsync: {}: section {} differs from the generated file; run scripts/update-docs\n",
              doc, path);
      }
      out += text.substr(pos, close + 4 - pos) + want;
      pos = e;
    }
    out += text.substr(pos);
    if (stale && update) {
      std::ofstream(doc, std::ios::binary) << out;
      fmt::print("docsync: updated {}\n", doc);
    } else if (stale) {
      status = 1;
    }
  }
  return status;
}
