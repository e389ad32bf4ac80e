#include "models/real/wakeword.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <numbers>

#include "compiler/onnx_import.h"
#include "compiler/reference/executor.h"
#include "core/io/file_util.h"

namespace aorta::models {
namespace {

uint32_t Le32(std::string_view b, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<uint8_t>(b[at + i])) << (8 * i);
  return v;
}

uint16_t Le16(std::string_view b, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(b[at]) |
                               (static_cast<uint8_t>(b[at + 1]) << 8));
}

// The zeroth-order modified Bessel function of the first kind (Kaiser window), by its series.
double BesselI0(double x) {
  double sum = 1, term = 1;
  for (int k = 1; k < 64; ++k) {
    term *= (x / (2 * k)) * (x / (2 * k));
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

// "hey jarvis" -> "hey_jarvis".
std::string FileStem(const std::string& text) {
  std::string stem;
  for (char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum) {
      stem += c;
    } else if (!stem.empty() && stem.back() != '_') {
      stem += '_';
    }
  }
  while (!stem.empty() && stem.back() == '_') stem.pop_back();
  return stem.empty() ? "speech" : stem;
}

}  // namespace

Result<Audio> ParseWav(std::string_view b, const std::string& name) {
  if (b.size() < 12 || b.substr(0, 4) != "RIFF" || b.substr(8, 4) != "WAVE") {
    return InvalidArgument("{}: not a RIFF/WAVE file", name);
  }
  uint16_t format = 0, channels = 0, bits = 0;
  uint32_t rate = 0;
  bool have_fmt = false;
  size_t at = 12;
  while (at + 8 <= b.size()) {
    const std::string_view id = b.substr(at, 4);
    const uint32_t size = Le32(b, at + 4);
    const size_t body = at + 8;
    if (size > b.size() - body) {
      return DataLoss("{}: chunk '{}' claims {} bytes, {} are left (truncated file)", name, id,
                      size, b.size() - body);
    }
    if (id == "fmt ") {
      if (size < 16) return DataLoss("{}: 'fmt ' chunk of {} bytes (at least 16)", name, size);
      format = Le16(b, body);
      channels = Le16(b, body + 2);
      rate = Le32(b, body + 4);
      bits = Le16(b, body + 14);
      have_fmt = true;
    } else if (id == "data") {
      if (!have_fmt) return DataLoss("{}: 'data' chunk before the 'fmt ' chunk", name);
      // WAVE_FORMAT_PCM, or WAVE_FORMAT_EXTENSIBLE whose sub-format is PCM (not checked further).
      if (format != 1 && format != 0xFFFE) {
        return Unsupported("{}: audio format {} is not PCM (1)", name, format);
      }
      if (bits != 16) return Unsupported("{}: {}-bit samples; only 16-bit PCM is read", name, bits);
      if (channels == 0 || rate == 0) {
        return DataLoss("{}: {} channels at {} Hz", name, channels, rate);
      }
      const size_t frame = 2u * channels;
      if (size % frame != 0) {
        return DataLoss("{}: {} data bytes are not a whole number of {}-byte frames", name, size,
                        frame);
      }
      Audio audio;
      audio.sample_rate = rate;
      audio.samples.resize(size / frame);
      for (size_t i = 0; i < audio.samples.size(); ++i) {
        double sum = 0;
        for (size_t c = 0; c < channels; ++c) {
          sum += static_cast<int16_t>(Le16(b, body + i * frame + 2 * c));
        }
        audio.samples[i] = static_cast<float>(sum / channels);
      }
      return audio;
    }
    at = body + size + (size & 1);  // chunks are padded to an even size
  }
  return DataLoss("{}: no 'data' chunk", name);
}

Result<Audio> ReadWav(const std::string& path) {
  AORTA_ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(path));
  return ParseWav(bytes, path);
}

