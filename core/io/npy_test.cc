#include "core/io/npy.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/io/file_util.h"

namespace aorta {
namespace {

std::string SourceDir() { return AORTA_TEST_SOURCE_DIR; }
std::string Golden(const std::string& name) { return SourceDir() + "/core/io/testdata/" + name; }
std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/aorta_npy_test_" + std::to_string(::getpid()) + "_" + name;
}

TEST(NpyTest, RoundTripsEveryDtypeAndRank) {
  const std::vector<Tensor> tensors = {
      Tensor::FromVector<float>({2, 3}, {1.5f, -2.0f, 0.0f, 3.25f, -1e-3f, 7.0f}),
      Tensor::FromVector<double>({}, {2.5}),
      Tensor::FromVector<int8_t>({3}, {-128, 0, 127}),
      Tensor::FromVector<uint8_t>({1, 1, 2}, {0, 255}),
      Tensor::FromVector<int32_t>({2, 1}, {-100000, 100000}),
      Tensor::FromVector<int64_t>({2}, {int64_t{1} << 40, -3}),
      Tensor(DType::kF32, {0, 4}),
  };
  for (const Tensor& t : tensors) {
    auto back = ParseNpy(SerializeNpy(t), "mem");
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, t) << ShapeToString(t.shape()) << " " << DTypeName(t.dtype());
  }
}

TEST(NpyTest, HeaderIsPaddedTo64Bytes) {
  const std::string bytes = SerializeNpy(Tensor::FromVector<float>({3}, {1, 2, 3}));
  const size_t header_len = static_cast<uint8_t>(bytes[8]) | (static_cast<uint8_t>(bytes[9]) << 8);
  EXPECT_EQ((10 + header_len) % 64, 0u);
  EXPECT_EQ(bytes[10 + header_len - 1], '\n');
  EXPECT_NE(bytes.find("'shape': (3,)"), std::string::npos);
}

TEST(NpyTest, FileRoundTripAndConversionToF32) {
  const std::string path = TempPath("i64.npy");
  ASSERT_TRUE(WriteNpy(path, Tensor::FromVector<int64_t>({2, 2}, {1, -2, 3, 4})).ok());
  auto f = ReadNpy(path, {.to_f32 = true});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->dtype(), DType::kF32);
  EXPECT_EQ(f->shape(), (Shape{2, 2}));
  EXPECT_EQ(f->ToVector<float>(), (std::vector<float>{1, -2, 3, 4}));
  std::filesystem::remove(path);
}

TEST(NpyTest, NpzRoundTrip) {
  TensorMap in;
  in["logits"] = Tensor::FromVector<float>({1, 3}, {0.5f, -1.0f, 2.0f});
  in["ids"] = Tensor::FromVector<int64_t>({2}, {7, 9});
  const std::string path = TempPath("rt.npz");
  ASSERT_TRUE(WriteNpz(path, in).ok());
  auto out = ReadNpz(path);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, in);
  std::filesystem::remove(path);
}

