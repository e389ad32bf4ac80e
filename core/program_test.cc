#include "core/program.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

#include "aorta/regs_gen.h"
#include "core/isa/isa.h"
#include "core/testing/test_programs.h"

namespace aorta {
namespace {

using program::Buffer;
using program::TensorBinding;

using testing::Stream;

Program MakeProgram() { return testing::CopyProgram(*LoadChipConfig("tiny")); }

std::vector<uint8_t> Bytes(const Program& p) {
  Result<std::vector<uint8_t>> b = SerializeProgram(p);
  EXPECT_TRUE(b.ok());
  return *b;
}

TEST(Program, RoundTripsThroughTheContainer) {
  Program p = MakeProgram();
  ASSERT_TRUE(ValidateProgram(p).ok()) << ValidateProgram(p).ToString();
  std::vector<uint8_t> bytes = Bytes(p);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 8), "AORTAPRG");
  Result<Program> back = ParseProgram(bytes, "mem");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->SerializeAsString(), p.SerializeAsString());
  // Deterministic: the same program gives the same bytes.
  EXPECT_EQ(Bytes(*back), bytes);
}

TEST(Program, RefusesTruncatedCorruptAndForeignFiles) {
  std::vector<uint8_t> bytes = Bytes(MakeProgram());
  for (size_t cut : {size_t{0}, size_t{10}, size_t{31}, bytes.size() / 2, bytes.size() - 1}) {
    std::vector<uint8_t> t(bytes.begin(), bytes.begin() + static_cast<long>(cut));
    Result<Program> r = ParseProgram(t, "cut.aprog");
    ASSERT_FALSE(r.ok()) << cut;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
    EXPECT_NE(r.status().message().find("cut.aprog"), std::string::npos);
  }
  // Every single flipped body byte is caught by the checksum.
  for (size_t i = kProgramHeaderBytes; i < bytes.size(); i += 7) {
    std::vector<uint8_t> c = bytes;
    c[i] ^= 0x40;
    Result<Program> r = ParseProgram(c, "flip");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("checksum"), std::string::npos);
  }
  std::vector<uint8_t> magic = bytes;
  magic[0] = 'X';
  EXPECT_NE(ParseProgram(magic, "m").status().message().find("not an aorta program"),
            std::string::npos);
  std::vector<uint8_t> version = bytes;
  version[8] = 99;
  Result<Program> v = ParseProgram(version, "v");
  EXPECT_EQ(v.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(v.status().message().find("version 99"), std::string::npos);
}