std::vector<float> Resample(std::span<const float> x, int64_t from_rate, int64_t to_rate) {
  if (from_rate == to_rate) return {x.begin(), x.end()};
  constexpr int64_t kZeros = 32;  // zero crossings of the sinc either side
  constexpr double kBeta = 8.6;   // Kaiser window: about 86 dB stop-band attenuation
  constexpr double kRolloff = 0.95;
  // Cut-off as a fraction of the input rate's Nyquist frequency; the kernel stretches with it
  // when down-sampling.
  const double cutoff = kRolloff * std::min(1.0, static_cast<double>(to_rate) / from_rate);
  const double half_width = kZeros / cutoff;  // in input samples
  const auto n_in = static_cast<int64_t>(x.size());
  const int64_t n_out = n_in * to_rate / from_rate;
  const double i0_beta = BesselI0(kBeta);
  std::vector<float> y(static_cast<size_t>(n_out));
  for (int64_t i = 0; i < n_out; ++i) {
    // Position of output sample i on the input's time axis, exact as a fraction.
    const int64_t num = i * from_rate;
    const int64_t base = num / to_rate;
    const double t = static_cast<double>(base) + static_cast<double>(num % to_rate) / to_rate;
    const auto lo = std::max<int64_t>(0, static_cast<int64_t>(std::ceil(t - half_width)));
    const auto hi = std::min<int64_t>(n_in - 1, static_cast<int64_t>(std::floor(t + half_width)));
    double acc = 0;
    for (int64_t k = lo; k <= hi; ++k) {
      const double d = t - static_cast<double>(k);
      const double r = d / half_width;
      const double window = BesselI0(kBeta * std::sqrt(std::max(0.0, 1 - r * r))) / i0_beta;
      const double a = std::numbers::pi * cutoff * d;
      const double sinc = d == 0 ? 1.0 : std::sin(a) / a;
      acc += x[static_cast<size_t>(k)] * cutoff * sinc * window;
    }
    y[static_cast<size_t>(i)] = static_cast<float>(acc);
  }
  return y;
}

Result<Audio> Synthesize(const std::string& text, const std::string& wav_path, const Voice& voice) {
  const std::string cmd =
      fmt::format("espeak-ng -v {} -s {} -p {} -w {} {}", ShellQuote(voice.name), voice.speed,
                  voice.pitch, ShellQuote(wav_path), ShellQuote(text));
  const CommandOutcome run = RunCommand(cmd);
  if (run.exit_code != 0) {
    return FailedPrecondition(
        "`{}` failed (exit status {}): {}; espeak-ng is installed by scripts/setup-deps "
        "(scripts/deps.txt)",
        cmd, run.exit_code, run.output.empty() ? "no output" : run.output);
  }
  AORTA_ASSIGN_OR_RETURN(Audio audio, ReadWav(wav_path));
  if (audio.samples.empty())
    return DataLoss("{}: espeak-ng wrote no samples for '{}'", wav_path, text);
  audio.samples = Resample(audio.samples, audio.sample_rate, kWakeWordSampleRate);
  audio.sample_rate = kWakeWordSampleRate;
  return audio;
}

Result<Tensor> PaddedClip(const Audio& audio) {
  if (audio.sample_rate != kWakeWordSampleRate) {
    return InvalidArgument("audio at {} Hz; openWakeWord's models take {} Hz", audio.sample_rate,
                           kWakeWordSampleRate);
  }
  const auto n = static_cast<int64_t>(audio.samples.size()) + 2 * kWakeWordSampleRate;
  Tensor clip(DType::kF32, {1, n});
  std::copy(audio.samples.begin(), audio.samples.end(),
            clip.data<float>().begin() + kWakeWordSampleRate);
  return clip;
}

Result<Tensor> ScaleMel(const Tensor& mel) {
  if (mel.dtype() != DType::kF32 || mel.rank() < 2 || mel.dim(-1) != kMelBins) {
    return InvalidArgument("melspectrogram output {} {}: expected f32 [..., frames, {}]",
                           DTypeName(mel.dtype()), ShapeToString(mel.shape()), kMelBins);
  }
  AORTA_ASSIGN_OR_RETURN(Tensor scaled, mel.Reshaped({mel.element_count() / kMelBins, kMelBins}));
  for (float& v : scaled.data<float>()) v = v / 10.0f + 2.0f;
  return scaled;
}

