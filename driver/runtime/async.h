// A submission queue over a Session: several inference requests in flight, each answered by a
// future or a callback. Requests run one at a time, in submission order (batch 1 on one device:
// the device runs one program at a time; the queue keeps the host from waiting on it).
//
//   AsyncSession q(*session);
//   std::future<AsyncSession::Outcome> f = q.Submit({{"input", x}});
//   q.Submit({{"input", y}}, [](AsyncSession::Outcome o) { ... });   // on the queue's thread
//   AsyncSession::Outcome o = f.get();                                // o.outputs, o.report
//
// Thread-safe: any number of threads may Submit. Submit blocks while `max_in_flight` requests
// are queued or running (back-pressure). The destructor finishes every request already queued.
// Calling Session::Run directly from other threads meanwhile is allowed: the session serializes.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "driver/runtime/session.h"

namespace aorta::runtime {

class AsyncSession {
 public:
  struct Outcome {
    Result<TensorMap> outputs;
    RunReport report;     // filled when outputs are ok
    uint64_t ticket = 0;  // the request's number, 1, 2, ... in submission order
  };
  using Callback = std::function<void(Outcome)>;

  explicit AsyncSession(Session& session, size_t max_in_flight = 8);
  ~AsyncSession();
  AsyncSession(const AsyncSession&) = delete;
  AsyncSession& operator=(const AsyncSession&) = delete;

  std::future<Outcome> Submit(TensorMap inputs);
  // `done` runs on the queue's thread; it must not Submit to this queue while it is full.
  uint64_t Submit(TensorMap inputs, Callback done);

  // Blocks until every request submitted so far has finished.
  void Drain();
  size_t in_flight() const;
  uint64_t completed() const;

 private:
  struct Request {
    uint64_t ticket = 0;
    TensorMap inputs;
    Callback done;
  };
  uint64_t Enqueue(TensorMap inputs, Callback done);
  void Worker();

  Session& session_;
  const size_t max_in_flight_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Request> queue_;
  size_t in_flight_ = 0;  // queued + running
  uint64_t next_ticket_ = 1;
  uint64_t completed_ = 0;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace aorta::runtime