TEST(Program, ReadsAFileAndNamesWhatIsNotOne) {
  const std::string dir = ::testing::TempDir();
  const std::string path = dir + "/program_test_read.aprog";
  const Program p = MakeProgram();
  ASSERT_TRUE(WriteProgram(p, path).ok());
  Result<Program> back = ReadProgram(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->SerializeAsString(), p.SerializeAsString());
  Result<Program> missing = ReadProgram(dir + "/no_such_program.aprog");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  Result<Program> folder = ReadProgram(dir);  // reading a directory used to throw
  EXPECT_EQ(folder.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(folder.status().message().find("is a directory"), std::string::npos)
      << folder.status().ToString();
  std::remove(path.c_str());
}

TEST(Program, ValidationNamesWhatIsWrong) {
  auto expect_error = [](Program p, const std::string& needle) {
    Status s = ValidateProgram(p);
    EXPECT_FALSE(s.ok()) << needle;
    EXPECT_NE(s.message().find(needle), std::string::npos) << s.ToString();
  };
  Program p = MakeProgram();
  p.set_isa_version_major(isa::kVersionMajor + 1);
  expect_error(p, "ISA");

  p = MakeProgram();
  p.mutable_chips(0)->set_config_fingerprint(1);
  expect_error(p, "config_fingerprint");

  p = MakeProgram();  // missing HALT
  p.mutable_chips(0)->set_run_segments(0, Stream({isa::Sync{}}));
  expect_error(p, "HALT");

  p = MakeProgram();  // DMA past its buffer
  isa::DmaStore st;
  st.slot = 1;
  st.ext_offset = 30;
  st.rows = 1;
  st.row_bytes = 8;
  p.mutable_chips(0)->set_run_segments(0, Stream({st, isa::Halt{}}));
  expect_error(p, "outside buffer 'out'");

  p = MakeProgram();  // a slot without a buffer
  st.slot = 5;
  st.ext_offset = 0;
  p.mutable_chips(0)->set_run_segments(0, Stream({st, isa::Halt{}}));
  expect_error(p, "slot 5 has no buffer");

  p = MakeProgram();  // on-chip range
  isa::Postproc pp;
  pp.acc_addr = 1020;
  pp.rows = 8;  // tiny has 1024 ACC rows
  p.mutable_chips(0)->set_run_segments(0, Stream({pp, isa::Halt{}}));
  expect_error(p, "of ACC are outside");

  p = MakeProgram();  // a bad word
  std::string s = p.chips(0).run_segments(0);
  s[0] = static_cast<char>(0xEE);
  p.mutable_chips(0)->set_run_segments(0, s);
  expect_error(p, "instruction 0");

  p = MakeProgram();  // binding overruns its buffer
  p.mutable_outputs(0)->set_offset(8);
  expect_error(p, "overrun");

  p = MakeProgram();
  p.mutable_inputs(0)->mutable_quant()->set_scale(0);
  expect_error(p, "scale");

  p = MakeProgram();
  p.mutable_chips(0)->mutable_buffers(1)->set_slot(0);
  expect_error(p, "slot 0 used twice");

  // Host ops (host fallback) and layer segments.
  auto host_op = [](Program& q, const std::string& name, const std::string& in,
                    const std::string& out, uint32_t after) {
    program::HostOp* h = q.add_host_ops();
    h->set_name(name);
    h->set_onnx_model("model bytes");
    h->add_inputs(in);
    h->add_outputs(out);
    h->set_after_segment(after);
  };
  const std::string in = MakeProgram().inputs(0).name();
  const std::string out = MakeProgram().outputs(0).name();
  p = MakeProgram();
  host_op(p, "h", in, out, 0);
  EXPECT_TRUE(ValidateProgram(p).ok()) << ValidateProgram(p).ToString();
  host_op(p, "h", in, out, 0);
  expect_error(p, "duplicate name");
  p = MakeProgram();
  host_op(p, "h", in, out, 1);
  expect_error(p, "after_segment 1 does not exist");
  p = MakeProgram();
  host_op(p, "h", out, in, 0);
  expect_error(p, "is a program input");
  p = MakeProgram();
  host_op(p, "a", in, out, 0);
  host_op(p, "b", in, out, 0);
  expect_error(p, "written by another host op");
  p = MakeProgram();
  host_op(p, "h", "nowhere", out, 0);
  expect_error(p, "input 'nowhere' is not a bound tensor");
  p = MakeProgram();
  program::LayerInfo* l = p.add_layers();
  l->set_name("conv");
  l->set_segment(1);
  expect_error(p, "segment 1 does not exist");
}

// ValidateProgram remembers the streams it accepted (Session::Load validates a program ReadProgram
// validated already): a stream seen before is accepted again only with the same bytes, chip
// config, slot buffers and HALT rule; any change is checked, and named, afresh.
TEST(Program, AStreamAcceptedBeforeIsCheckedAgainWhenAnythingItDependsOnChanges) {
  const Program p = MakeProgram();
  ASSERT_TRUE(ValidateProgram(p).ok()) << ValidateProgram(p).ToString();
  ASSERT_TRUE(ValidateProgram(p).ok());
  auto expect_error = [](const Program& q, const std::string& needle) {
    Status s = ValidateProgram(q);
    EXPECT_FALSE(s.ok()) << needle;
    EXPECT_NE(s.message().find(needle), std::string::npos) << s.ToString();
  };
  Program q = p;  // the store's slot shrinks under it
  q.mutable_chips(0)->mutable_buffers(1)->set_size(8);
  expect_error(q, "chip 0 run segment 0, instruction 2 (DMA_STORE");
  expect_error(q, "are outside buffer 'out' (8 bytes)");

  q = p;  // the stored-to slot becomes constant
  Buffer* out = q.mutable_chips(0)->mutable_buffers(1);
  out->set_kind(program::BUFFER_CONSTANT);
  out->set_data(std::string(out->size(), '\0'));
  expect_error(q, "writes constant buffer 'out'");

  q = p;  // the same stream on a chip whose UB is too small for it (the config's own fingerprint)
  program::ChipProgram* chip = q.mutable_chips(0);
  chip->mutable_config()->set_unified_buffer_bytes(16);  // 2 rows of 8; the stream loads 4
  ASSERT_TRUE(ValidateChipConfig(chip->config()).ok());
  chip->set_config_fingerprint(Fingerprint(chip->config()));
  q.set_board_fingerprint(chip->config_fingerprint());
  expect_error(q, "rows 0..3 of UB are outside its 2 rows");

  q = p;  // one word of the stream changes: the load and the store now race on UB row 0
  std::vector<isa::Insn> insns = *isa::DecodeStream(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(p.chips(0).run_segments(0).data()),
                               p.chips(0).run_segments(0).size()));
  isa::MutableDepsOf(insns[2]).pop_prev = false;
  q.mutable_chips(0)->set_run_segments(0, testing::Stream(insns));
  expect_error(q, "instructions 0 (DMA_LOAD");

  // The (empty) init stream was accepted without HALT; an empty run segment still needs one.
  ASSERT_TRUE(p.chips(0).init_stream().empty());
  q = p;
  q.mutable_chips(0)->set_run_segments(0, "");
  expect_error(q, "chip 0 run segment 0: does not end with HALT");

  // And the original is still accepted.
  EXPECT_TRUE(ValidateProgram(p).ok());
}