Result<Tensor> MelWindows(const Tensor& scaled) {
  if (scaled.rank() != 2 || scaled.dim(1) != kMelBins || scaled.dtype() != DType::kF32) {
    return InvalidArgument("scaled mel features {}: expected f32 [frames, {}]",
                           ShapeToString(scaled.shape()), kMelBins);
  }
  const int64_t frames = scaled.dim(0);
  if (frames < kMelWindowFrames) {
    return InvalidArgument("{} mel frames: fewer than one {}-frame window", frames,
                           kMelWindowFrames);
  }
  const int64_t count = (frames - kMelWindowFrames) / kMelWindowStep + 1;
  Tensor windows(DType::kF32, {count, kMelWindowFrames, kMelBins, 1});
  const auto src = scaled.data<float>();
  auto dst = windows.data<float>();
  const auto window = static_cast<size_t>(kMelWindowFrames * kMelBins);
  for (int64_t w = 0; w < count; ++w) {
    const auto from = static_cast<size_t>(w * kMelWindowStep * kMelBins);
    std::copy_n(src.begin() + static_cast<std::ptrdiff_t>(from), window,
                dst.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(w) * window));
  }
  return windows;
}

Result<std::vector<Tensor>> ClassifierWindows(const Tensor& embeddings) {
  if (embeddings.dtype() != DType::kF32 || embeddings.rank() < 1 ||
      embeddings.element_count() != embeddings.dim(0) * kEmbeddingSize) {
    return InvalidArgument("embeddings {}: expected f32 [N, ...] of {} values each",
                           ShapeToString(embeddings.shape()), kEmbeddingSize);
  }
  const int64_t n = embeddings.dim(0);
  if (n < kClassifierEmbeddings) {
    return InvalidArgument("{} embeddings: a classifier reads {}", n, kClassifierEmbeddings);
  }
  const auto src = embeddings.data<float>();
  std::vector<Tensor> out;
  for (int64_t p = 0; p + kClassifierEmbeddings <= n; ++p) {
    Tensor t(DType::kF32, {1, kClassifierEmbeddings, kEmbeddingSize});
    std::copy_n(src.begin() + p * kEmbeddingSize, kClassifierEmbeddings * kEmbeddingSize,
                t.data<float>().begin());
    out.push_back(std::move(t));
  }
  return out;
}

Result<SpeechFeatures> SpeechToFeatures(const std::string& text, const std::string& work_dir,
                                        const std::string& mel_model, const Voice& voice) {
  SpeechFeatures f;
  f.text = text;
  std::error_code ec;
  std::filesystem::create_directories(work_dir, ec);
  if (ec) return Internal("cannot create {}: {}", work_dir, ec.message());
  const std::string wav = fmt::format("{}/{}.wav", work_dir, FileStem(text));
  AORTA_ASSIGN_OR_RETURN(Audio audio, Synthesize(text, wav, voice));
  AORTA_ASSIGN_OR_RETURN(f.clip, PaddedClip(audio));
  AORTA_ASSIGN_OR_RETURN(ir::Graph graph, ImportOnnxFile(mel_model));
  if (graph.inputs.size() != 1 || graph.outputs.size() != 1) {
    return InvalidArgument("{}: expected one input and one output, got {} and {}", mel_model,
                           graph.inputs.size(), graph.outputs.size());
  }
  AORTA_ASSIGN_OR_RETURN(TensorMap out,
                         reference::RunReference(graph, {{graph.inputs[0], f.clip}}));
  f.mel = out.at(graph.outputs[0]);
  AORTA_ASSIGN_OR_RETURN(Tensor scaled, ScaleMel(f.mel));
  AORTA_ASSIGN_OR_RETURN(f.windows, MelWindows(scaled));
  return f;
}

CommandOutcome RunCommand(const std::string& command) {
  CommandOutcome o;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return o;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) o.output.append(buf.data(), n);
  const int status = pclose(pipe);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

double Cosine(std::span<const double> a, std::span<const double> b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (na == 0 && nb == 0) return 1.0;
  return dot / std::sqrt(na * nb + 1e-300);
}

}  // namespace aorta::models
