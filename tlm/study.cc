#include "tlm/study.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace aorta::study {
namespace {

namespace fs = std::filesystem;
namespace pb = google::protobuf;

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute() || base_dir.empty()) return path;
  return (fs::path(base_dir) / path).string();
}

std::string FieldList(const pb::Descriptor* d) {
  std::string out;
  for (int i = 0; i < d->field_count(); ++i) out += (i ? ", " : "") + d->field(i)->name();
  return out;
}

// Parses `value` as the scalar `f` of `m` and sets it.
Status SetScalar(pb::Message& m, const pb::FieldDescriptor* f, const std::string& value,
                 const std::string& path) {
  const pb::Reflection* r = m.GetReflection();
  auto bad = [&](const char* type) {
    return InvalidArgument("field '{}': '{}' is not a {} value", path, value, type);
  };
  const char* s = value.c_str();
  char* end = nullptr;
  errno = 0;
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_UINT32:
    case pb::FieldDescriptor::CPPTYPE_UINT64: {
      if (value.empty() || value[0] == '-') return bad("non-negative integer");
      const unsigned long long v = std::strtoull(s, &end, 0);
      if (*end != '\0' || errno != 0) return bad("non-negative integer");
      if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_UINT32) {
        if (v > 0xffffffffull) return bad("32-bit unsigned");
        r->SetUInt32(&m, f, static_cast<uint32_t>(v));
      } else {
        r->SetUInt64(&m, f, v);
      }
      return Status::Ok();
    }
    case pb::FieldDescriptor::CPPTYPE_INT32:
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      const long long v = std::strtoll(s, &end, 0);
      if (value.empty() || *end != '\0' || errno != 0) return bad("integer");
      if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT32) {
        if (v < INT32_MIN || v > INT32_MAX) return bad("32-bit signed");
        r->SetInt32(&m, f, static_cast<int32_t>(v));
      } else {
        r->SetInt64(&m, f, v);
      }
      return Status::Ok();
    }
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
    case pb::FieldDescriptor::CPPTYPE_FLOAT: {
      const double v = std::strtod(s, &end);
      if (value.empty() || *end != '\0' || errno != 0 || !std::isfinite(v)) return bad("number");
      if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_DOUBLE)
        r->SetDouble(&m, f, v);
      else
        r->SetFloat(&m, f, static_cast<float>(v));
      return Status::Ok();
    }
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      if (value != "true" && value != "false") return bad("boolean (true / false)");
      r->SetBool(&m, f, value == "true");
      return Status::Ok();
    case pb::FieldDescriptor::CPPTYPE_STRING:
      r->SetString(&m, f, value);
      return Status::Ok();
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const pb::EnumValueDescriptor* e = f->enum_type()->FindValueByName(value);
      if (e == nullptr) return bad(f->enum_type()->name().c_str());
      r->SetEnum(&m, f, e);
      return Status::Ok();
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return InvalidArgument("field '{}' is a message ({}), not a value: name one of its fields ({})",
                         path, f->message_type()->full_name(), FieldList(f->message_type()));
}

// The settings of one point along one axis: (field, value) pairs and the label.
struct AxisValue {
  std::vector<std::pair<std::string, std::string>> sets;
  std::string label;
};

Result<std::vector<AxisValue>> AxisValues(const Axis& a, size_t index) {
  const std::string name = a.name().empty() && a.fields_size() ? a.fields(0) : a.name();
  if (a.fields_size() == 0) return InvalidArgument("axis {} ('{}') names no field", index, name);
  if (a.values_size() > 0 && a.points_size() > 0)
    return InvalidArgument("axis '{}' has both values and points: use one", name);
  if (a.values_size() == 0 && a.points_size() == 0)
    return InvalidArgument("axis '{}' has no values", name);
  for (const std::string& f : a.fields()) {
    if ((f == "num_chips" || f == "board") && a.fields_size() > 1)
      return InvalidArgument("axis '{}': '{}' must be the axis's only field", name, f);
  }
  std::vector<AxisValue> out;
  for (const std::string& v : a.values()) {
    AxisValue av{{}, v};
    for (const std::string& f : a.fields()) av.sets.emplace_back(f, v);
    out.push_back(std::move(av));
  }
  for (int p = 0; p < a.points_size(); ++p) {
    const auto& pt = a.points(p);
    if (pt.values_size() != a.fields_size())
      return InvalidArgument("axis '{}' point {} has {} values for {} fields", name, p,
                             pt.values_size(), a.fields_size());
    AxisValue av;
    for (int k = 0; k < a.fields_size(); ++k) {
      av.sets.emplace_back(a.fields(k), pt.values(k));
      av.label += (k ? "/" : "") + pt.values(k);
    }
    if (!pt.label().empty()) av.label = pt.label();
    out.push_back(std::move(av));
  }
  return out;
}

