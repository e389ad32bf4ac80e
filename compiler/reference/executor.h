// The fp32 reference executor: runs a whole ir::Graph on the CPU with oneDNN.
//
// It is the top of the equivalence ladder (docs: fp32 reference ≈ quantized golden model):
// every op is computed in f32 with oneDNN primitives where oneDNN has them, plain C++ for layout
// and shape ops. Integer tensors flow through shape computations (Shape, Gather, Concat ...).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "compiler/ir.h"
#include "core/io/tensor.h"
#include "core/status.h"

namespace aorta::reference {

class Executor {
 public:
  // Validates the graph and checks that every node's op is supported; an unsupported op is
  // reported with the node name and op_type.
  static Result<Executor> Create(ir::Graph graph);
  ~Executor();
  Executor(Executor&&) noexcept;
  Executor& operator=(Executor&&) noexcept;

  const ir::Graph& graph() const;
  // Runs the graph (one Run at a time per Executor: runs share one oneDNN stream). `inputs` must
  // hold every graph input by name with the declared element type and static dims; returns every
  // graph output by name.
  Result<TensorMap> Run(const TensorMap& inputs) const;
  // The same, with `after` called on every node output as soon as it is computed; it may change
  // the value in place (same dtype and shape), and the nodes that read it see the change (the
  // quantization simulation, quant::QuantSimulator, rounds values this way).
  using ValueHook = std::function<void(const std::string& value, Tensor& t)>;
  Result<TensorMap> Run(const TensorMap& inputs, const ValueHook& after) const;

 private:
  struct State;
  explicit Executor(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// While alive, oneDNN runs with at most `threads` OpenMP threads when called from this thread
// (the previous limit comes back afterwards). For many runs of a batch-1 model, as in
// calibration: there oneDNN's threads mostly wait for each other between small ops, and OpenMP's
// spin-waiting costs several times the CPU the extra thread saves (docs/perf.md, "Compile time").
class ScopedReferenceThreads {
 public:
  explicit ScopedReferenceThreads(int threads);
  ~ScopedReferenceThreads();
  ScopedReferenceThreads(const ScopedReferenceThreads&) = delete;
  ScopedReferenceThreads& operator=(const ScopedReferenceThreads&) = delete;

 private:
  int saved_;
};

// One-shot convenience: Create + Run.
Result<TensorMap> RunReference(const ir::Graph& graph, const TensorMap& inputs);

// The op types the reference supports (sorted), for messages and docs.
std::vector<std::string> SupportedOps();

}  // namespace aorta::reference
