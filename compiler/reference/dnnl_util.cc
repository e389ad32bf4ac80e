// oneDNN glue for the reference kernels: descriptors for plain tensors, reorders.
#include <omp.h>

#include <algorithm>

#include "compiler/reference/executor.h"
#include "compiler/reference/kernel.h"

namespace aorta::reference {

using dnnl::memory;

memory::desc PlainDesc(const Shape& shape, memory::data_type dt) {
  memory::dims dims = shape.empty() ? memory::dims{1} : memory::dims(shape.begin(), shape.end());
  memory::dims strides(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;)
    strides[i - 1] = strides[i] * std::max<int64_t>(dims[i], 1);
  return memory::desc(dims, dt, strides);
}

memory WrapTensor(const Tensor& t, const dnnl::engine& engine) {
  return WrapTensor(t, PlainDesc(t.shape()), engine);
}

memory WrapTensor(const Tensor& t, const memory::desc& desc, const dnnl::engine& engine) {
  // oneDNN takes a non-const handle; inputs are only read.
  return memory(desc, engine, const_cast<std::byte*>(t.raw_data()));
}

memory Reordered(const memory& user, const memory::desc& want, dnnl::engine& engine,
                 dnnl::stream& stream) {
  if (user.get_desc() == want) return user;
  memory m(want, engine);
  dnnl::reorder(user, m).execute(stream, const_cast<memory&>(user), m);
  return m;
}

void ExecuteInto(const dnnl::primitive& prim, std::unordered_map<int, memory> args,
                 const memory::desc& dst_desc, Tensor& out, KernelContext& ctx) {
  memory user_dst = WrapTensor(out, ctx.engine);
  const bool direct = dst_desc == user_dst.get_desc();
  memory dst = direct ? user_dst : memory(dst_desc, ctx.engine);
  args[DNNL_ARG_DST] = dst;
  prim.execute(ctx.stream, args);
  if (!direct) dnnl::reorder(dst, user_dst).execute(ctx.stream, dst, user_dst);
  ctx.stream.wait();
}

ScopedReferenceThreads::ScopedReferenceThreads(int threads) : saved_(omp_get_max_threads()) {
  omp_set_num_threads(std::max(1, threads));
}

ScopedReferenceThreads::~ScopedReferenceThreads() { omp_set_num_threads(saved_); }

}  // namespace aorta::reference