TEST(Program, RefusesAProgramForAnotherChipNamingBothFingerprints) {
  Program p = MakeProgram();
  uint64_t sim16 = Fingerprint(*LoadChipConfig("sim16"));
  Status s = CheckProgramTarget(p, 0, sim16);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(FingerprintHex(sim16)), std::string::npos);
  EXPECT_NE(s.message().find(FingerprintHex(p.chips(0).config_fingerprint())), std::string::npos);
  EXPECT_TRUE(CheckProgramTarget(p, 0, p.chips(0).config_fingerprint()).ok());
}

TEST(Program, PacksChannelBlockedTensors) {
  // 10 channels on an 8-lane chip: two channel blocks, the second with 2 live lanes.
  TensorBinding b;
  b.set_name("t");
  for (int64_t d : {1, 10, 1, 2}) b.add_shape(d);
  b.set_dtype(program::DTYPE_I8);
  b.set_layout(program::LAYOUT_CHANNEL_BLOCKED);
  b.mutable_quant()->set_scale(0.5f);
  b.mutable_quant()->set_zero_point(1);
  ASSERT_EQ(*BindingBytes(b, 8), 2u * 2 * 8);
  std::vector<float> v(20);
  for (int i = 0; i < 20; ++i) v[i] = static_cast<float>(i) * 0.5f;  // (c, w) = (i / 2, i % 2)
  v[19] = 1000.f;                                                    // saturates to 127
  v[18] = 0.25f;                                                     // 0.5 ulp: half to even -> 0
  Tensor t = Tensor::FromVector<float>({1, 10, 1, 2}, v);
  Result<std::vector<uint8_t>> bytes = PackTensor(t, b, 8);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto at = [&](int block, int w, int lane) {
    return static_cast<int8_t>((*bytes)[(block * 2 + w) * 8 + lane]);
  };
  EXPECT_EQ(at(0, 0, 0), 1);      // c0 w0: 0.0 -> 0 + zp
  EXPECT_EQ(at(0, 1, 3), 1 + 7);  // c3 w1: i = 7 -> 3.5 / 0.5 = 7
  EXPECT_EQ(at(1, 0, 1), 1 + 0);  // c9 w0: 0.25 / 0.5 = 0.5 -> 0 (half to even)
  EXPECT_EQ(at(1, 1, 1), 127);    // c9 w1: saturated
  EXPECT_EQ(at(1, 0, 2), 0);      // unused lane stays zero
  Result<Tensor> back = UnpackTensor(*bytes, b, 8);
  ASSERT_TRUE(back.ok());
  EXPECT_FLOAT_EQ(back->at<float>(7), 3.5f);
  EXPECT_FLOAT_EQ(back->at<float>(19), 63.f);  // (127 - 1) * 0.5
  // Matrices [M, K] are (C = K, H = 1, W = M).
  TensorBinding m = b;
  m.clear_shape();
  m.add_shape(3);
  m.add_shape(2);
  Result<std::vector<uint8_t>> mb =
      PackTensor(Tensor::FromVector<float>({3, 2}, {0, 0.5f, 1, 1.5f, 2, 2.5f}), m, 8);
  ASSERT_TRUE(mb.ok());
  EXPECT_EQ(static_cast<int8_t>((*mb)[2 * 8 + 1]), 1 + 5);  // row m=2, k=1
  EXPECT_FALSE(PackTensor(Tensor::FromVector<float>({2, 3}, std::vector<float>(6)), m, 8).ok());
}