// Files written once by numpy (see testdata/README.md).
TEST(NpyTest, ReadsNumpyGoldenNpy) {
  auto a = ReadNpy(Golden("f32_2x3.npy"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->shape(), (Shape{2, 3}));
  EXPECT_EQ(a->ToVector<float>(), (std::vector<float>{1.5f, -2.25f, 3.0f, 0.0f, 1e-3f, -7.0f}));

  auto v2 = ReadNpy(Golden("i64_v2.npy"));
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ(v2->ToVector<int64_t>(), (std::vector<int64_t>{1, -2, 3, int64_t{1} << 40}));
}

void ExpectGoldenArchive(const TensorMap& m) {
  ASSERT_EQ(m.size(), 6u);
  EXPECT_EQ(m.at("f32").ToVector<float>(),
            (std::vector<float>{1.5f, -2.25f, 3.0f, 0.0f, 1e-3f, -7.0f}));
  EXPECT_EQ(m.at("i64").ToVector<int64_t>(), (std::vector<int64_t>{1, -2, 3, int64_t{1} << 40}));
  EXPECT_EQ(m.at("u8").shape(), (Shape{2, 2}));
  EXPECT_EQ(m.at("u8").ToVector<uint8_t>(), (std::vector<uint8_t>{0, 255, 7, 128}));
  EXPECT_EQ(m.at("i8").ToVector<int8_t>(), (std::vector<int8_t>{-128, 127, -1}));
  EXPECT_EQ(m.at("i32").shape(), (Shape{1, 1, 2}));
  EXPECT_EQ(m.at("i32").ToVector<int32_t>(), (std::vector<int32_t>{100000, -5}));
  EXPECT_EQ(m.at("f64").shape(), Shape{});
  EXPECT_EQ(m.at("f64").at<double>(0), 2.5);
}

TEST(NpyTest, ReadsNumpyGoldenStoredNpz) {
  auto m = ReadNpz(Golden("stored.npz"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ExpectGoldenArchive(*m);
}

TEST(NpyTest, ReadsNumpyGoldenDeflatedNpz) {
  auto m = ReadNpz(Golden("deflated.npz"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ExpectGoldenArchive(*m);
}

// Live interop with Debian's numpy: numpy reads what we write, we read what it writes.
TEST(NpyTest, InteropWithInstalledNumpy) {
  if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "Debian numpy (/usr/bin/python3 -c 'import numpy') not available";
  }
  TensorMap in;
  in["a"] = Tensor::FromVector<float>({2, 2}, {1, 2, 3, 4});
  in["b"] = Tensor::FromVector<int32_t>({3}, {-1, 0, 1});
  const std::string ours = TempPath("ours.npz");
  const std::string theirs = TempPath("theirs.npz");
  ASSERT_TRUE(WriteNpz(ours, in).ok());
  const std::string script = fmt::format(
      "import numpy as np\n"
      "d = np.load('{}')\n"
      "assert d['a'].dtype == np.float32 and d['a'].tolist() == [[1, 2], [3, 4]]\n"
      "assert d['b'].dtype == np.int32 and d['b'].tolist() == [-1, 0, 1]\n"
      "np.savez_compressed('{}', s=d['a'] * 2, t=np.arange(5, dtype=np.int64))\n",
      ours, theirs);
  const std::string script_path = TempPath("interop.py");
  ASSERT_TRUE(WriteFileBytes(script_path, script).ok());
  ASSERT_EQ(std::system(("/usr/bin/python3 " + script_path).c_str()), 0);
  auto back = ReadNpz(theirs);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->at("s").ToVector<float>(), (std::vector<float>{2, 4, 6, 8}));
  EXPECT_EQ(back->at("t").ToVector<int64_t>(), (std::vector<int64_t>{0, 1, 2, 3, 4}));
  for (const auto& p : {ours, theirs, script_path}) std::filesystem::remove(p);
}

TEST(NpyErrorTest, TruncatedDataNamesFileAndSizes) {
  std::string bytes = SerializeNpy(Tensor::FromVector<float>({4}, {1, 2, 3, 4}));
  bytes.resize(bytes.size() - 3);
  auto r = ParseNpy(bytes, "x.npy");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("x.npy: truncated .npy data"), std::string::npos)
      << r.status().message();
}

TEST(NpyErrorTest, TruncatedHeaderAndBadMagic) {
  std::string bytes = SerializeNpy(Tensor::FromVector<float>({4}, {1, 2, 3, 4}));
  auto header = ParseNpy(bytes.substr(0, 40), "h.npy");
  ASSERT_FALSE(header.ok());
  EXPECT_NE(header.status().message().find("truncated .npy header"), std::string::npos);
  auto magic = ParseNpy("PK\x03\x04 not an npy", "m.npy");
  ASSERT_FALSE(magic.ok());
  EXPECT_NE(magic.status().message().find("m.npy: not a .npy file"), std::string::npos);
}

TEST(NpyErrorTest, UnsupportedDtypesAndOrder) {
  std::string bytes = SerializeNpy(Tensor::FromVector<float>({1}, {1}));
  std::string big = bytes;
  big.replace(big.find("<f4"), 3, ">f4");
  auto r = ParseNpy(big, "be.npy");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().message().find(">f4"), std::string::npos);
  std::string complex = bytes;
  complex.replace(complex.find("<f4"), 3, "<c8");
  EXPECT_EQ(ParseNpy(complex, "c.npy").status().code(), StatusCode::kUnsupported);
  std::string fortran = bytes;
  fortran.replace(fortran.find("False"), 5, "True ");
  EXPECT_EQ(ParseNpy(fortran, "f.npy").status().code(), StatusCode::kUnsupported);
}

TEST(NpyErrorTest, TruncatedNpz) {
  auto bytes = ReadFileBytes(Golden("stored.npz"));
  ASSERT_TRUE(bytes.ok());
  auto r = ParseNpz(std::string_view(*bytes).substr(0, bytes->size() / 2), "half.npz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("half.npz"), std::string::npos) << r.status().message();
}

TEST(NpyErrorTest, CorruptNpzMemberFailsCrc) {
  TensorMap in;
  in["x"] = Tensor::FromVector<float>({2}, {1, 2});
  auto bytes = SerializeNpz(in);
  ASSERT_TRUE(bytes.ok());
  // The last data byte of the only member sits just before the central directory.
  const size_t cd = bytes->find("PK\x01\x02");
  ASSERT_NE(cd, std::string::npos);
  (*bytes)[cd - 1] ^= 0x40;
  auto r = ParseNpz(*bytes, "bad.npz");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bad.npz: member 'x.npy': CRC32 mismatch"), std::string::npos)
      << r.status().message();
}

TEST(NpyErrorTest, CorruptDeflateStream) {
  auto bytes = ReadFileBytes(Golden("deflated.npz"));
  ASSERT_TRUE(bytes.ok());
  std::string corrupt = *bytes;
  for (size_t i = 60; i < 90; ++i) corrupt[i] = static_cast<char>(0xff);  // inside member 1
  auto r = ParseNpz(corrupt, "z.npz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
}

TEST(NpyErrorTest, MissingFile) {
  auto r = ReadNpy("/nonexistent/dir/x.npy");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/dir/x.npy"), std::string::npos);
}

}  // namespace
}  // namespace aorta
