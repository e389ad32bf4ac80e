#include "core/io/image.h"

#include <gtest/gtest.h>
#include <stb/stb_image_write.h>
#include <unistd.h>

#include <filesystem>

namespace aorta {
namespace {

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/aorta_image_test_" + std::to_string(::getpid()) + "_" + name;
}

// A 2x2 RGB PNG: row 0 = red(0,10,20) green(100,110,120); row 1 = (200,0,0) (0,0,255).
std::string WriteTestPng() {
  const uint8_t px[] = {0, 10, 20, 100, 110, 120, 200, 0, 0, 0, 0, 255};
  const std::string path = TempPath("2x2.png");
  EXPECT_NE(stbi_write_png(path.c_str(), 2, 2, 3, px, 2 * 3), 0);
  return path;
}

TEST(ImageTest, LoadsPngAsNchwWithoutResize) {
  const std::string path = WriteTestPng();
  auto t = LoadImage(path, {.scale = 1.0f});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->shape(), (Shape{1, 3, 2, 2}));
  // Channel planes: R, G, B.
  EXPECT_EQ(t->ToVector<float>(),
            (std::vector<float>{0, 100, 200, 0, 10, 110, 0, 0, 20, 120, 0, 255}));
  std::filesystem::remove(path);
}

TEST(ImageTest, NormalizesWithScaleMeanAndStd) {
  const std::string path = WriteTestPng();
  ImageOptions o;
  o.scale = 0.5f;
  o.mean = {10.0f, 0.0f, 20.0f};
  o.std = {2.0f, 1.0f, 4.0f};
  auto t = LoadImage(path, o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const auto v = t->ToVector<float>();
  EXPECT_FLOAT_EQ(v[0], (0 * 0.5f - 10) / 2);     // R(0,0)
  EXPECT_FLOAT_EQ(v[2], (200 * 0.5f - 10) / 2);   // R(1,0)
  EXPECT_FLOAT_EQ(v[5], 110 * 0.5f);              // G(0,1)
  EXPECT_FLOAT_EQ(v[11], (255 * 0.5f - 20) / 4);  // B(1,1)
  std::filesystem::remove(path);
}

TEST(ImageTest, BilinearResizeUsesHalfPixelCentres) {
  // One grey row 0, 100 resized to 1x4: sources -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
  const uint8_t px[] = {0, 100};
  const std::string path = TempPath("row.png");
  ASSERT_NE(stbi_write_png(path.c_str(), 2, 1, 1, px, 2), 0);
  auto t = LoadImage(path, {.height = 1, .width = 4, .channels = 1, .scale = 1.0f});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->shape(), (Shape{1, 1, 1, 4}));
  EXPECT_EQ(t->ToVector<float>(), (std::vector<float>{0, 25, 75, 100}));
  // 2x2 -> 3x3 on the red plane: centre pixel is the mean of the four corners.
  const std::string png = WriteTestPng();
  auto big = LoadImage(png, {.height = 3, .width = 3, .scale = 1.0f});
  ASSERT_TRUE(big.ok());
  EXPECT_FLOAT_EQ(big->at<float>(4), (0 + 100 + 200 + 0) / 4.0f);
  EXPECT_FLOAT_EQ(big->at<float>(0), 0.0f);
  EXPECT_FLOAT_EQ(big->at<float>(1), 50.0f);  // between 0 and 100 on row 0
  std::filesystem::remove(path);
  std::filesystem::remove(png);
}

TEST(ImageTest, LoadsJpeg) {
  std::vector<uint8_t> px(8 * 8 * 3);
  for (size_t i = 0; i < px.size(); i += 3) {
    px[i] = 200;
    px[i + 1] = 100;
    px[i + 2] = 50;
  }
  const std::string path = TempPath("flat.jpg");
  ASSERT_NE(stbi_write_jpg(path.c_str(), 8, 8, 3, px.data(), 95), 0);
  EXPECT_TRUE(IsImagePath(path));
  auto t = LoadImage(path, {.height = 4, .width = 4, .scale = 1.0f});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->shape(), (Shape{1, 3, 4, 4}));
  EXPECT_NEAR(t->at<float>(0), 200, 4);       // R plane
  EXPECT_NEAR(t->at<float>(16), 100, 4);      // G plane
  EXPECT_NEAR(t->at<float>(32 + 15), 50, 4);  // B plane
  std::filesystem::remove(path);
}

TEST(ImageTest, CorruptAndMissingFiles) {
  auto bad = DecodeImage("\x89PNG\r\n\x1a\n garbage", "bad.png");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(bad.status().message().find("bad.png: cannot decode image"), std::string::npos);
  EXPECT_EQ(LoadImage("/nonexistent.png").status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(IsImagePath("x.npy"));
  EXPECT_TRUE(IsImagePath("X.JPEG"));
}

}  // namespace
}  // namespace aorta