std::string AxisName(const Axis& a) {
  return a.name().empty() && a.fields_size() ? a.fields(0) : a.name();
}

Status CheckLinks(const BoardConfig& b) {
  std::set<std::pair<uint32_t, uint32_t>> used;
  for (int i = 0; i < b.links_size(); ++i) {
    const auto& l = b.links(i);
    for (auto [chip, port] :
         {std::pair{l.chip_a(), l.port_a()}, std::pair{l.chip_b(), l.port_b()}}) {
      if (chip >= static_cast<uint32_t>(b.chips_size()))
        return InvalidArgument("link {} names chip {}; the board has {}", i, chip, b.chips_size());
      if (port >= b.chips(static_cast<int>(chip)).config().links().count())
        return InvalidArgument("link {} uses port {} of chip {}, which has {} link ports", i, port,
                               chip, b.chips(static_cast<int>(chip)).config().links().count());
      if (!used.insert({chip, port}).second)
        return InvalidArgument("link {} reuses port {} of chip {}", i, port, chip);
    }
  }
  return Status::Ok();
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

Result<Sweep> ParseSweep(const std::string& text, const std::string& origin) {
  Sweep sweep;
  AORTA_RETURN_IF_ERROR(ParseTextFormat(text, origin, &sweep));
  if (sweep.models_size() == 0) return InvalidArgument("{}: the sweep names no model", origin);
  for (int i = 0; i < sweep.models_size(); ++i) {
    const StudyModel& m = sweep.models(i);
    if (m.source_case() == StudyModel::SOURCE_NOT_SET)
      return InvalidArgument("{}: model {} has no source (onnx, scalesim_csv or synthetic)", origin,
                             i);
  }
  std::set<std::string> names;
  for (int i = 0; i < sweep.models_size(); ++i) {
    if (!names.insert(ModelName(sweep.models(i))).second)
      return InvalidArgument("{}: two models are named '{}' (set StudyModel.name)", origin,
                             ModelName(sweep.models(i)));
  }
  names.clear();
  for (int i = 0; i < sweep.axes_size(); ++i) {
    if (!names.insert(AxisName(sweep.axes(i))).second)
      return InvalidArgument("{}: two axes are named '{}'", origin, AxisName(sweep.axes(i)));
  }
  return sweep;
}

Result<Sweep> LoadSweep(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open sweep file {}", path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseSweep(ss.str(), path);
}

std::string ModelName(const StudyModel& m) {
  if (!m.name().empty()) return m.name();
  switch (m.source_case()) {
    case StudyModel::kOnnx:
      return fs::path(m.onnx()).stem().string();
    case StudyModel::kScalesimCsv:
      return fs::path(m.scalesim_csv()).stem().string();
    case StudyModel::kSynthetic:
      return m.synthetic();
    case StudyModel::SOURCE_NOT_SET:
      break;
  }
  return "model";
}

Status SetChipField(ChipConfig& config, const std::string& path, const std::string& value) {
  pb::Message* m = &config;
  size_t pos = 0;
  for (;;) {
    const size_t dot = path.find('.', pos);
    const std::string part = path.substr(pos, dot == std::string::npos ? dot : dot - pos);
    const pb::Descriptor* d = m->GetDescriptor();
    const pb::FieldDescriptor* f = d->FindFieldByName(part);
    if (f == nullptr)
      return InvalidArgument("field '{}': {} has no field '{}' (its fields: {})", path,
                             d->full_name(), part, FieldList(d));
    if (f->is_repeated())
      return InvalidArgument("field '{}': '{}' is a repeated field; a sweep sets single values",
                             path, part);
    if (dot == std::string::npos) return SetScalar(*m, f, value, path);
    if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE)
      return InvalidArgument("field '{}': '{}' of {} is a value, not a message", path, part,
                             d->full_name());
    m = m->GetReflection()->MutableMessage(m, f);
    pos = dot + 1;
  }
}

