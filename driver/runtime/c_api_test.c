/* The C API (c_api.h) from C: c_api_test PROGRAM.aprog INPUT.npy EXPECTED.npy runs the demo
 * program synchronously and asynchronously on golden:// and pcie+emu://golden, checks the outputs
 * against the expected ones (the golden model's, written by make_demo), the report JSON, and the
 * errors. Prints one line per failed check; exit code 0 only if all passed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver/runtime/c_api.h"

static int failures = 0;

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                     \
    }                                                                 \
  } while (0)

/* A float32 little-endian .npy (version 1.0 or 2.0): values and shape. */
static float* ReadNpy(const char* path, int64_t* shape, int32_t* rank, size_t* count) {
  FILE* f = fopen(path, "rb");
  unsigned char head[12];
  char* dict;
  size_t len, n = 1;
  float* v;
  const char* p;
  if (!f) return NULL;
  if (fread(head, 1, 10, f) != 10 || memcmp(head, "\x93NUMPY", 6) != 0) {
    fclose(f);
    return NULL;
  }
  if (head[6] == 1) {
    len = head[8] | (size_t)head[9] << 8;
  } else {
    if (fread(head + 10, 1, 2, f) != 2) {
      fclose(f);
      return NULL;
    }
    len = head[8] | (size_t)head[9] << 8 | (size_t)head[10] << 16 | (size_t)head[11] << 24;
  }
  dict = calloc(len + 1, 1);
  if (fread(dict, 1, len, f) != len || !strstr(dict, "'<f4'")) {
    free(dict);
    fclose(f);
    return NULL;
  }
  *rank = 0;
  p = strchr(strstr(dict, "'shape'"), '(') + 1;
  while (*p && *p != ')') {
    char* end;
    long d = strtol(p, &end, 10);
    if (end == p) break;
    shape[(*rank)++] = d;
    n *= (size_t)d;
    p = end;
    while (*p == ',' || *p == ' ') ++p;
  }
  free(dict);
  v = malloc(n * sizeof(float));
  if (fread(v, sizeof(float), n, f) != n) {
    free(v);
    v = NULL;
  }
  fclose(f);
  *count = n;
  return v;
}

/* The golden model's output of the int8 program is the float model's within quantization
 * error: at most 5% of the largest |expected| value. */
static void CheckOutputs(const aorta_result* r, const float* expected, size_t n) {
  const char* name;
  const float* values;
  size_t count, i;
  const int64_t* shape;
  int32_t rank;
  float range = 0, worst = 0;
  CHECK(aorta_result_num_outputs(r) == 1);
  CHECK(aorta_result_output(r, 0, &name, &values, &count, &shape, &rank) == AORTA_OK);
  CHECK(count == n);
  for (i = 0; i < n; ++i)
    if (fabsf(expected[i]) > range) range = fabsf(expected[i]);
  for (i = 0; i < n && i < count; ++i)
    if (fabsf(values[i] - expected[i]) > worst) worst = fabsf(values[i] - expected[i]);
  if (!(worst <= 0.05f * range)) {
    fprintf(stderr, "output %s: max |error| %g against the float model (range %g)\n", name, worst,
            range);
    ++failures;
  }
  CHECK(aorta_result_output(r, 5, NULL, NULL, NULL, NULL, NULL) == AORTA_INVALID_ARGUMENT);
}

/* The first run's output values, to compare every later run and backend with (bit-exact). */
static float first_values[4096];
static size_t first_count = 0;

static void CheckSame(const aorta_result* r) {
  const float* values;
  size_t count;
  if (aorta_result_output(r, 0, NULL, &values, &count, NULL, NULL) != AORTA_OK) return;
  if (first_count == 0 && count <= 4096) {
    memcpy(first_values, values, count * sizeof(float));
    first_count = count;
    return;
  }
  CHECK(count == first_count && memcmp(values, first_values, count * sizeof(float)) == 0);
}

