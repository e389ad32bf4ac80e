#include "driver/runtime/async.h"

namespace aorta::runtime {

AsyncSession::AsyncSession(Session& session, size_t max_in_flight)
    : session_(session), max_in_flight_(max_in_flight == 0 ? 1 : max_in_flight) {
  worker_ = std::thread([this] { Worker(); });
}

AsyncSession::~AsyncSession() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  worker_.join();
}

std::future<AsyncSession::Outcome> AsyncSession::Submit(TensorMap inputs) {
  auto promise = std::make_shared<std::promise<Outcome>>();
  std::future<Outcome> f = promise->get_future();
  Enqueue(std::move(inputs), [promise](Outcome o) { promise->set_value(std::move(o)); });
  return f;
}

uint64_t AsyncSession::Submit(TensorMap inputs, Callback done) {
  return Enqueue(std::move(inputs), std::move(done));
}

uint64_t AsyncSession::Enqueue(TensorMap inputs, Callback done) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return in_flight_ < max_in_flight_; });
  const uint64_t ticket = next_ticket_++;
  queue_.push_back(Request{ticket, std::move(inputs), std::move(done)});
  ++in_flight_;
  changed_.notify_all();
  return ticket;
}

void AsyncSession::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return in_flight_ == 0; });
}

size_t AsyncSession::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return in_flight_;
}

uint64_t AsyncSession::completed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return completed_;
}

void AsyncSession::Worker() {
  for (;;) {
    Request r;
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, everything queued has run
      r = std::move(queue_.front());
      queue_.pop_front();
    }
    RunReport report;
    Result<TensorMap> out = session_.Run(r.inputs, &report);
    Outcome o{std::move(out), std::move(report), r.ticket};
    if (r.done) r.done(std::move(o));
    {
      std::lock_guard<std::mutex> lock(mu_);
      --in_flight_;
      ++completed_;
    }
    changed_.notify_all();
  }
}

}  // namespace aorta::runtime