Result<BoardConfig> RingBoard(const ChipConfig& chip, uint32_t n) {
  if (n == 0) return InvalidArgument("num_chips must be at least 1");
  BoardConfig b;
  b.set_name(fmt::format("{}x{}", n, chip.name().empty() ? "chip" : chip.name()));
  for (uint32_t i = 0; i < n; ++i) {
    auto* c = b.add_chips();
    c->set_name(fmt::format("chip{}", i));
    *c->mutable_config() = chip;
  }
  if (n == 1) return b;
  const uint32_t ports = chip.links().count();
  if (ports < 2)
    return InvalidArgument("{} chips in a chain need 2 link ports per chip; {} has {}", n,
                           chip.name(), ports);
  for (uint32_t i = 0; i + 1 < n; ++i) {
    auto* l = b.add_links();
    l->set_chip_a(i);
    l->set_port_a(1);
    l->set_chip_b(i + 1);
    l->set_port_b(0);
  }
  if (n > 2) {  // close the ring: the last chip's port 1 to the first chip's port 0
    auto* l = b.add_links();
    l->set_chip_a(n - 1);
    l->set_port_a(1);
    l->set_chip_b(0);
    l->set_port_b(0);
  }
  return b;
}

std::string StudyPoint::Label() const {
  std::string s = model_name;
  for (const auto& [k, v] : settings) s += fmt::format(" {}={}", k, v);
  return s;
}

Result<std::vector<StudyPoint>> ExpandSweep(const Sweep& sweep, const std::string& base_dir) {
  // The base board.
  BoardConfig base;
  switch (sweep.base_case()) {
    case Sweep::kChip: {
      const std::string p = Resolve(base_dir, sweep.chip());
      AORTA_ASSIGN_OR_RETURN(ChipConfig c, LoadChipConfig(fs::exists(p) ? p : sweep.chip()));
      AORTA_ASSIGN_OR_RETURN(base, RingBoard(c, 1));
      break;
    }
    case Sweep::kChipConfig: {
      AORTA_RETURN_IF_ERROR(ValidateChipConfig(sweep.chip_config()).WithContext("chip_config"));
      AORTA_ASSIGN_OR_RETURN(base, RingBoard(sweep.chip_config(), 1));
      break;
    }
    case Sweep::kBoard: {
      AORTA_ASSIGN_OR_RETURN(base, LoadBoardConfig(Resolve(base_dir, sweep.board())));
      break;
    }
    case Sweep::BASE_NOT_SET:
      return InvalidArgument("the sweep has no base hardware (chip, chip_config or board)");
  }
  std::vector<std::vector<AxisValue>> axes;
  for (int i = 0; i < sweep.axes_size(); ++i) {
    AORTA_ASSIGN_OR_RETURN(std::vector<AxisValue> v, AxisValues(sweep.axes(i), i));
    axes.push_back(std::move(v));
  }
  size_t combos = 1;
  for (const auto& a : axes) combos *= a.size();

  std::vector<StudyPoint> points;
  for (int mi = 0; mi < sweep.models_size(); ++mi) {
    for (size_t c = 0; c < combos; ++c) {
      StudyPoint pt;
      pt.index = points.size();
      pt.model = static_cast<size_t>(mi);
      pt.model_name = ModelName(sweep.models(mi));
      // Mixed radix, the last axis fastest.
      std::vector<size_t> pick(axes.size());
      size_t rest = c;
      for (size_t a = axes.size(); a-- > 0;) {
        pick[a] = rest % axes[a].size();
        rest /= axes[a].size();
      }
      // Board-level settings first (board, num_chips), then chip fields on every chip.
      BoardConfig board = base;
      uint32_t num_chips = 0;
      for (size_t a = 0; a < axes.size(); ++a) {
        const AxisValue& v = axes[a][pick[a]];
        pt.settings.emplace_back(AxisName(sweep.axes(static_cast<int>(a))), v.label);
        for (const auto& [field, value] : v.sets) {
          if (field == "board") {
            AORTA_ASSIGN_OR_RETURN(board, LoadBoardConfig(Resolve(base_dir, value)));
          } else if (field == "num_chips") {
            char* end = nullptr;
            const unsigned long n = std::strtoul(value.c_str(), &end, 10);
            if (value.empty() || *end != '\0' || n == 0 || n > 64)
              return InvalidArgument("num_chips: '{}' is not a chip count (1 .. 64)", value);
            num_chips = static_cast<uint32_t>(n);
          }
        }
      }
      if (num_chips > 0) {
        // A chain of copies of the board's first chip.
        AORTA_ASSIGN_OR_RETURN(board, RingBoard(board.chips(0).config(), num_chips));
      }
      for (size_t a = 0; a < axes.size(); ++a) {
        for (const auto& [field, value] : axes[a][pick[a]].sets) {
          if (field == "board" || field == "num_chips") continue;
          for (int k = 0; k < board.chips_size(); ++k)
            AORTA_RETURN_IF_ERROR(
                SetChipField(*board.mutable_chips(k)->mutable_config(), field, value)
                    .WithContext(pt.Label()));
        }
      }
      for (int k = 0; k < board.chips_size(); ++k)
        AORTA_RETURN_IF_ERROR(ValidateChipConfig(board.chips(k).config())
                                  .WithContext(fmt::format("{}: chip {}", pt.Label(), k)));
      AORTA_RETURN_IF_ERROR(CheckLinks(board).WithContext(pt.Label()));
      pt.board = std::move(board);
      points.push_back(std::move(pt));
    }
  }
  return points;
}

