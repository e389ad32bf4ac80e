// Test helpers for the graph passes: random inputs, numerics before / after a pass on the fp32
// reference, shapes against the reference, op counts.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "compiler/ir.h"
#include "core/io/tensor.h"

namespace aorta::passes::testing {

// An empty graph named "test" importing the default domain at `opset`.
ir::Graph NewGraph(int64_t opset);
// A graph input of type f32 with static dims.
void F32Input(ir::Graph& graph, const std::string& name, const Shape& shape);
// A 1-D int64 tensor.
Tensor I64(const std::vector<int64_t>& values);

// Uniform in [lo, hi), deterministic per seed.
Tensor RandomTensor(Shape shape, uint32_t seed, float lo = -1.0f, float hi = 1.0f);
// A random tensor for every graph input (f32 uniform; other types zero), at its static shape.
TensorMap RandomInputs(const ir::Graph& graph, uint32_t seed);

// Runs `before` and `after` (fused nodes expanded) on the fp32 reference with the same random
// inputs, twice with different seeds, and expects every output of `before` to come out of
// `after` with the same shape and max |a - b| <= tol * max |a| (error relative to the output's
// range).
void ExpectSameNumerics(const ir::Graph& before, const ir::Graph& after, double tol = 1e-5);

// Expects the recorded dtype and static shape of every node output to be what the reference
// computes for it (fused nodes expanded).
void ExpectShapesMatchReference(const ir::Graph& graph);

// Nodes with this op type.
int CountOps(const ir::Graph& graph, const std::string& op_type);
// The op types in node order.
std::vector<std::string> OpTypes(const ir::Graph& graph);
// The recorded static shape of a value (empty and a test failure if none).
Shape ShapeOf(const ir::Graph& graph, const std::string& value);

}  // namespace aorta::passes::testing