TEST(Program, PackTensorQuantizesAsNearbyintAndClamp) {
  // PackTensor rounds without the libm call and clamps without branches: the bytes must be those
  // of q = clamp(nearbyint(x / scale) + zp) for every dtype, on ties (k + 0.5 steps), values past
  // the range, huge ones (|x / scale| >= 2^51, where the shortcut does not apply) and random ones.
  std::vector<float> v;
  for (int k = -300; k <= 300; ++k) v.push_back((static_cast<float>(k) + 0.5f) * 0.25f);
  for (float big : {1e15f, -1e15f, 3e38f, -3e38f, 2251799813685248.f, -2251799813685248.f})
    v.push_back(big);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> any(-200.f, 200.f);
  for (int i = 0; i < 2000; ++i) v.push_back(any(rng));
  const auto n = static_cast<int64_t>(v.size());
  for (program::DType dt : {program::DTYPE_I8, program::DTYPE_U8, program::DTYPE_I32}) {
    TensorBinding b;
    b.set_name("x");
    b.add_shape(n);
    b.set_dtype(dt);
    b.set_layout(program::LAYOUT_ROW_MAJOR);
    b.mutable_quant()->set_scale(0.25f);
    b.mutable_quant()->set_zero_point(dt == program::DTYPE_U8 ? 128 : -3);
    Result<std::vector<uint8_t>> bytes = PackTensor(Tensor::FromVector<float>({n}, v), b, 8);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    for (size_t i = 0; i < v.size(); ++i) {
      const double q = std::nearbyint(static_cast<double>(v[i]) / 0.25) + b.quant().zero_point();
      switch (dt) {
        case program::DTYPE_I8:
          ASSERT_EQ(static_cast<int8_t>((*bytes)[i]),
                    static_cast<int8_t>(std::clamp(q, -128.0, 127.0)))
              << v[i];
          break;
        case program::DTYPE_U8:
          ASSERT_EQ((*bytes)[i], static_cast<uint8_t>(std::clamp(q, 0.0, 255.0))) << v[i];
          break;
        default: {
          int32_t got;
          std::memcpy(&got, bytes->data() + 4 * i, 4);
          ASSERT_EQ(got, static_cast<int32_t>(std::clamp(q, double{INT32_MIN}, double{INT32_MAX})))
              << v[i];
        }
      }
    }
  }
}