std::string CsvHeader(const Sweep& sweep) {
  std::string h = "point,model";
  for (const auto& a : sweep.axes()) h += "," + CsvField(AxisName(a));
  h += ",num_chips,array_n,clock_mhz,cycles,latency_us,throughput_per_s,mac_utilization,"
       "useful_utilization,stage_cycles,pipeline_utilization,macs,model_macs,"
       "dram_rd_bytes,dram_wr_bytes,dram_bytes,link_bytes,weight_pinned_bytes,"
       "weight_streamed_bytes,array_busy,ld_busy,ex_busy,st_busy,compile_s,simulate_s,status";
  return h;
}

std::string CsvRow(const StudyPoint& p, const PointResult& r) {
  std::string row = fmt::format("{},{}", p.index, CsvField(p.model_name));
  for (const auto& s : p.settings) row += "," + CsvField(s.second);
  row += fmt::format(",{},{},{}", p.num_chips(), p.chip().array_rows(), p.chip().clock_mhz());
  if (!r.ok) return row + std::string(22, ',') + CsvField("error: " + r.error);
  row += fmt::format(
      ",{},{:.3f},{:.3f},{:.5f},{:.5f},{},{:.5f},{},{},{},{},{},{},{},{},{},{},{},{},{:.3f},{:.3f},"
      "ok",
      r.cycles, r.latency_us, r.throughput_per_s, r.mac_utilization, r.useful_utilization,
      r.stage_cycles, r.pipeline_utilization, r.macs, r.model_macs, r.dram_rd_bytes,
      r.dram_wr_bytes, r.dram_rd_bytes + r.dram_wr_bytes, r.link_bytes, r.weight_pinned_bytes,
      r.weight_streamed_bytes, r.array_busy, r.ld_busy, r.ex_busy, r.st_busy, r.compile_s,
      r.simulate_s);
  return row;
}

Status WriteCsv(const std::string& path, const Sweep& sweep, const std::vector<StudyPoint>& points,
                const std::vector<PointResult>& results) {
  if (points.size() != results.size())
    return InvalidArgument("{} points but {} results", points.size(), results.size());
  std::ofstream out(path);
  if (!out) return InvalidArgument("cannot write {}", path);
  out << CsvHeader(sweep) << "\n";
  for (size_t i = 0; i < points.size(); ++i) out << CsvRow(points[i], results[i]) << "\n";
  out.close();
  if (!out) return InvalidArgument("cannot write {}", path);
  return Status::Ok();
}

