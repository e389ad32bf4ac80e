/*
 * libaorta's C API: open a device by URI, load a program, run batch-1 inference synchronously
 * or asynchronously, read outputs and the per-layer report. For other languages (ctypes, FFI).
 * Plain C99; every function returns an aorta_status; on failure aorta_last_error() holds the
 * message (per thread, until the next failing call of that thread). No C++ exception crosses
 * this interface.
 *
 *   aorta_device* dev; aorta_model* m; aorta_result* r;
 *   aorta_open("golden://", &dev);
 *   aorta_load(dev, "model.aprog", &m);
 *   aorta_tensor in = {"input", data, shape, 4};
 *   aorta_run(m, &in, 1, &r);
 *   aorta_result_output(r, 0, &name, &values, &count, &shape, &rank);
 *   puts(aorta_report_json(r));
 *   aorta_result_free(r); aorta_model_free(m); aorta_close(dev);
 *
 * A device URI without a config ("golden://", "rtl://") is opened by aorta_load with the
 * program's own chip configs; one device holds one loaded model at a time.
 */
#ifndef AORTA_C_API_H
#define AORTA_C_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The codes of core/status.h StatusCode, same numbers. */
typedef enum aorta_status {
  AORTA_OK = 0,
  AORTA_INVALID_ARGUMENT = 1,
  AORTA_NOT_FOUND = 2,
  AORTA_UNSUPPORTED = 3,
  AORTA_FAILED_PRECONDITION = 4,
  AORTA_DATA_LOSS = 5,
  AORTA_DEVICE_ERROR = 6,
  AORTA_TIMEOUT = 7,
  AORTA_INTERNAL = 8
} aorta_status;

typedef struct aorta_device aorta_device;
typedef struct aorta_model aorta_model;
typedef struct aorta_result aorta_result;
typedef struct aorta_request aorta_request;

/* An input tensor: float32 values in row-major order, `rank` dims in `shape`. */
typedef struct aorta_tensor {
  const char* name;
  const float* data;
  const int64_t* shape;
  int32_t rank;
} aorta_tensor;

/* "ok", "invalid argument", ... (core/status.h names) */
const char* aorta_status_string(aorta_status status);
/* The message of this thread's last failing call ("" if none). */
const char* aorta_last_error(void);

aorta_status aorta_open(const char* uri, aorta_device** device);
/* Loads a .aprog file (checked, weights written, init stream run). */
aorta_status aorta_load(aorta_device* device, const char* program_path, aorta_model** model);
/* Inputs are copied; the result holds the outputs (float32) and the run report. */
aorta_status aorta_run(aorta_model* model, const aorta_tensor* inputs, size_t num_inputs,
                       aorta_result** result);
/* Queues a run (several may be in flight; they run in order); aorta_wait ends the request
 * (and frees it) with its result. Every request must be waited for. */
aorta_status aorta_run_async(aorta_model* model, const aorta_tensor* inputs, size_t num_inputs,
                             aorta_request** request);
aorta_status aorta_wait(aorta_request* request, aorta_result** result);

size_t aorta_result_num_outputs(const aorta_result* result);
/* Output i: its name, values, value count, shape and rank; pointers valid until
 * aorta_result_free. */
aorta_status aorta_result_output(const aorta_result* result, size_t i, const char** name,
                                 const float** values, size_t* count, const int64_t** shape,
                                 int32_t* rank);
/* The run report as JSON (backend, cycles, macs, mac_utilization, latency_us, wall_s, layers),
 * valid until aorta_result_free. */
const char* aorta_report_json(const aorta_result* result);
void aorta_result_free(aorta_result* result);
/* Frees the model; waits for its queued requests first. */
void aorta_model_free(aorta_model* model);
/* Closes the device; its model must have been freed. */
void aorta_close(aorta_device* device);

#ifdef __cplusplus
}
#endif

#endif /* AORTA_C_API_H */