static void RunOn(const char* uri, const char* program, const aorta_tensor* in,
                  const float* expected, size_t n) {
  aorta_device* dev = NULL;
  aorta_model* model = NULL;
  aorta_result* r = NULL;
  aorta_request* reqs[3];
  aorta_tensor wrong = *in;
  int i;
  if (aorta_open(uri, &dev) != AORTA_OK || aorta_load(dev, program, &model) != AORTA_OK) {
    fprintf(stderr, "%s: %s\n", uri, aorta_last_error());
    ++failures;
    return;
  }
  CHECK(aorta_run(model, in, 1, &r) == AORTA_OK);
  if (r) {
    CheckOutputs(r, expected, n);
    CheckSame(r);
    CHECK(strstr(aorta_report_json(r), "\"layers\"") != NULL);
    CHECK(strstr(aorta_report_json(r), "\"latency_us\"") != NULL);
    aorta_result_free(r);
  }
  /* A failed run (an input the program does not have) leaves the model usable. */
  wrong.name = "not_an_input";
  CHECK(aorta_run(model, &wrong, 1, &r) == AORTA_INVALID_ARGUMENT);
  CHECK(strstr(aorta_last_error(), "not_an_input") != NULL ||
        strstr(aorta_last_error(), "missing input") != NULL);
  /* Three requests in flight. */
  for (i = 0; i < 3; ++i) CHECK(aorta_run_async(model, in, 1, &reqs[i]) == AORTA_OK);
  for (i = 0; i < 3; ++i) {
    r = NULL;
    CHECK(aorta_wait(reqs[i], &r) == AORTA_OK);
    if (r) {
      CheckOutputs(r, expected, n);
      CheckSame(r);
      aorta_result_free(r);
    }
  }
  CHECK(aorta_load(dev, program, &model) == AORTA_FAILED_PRECONDITION); /* one model per device */
  aorta_model_free(model);
  aorta_close(dev);
}

int main(int argc, char** argv) {
  int64_t in_shape[8], out_shape[8];
  int32_t in_rank, out_rank;
  size_t in_n, out_n;
  float *input, *expected;
  aorta_tensor in;
  aorta_device* dev = NULL;
  aorta_model* model = NULL;
  if (argc != 4) {
    fprintf(stderr, "usage: c_api_test PROGRAM.aprog INPUT.npy EXPECTED.npy\n");
    return 2;
  }
  input = ReadNpy(argv[2], in_shape, &in_rank, &in_n);
  expected = ReadNpy(argv[3], out_shape, &out_rank, &out_n);
  if (!input || !expected) {
    fprintf(stderr, "cannot read %s or %s (float32 .npy)\n", argv[2], argv[3]);
    return 1;
  }
  in.name = "input";
  in.data = input;
  in.shape = in_shape;
  in.rank = in_rank;
  RunOn("golden://", argv[1], &in, expected, out_n);
  RunOn("pcie+emu://golden", argv[1], &in, expected, out_n);

  /* Errors: a bad URI, a missing file, a program for another config. */
  CHECK(aorta_open("nonsense", &dev) == AORTA_INVALID_ARGUMENT);
  CHECK(strstr(aorta_last_error(), "nonsense") != NULL);
  CHECK(strcmp(aorta_status_string(AORTA_TIMEOUT), "timeout") == 0);
  CHECK(aorta_open("golden://tiny", &dev) == AORTA_OK);
  CHECK(aorta_load(dev, "/nonexistent.aprog", &model) != AORTA_OK);
  CHECK(strstr(aorta_last_error(), "/nonexistent.aprog") != NULL);
  CHECK(aorta_load(dev, argv[1], &model) == AORTA_FAILED_PRECONDITION);
  CHECK(strstr(aorta_last_error(), "fingerprint") != NULL);
  aorta_close(dev);
  free(input);
  free(expected);
  if (failures) fprintf(stderr, "%d checks failed\n", failures);
  else printf("c_api_test: all checks passed\n");
  return failures ? 1 : 0;
}