TEST(Program, WideOutputsDequantizePerChannel) {
  // An int32 accumulator with per-channel scale and bias: x = (q + bias[c]) * scale[c].
  TensorBinding b;
  b.set_name("acc");
  for (int64_t d : {1, 10, 1, 2}) b.add_shape(d);
  b.set_dtype(program::DTYPE_I32);
  b.set_layout(program::LAYOUT_CHANNEL_BLOCKED);
  for (int c = 0; c < 10; ++c) {
    b.mutable_channel_quant()->add_scale(0.25 * (c + 1));
    b.mutable_channel_quant()->add_bias(100 * c - 300);
  }
  ASSERT_EQ(*BindingBytes(b, 8), 4u * 2 * 2 * 8);
  std::vector<uint8_t> bytes(*BindingBytes(b, 8), 0);
  auto put = [&](int block, int w, int lane, int32_t q) {
    std::memcpy(&bytes[static_cast<size_t>(((block * 2 + w) * 8 + lane) * 4)], &q, 4);
  };
  put(0, 1, 3, 2'000'000'000);  // channel 3, w 1: element 7
  put(1, 0, 1, -7);             // channel 9, w 0: element 18
  put(1, 1, 1, INT32_MIN);      // element 19: the bias is added exactly, without wrapping
  Result<Tensor> t = UnpackTensor(bytes, b, 8);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->at<float>(7), static_cast<float>((2'000'000'000.0 + 0) * 1.0));
  EXPECT_EQ(t->at<float>(18), static_cast<float>((-7.0 + 600) * 2.5));
  EXPECT_EQ(t->at<float>(19), static_cast<float>((-2147483648.0 + 600) * 2.5));
  EXPECT_EQ(t->at<float>(0), static_cast<float>(-300 * 0.25));  // q = 0 in channel 0
  // Row-major (NHWC bytes): the channel is the element index modulo C.
  TensorBinding r = b;
  r.set_layout(program::LAYOUT_ROW_MAJOR);
  r.clear_shape();
  for (int64_t d : {1, 4, 5}) r.add_shape(d);
  std::vector<uint8_t> rb(4 * 20, 0);
  const int32_t q = 8;
  std::memcpy(&rb[4 * 13], &q, 4);  // element 13: channel 3
  Result<Tensor> rt = UnpackTensor(rb, r, 8);
  ASSERT_TRUE(rt.ok()) << rt.status().ToString();
  EXPECT_EQ(rt->at<float>(13), static_cast<float>((8 + 0) * 1.0));
  EXPECT_EQ(rt->at<float>(12), static_cast<float>(-100 * 0.75));

  // The loader: a valid wide output, then what it refuses.
  Program p = MakeProgram();  // output 'y' [1, 8, 2, 2] on tiny
  p.mutable_chips(0)->mutable_buffers(1)->set_size(4 * p.chips(0).buffers(1).size());
  TensorBinding& y = *p.mutable_outputs(0);
  y.set_dtype(program::DTYPE_I32);
  y.clear_quant();
  const int64_t c = y.shape(1);
  for (int64_t i = 0; i < c; ++i) {
    y.mutable_channel_quant()->add_scale(0.5);
    y.mutable_channel_quant()->add_bias(1);
  }
  ASSERT_TRUE(ValidateProgram(p).ok()) << ValidateProgram(p).ToString();
  auto expect_error = [](Program bad, const std::string& needle) {
    Status s = ValidateProgram(bad);
    EXPECT_FALSE(s.ok()) << needle;
    EXPECT_NE(s.message().find(needle), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find("output 'y'"), std::string::npos) << s.ToString();
  };
  Program bad = p;
  bad.mutable_outputs(0)->set_dtype(program::DTYPE_I8);
  expect_error(bad, "needs dtype I32");
  bad = p;
  bad.mutable_outputs(0)->mutable_quant()->set_scale(0.5f);
  expect_error(bad, "both per-tensor quantization and per-channel");
  bad = p;
  bad.mutable_outputs(0)->mutable_channel_quant()->add_bias(0);
  expect_error(bad, "scales and");
  bad = p;
  bad.mutable_outputs(0)->mutable_channel_quant()->set_scale(1, -1.0);
  expect_error(bad, "channel 1: scale -1 is not positive");
  bad = p;
  bad.mutable_outputs(0)->mutable_channel_quant()->add_scale(1.0);
  bad.mutable_outputs(0)->mutable_channel_quant()->add_bias(0);
  expect_error(bad, "per-channel scales for a tensor of");
  bad = p;
  bad.mutable_outputs(0)->clear_channel_quant();
  bad.mutable_outputs(0)->mutable_channel_quant();
  expect_error(bad, "without channels");
}

// LAYOUT_PACKED_ROWS (program.proto PackedRows): element (c, h, w) at origin + ((h / r) * pitch +
// w) * r * C + (h % r) * C + c, every other byte the zero point; and the loader's checks.
TEST(Program, PacksInputRowsForPackedTaps) {
  TensorBinding b;
  b.set_name("img");
  for (int64_t d : {1, 2, 3, 4}) b.add_shape(d);  // C = 2, H = 3, W = 4
  b.set_dtype(program::DTYPE_I8);
  b.set_layout(program::LAYOUT_PACKED_ROWS);
  b.mutable_quant()->set_scale(0.5f);
  b.mutable_quant()->set_zero_point(-3);
  program::PackedRows& pr = *b.mutable_packed_rows();
  pr.set_interleave(2);
  pr.set_pitch(6);
  pr.set_origin(5);
  pr.set_size(50);  // the image ends at 5 + (6 + 4) * 4 = 45
  ASSERT_EQ(*BindingBytes(b, 8), 50u);
  // Element i quantizes to q = i - 10 (x = (q - zp) * scale).
  std::vector<float> v(24);
  for (int i = 0; i < 24; ++i) v[static_cast<size_t>(i)] = static_cast<float>((i - 10 + 3) * 0.5);
  Result<std::vector<uint8_t>> bytes = PackTensor(Tensor::FromVector<float>({1, 2, 3, 4}, v), b, 8);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  ASSERT_EQ(bytes->size(), 50u);
  std::vector<int> want(50, -3);
  // Layout row 0 holds input rows 0 and 1 side by side per pixel, layout row 1 input row 2 (its
  // second half, the missing row 3, stays zero point).
  for (int c = 0; c < 2; ++c)
    for (int h = 0; h < 3; ++h)
      for (int w = 0; w < 4; ++w) {
        const int pixel_byte = 5 + ((h / 2) * 6 + w) * 4;
        want[static_cast<size_t>(pixel_byte + (h % 2) * 2 + c)] = (c * 12 + h * 4 + w) - 10;
      }
  for (size_t i = 0; i < 50; ++i)
    EXPECT_EQ(static_cast<int8_t>((*bytes)[i]), want[i]) << "byte " << i;
  Result<Tensor> back = UnpackTensor(*bytes, b, 8);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToVector<float>(), v);

  // The loader: the program's input bound packed in a buffer big enough, then what it refuses.
  Program p = MakeProgram();
  TensorBinding& x = *p.mutable_inputs(0);
  const uint64_t buffer_bytes = p.chips(0).buffers(0).size();
  const auto c = static_cast<uint64_t>(x.shape(1)), h = static_cast<uint64_t>(x.shape(2)),
             w = static_cast<uint64_t>(x.shape(3));
  x.set_layout(program::LAYOUT_PACKED_ROWS);
  x.mutable_packed_rows()->set_interleave(1);
  x.mutable_packed_rows()->set_pitch(w);
  x.mutable_packed_rows()->set_origin(0);
  x.mutable_packed_rows()->set_size(c * h * w);
  ASSERT_LE(c * h * w, buffer_bytes);
  ASSERT_TRUE(ValidateProgram(p).ok()) << ValidateProgram(p).ToString();
  auto expect_error = [](const Program& bad, const std::string& needle) {
    Status st = ValidateProgram(bad);
    EXPECT_FALSE(st.ok()) << needle;
    EXPECT_NE(st.message().find(needle), std::string::npos) << st.ToString();
    EXPECT_NE(st.message().find("input '"), std::string::npos) << st.ToString();
  };
  Program bad = p;
  bad.mutable_inputs(0)->mutable_packed_rows()->set_interleave(0);
  expect_error(bad, "interleave 0");
  bad = p;
  bad.mutable_inputs(0)->mutable_packed_rows()->set_pitch(w - 1);
  expect_error(bad, "narrower than the image");
  bad = p;
  bad.mutable_inputs(0)->mutable_packed_rows()->set_origin(1);
  expect_error(bad, "past the binding");
  bad = p;
  bad.mutable_inputs(0)->mutable_packed_rows()->set_size(buffer_bytes + 1);
  expect_error(bad, "overrun buffer");
  bad = p;
  bad.mutable_inputs(0)->clear_packed_rows();
  expect_error(bad, "without its packed_rows");
  bad = p;
  bad.mutable_inputs(0)->set_layout(program::LAYOUT_CHANNEL_BLOCKED);
  expect_error(bad, "packed_rows geometry with layout");
  bad = p;
  bad.mutable_inputs(0)->set_dtype(program::DTYPE_I32);
  expect_error(bad, "need dtype I8 or U8");
}

}  // namespace
}  // namespace aorta
