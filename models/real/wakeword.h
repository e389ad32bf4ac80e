// openWakeWord's audio pipeline around its three models (docs/models.md, "Wake-word speech"):
//
//   text --espeak-ng--> WAV (22050 Hz) --resample--> 16 kHz, int16 units, 1 s of silence either
//   side --melspectrogram.onnx (fp32 reference, host)--> [frames, 32] --x/10+2-->
//   76-frame windows every 8 frames --embedding_model.onnx--> one 96-vector per window -->
//   every 16 consecutive embeddings --alexa / hey_jarvis classifier--> a score per position.
//
// The constants and steps are openWakeWord's own (its utils.AudioFeatures: melspectrogram on
// int16-valued samples, `spec / 10 + 2`, windows of 76 frames stepping 8; Model.predict_clip pads
// one second of silence on both sides; a classifier reads the last 16 embeddings). A clip "fires"
// when its highest score reaches 0.5, openWakeWord's default threshold.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/tensor.h"
#include "core/status.h"

namespace aorta::models {

inline constexpr int64_t kWakeWordSampleRate = 16000;
inline constexpr int64_t kMelBins = 32;
inline constexpr int64_t kMelWindowFrames = 76;
inline constexpr int64_t kMelWindowStep = 8;
inline constexpr int64_t kEmbeddingSize = 96;
inline constexpr int64_t kClassifierEmbeddings = 16;
inline constexpr double kWakeWordThreshold = 0.5;

// Mono audio, samples in int16 units (-32768 .. 32767) as floats.
struct Audio {
  int64_t sample_rate = 0;
  std::vector<float> samples;
};

// A RIFF/WAVE file of 16-bit PCM (one channel, or several averaged). Errors name the file and
// what is wrong (not RIFF, not PCM, 8-bit, truncated data ...).
Result<Audio> ReadWav(const std::string& path);
Result<Audio> ParseWav(std::string_view bytes, const std::string& name);

// Band-limited resampling (windowed sinc, Kaiser window beta 8.6, 32 zero crossings either side,
// cut-off at 0.95 x the lower Nyquist frequency): from_rate -> to_rate, both positive.
std::vector<float> Resample(std::span<const float> x, int64_t from_rate, int64_t to_rate);

// espeak-ng's settings. The defaults are espeak-ng's own (voice "en", 175 words per minute,
// pitch 50).
struct Voice {
  std::string name = "en";
  int speed = 175;
  int pitch = 50;
};

// Runs `espeak-ng -v VOICE -s SPEED -p PITCH -w WAV_PATH TEXT` and returns the speech at 16 kHz.
// Fails naming the command and its output when espeak-ng is missing or fails.
Result<Audio> Synthesize(const std::string& text, const std::string& wav_path,
                         const Voice& voice = {});

// melspectrogram.onnx's input: [1, samples] with one second of silence before and after.
Result<Tensor> PaddedClip(const Audio& audio);

// melspectrogram.onnx's output [1, 1, frames, 32] (or any shape ending in frames x 32) scaled as
// openWakeWord does (x / 10 + 2): [frames, 32].
Result<Tensor> ScaleMel(const Tensor& mel);

// The embedding model's input: every 76-frame window of `scaled` [frames, 32] starting at frame
// 0, 8, 16 ..., as [windows, 76, 32, 1]. Fails if there are fewer than 76 frames.
Result<Tensor> MelWindows(const Tensor& scaled);

// A classifier's inputs: for every 16 consecutive embeddings of `embeddings` [N, ...96] (any
// shape with N x 96 elements), one [1, 16, 96] tensor, oldest first. Fails if N < 16.
Result<std::vector<Tensor>> ClassifierWindows(const Tensor& embeddings);

// One phrase through the host part of the pipeline.
struct SpeechFeatures {
  std::string text;
  Tensor clip;     // [1, samples], melspectrogram.onnx's input
  Tensor mel;      // melspectrogram.onnx's output, from the fp32 reference
  Tensor windows;  // [N, 76, 32, 1], embedding_model.onnx's input
};

// Synthesizes `text` into `work_dir` (a file name derived from the text) and runs
// melspectrogram.onnx (`mel_model`) on the fp32 reference.
Result<SpeechFeatures> SpeechToFeatures(const std::string& text, const std::string& work_dir,
                                        const std::string& mel_model, const Voice& voice = {});

// A shell command's exit status (-1 when it could not run or did not exit normally) and its
// standard output and error, interleaved. Synthesize runs espeak-ng with it; tests run node.
struct CommandOutcome {
  int exit_code = -1;
  std::string output;
};
CommandOutcome RunCommand(const std::string& command);
// `s` in single quotes for a POSIX shell.
std::string ShellQuote(const std::string& s);

// The cosine similarity of two equally long vectors (1 when both are zero).
double Cosine(std::span<const double> a, std::span<const double> b);

}  // namespace aorta::models
