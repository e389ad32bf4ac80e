#include "models/demo/demo_program.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <variant>

#include "aorta/regs_gen.h"
#include "core/isa/isa.h"

namespace aorta::demo {

uint64_t SplitMix64::Next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

double SplitMix64::Uniform(double lo, double hi) {
  return lo + (hi - lo) * static_cast<double>(Next() >> 11) * 0x1.0p-53;
}

namespace {

// ---- The float model ----------------------------------------------------------------------

// Stride-1 "same" convolution of a CHW image of h x w pixels (zero padding).
std::vector<double> Conv(const ConvWeights& l, const std::vector<double>& x, int64_t h, int64_t w) {
  std::vector<double> y(static_cast<size_t>(l.out_c * h * w));
  for (int64_t oc = 0; oc < l.out_c; ++oc) {
    for (int64_t oy = 0; oy < h; ++oy) {
      for (int64_t ox = 0; ox < w; ++ox) {
        double s = l.b[static_cast<size_t>(oc)];
        for (int64_t ic = 0; ic < l.in_c; ++ic) {
          const int64_t xc = l.depthwise ? oc : ic;
          for (int64_t ky = 0; ky < l.k; ++ky) {
            const int64_t iy = oy + ky - l.pad;
            if (iy < 0 || iy >= h) continue;
            for (int64_t kx = 0; kx < l.k; ++kx) {
              const int64_t ix = ox + kx - l.pad;
              if (ix < 0 || ix >= w) continue;
              s += l.w[static_cast<size_t>(((oc * l.in_c + ic) * l.k + ky) * l.k + kx)] *
                   x[static_cast<size_t>((xc * h + iy) * w + ix)];
            }
          }
        }
        y[static_cast<size_t>((oc * h + oy) * w + ox)] = s;
      }
    }
  }
  return y;
}

std::vector<double> Clamp(std::vector<double> v, double lo, double hi) {
  for (double& x : v) x = std::clamp(x, lo, hi);
  return v;
}

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

FloatActivations RunFloatModel(const DemoWeights& w, const std::vector<double>& input) {
  FloatActivations a;
  a.input = input;
  a.conv1 = Clamp(Conv(w.conv1, input, kInH, kInW), 0, kInf);
  a.pool1.resize(static_cast<size_t>(kC1 * kPoolH * kPoolW));
  for (int64_t c = 0; c < kC1; ++c)
    for (int64_t y = 0; y < kPoolH; ++y)
      for (int64_t x = 0; x < kPoolW; ++x) {
        double m = -kInf;
        for (int64_t dy = 0; dy < 2; ++dy)
          for (int64_t dx = 0; dx < 2; ++dx)
            m = std::max(m,
                         a.conv1[static_cast<size_t>((c * kInH + 2 * y + dy) * kInW + 2 * x + dx)]);
        a.pool1[static_cast<size_t>((c * kPoolH + y) * kPoolW + x)] = m;
      }
  a.conv2 = Clamp(Conv(w.conv2, a.pool1, kPoolH, kPoolW), 0, kInf);
  a.dwconv3 = Clamp(Conv(w.dwconv3, a.conv2, kPoolH, kPoolW), 0, 6);
  a.add4.resize(a.conv2.size());
  for (size_t i = 0; i < a.add4.size(); ++i) a.add4[i] = a.dwconv3[i] + a.conv2[i];
  a.gap5.assign(static_cast<size_t>(kC2), 0);
  for (int64_t c = 0; c < kC2; ++c) {
    double s = 0;
    for (int64_t i = 0; i < kPoolH * kPoolW; ++i) s += a.add4[static_cast<size_t>(c * 64 + i)];
    a.gap5[static_cast<size_t>(c)] = s / static_cast<double>(kPoolH * kPoolW);
  }
  a.fc6 = Conv(w.fc6, a.gap5, 1, 1);
  return a;
}

Result<Multiplier> QuantizeMultiplier(double real) {
  if (!(real > 0) || real >= 0x1.0p30)
    return InvalidArgument("requantization ratio {} is outside (0, 2^30)", real);
  int e = 0;
  const double f = std::frexp(real, &e);  // real = f * 2^e, f in [0.5, 1)
  int64_t m = std::llround(f * 0x1.0p31);
  if (m == (int64_t{1} << 31)) {
    m >>= 1;
    ++e;
  }
  int32_t s = -e;
  if (s < intmath::kMinShift)
    return InvalidArgument("requantization ratio {} needs shift {} < {}", real, s,
                           intmath::kMinShift);
  if (s > intmath::kMaxShift) {  // a tiny ratio: give up mantissa bits
    const int32_t extra = s - intmath::kMaxShift;
    m = extra > 62 ? 0 : intmath::RoundShift(m, static_cast<unsigned>(extra));
    s = intmath::kMaxShift;
  }
  return Multiplier{static_cast<int32_t>(m), s};
}

namespace {

// ---- Quantization ---------------------------------------------------------------------------

ActQuant Calibrate(const std::vector<double>& v) {
  double lo = 0, hi = 0;
  for (double x : v) {
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  ActQuant q;
  q.scale = hi > lo ? static_cast<double>(static_cast<float>((hi - lo) / 255.0)) : 1.0;
  q.zero_point =
      static_cast<int32_t>(std::clamp<long>(std::lround(-128.0 - lo / q.scale), -128, 127));
  return q;
}

Result<QuantConv> QuantizeConv(const ConvWeights& l, ActQuant in, ActQuant out, int32_t lo,
                               int32_t hi) {
  QuantConv q;
  const size_t per = static_cast<size_t>(l.in_c * l.k * l.k);
  q.w.resize(l.w.size());
  for (int64_t oc = 0; oc < l.out_c; ++oc) {
    const size_t base = static_cast<size_t>(oc) * per;
    double max_abs = 0;
    for (size_t i = 0; i < per; ++i) max_abs = std::max(max_abs, std::abs(l.w[base + i]));
    const double ws = max_abs > 0 ? max_abs / 127.0 : 1.0;
    for (size_t i = 0; i < per; ++i)
      q.w[base + i] =
          static_cast<int8_t>(std::clamp<long>(std::lround(l.w[base + i] / ws), -127, 127));
    const double bias = std::round(l.b[static_cast<size_t>(oc)] / (in.scale * ws));
    if (std::abs(bias) > 0x1.0p30) return InvalidArgument("bias of channel {} overflows", oc);
    AORTA_ASSIGN_OR_RETURN(Multiplier m, QuantizeMultiplier(in.scale * ws / out.scale));
    q.w_scale.push_back(ws);
    q.bias.push_back(static_cast<int32_t>(bias));
    q.mult.push_back(m.mult);
    q.shift.push_back(m.shift);
  }
  q.lo = lo;
  q.hi = hi;
  return q;
}

// ratio = m / 2^shift with m < 2^31 and the largest shift <= max_shift that keeps m < 2^30.
Result<std::pair<int64_t, int32_t>> FixedRatio(double ratio, int32_t max_shift) {
  int e = 0;
  std::frexp(ratio, &e);
  const int32_t shift = std::clamp(30 - e, 0, max_shift);
  const int64_t m = std::llround(std::ldexp(ratio, shift));
  if (m <= 0 || m >= (int64_t{1} << 31))
    return InvalidArgument("scale ratio {} does not fit a 31-bit multiplier", ratio);
  return std::pair<int64_t, int32_t>{m, shift};
}

Result<intmath::EltwiseParams> QuantizeAdd(ActQuant a, ActQuant b, ActQuant out) {
  const double ra = a.scale / out.scale, rb = b.scale / out.scale;
  AORTA_ASSIGN_OR_RETURN(auto big, FixedRatio(std::max(ra, rb), 62));
  intmath::EltwiseParams p;
  p.shift = big.second;
  p.ma = static_cast<int32_t>(std::llround(std::ldexp(ra, p.shift)));
  p.mb = static_cast<int32_t>(std::llround(std::ldexp(rb, p.shift)));
  p.za = a.zero_point;
  p.zb = b.zero_point;
  p.zo = out.zero_point;
  return p;
}

Result<intmath::AvgPoolParams> QuantizeAvg(ActQuant in, ActQuant out) {
  AORTA_ASSIGN_OR_RETURN(auto r, FixedRatio(in.scale / out.scale, 40));
  intmath::AvgPoolParams p;
  p.m = static_cast<int32_t>(r.first);
  p.shift = r.second;
  p.zi = in.zero_point;
  p.zo = out.zero_point;
  return p;
}

Result<QuantModel> Quantize(const DemoWeights& w, const FloatActivations& a) {
  QuantModel q;
  q.act_input = Calibrate(a.input);
  q.act_conv1 = Calibrate(a.conv1);
  q.act_conv2 = Calibrate(a.conv2);
  q.act_dwconv3 = Calibrate(a.dwconv3);
  q.act_add4 = Calibrate(a.add4);
  q.act_gap5 = Calibrate(a.gap5);
  q.act_fc6 = Calibrate(a.fc6);
  // ReLU: clamp at the quantized 0 (the zero point); ReLU6 also at the quantized 6.
  const ActQuant& d = q.act_dwconv3;
  const auto relu6_hi =
      static_cast<int32_t>(std::min<long>(127, d.zero_point + std::lround(6.0 / d.scale)));
  AORTA_ASSIGN_OR_RETURN(
      q.conv1, QuantizeConv(w.conv1, q.act_input, q.act_conv1, q.act_conv1.zero_point, 127));
  AORTA_ASSIGN_OR_RETURN(
      q.conv2, QuantizeConv(w.conv2, q.act_conv1, q.act_conv2, q.act_conv2.zero_point, 127));
  AORTA_ASSIGN_OR_RETURN(q.dwconv3,
                         QuantizeConv(w.dwconv3, q.act_conv2, d, d.zero_point, relu6_hi));
  AORTA_ASSIGN_OR_RETURN(q.fc6, QuantizeConv(w.fc6, q.act_gap5, q.act_fc6, -128, 127));
  AORTA_ASSIGN_OR_RETURN(q.add4, QuantizeAdd(q.act_dwconv3, q.act_conv2, q.act_add4));
  AORTA_ASSIGN_OR_RETURN(q.gap5, QuantizeAvg(q.act_add4, q.act_gap5));
  return q;
}

ConvWeights RandomConv(SplitMix64& rng, int64_t out_c, int64_t in_c, int64_t k, bool depthwise,
                       double gain) {
  ConvWeights l;
  l.out_c = out_c;
  l.in_c = in_c;
  l.k = k;
  l.pad = k / 2;
  l.depthwise = depthwise;
  const double a = gain * std::sqrt(6.0 / static_cast<double>(in_c * k * k));
  l.w.resize(static_cast<size_t>(out_c * in_c * k * k));
  for (double& x : l.w) x = rng.Uniform(-a, a);
  l.b.resize(static_cast<size_t>(out_c));
  for (double& x : l.b) x = rng.Uniform(-0.1, 0.1);
  return l;
}

// ---- Code generation ------------------------------------------------------------------------

// The BUFFER_CONSTANT image: WB rows (N int8) followed by PARAM rows (N int32, little-endian).
class Constants {
 public:
  explicit Constants(uint32_t n) : n_(n) {}
  uint32_t wb_rows() const { return static_cast<uint32_t>(wb_.size() / n_); }
  uint32_t param_rows() const { return static_cast<uint32_t>(param_.size() / n_); }
  // Appends `rows` zero rows; returns the first.
  uint32_t AddWb(uint32_t rows) {
    uint32_t first = wb_rows();
    wb_.resize(wb_.size() + size_t{rows} * n_, 0);
    return first;
  }
  uint32_t AddParam(uint32_t rows) {
    uint32_t first = param_rows();
    param_.resize(param_.size() + size_t{rows} * n_, 0);
    return first;
  }
  int8_t& Wb(uint32_t row, uint32_t lane) { return wb_[size_t{row} * n_ + lane]; }
  int32_t& Param(uint32_t row, uint32_t lane) { return param_[size_t{row} * n_ + lane]; }
  std::string Bytes() const {
    std::string out(wb_.size() + 4 * param_.size(), '\0');
    std::memcpy(out.data(), wb_.data(), wb_.size());
    for (size_t i = 0; i < param_.size(); ++i) {  // little-endian int32
      auto u = static_cast<uint32_t>(param_[i]);
      for (size_t b = 0; b < 4; ++b)
        out[wb_.size() + 4 * i + b] = static_cast<char>((u >> (8 * b)) & 0xff);
    }
    return out;
  }

 private:
  uint32_t n_;
  std::vector<int8_t> wb_;
  std::vector<int32_t> param_;
};

uint32_t Blocks(int64_t c, uint32_t n) { return static_cast<uint32_t>((c + n - 1) / n); }

// Weight tiles of a (non-depthwise) convolution: tile (ob, tap, ib) at
// first + ((ob * k*k + tap) * in_blocks + ib) * N; its row k, lane n holds
// W[ob*N + n][ib*N + k][tap] (zero outside the layer's channels).
uint32_t PackTiles(Constants& c, const ConvWeights& l, const QuantConv& q, uint32_t n) {
  const uint32_t ob_n = Blocks(l.out_c, n), ib_n = Blocks(l.in_c, n);
  const auto taps = static_cast<uint32_t>(l.k * l.k);
  const uint32_t first = c.AddWb(ob_n * taps * ib_n * n);
  for (int64_t oc = 0; oc < l.out_c; ++oc)
    for (int64_t ic = 0; ic < l.in_c; ++ic)
      for (uint32_t tap = 0; tap < taps; ++tap) {
        const uint32_t ob = static_cast<uint32_t>(oc) / n, ib = static_cast<uint32_t>(ic) / n;
        const uint32_t row =
            first + ((ob * taps + tap) * ib_n + ib) * n + static_cast<uint32_t>(ic) % n;
        c.Wb(row, static_cast<uint32_t>(oc) % n) =
            q.w[static_cast<size_t>((oc * l.in_c + ic) * taps + tap)];
      }
  return first;
}

// Depthwise taps: row first + b * k*k + tap, lane n holds channel b*N + n's weight.
uint32_t PackDepthwise(Constants& c, const ConvWeights& l, const QuantConv& q, uint32_t n) {
  const auto taps = static_cast<uint32_t>(l.k * l.k);
  const uint32_t first = c.AddWb(Blocks(l.out_c, n) * taps);
  for (int64_t ch = 0; ch < l.out_c; ++ch)
    for (uint32_t tap = 0; tap < taps; ++tap)
      c.Wb(first + static_cast<uint32_t>(ch) / n * taps + tap, static_cast<uint32_t>(ch) % n) =
          q.w[static_cast<size_t>(ch) * taps + tap];
  return first;
}

// POSTPROC parameters per output block b: rows first + 3b + {0: bias, 1: multiplier, 2: shift}.
// The device reads the input zero point as padding, so the bias absorbs -z_in * sum(w).
Result<uint32_t> PackPostproc(Constants& c, const ConvWeights& l, const QuantConv& q, int32_t in_zp,
                              uint32_t n) {
  const uint32_t first = c.AddParam(3 * Blocks(l.out_c, n));
  const size_t per = static_cast<size_t>(l.in_c * l.k * l.k);
  for (int64_t oc = 0; oc < l.out_c; ++oc) {
    const auto o = static_cast<size_t>(oc);
    int64_t sum = 0;
    for (size_t i = 0; i < per; ++i) sum += q.w[o * per + i];
    const int64_t bias = int64_t{q.bias[o]} - int64_t{in_zp} * sum;
    if (bias < INT32_MIN || bias > INT32_MAX)
      return InvalidArgument("folded bias of channel {} overflows int32", oc);
    const uint32_t row = first + 3 * (static_cast<uint32_t>(oc) / n),
                   lane = static_cast<uint32_t>(oc) % n;
    c.Param(row, lane) = static_cast<int32_t>(bias);
    c.Param(row + 1, lane) = q.mult[o];
    c.Param(row + 2, lane) = q.shift[o];
  }
  return first;
}

// Buffer slots of the program.
constexpr uint32_t kSlotInput = 0, kSlotConst = 1, kSlotOutput = 2, kSlotPerf = 3;

class RunStream {
 public:
  explicit RunStream(uint32_t n) : n_(n) {}
  std::vector<isa::Insn> insns;

  void Add(isa::Insn i) { insns.push_back(std::move(i)); }

  // A stride-1 "same" convolution over an h x w image by MATMUL passes: for each output block,
  // one pass per (kernel tap, input block) accumulating into ACC rows 0.., then POSTPROC into
  // the output planes.
  void MatmulConv(const ConvWeights& l, uint32_t in_addr, uint32_t out_addr, uint32_t h, uint32_t w,
                  uint32_t wb, uint32_t param, int32_t in_zp, const ActQuant& out,
                  const QuantConv& q) {
    const uint32_t ob_n = Blocks(l.out_c, n_), ib_n = Blocks(l.in_c, n_);
    const auto k = static_cast<uint32_t>(l.k);
    const uint32_t plane = h * w;
    for (uint32_t ob = 0; ob < ob_n; ++ob) {
      for (uint32_t tap = 0; tap < k * k; ++tap) {
        for (uint32_t ib = 0; ib < ib_n; ++ib) {
          const bool bank = (bank_++ & 1) != 0;
          Add(isa::Loadw{
              .deps = {}, .bank = bank, .wb_addr = wb + ((ob * k * k + tap) * ib_n + ib) * n_});
          isa::Matmul m;
          m.bank = bank;
          m.accumulate = tap != 0 || ib != 0;
          m.act_addr = in_addr + ib * plane;
          m.in_h = m.out_h = h;
          m.in_w = m.out_w = w;
          m.y_off = static_cast<int32_t>(tap / k) - static_cast<int32_t>(l.pad);
          m.x_off = static_cast<int32_t>(tap % k) - static_cast<int32_t>(l.pad);
          m.pad_value = in_zp;
          m.acc_addr = 0;
          Add(m);
        }
      }
      Postproc(out_addr + ob * plane, plane, param + 3 * ob, out, q);
    }
  }

  void Postproc(uint32_t ub_addr, uint32_t rows, uint32_t param, const ActQuant& out,
                const QuantConv& q) {
    isa::Postproc p;
    p.acc_addr = 0;
    p.ub_addr = ub_addr;
    p.rows = rows;
    p.param_addr = param;
    p.out_zp = out.zero_point;
    p.lo = q.lo;
    p.hi = q.hi;
    Add(p);
  }

 private:
  uint32_t n_;
  uint32_t bank_ = 0;
};

void SetDeps(isa::Insn& i, bool pop_prev, bool push_next) {
  isa::Deps& d = isa::MutableDepsOf(i);
  d.pop_prev |= pop_prev;
  d.push_next |= push_next;
}

}  // namespace

Result<DemoModel> BuildDemoModel(const ChipConfig& chip, uint32_t seed) {
  AORTA_RETURN_IF_ERROR(ValidateChipConfig(chip));
  const ChipGeometry g = GeometryOf(chip);
  const uint32_t n = g.n;
  if (n < 8)
    return Unsupported("the demo program needs an array of at least 8x8 (chip '{}' is {}x{})",
                       chip.name(), n, n);

  DemoModel dm;
  // Weights, then the input, from one SplitMix64 stream.
  SplitMix64 rng(seed);
  dm.weights.conv1 = RandomConv(rng, kC1, kInC, 3, false, 1.0);
  dm.weights.conv2 = RandomConv(rng, kC2, kC1, 1, false, 1.0);
  dm.weights.dwconv3 = RandomConv(rng, kC2, 1, 3, true, 3.0);
  dm.weights.fc6 = RandomConv(rng, kClasses, kC2, 1, false, 1.0);
  std::vector<float> input(static_cast<size_t>(kInC * kInH * kInW));
  for (float& x : input) x = static_cast<float>(rng.Uniform(-0.5, 1.0));
  dm.input = Tensor::FromVector<float>({1, kInC, kInH, kInW}, input);
  dm.reference = RunFloatModel(dm.weights, std::vector<double>(input.begin(), input.end()));
  AORTA_ASSIGN_OR_RETURN(dm.quant, Quantize(dm.weights, dm.reference));
  const DemoWeights& w = dm.weights;
  const QuantModel& q = dm.quant;

  // Constants: weights and per-channel parameters, then the two op records.
  Constants k(n);
  const uint32_t wb_conv1 = PackTiles(k, w.conv1, q.conv1, n);
  const uint32_t wb_conv2 = PackTiles(k, w.conv2, q.conv2, n);
  const uint32_t wb_dw3 = PackDepthwise(k, w.dwconv3, q.dwconv3, n);
  const uint32_t wb_fc6 = PackTiles(k, w.fc6, q.fc6, n);
  AORTA_ASSIGN_OR_RETURN(uint32_t p_conv1,
                         PackPostproc(k, w.conv1, q.conv1, q.act_input.zero_point, n));
  AORTA_ASSIGN_OR_RETURN(uint32_t p_conv2,
                         PackPostproc(k, w.conv2, q.conv2, q.act_conv1.zero_point, n));
  AORTA_ASSIGN_OR_RETURN(uint32_t p_dw3,
                         PackPostproc(k, w.dwconv3, q.dwconv3, q.act_conv2.zero_point, n));
  AORTA_ASSIGN_OR_RETURN(uint32_t p_fc6, PackPostproc(k, w.fc6, q.fc6, q.act_gap5.zero_point, n));
  const uint32_t p_add4 = k.AddParam(1);  // 8 lanes: ma, mb, shift, za, zb, zo, lo, hi
  for (uint32_t i = 0; const int32_t v : {q.add4.ma, q.add4.mb, q.add4.shift, q.add4.za, q.add4.zb,
                                          q.add4.zo, q.add4.lo, q.add4.hi})
    k.Param(p_add4, i++) = v;
  const uint32_t p_gap5 = k.AddParam(1);  // 6 lanes: m, shift, zi, zo, lo, hi
  for (uint32_t i = 0;
       const int32_t v : {q.gap5.m, q.gap5.shift, q.gap5.zi, q.gap5.zo, q.gap5.lo, q.gap5.hi})
    k.Param(p_gap5, i++) = v;

  // Unified buffer: every tensor in its own region, planes of H*W rows.
  const uint32_t b_in = Blocks(kInC, n), b1 = Blocks(kC1, n), b2 = Blocks(kC2, n),
                 b_out = Blocks(kClasses, n);
  const uint32_t big = kInH * kInW, small = kPoolH * kPoolW;
  const uint32_t u_in = 0;
  const uint32_t u_conv1 = u_in + b_in * big;
  const uint32_t u_pool1 = u_conv1 + b1 * big;
  const uint32_t u_conv2 = u_pool1 + b1 * small;
  const uint32_t u_dw3 = u_conv2 + b2 * small;
  const uint32_t u_add4 = u_dw3 + b2 * small;
  const uint32_t u_gap5 = u_add4 + b2 * small;
  const uint32_t u_fc6 = u_gap5 + b2;
  const uint32_t ub_rows = u_fc6 + b_out;
  if (ub_rows > g.ub_rows || k.wb_rows() > g.wb_rows || k.param_rows() > g.param_rows ||
      big > g.acc_rows)
    return Unsupported(
        "chip '{}' is too small for the demo: it needs {} UB, {} WB, {} PARAM and {} ACC rows "
        "(has {}, {}, {}, {})",
        chip.name(), ub_rows, k.wb_rows(), k.param_rows(), big, g.ub_rows, g.wb_rows, g.param_rows,
        g.acc_rows);

  Program& p = dm.program;
  struct Layer {
    const char* name;
    const char* op;
    uint64_t macs;
  };
  // Logical MACs: multiply-accumulates of the layer's definition (pooling and the residual add
  // have none).
  const std::vector<Layer> layers = {
      {"conv1", "Conv+Relu", kC1 * kInC * 9 * kInH * kInW},
      {"pool1", "MaxPool", 0},
      {"conv2", "Conv+Relu", kC2 * kC1 * kPoolH * kPoolW},
      {"dwconv3", "DWConv+Relu6", kC2 * 9 * kPoolH * kPoolW},
      {"add4", "Add", 0},
      {"gap5", "GlobalAvgPool", 0},
      {"fc6", "Gemm", kClasses * kC2},
  };
  uint32_t tag = 0;
  RunStream rs(n);
  auto perf = [&] {
    rs.Add(isa::Perf{.deps = {},
                     .slot = kSlotPerf,
                     .ext_offset = uint64_t{tag} * regs::kSnapshotBytes,
                     .tag = tag});
    program::LayerInfo* li = p.add_layers();
    li->set_name(layers[tag].name);
    li->set_op_type(layers[tag].op);
    li->set_macs(layers[tag].macs);
    li->set_chip(0);
    li->set_perf_tag(tag);
    ++tag;
  };

  isa::DmaLoad load_in;
  load_in.slot = kSlotInput;
  load_in.mem = isa::Mem::kUb;
  load_in.ext_stride = n;
  load_in.chip_addr = u_in;
  load_in.rows = b_in * big;
  load_in.row_bytes = n;
  load_in.deps.push_next = true;
  rs.Add(load_in);
  const size_t first_ex = rs.insns.size();

  rs.MatmulConv(w.conv1, u_in, u_conv1, kInH, kInW, wb_conv1, p_conv1, q.act_input.zero_point,
                q.act_conv1, q.conv1);
  perf();
  for (uint32_t b = 0; b < b1; ++b) {
    isa::Pool pool;
    pool.op = isa::PoolOp::kMax;
    pool.in_addr = u_conv1 + b * big;
    pool.out_addr = u_pool1 + b * small;
    pool.in_h = kInH;
    pool.in_w = kInW;
    pool.out_h = kPoolH;
    pool.out_w = kPoolW;
    pool.k_h = pool.k_w = 2;
    pool.stride_h = pool.stride_w = 2;
    rs.Add(pool);
  }
  perf();
  rs.MatmulConv(w.conv2, u_pool1, u_conv2, kPoolH, kPoolW, wb_conv2, p_conv2,
                q.act_conv1.zero_point, q.act_conv2, q.conv2);
  perf();
  for (uint32_t b = 0; b < b2; ++b) {
    isa::Dwconv d;
    d.act_addr = u_conv2 + b * small;
    d.in_h = d.out_h = kPoolH;
    d.in_w = d.out_w = kPoolW;
    d.k_h = d.k_w = 3;
    d.y_off = d.x_off = -1;
    d.pad_value = q.act_conv2.zero_point;
    d.wb_addr = wb_dw3 + b * 9;
    d.acc_addr = 0;
    rs.Add(d);
    rs.Postproc(u_dw3 + b * small, small, p_dw3 + 3 * b, q.act_dwconv3, q.dwconv3);
  }
  perf();
  isa::VecEltwise add;
  add.op = isa::EltOp::kAdd;
  add.b_src = isa::BSrc::kUbRows;
  add.a_addr = u_dw3;
  add.b_addr = u_conv2;
  add.out_addr = u_add4;
  add.rows = b2 * small;
  add.param_addr = p_add4;
  rs.Add(add);
  perf();
  for (uint32_t b = 0; b < b2; ++b) {
    isa::Pool gap;
    gap.op = isa::PoolOp::kAvg;
    gap.in_addr = u_add4 + b * small;
    gap.out_addr = u_gap5 + b;
    gap.in_h = gap.k_h = kPoolH;
    gap.in_w = gap.k_w = kPoolW;
    gap.param_addr = p_gap5;
    rs.Add(gap);
  }
  perf();
  rs.MatmulConv(w.fc6, u_gap5, u_fc6, 1, 1, wb_fc6, p_fc6, q.act_gap5.zero_point, q.act_fc6, q.fc6);
  // The first EX instruction waits for the input load; the store waits for the last one.
  SetDeps(rs.insns[first_ex], true, false);
  SetDeps(rs.insns.back(), false, true);
  isa::DmaStore store;
  store.slot = kSlotOutput;
  store.mem = isa::Mem::kUb;
  store.ext_stride = n;
  store.chip_addr = u_fc6;
  store.rows = b_out;
  store.row_bytes = n;
  store.deps.pop_prev = true;
  rs.Add(store);
  perf();
  rs.Add(isa::Halt{});

  // Init stream: pin weights and parameters.
  isa::DmaLoad load_wb;
  load_wb.slot = kSlotConst;
  load_wb.mem = isa::Mem::kWb;
  load_wb.ext_stride = n;
  load_wb.rows = k.wb_rows();
  load_wb.row_bytes = n;
  isa::DmaLoad load_param;
  load_param.slot = kSlotConst;
  load_param.mem = isa::Mem::kParam;
  load_param.ext_offset = uint64_t{k.wb_rows()} * n;
  load_param.ext_stride = 4 * n;
  load_param.rows = k.param_rows();
  load_param.row_bytes = 4 * n;

  p.set_isa_version_major(isa::kVersionMajor);
  p.set_isa_version_minor(isa::kVersionMinor);
  p.set_producer("aorta models/demo (hand-compiled)");
  p.set_model_name(kModelName);
  p.set_board_fingerprint(Fingerprint(chip));
  (*p.mutable_metadata())["demo.seed"] = std::to_string(seed);
  (*p.mutable_metadata())["demo.description"] =
      "conv3x3+relu, maxpool, conv1x1+relu, dwconv3x3+relu6, residual add, global avgpool, fc";
  program::ChipProgram* c = p.add_chips();
  c->set_chip(0);
  c->set_config_fingerprint(Fingerprint(chip));
  *c->mutable_config() = chip;
  AORTA_ASSIGN_OR_RETURN(std::string init, isa::EncodeStreamString(std::vector<isa::Insn>{
                                               load_wb, load_param, isa::Halt{}}));
  c->set_init_stream(init);
  AORTA_ASSIGN_OR_RETURN(std::string run, isa::EncodeStreamString(rs.insns));
  c->add_run_segments(run);
  AddBuffer(c, "input", program::BUFFER_INPUT, program::LOCATION_HOST, kSlotInput,
            uint64_t{b_in} * big * n);
  AddBuffer(c, "constants", program::BUFFER_CONSTANT, program::LOCATION_DRAM, kSlotConst, 0);
  std::string consts = k.Bytes();
  c->mutable_buffers(1)->set_size(consts.size());
  c->mutable_buffers(1)->set_data(std::move(consts));
  AddBuffer(c, "output", program::BUFFER_OUTPUT, program::LOCATION_HOST, kSlotOutput,
            uint64_t{b_out} * n);
  AddBuffer(c, "perf", program::BUFFER_PERF, program::LOCATION_HOST, kSlotPerf,
            uint64_t{tag} * regs::kSnapshotBytes);
  *p.add_inputs() = Int8BlockedBinding(kInputName, std::vector<int64_t>{1, kInC, kInH, kInW},
                                       q.act_input.scale, q.act_input.zero_point, "input");
  *p.add_outputs() = Int8BlockedBinding(kOutputName, std::vector<int64_t>{1, kClasses},
                                        q.act_fc6.scale, q.act_fc6.zero_point, "output");
  AORTA_RETURN_IF_ERROR(ValidateProgram(p).WithContext("demo program"));
  return dm;
}

}  // namespace aorta::demo
