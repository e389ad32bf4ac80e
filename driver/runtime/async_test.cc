// The submission queue (async.h): several requests in flight, futures and callbacks, order,
// errors, several submitting threads, back-pressure.
#include "driver/runtime/async.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/testing/test_programs.h"
#include "driver/runtime/uri.h"

namespace aorta::runtime {
namespace {

ChipConfig Tiny() { return *LoadChipConfig("tiny"); }

Tensor Input(int salt) {
  std::vector<float> v(8 * 2 * 2);
  for (size_t i = 0; i < v.size(); ++i)
    v[i] =
        static_cast<float>(static_cast<int>((i * 5 + static_cast<size_t>(salt)) % 37) - 18) * 0.5f;
  return Tensor::FromVector<float>({1, 8, 2, 2}, v);
}

class Async : public ::testing::TestWithParam<std::string> {};

TEST_P(Async, FuturesAnswerEachRequestWithItsOwnOutputs) {
  auto backend = OpenBackend(GetParam(), {Tiny()});
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  auto s = Session::Load(testing::CopyProgram(Tiny()), **backend);
  ASSERT_TRUE(s.ok());
  AsyncSession q(**s, 4);
  std::vector<std::future<AsyncSession::Outcome>> fs;
  for (int i = 0; i < 12; ++i) fs.push_back(q.Submit({{"x", Input(i)}}));
  for (int i = 0; i < 12; ++i) {
    AsyncSession::Outcome o = fs[static_cast<size_t>(i)].get();
    ASSERT_TRUE(o.outputs.ok()) << o.outputs.status().ToString();
    EXPECT_EQ(o.outputs->at("y"), Input(i));
    EXPECT_EQ(o.ticket, static_cast<uint64_t>(i + 1));
    EXPECT_EQ(o.report.layers.size(), 1u);
  }
  q.Drain();  // the last callback has run; its completion is counted after it
  EXPECT_EQ(q.completed(), 12u);
  EXPECT_EQ(q.in_flight(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, Async, ::testing::Values("golden://", "pcie+emu://golden"));

TEST(AsyncSession, CallbacksRunInSubmissionOrderFromManyThreads) {
  auto backend = MakeGoldenBackend({Tiny()});
  auto s = Session::Load(testing::CopyProgram(Tiny()), **backend);
  ASSERT_TRUE(s.ok());
  std::mutex mu;
  std::vector<uint64_t> order;
  int wrong = 0;
  {
    AsyncSession q(**s, 2);  // small: submitters block on back-pressure
    std::vector<std::thread> ts;
    for (int t = 0; t < 3; ++t)
      ts.emplace_back([&, t] {
        for (int i = 0; i < 10; ++i) {
          Tensor x = Input(t * 50 + i);
          q.Submit({{"x", x}}, [&, x](AsyncSession::Outcome o) {
            std::lock_guard<std::mutex> lock(mu);
            order.push_back(o.ticket);
            if (!o.outputs.ok() || !(o.outputs->at("y") == x)) ++wrong;
          });
        }
      });
    for (auto& t : ts) t.join();
    q.Drain();
    EXPECT_EQ(q.completed(), 30u);
  }
  ASSERT_EQ(order.size(), 30u);
  for (size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], i + 1);
  EXPECT_EQ(wrong, 0);
}

TEST(AsyncSession, AFailedRequestDoesNotStopTheQueue) {
  auto backend = MakeGoldenBackend({Tiny()});
  auto s = Session::Load(testing::CopyProgram(Tiny()), **backend);
  ASSERT_TRUE(s.ok());
  AsyncSession q(**s);
  auto bad = q.Submit({{"nope", Input(0)}});
  auto good = q.Submit({{"x", Input(1)}});
  AsyncSession::Outcome b = bad.get();
  ASSERT_FALSE(b.outputs.ok());
  EXPECT_NE(b.outputs.status().message().find("missing input 'x'"), std::string::npos);
  AsyncSession::Outcome g = good.get();
  ASSERT_TRUE(g.outputs.ok());
  EXPECT_EQ(g.outputs->at("y"), Input(1));
}

}  // namespace
}  // namespace aorta::runtime