const std::vector<Metric>& PlotMetrics() {
  static const std::vector<Metric> m = {
      {"latency_us", "batch-1 latency (us)"},
      {"throughput_per_s", "throughput (inferences/s)"},
      {"mac_utilization", "MAC utilization (issued MACs, padding included)"},
      {"useful_utilization", "useful MAC utilization (model MACs, no padding)"},
      {"pipeline_utilization", "MAC utilization with the pipeline full (model MACs)"},
      {"dram_bytes", "DRAM traffic per inference (MB)"},
      {"link_bytes", "chip-to-chip link traffic per inference (MB)"},
  };
  return m;
}

const Metric kScalingPlot = {"scaling", "throughput / one chip's throughput"};

bool IsNumChipsAxis(const Axis& axis) {
  return axis.fields_size() == 1 && axis.fields(0) == "num_chips";
}

namespace {

double MetricValue(const PointResult& r, const std::string& column) {
  if (column == "latency_us") return r.latency_us;
  if (column == "throughput_per_s") return r.throughput_per_s;
  if (column == "mac_utilization") return r.mac_utilization;
  if (column == "useful_utilization") return r.useful_utilization;
  if (column == "pipeline_utilization") return r.pipeline_utilization;
  if (column == "link_bytes") return static_cast<double>(r.link_bytes) / 1e6;  // MB
  return static_cast<double>(r.dram_rd_bytes + r.dram_wr_bytes) / 1e6;         // dram_bytes, in MB
}

// Text inside a single-quoted gnuplot string (a quote is written twice).
std::string GpQuote(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out;
}

// A number for the x axis: the value itself when numeric, else its position.
bool Numeric(const std::string& s, double* v) {
  char* end = nullptr;
  *v = std::strtod(s.c_str(), &end);
  return !s.empty() && *end == '\0' && std::isfinite(*v);
}

}  // namespace

