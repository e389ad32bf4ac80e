// The Python module `aorta`: libaorta with an ONNX-Runtime-like API (docs/runtime.md, "Python").
//
//   import aorta, numpy as np
//   sess = aorta.InferenceSession("model.aprog", backend="rtl")      # or
//   device="pcie+emu://golden" [i.name for i in sess.get_inputs()], [o.shape for o in
//   sess.get_outputs()] outputs = sess.run(None, {"input": x})                            # list of
//   float32 ndarrays sess.report()                                                     # the last
//   run's report
//
// Errors are aorta.Error (a RuntimeError) carrying the runtime's message.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/program.h"
#include "driver/runtime/rtl_backend.h"
#include "driver/runtime/session.h"
#include "driver/runtime/uri.h"

namespace py = pybind11;

namespace aorta::python {
namespace {

// The runtime's errors as aorta.Error.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <typename T>
T Check(Result<T> r) {
  if (!r.ok()) throw Error(r.status().ToString());
  return std::move(*r);
}

// A program input or output as ONNX Runtime's NodeArg shows it.
struct NodeArg {
  std::string name;
  std::vector<int64_t> shape;
  std::string type = "tensor(float)";  // the session takes and gives float tensors
};

std::vector<NodeArg> NodeArgs(
    const google::protobuf::RepeatedPtrField<program::TensorBinding>& bindings) {
  std::vector<NodeArg> v;
  for (const auto& b : bindings) v.push_back({b.name(), {b.shape().begin(), b.shape().end()}});
  return v;
}

class InferenceSession {
 public:
  // backend: golden, tlm, rtl or pcie (as `aorta run --backend`); device: a URI, which wins.
  InferenceSession(const std::string& path, const std::string& backend,
                   const std::optional<std::string>& device, int timeout_ms) {
    if (timeout_ms <= 0)
      throw Error(fmt::format("timeout_ms must be positive, not {}", timeout_ms));
    program_ = Check(ReadProgram(path));
    std::vector<ChipConfig> chips;
    for (const auto& c : program_.chips()) chips.push_back(c.config());
    uri_ = device ? *device : runtime::DefaultUri(backend);  // an unknown one is named by Open
    backend_ = Check(runtime::OpenBackend(uri_, chips));
    runtime::Session::Options opts;
    opts.timeout = std::chrono::milliseconds(timeout_ms);
    session_ = Check(runtime::Session::Load(program_, *backend_, opts));
  }

  std::vector<NodeArg> inputs() const { return NodeArgs(program_.inputs()); }
  std::vector<NodeArg> outputs() const { return NodeArgs(program_.outputs()); }

  py::list Run(const std::optional<std::vector<std::string>>& names, const py::dict& feed) {
    runtime::TensorMap in;
    for (const auto& [key, value] : feed) {
      const std::string name = py::cast<std::string>(key);
      const program::TensorBinding* b = nullptr;
      for (const auto& i : program_.inputs())
        if (i.name() == name) b = &i;
      if (b == nullptr) throw Error(fmt::format("the model has no input named '{}'", name));
      // Any numeric array, converted to contiguous float32.
      auto a = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(value);
      if (!a) throw Error(fmt::format("input '{}': not a numeric array", name));
      Shape shape(a.shape(), a.shape() + a.ndim());
      const Shape want(b->shape().begin(), b->shape().end());
      if (shape != want)
        throw Error(fmt::format("input '{}' has shape {}, the model expects {}", name,
                                ShapeToString(shape), ShapeToString(want)));
      Tensor t(DType::kF32, shape);
      if (a.size() > 0)
        std::memcpy(t.raw_data(), a.data(), static_cast<size_t>(a.size()) * sizeof(float));
      in[name] = std::move(t);
    }
    for (const auto& i : program_.inputs())
      if (!in.count(i.name())) throw Error(fmt::format("no value given for input '{}'", i.name()));
    std::vector<std::string> wanted;
    if (names) {
      wanted = *names;
    } else {
      for (const auto& o : program_.outputs()) wanted.push_back(o.name());
    }
    runtime::TensorMap out;
    runtime::RunReport report;
    {
      py::gil_scoped_release release;  // the device may simulate for a while
      out = Check(session_->Run(in, &report));
    }
    report_json_ = report.ToJson();
    py::list result;
    for (const std::string& name : wanted) {
      auto it = out.find(name);
      if (it == out.end()) throw Error(fmt::format("the model has no output named '{}'", name));
      const Tensor& t = it->second;
      const Tensor f = t.dtype() == DType::kF32 ? t : t.CastTo(DType::kF32);
      py::array_t<float> a(std::vector<py::ssize_t>(f.shape().begin(), f.shape().end()));
      if (f.element_count() > 0) std::memcpy(a.mutable_data(), f.raw_data(), f.byte_size());
      result.append(std::move(a));
    }
    return result;
  }

  // The last run's report (RunReport::ToJson) as a dict; None before the first run.
  py::object Report() const {
    if (report_json_.empty()) return py::none();
    return py::module_::import("json").attr("loads")(report_json_);
  }

  const std::string& uri() const { return uri_; }
  std::string backend_name() const { return backend_->name(); }

 private:
  Program program_;
  std::string uri_;
  std::unique_ptr<runtime::Backend> backend_;
  std::unique_ptr<runtime::Session> session_;
  std::string report_json_;
};

}  // namespace
}  // namespace aorta::python

PYBIND11_MODULE(aorta, m) {
  using aorta::python::InferenceSession;
  using aorta::python::NodeArg;
  m.doc() = "aorta: run compiled programs (.aprog) on the golden model, TLM, RTL or a PCIe board";
  py::register_exception<aorta::python::Error>(m, "Error", PyExc_RuntimeError);

  // rtl:// and pcie+emu://rtl (driver/runtime/uri.h): the speed build of the verilated SoC.
  aorta::runtime::RegisterRtlSimulator("the Python module");

  py::class_<NodeArg>(m, "NodeArg")
      .def_readonly("name", &NodeArg::name)
      .def_readonly("shape", &NodeArg::shape)
      .def_readonly("type", &NodeArg::type)
      .def("__repr__", [](const NodeArg& a) {
        return fmt::format("NodeArg(name='{}', type='{}', shape={})", a.name, a.type,
                           aorta::ShapeToString(a.shape));
      });

  py::class_<InferenceSession>(m, "InferenceSession")
      .def(py::init<const std::string&, const std::string&, const std::optional<std::string>&,
                    int>(),
           py::arg("path"), py::arg("backend") = "golden", py::arg("device") = py::none(),
           py::arg("timeout_ms") = 60000,
           "Loads a program onto a backend: golden, tlm, rtl or pcie, or a device URI "
           "(golden://sim16, pcie+emu://golden, ...; docs/runtime.md)")
      .def("get_inputs", &InferenceSession::inputs)
      .def("get_outputs", &InferenceSession::outputs)
      .def("run", &InferenceSession::Run, py::arg("output_names"), py::arg("input_feed"),
           "Runs one inference: output_names (None = all, in the program's order) and a dict "
           "input name -> array; returns a list of float32 arrays")
      .def("report", &InferenceSession::Report,
           "The last run's report: backend, cycles, macs, mac_utilization, latency_us, wall_s, "
           "layers[...] (None before the first run)")
      .def_property_readonly("device", &InferenceSession::uri)
      .def_property_readonly("backend", &InferenceSession::backend_name);
}
