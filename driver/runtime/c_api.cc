#include "driver/runtime/c_api.h"

#include <exception>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "core/program.h"
#include "driver/runtime/async.h"
#include "driver/runtime/session.h"
#include "driver/runtime/uri.h"

using aorta::Program;
using aorta::Result;
using aorta::Status;
using aorta::StatusCode;
using aorta::Tensor;
using aorta::runtime::AsyncSession;
using aorta::runtime::Backend;
using aorta::runtime::Session;
using aorta::runtime::TensorMap;

struct aorta_device {
  std::string uri;
  std::unique_ptr<Backend> backend;  // opened by aorta_open, or by aorta_load for a bare URI
  bool has_model = false;
};

struct aorta_model {
  aorta_device* device = nullptr;
  std::unique_ptr<Session> session;
  std::unique_ptr<AsyncSession> queue;  // created by the first aorta_run_async
};

struct aorta_result {
  struct Output {
    std::string name;
    std::vector<float> values;
    std::vector<int64_t> shape;
  };
  std::vector<Output> outputs;
  std::string report_json;
};

struct aorta_request {
  std::future<AsyncSession::Outcome> outcome;
};

namespace {

thread_local std::string last_error;

aorta_status Fail(const Status& s) {
  last_error = s.ToString();
  return static_cast<aorta_status>(s.code());
}

// Runs `body`, turning a Status or an exception into a code and a message.
template <typename F>
aorta_status Guard(F&& body) {
  try {
    Status s = body();
    return s.ok() ? AORTA_OK : Fail(s);
  } catch (const std::exception& e) {
    return Fail(aorta::Internal("unexpected exception: {}", e.what()));
  } catch (...) {
    return Fail(aorta::Internal("unexpected exception"));
  }
}

Result<TensorMap> Inputs(const aorta_tensor* inputs, size_t n) {
  if (n > 0 && inputs == nullptr) return aorta::InvalidArgument("inputs is NULL");
  TensorMap m;
  for (size_t i = 0; i < n; ++i) {
    const aorta_tensor& t = inputs[i];
    if (t.name == nullptr || t.data == nullptr || (t.rank > 0 && t.shape == nullptr) || t.rank < 0)
      return aorta::InvalidArgument("input {}: name, data and shape must be set", i);
    aorta::Shape shape(t.shape, t.shape + t.rank);
    for (int64_t d : shape)
      if (d < 0) return aorta::InvalidArgument("input '{}': negative dimension", t.name);
    const int64_t count = aorta::ElementCount(shape);
    std::vector<float> v(t.data, t.data + count);
    if (!m.emplace(t.name, Tensor::FromVector<float>(shape, v)).second)
      return aorta::InvalidArgument("input '{}' given twice", t.name);
  }
  return m;
}

aorta_result* MakeResult(const TensorMap& outputs, const aorta::runtime::RunReport& report) {
  auto r = std::make_unique<aorta_result>();
  for (const auto& [name, t] : outputs) {
    aorta_result::Output o;
    o.name = name;
    Tensor f = t.dtype() == aorta::DType::kF32 ? t : t.CastTo(aorta::DType::kF32);
    auto d = f.data<float>();
    o.values.assign(d.begin(), d.end());
    o.shape = f.shape();
    r->outputs.push_back(std::move(o));
  }
  r->report_json = report.ToJson();
  return r.release();
}

}  // namespace