Result<std::vector<std::string>> WritePlots(const std::string& dir, const Sweep& sweep,
                                            const std::vector<StudyPoint>& points,
                                            const std::vector<PointResult>& results,
                                            const std::string& gnuplot) {
  if (sweep.axes_size() == 0)
    return InvalidArgument("the sweep has no axis to plot against (the CSV has the figures)");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InvalidArgument("cannot create {}: {}", dir, ec.message());
  const std::string x_name = AxisName(sweep.axes(0));
  // The x positions: numeric values of the first axis, or their order when any is not numeric.
  std::vector<std::string> x_labels;
  for (const StudyPoint& p : points)
    if (std::find(x_labels.begin(), x_labels.end(), p.settings[0].second) == x_labels.end())
      x_labels.push_back(p.settings[0].second);
  bool numeric = true;
  for (const std::string& l : x_labels) {
    double v;
    numeric = numeric && Numeric(l, &v);
  }
  // Series: the model and the other axes' values.
  std::map<std::string, std::vector<size_t>> series;
  std::vector<std::string> order, key_of(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    std::string key = points[i].model_name;
    for (size_t a = 1; a < points[i].settings.size(); ++a)
      key += fmt::format(" {}={}", points[i].settings[a].first, points[i].settings[a].second);
    if (!series.count(key)) order.push_back(key);
    series[key].push_back(i);
    key_of[i] = key;
  }
  std::vector<std::string> written;
  // One plot: value(i) of every successful point (std::nullopt: left out), one line per series,
  // `extra` (a gnuplot plot element) after them.
  auto plot = [&](const std::string& column, const std::string& label,
                  const std::function<std::optional<double>(size_t)>& value,
                  const std::string& extra) -> Status {
    const std::string stem = (fs::path(dir) / column).string();
    std::ofstream dat(stem + ".dat");
    size_t blocks = 0;
    std::vector<std::string> titles;
    for (const std::string& key : order) {
      std::string block;
      for (size_t i : series[key]) {
        if (!results[i].ok) continue;
        const std::optional<double> y = value(i);
        if (!y) continue;
        const std::string& xl = points[i].settings[0].second;
        double x = 0;
        if (!numeric || !Numeric(xl, &x))
          x = static_cast<double>(std::find(x_labels.begin(), x_labels.end(), xl) -
                                  x_labels.begin());
        block += fmt::format("{} {:.6g} \"{}\"\n", x, *y, xl);
      }
      if (block.empty()) continue;
      dat << "# " << key << "\n" << block << "\n\n";
      titles.push_back(key);
      ++blocks;
    }
    dat.close();
    if (!dat) return InvalidArgument("cannot write {}.dat", stem);
    if (blocks == 0) return Status::Ok();  // no point succeeded
    std::ofstream gp(stem + ".gp");
    gp << "set terminal pngcairo size 900,560 noenhanced font ',11'\n"
       << fmt::format("set output '{}.png'\n", GpQuote(stem))
       << fmt::format("set title '{}: {} vs {}'\n",
                      GpQuote(sweep.name().empty() ? "study" : sweep.name()), GpQuote(label),
                      GpQuote(x_name))
       << fmt::format("set xlabel '{}'\nset ylabel '{}'\n", GpQuote(x_name), GpQuote(label))
       << "set grid\nset key outside right top\nset yrange [0:*]\n";
    if (numeric && sweep.log_x()) gp << "set logscale x 2\n";
    if (numeric) gp << "set offsets graph 0.04, graph 0.04, 0, 0\n";  // keep end labels inside
    if (!numeric) gp << "set xtics rotate by -30\nset offsets 0.3, 0.3, 0, 0\n";
    gp << "plot ";
    for (size_t b = 0; b < blocks; ++b) {
      gp << (b ? ", \\\n     " : "")
         << fmt::format("'{}.dat' index {} using 1:2:xtic(3) with linespoints lw 2 pt 7 title '{}'",
                        GpQuote(stem), b, GpQuote(titles[b]));
    }
    if (!extra.empty()) gp << ", \\\n     " << extra;
    gp << "\n";
    gp.close();
    if (!gp) return InvalidArgument("cannot write {}.gp", stem);
    const std::string cmd = fmt::format("'{}' '{}.gp' 2>&1", gnuplot, stem);
    std::string out;
    if (FILE* f = popen(cmd.c_str(), "r")) {
      char buf[512];
      while (size_t n = fread(buf, 1, sizeof buf, f)) out.append(buf, n);
      const int rc = pclose(f);
      if (rc != 0)
        return InvalidArgument("{} failed (exit status {}): {}", cmd, rc,
                               out.empty() ? "no output" : out);
    } else {
      return InvalidArgument("cannot run {}", cmd);
    }
    std::error_code size_ec;
    if (fs::file_size(stem + ".png", size_ec) == 0 || size_ec)
      return InvalidArgument("{} wrote no {}.png: {}", cmd, stem, out);
    written.push_back(stem + ".png");
    return Status::Ok();
  };
  for (const Metric& m : PlotMetrics()) {
    AORTA_RETURN_IF_ERROR(plot(
        m.column, m.label,
        [&](size_t i) -> std::optional<double> { return MetricValue(results[i], m.column); }, ""));
  }
  // Against num_chips: each series' throughput over its one-chip point's, beside y = x (linear
  // scaling); above the line is super-linear.
  if (IsNumChipsAxis(sweep.axes(0))) {
    std::map<std::string, double> one_chip;
    for (size_t i = 0; i < points.size(); ++i)
      if (results[i].ok && points[i].num_chips() == 1 && results[i].throughput_per_s > 0)
        one_chip[key_of[i]] = results[i].throughput_per_s;
    AORTA_RETURN_IF_ERROR(plot(
        kScalingPlot.column, kScalingPlot.label,
        [&](size_t i) -> std::optional<double> {
          auto base = one_chip.find(key_of[i]);
          if (base == one_chip.end()) return std::nullopt;
          return results[i].throughput_per_s / base->second;
        },
        "x with lines dt 2 lw 2 lc rgb 'gray40' title 'linear: chips x one chip'"));
  }
  return written;
}

}  // namespace aorta::study
