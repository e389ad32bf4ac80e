// Image inputs (tensor_files: metadata, NCHW / NHWC, errors) and BlazeFace post-processing
// (detection of the program kind, decoding in anchor order, the PNG with the boxes). Expected
// values are worked out by hand from the pixel values, MediaPipe's anchor grid and the box
// encoding (docs/models.md), not by the code under test.
#include "cli/postprocess.h"

#include <gtest/gtest.h>
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli/tensor_files.h"

namespace aorta::cli {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            fmt::format("aorta_post_{}_{}", ::getpid(),
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// A 4 x 2 RGB image: pixel (x, y) channel c = 10 * (y * 4 + x) + c.
uint8_t Pixel(int x, int y, int c) { return static_cast<uint8_t>(10 * (y * 4 + x) + c); }
std::string WriteTestPng(const TempDir& d) {
  std::vector<uint8_t> px;
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 4; ++x)
      for (int c = 0; c < 3; ++c) px.push_back(Pixel(x, y, c));
  const std::string path = d.File("img.png");
  EXPECT_NE(stbi_write_png(path.c_str(), 4, 2, 3, px.data(), 4 * 3), 0);
  return path;
}

TEST(ImageInput, MetadataIsParsedAndCheckedByKey) {
  Result<ImageInput> in = ImageInputOf({{"image.scale", "0.5"},
                                        {"image.mean", "1,2,3"},
                                        {"image.std", "2"},
                                        {"image.layout", "nhwc"}});
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->pre.scale, 0.5f);
  EXPECT_EQ(in->pre.mean, (std::array<float, 3>{1, 2, 3}));
  EXPECT_EQ(in->pre.std, (std::array<float, 3>{2, 2, 2}));
  EXPECT_TRUE(in->pre.nhwc);
  EXPECT_TRUE(in->layout_known);
  Result<ImageInput> none = ImageInputOf({});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->layout_known);
  EXPECT_FLOAT_EQ(none->pre.scale, 1.0f / 255.0f);
  Result<ImageInput> bad = ImageInputOf({{"image.layout", "chw"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("image.layout 'chw'"), std::string::npos);
  bad = ImageInputOf({{"image.std", "1,0,1"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("image.std"), std::string::npos);
  bad = ImageInputOf({{"image.mean", "a,b,c"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("image.mean"), std::string::npos);
}

TEST(ImageInput, NchwAndNhwcInputsGetTheNormalizedPixels) {
  TempDir d;
  const std::string png = WriteTestPng(d);
  ImageInput in;
  in.pre.scale = 1.0f;
  in.pre.mean = {1, 2, 3};
  in.pre.std = {2, 2, 2};
  auto value = [](int x, int y, int c) { return (Pixel(x, y, c) - (c + 1.0f)) / 2.0f; };
  // NCHW [1, 3, 2, 4], layout from the shape.
  Result<TensorMap> a = LoadInputs({png}, {{"x", {1, 3, 2, 4}}}, in);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  const auto nchw = a->at("x").data<float>();
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 2; ++y)
      for (int x = 0; x < 4; ++x) EXPECT_EQ(nchw[(c * 2 + y) * 4 + x], value(x, y, c));
  // NHWC [1, 2, 4, 3], by NAME=PATH.
  Result<TensorMap> b = LoadInputs({"x=" + png}, {{"x", {1, 2, 4, 3}}}, in);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  const auto nhwc = b->at("x").data<float>();
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 4; ++x)
      for (int c = 0; c < 3; ++c) EXPECT_EQ(nhwc[(y * 4 + x) * 3 + c], value(x, y, c));
  // Resized: a 2 x 1 input averages each 2 x 2 block (bilinear, half-pixel centres).
  Result<TensorMap> r = LoadInputs({png}, {{"x", {1, 3, 1, 2}}}, in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FLOAT_EQ(r->at("x").data<float>()[0],
                  (value(0, 0, 0) + value(1, 0, 0) + value(0, 1, 0) + value(1, 1, 0)) / 4);
  // The metadata's layout wins over the shape: NCHW named, an NHWC-looking input refused.
  in.layout_known = true;
  in.pre.nhwc = false;
  Result<TensorMap> wrong = LoadInputs({png}, {{"x", {1, 2, 4, 3}}}, in);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("input 'x'"), std::string::npos);
  EXPECT_NE(wrong.status().message().find("2 channels"), std::string::npos)
      << wrong.status().message();
}

TEST(ImageInput, BadImagesAreNamed) {
  TempDir d;
  std::ofstream(d.File("junk.png")) << "not a png";
  Result<TensorMap> j = LoadInputs({d.File("junk.png")}, {{"x", {1, 3, 2, 4}}});
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("junk.png"), std::string::npos);
  EXPECT_NE(j.status().message().find("cannot decode image"), std::string::npos)
      << j.status().message();
  Result<TensorMap> m = LoadInputs({d.File("missing.jpg")}, {{"x", {1, 3, 2, 4}}});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("missing.jpg"), std::string::npos);
  const std::string png = WriteTestPng(d);
  Result<TensorMap> flat = LoadInputs({png}, {{"x", {1, 24}}});
  ASSERT_FALSE(flat.ok());
  EXPECT_NE(flat.status().message().find("[1, C, H, W] or [1, H, W, C]"), std::string::npos)
      << flat.status().message();
  EXPECT_EQ(FirstImageInput({"a=x.npy", "b=" + png}), png);
  EXPECT_EQ(FirstImageInput({"x.npy"}), "");
}

// A program with BlazeFace front's interface (no instructions: only the bindings matter here).
Program FaceProgram(Shape input, bool shuffled = true) {
  Program p;
  auto* in = p.add_inputs();
  in->set_name("input:0");
  for (int64_t d : input) in->add_shape(d);
  auto out = [&](const char* name, int64_t anchors, int64_t last) {
    auto* o = p.add_outputs();
    o->set_name(name);
    for (int64_t d : {int64_t{1}, anchors, last}) o->add_shape(d);
  };
  if (shuffled) {
    out("boxes8", 384, 16);
    out("scores8", 384, 1);
    out("boxes16", 512, 16);
    out("scores16", 512, 1);
  } else {
    out("scores16", 512, 1);
    out("scores8", 384, 1);
    out("boxes16", 512, 16);
    out("boxes8", 384, 16);
  }
  return p;
}

TEST(BlazeFace, DetectedFromTheInputAndOutputShapes) {
  EXPECT_EQ(DetectPostprocess(FaceProgram({1, 128, 128, 3})), "blazeface");
  EXPECT_EQ(DetectPostprocess(FaceProgram({1, 3, 128, 128}, false)), "blazeface");
  EXPECT_EQ(DetectPostprocess(FaceProgram({1, 256, 256, 3})), "blazeface");
  EXPECT_EQ(DetectPostprocess(FaceProgram({1, 128, 96, 3})), "");  // not square
  EXPECT_EQ(DetectPostprocess(FaceProgram({1, 64, 64, 3})), "");   // no anchor set
  Program extra = FaceProgram({1, 128, 128, 3});
  extra.mutable_outputs(0)->set_shape(1, 383);
  EXPECT_EQ(DetectPostprocess(extra), "");
  // The metadata wins: none switches it off, an unknown kind is an error.
  Program p = FaceProgram({1, 128, 128, 3});
  (*p.mutable_metadata())["postprocess"] = "none";
  EXPECT_EQ(*PostprocessOf(p), "");
  (*p.mutable_metadata())["postprocess"] = "yolo";
  ASSERT_FALSE(PostprocessOf(p).ok());
  EXPECT_NE(PostprocessOf(p).status().message().find("'yolo'"), std::string::npos);
}

TEST(BlazeFace, DetectionsComeFromTheRightAnchorInAnchorOrder) {
  const Program p = FaceProgram({1, 128, 128, 3});
  TensorMap out;
  out["scores16"] = Tensor::FromVector<float>({1, 512, 1}, std::vector<float>(512, -10));
  out["boxes16"] = Tensor(DType::kF32, {1, 512, 16});
  std::vector<float> s8(384, -10), b8(384 * 16, 0);
  // The 8 x 8 map (stride 16, 6 anchors per cell), cell x = 5, y = 3, its first anchor: centre
  // ((5 + 0.5) / 8, (3 + 0.5) / 8) = (0.6875, 0.4375). Box offset +8 px in x, size 32 x 16 px
  // of 128: centre x 0.75, w 0.25, h 0.125.
  const size_t k = 6 * (3 * 8 + 5);
  s8[k] = 3;  // sigmoid(3) = 0.9526
  b8[k * 16 + 0] = 8;
  b8[k * 16 + 2] = 32;
  b8[k * 16 + 3] = 16;
  out["scores8"] = Tensor::FromVector<float>({1, 384, 1}, s8);
  out["boxes8"] = Tensor::FromVector<float>({1, 384, 16}, b8);
  Result<std::vector<models::Box>> det = BlazeFaceDetections(p, out, 0.5, 0.3);
  ASSERT_TRUE(det.ok()) << det.status().ToString();
  ASSERT_EQ(det->size(), 1u);
  const models::Box& b = (*det)[0];
  EXPECT_NEAR(b.score, 0.952574, 1e-5);
  EXPECT_NEAR(b.xmin, 0.625, 1e-9);
  EXPECT_NEAR(b.xmax, 0.875, 1e-9);
  EXPECT_NEAR(b.ymin, 0.375, 1e-9);
  EXPECT_NEAR(b.ymax, 0.5, 1e-9);
  EXPECT_TRUE(BlazeFaceDetections(p, out, 0.96, 0.3)->empty());  // above its score
  out.erase("boxes8");
  Result<std::vector<models::Box>> missing = BlazeFaceDetections(p, out, 0.5, 0.3);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'boxes8'"), std::string::npos);
  ASSERT_FALSE(BlazeFaceDetections(FaceProgram({1, 64, 64, 3}), out, 0.5, 0.3).ok());
}

TEST(BlazeFace, BoxesAreDrawnOnTheImageAtItsResolution) {
  TempDir d;
  std::vector<uint8_t> grey(40 * 20 * 3, 128);
  const std::string src = d.File("in.png"), dst = d.File("boxes.png");
  ASSERT_NE(stbi_write_png(src.c_str(), 40, 20, 3, grey.data(), 40 * 3), 0);
  models::Box b;
  b.xmin = 0.25;
  b.xmax = 0.75;
  b.ymin = 0.25;
  b.ymax = 0.75;
  ASSERT_TRUE(WriteBoxesPng(src, {b}, dst).ok());
  int w = 0, h = 0, c = 0;
  stbi_uc* px = stbi_load(dst.c_str(), &w, &h, &c, 3);
  ASSERT_NE(px, nullptr);
  ASSERT_EQ(w, 40);
  ASSERT_EQ(h, 20);
  auto at = [&](int x, int y) {
    const stbi_uc* p = px + (y * w + x) * 3;
    return std::array<int, 3>{p[0], p[1], p[2]};
  };
  const std::array<int, 3> red{255, 0, 0}, grey3{128, 128, 128};
  // Frame x 10..30, y 5..15 (round(0.25 * 40), round(0.75 * 20)...), 1 px at this size.
  EXPECT_EQ(at(10, 10), red);
  EXPECT_EQ(at(30, 10), red);
  EXPECT_EQ(at(20, 5), red);
  EXPECT_EQ(at(20, 15), red);
  EXPECT_EQ(at(20, 10), grey3);  // inside
  EXPECT_EQ(at(2, 2), grey3);    // outside
  EXPECT_EQ(at(11, 6), grey3);
  stbi_image_free(px);
  EXPECT_FALSE(WriteBoxesPng(d.File("none.png"), {b}, dst).ok());
}

}  // namespace
}  // namespace aorta::cli