extern "C" {

const char* aorta_status_string(aorta_status status) {
  if (status < AORTA_OK || status > AORTA_INTERNAL) return "UNKNOWN";
  return aorta::StatusCodeName(static_cast<StatusCode>(status));
}

const char* aorta_last_error(void) { return last_error.c_str(); }

aorta_status aorta_open(const char* uri, aorta_device** device) {
  return Guard([&]() -> Status {
    if (uri == nullptr || device == nullptr) return aorta::InvalidArgument("aorta_open: NULL");
    AORTA_ASSIGN_OR_RETURN(aorta::runtime::DeviceUri u, aorta::runtime::ParseDeviceUri(uri));
    auto d = std::make_unique<aorta_device>();
    d->uri = uri;
    const bool simulated = u.scheme == "golden" || u.scheme == "tlm" || u.scheme == "rtl";
    const bool emulated = u.scheme == "pcie+emu";
    const bool names_config = u.options.count("board") > 0 || (simulated && !u.target.empty()) ||
                              (emulated && u.target.find('/') != std::string::npos);
    if (names_config || !(simulated || emulated)) {
      AORTA_ASSIGN_OR_RETURN(d->backend, aorta::runtime::OpenBackend(uri));
    }
    *device = d.release();
    return Status::Ok();
  });
}

aorta_status aorta_load(aorta_device* device, const char* program_path, aorta_model** model) {
  return Guard([&]() -> Status {
    if (device == nullptr || program_path == nullptr || model == nullptr)
      return aorta::InvalidArgument("aorta_load: NULL");
    if (device->has_model)
      return aorta::FailedPrecondition("aorta_load: device '{}' holds a model already",
                                       device->uri);
    AORTA_ASSIGN_OR_RETURN(Program p, aorta::ReadProgram(program_path));
    if (device->backend == nullptr) {
      std::vector<aorta::ChipConfig> chips;
      for (const auto& c : p.chips()) chips.push_back(c.config());
      AORTA_ASSIGN_OR_RETURN(device->backend, aorta::runtime::OpenBackend(device->uri, chips));
    }
    auto m = std::make_unique<aorta_model>();
    m->device = device;
    AORTA_ASSIGN_OR_RETURN(m->session, Session::Load(p, *device->backend));
    device->has_model = true;
    *model = m.release();
    return Status::Ok();
  });
}

aorta_status aorta_run(aorta_model* model, const aorta_tensor* inputs, size_t num_inputs,
                       aorta_result** result) {
  return Guard([&]() -> Status {
    if (model == nullptr || result == nullptr) return aorta::InvalidArgument("aorta_run: NULL");
    AORTA_ASSIGN_OR_RETURN(TensorMap in, Inputs(inputs, num_inputs));
    aorta::runtime::RunReport report;
    AORTA_ASSIGN_OR_RETURN(TensorMap out, model->session->Run(in, &report));
    *result = MakeResult(out, report);
    return Status::Ok();
  });
}

aorta_status aorta_run_async(aorta_model* model, const aorta_tensor* inputs, size_t num_inputs,
                             aorta_request** request) {
  return Guard([&]() -> Status {
    if (model == nullptr || request == nullptr)
      return aorta::InvalidArgument("aorta_run_async: NULL");
    AORTA_ASSIGN_OR_RETURN(TensorMap in, Inputs(inputs, num_inputs));
    if (model->queue == nullptr) model->queue = std::make_unique<AsyncSession>(*model->session);
    auto r = std::make_unique<aorta_request>();
    r->outcome = model->queue->Submit(std::move(in));
    *request = r.release();
    return Status::Ok();
  });
}

aorta_status aorta_wait(aorta_request* request, aorta_result** result) {
  return Guard([&]() -> Status {
    if (request == nullptr || result == nullptr) return aorta::InvalidArgument("aorta_wait: NULL");
    std::unique_ptr<aorta_request> owned(request);
    AsyncSession::Outcome o = owned->outcome.get();
    if (!o.outputs.ok()) return o.outputs.status();
    *result = MakeResult(*o.outputs, o.report);
    return Status::Ok();
  });
}

size_t aorta_result_num_outputs(const aorta_result* result) {
  return result == nullptr ? 0 : result->outputs.size();
}

aorta_status aorta_result_output(const aorta_result* result, size_t i, const char** name,
                                 const float** values, size_t* count, const int64_t** shape,
                                 int32_t* rank) {
  return Guard([&]() -> Status {
    if (result == nullptr) return aorta::InvalidArgument("aorta_result_output: NULL result");
    if (i >= result->outputs.size())
      return aorta::InvalidArgument("aorta_result_output: output {} of {}", i,
                                    result->outputs.size());
    const aorta_result::Output& o = result->outputs[i];
    if (name) *name = o.name.c_str();
    if (values) *values = o.values.data();
    if (count) *count = o.values.size();
    if (shape) *shape = o.shape.data();
    if (rank) *rank = static_cast<int32_t>(o.shape.size());
    return Status::Ok();
  });
}

const char* aorta_report_json(const aorta_result* result) {
  return result == nullptr ? "" : result->report_json.c_str();
}

void aorta_result_free(aorta_result* result) { delete result; }

void aorta_model_free(aorta_model* model) {
  if (model == nullptr) return;
  model->queue.reset();  // finishes the queued requests
  model->device->has_model = false;
  delete model;
}

void aorta_close(aorta_device* device) { delete device; }

}  // extern "C"
