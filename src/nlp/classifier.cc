// Linear text classifier: prediction, calibration and the model file format (see classifier.h).
//
// File format (little-endian), version 1:
//   "HUMASNLP" | u32 format version | u32 n + n bytes header ("key=value" lines) |
//   u32 n + n bytes model card | u32 labels K | u32 hash bits | K f32 bias |
//   u64 rows | rows x (u32 bucket, K f32 weights) | u64 FNV-1a checksum of all bytes before it.
// Only non-zero buckets are stored, so the file stays small while the hash space stays large.
#include "nlp/classifier.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace humas::nlp {
namespace {

constexpr char kMagic[8] = {'H', 'U', 'M', 'A', 'S', 'N', 'L', 'P'};

class Writer {
 public:
  void Bytes(const void* p, std::size_t n) { buf_.append(static_cast<const char*>(p), n); }
  void U32(std::uint32_t v) { Bytes(&v, 4); }
  void U64(std::uint64_t v) { Bytes(&v, 8); }
  void F32(float v) { Bytes(&v, 4); }
  void Str(const std::string& s) {
    U32(static_cast<std::uint32_t>(s.size()));
    Bytes(s.data(), s.size());
  }
  std::string& buf() { return buf_; }

 private:
  std::string buf_;
};

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool Bytes(void* p, std::size_t n) {
    if (data_.size() - pos_ < n) return false;
    std::memcpy(p, data_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool U32(std::uint32_t* v) { return Bytes(v, 4); }
  bool U64(std::uint64_t* v) { return Bytes(v, 8); }
  bool F32(float* v) { return Bytes(v, 4); }
  bool Str(std::string* s) {
    std::uint32_t n = 0;
    if (!U32(&n) || data_.size() - pos_ < n) return false;
    s->assign(data_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  std::size_t pos() const { return pos_; }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

std::uint64_t Fnv(std::string_view bytes) { return HashBytes(bytes, 0); }

std::string JoinFloats(const std::vector<float>& v) {
  std::string out;
  char buf[32];
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%s%.9g", i ? "," : "", static_cast<double>(v[i]));
    out += buf;
  }
  return out;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) break;
    start = pos + 1;
  }
  return out;
}

std::string EncodeHeader(const ModelInfo& m) {
  std::ostringstream h;
  std::string labels;
  for (std::size_t i = 0; i < m.labels.size(); ++i) labels += (i ? "," : "") + m.labels[i];
  const auto& n = m.normalize;
  const auto& f = m.features;
  h << "task=" << m.task << "\nversion=" << m.version << "\nlabels=" << labels
    << "\nnormalize.squeeze=" << n.squeeze << "\nnormalize.lexicon=" << n.lexicon
    << "\nnormalize.negation_window=" << n.negation_window << "\nnormalize.stem=" << n.stem
    << "\nnormalize.max_input_bytes=" << n.max_input_bytes << "\nfeatures.hash_bits=" << f.hash_bits
    << "\nfeatures.word_unigrams=" << f.word_unigrams
    << "\nfeatures.word_bigrams=" << f.word_bigrams
    << "\nfeatures.word_trigrams=" << f.word_trigrams
    << "\nfeatures.skip_bigrams=" << f.skip_bigrams
    << "\nfeatures.length_buckets=" << f.length_buckets << "\nfeatures.kind_rules=" << f.kind_rules
    << "\nfeatures.surface_unigrams=" << f.surface_unigrams << "\nfeatures.char_min=" << f.char_min
    << "\nfeatures.char_max=" << f.char_max << "\nfeatures.char_negated=" << f.char_negated
    << "\nfeatures.char_weight=" << JoinFloats({f.char_weight})
    << (f.polarity != 0 ? "\nfeatures.polarity=" + std::to_string(f.polarity) : "")
    << (f.clauses != 0 ? "\nfeatures.clauses=" + std::to_string(f.clauses) : "")
    << "\ntemperature=" << JoinFloats({m.temperature})
    << "\nlabel_offset=" << JoinFloats(m.label_offset)
    << "\ntrained_examples=" << m.trained_examples << "\nlexicon_size=" << m.lexicon_size << "\n";
  return h.str();
}

Status DecodeHeader(const std::string& text, ModelInfo* m) {
  std::istringstream in(text);
  std::string line;
  try {
    while (std::getline(in, line)) {
      const auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      const std::string k = line.substr(0, eq), v = line.substr(eq + 1);
      auto& n = m->normalize;
      auto& f = m->features;
      if (k == "task")
        m->task = v;
      else if (k == "version")
        m->version = v;
      else if (k == "labels")
        m->labels = Split(v, ',');
      else if (k == "normalize.squeeze")
        n.squeeze = v == "1";
      else if (k == "normalize.lexicon")
        n.lexicon = v == "1";
      else if (k == "normalize.negation_window")
        n.negation_window = std::stoi(v);
      else if (k == "normalize.stem")
        n.stem = v == "1";
      else if (k == "normalize.max_input_bytes")
        n.max_input_bytes = std::stoull(v);
      else if (k == "features.hash_bits")
        f.hash_bits = std::stoi(v);
      else if (k == "features.word_unigrams")
        f.word_unigrams = v == "1";
      else if (k == "features.word_bigrams")
        f.word_bigrams = v == "1";
      else if (k == "features.kind_rules")
        f.kind_rules = v == "1";
      else if (k == "features.length_buckets")
        f.length_buckets = v == "1";
      else if (k == "features.word_trigrams")
        f.word_trigrams = v == "1";
      else if (k == "features.skip_bigrams")
        f.skip_bigrams = v == "1";
      else if (k == "features.surface_unigrams")
        f.surface_unigrams = v == "1";
      else if (k == "features.char_min")
        f.char_min = std::stoi(v);
      else if (k == "features.char_max")
        f.char_max = std::stoi(v);
      else if (k == "features.char_weight")
        f.char_weight = std::stof(v);
      else if (k == "features.polarity" || k == "features.clauses") {
        const bool polarity = k == "features.polarity";
        const int x = std::stoi(v);
        if (x < 0 || x > (polarity ? 2 : 3)) {
          return InvalidArgument("model setting " + k + "=" + v + " needs a newer humas");
        }
        (polarity ? f.polarity : f.clauses) = x;
      } else if (k == "features.char_negated")
        f.char_negated = v == "1";
      else if (k == "temperature")
        m->temperature = std::stof(v);
      else if (k == "label_offset") {
        m->label_offset.clear();
        for (const auto& s : Split(v, ',')) m->label_offset.push_back(std::stof(s));
      } else if (k == "trained_examples")
        m->trained_examples = std::stoull(v);
      else if (k == "lexicon_size")
        m->lexicon_size = std::stoull(v);
      else if (k.rfind("features.", 0) == 0 || k.rfind("normalize.", 0) == 0) {
        // a setting this reader does not know would change predictions silently: refuse
        return InvalidArgument("model setting \"" + k + "\" needs a newer humas; upgrade humas");
      }
      // other unknown keys are informational and ignored
    }
  } catch (const std::exception& e) {
    return DataLoss(std::string("model header has a malformed value: ") + e.what());
  }
  return Status::Ok();
}

}  // namespace

TextClassifier::TextClassifier(ModelInfo info)
    : info_(std::move(info)), normalizer_(info_.normalize) {
  const std::size_t k = info_.labels.size();
  info_.label_offset.resize(k, 0.0f);
  weights_.assign((std::size_t{1} << info_.features.hash_bits) * k, 0.0f);
  bias_.assign(k, 0.0f);
}

void TextClassifier::Logits(const FeatureVector& x, float* logits) const {
  thread_local FeatureSums sums;
  SumFeatures(x, weights_.data(), info_.labels.size(), &sums);
  Logits(sums, logits);
}

void TextClassifier::Logits(const FeatureSums& s, float* logits) const {
  const std::size_t k = info_.labels.size();
  for (std::size_t c = 0; c < k; ++c) {
    logits[c] = static_cast<float>(static_cast<double>(bias_[c]) + s.word[c] * s.value +
                                   s.chars[c] * s.char_value);
  }
}

LinearModelRef TextClassifier::ScorerRef() const {
  return LinearModelRef{info_.features, weights_.data(), info_.labels.size()};
}

void TextClassifier::Finish(const float* logits, Prediction* p) const {
  const std::size_t k = info_.labels.size();
  p->probabilities.resize(k);
  Calibrate(logits, p->probabilities.data());
  p->label = static_cast<int>(std::max_element(p->probabilities.begin(), p->probabilities.end()) -
                              p->probabilities.begin());
  p->confidence = p->probabilities[p->label];
}

void TextClassifier::Calibrate(const float* logits, float* probabilities) const {
  const std::size_t k = info_.labels.size();
  float mx = -1e30f;
  for (std::size_t c = 0; c < k; ++c) {
    probabilities[c] = (logits[c] + info_.label_offset[c]) / info_.temperature;
    mx = std::max(mx, probabilities[c]);
  }
  float sum = 0;
  for (std::size_t c = 0; c < k; ++c) sum += probabilities[c] = std::exp(probabilities[c] - mx);
  for (std::size_t c = 0; c < k; ++c) probabilities[c] /= sum;
}

Prediction TextClassifier::PredictTokens(const std::vector<Token>& tokens) const {
  Prediction p;
  PredictTokens(tokens, &p);
  return p;
}

void TextClassifier::PredictTokens(const std::vector<Token>& tokens, Prediction* p) const {
  thread_local FeatureVector x;
  thread_local std::vector<float> logits;
  ExtractFeatures(tokens, info_.features, &x);
  logits.resize(info_.labels.size());
  Logits(x, logits.data());
  Finish(logits.data(), p);
}

Prediction TextClassifier::Predict(std::string_view text) const {
  thread_local std::vector<Token> tokens;  // reused: no allocation per text once warm
  normalizer_.Normalize(text, &tokens);
  return PredictTokens(tokens);
}

std::size_t TextClassifier::NonZeroBuckets() const {
  const std::size_t k = info_.labels.size();
  std::size_t n = 0;
  for (std::size_t j = 0; j * k < weights_.size(); ++j) {
    for (std::size_t c = 0; c < k; ++c) {
      if (weights_[j * k + c] != 0.0f) {
        ++n;
        break;
      }
    }
  }
  return n;
}

std::size_t TextClassifier::MemoryBytes() const {
  return sizeof(*this) + weights_.capacity() * sizeof(float) + info_.card.size() +
         EncodeHeader(info_).size();
}

Status TextClassifier::Save(const std::string& path) const {
  const std::size_t k = info_.labels.size();
  Writer w;
  w.Bytes(kMagic, sizeof kMagic);
  w.U32(kModelFormatVersion);
  w.Str(EncodeHeader(info_));
  w.Str(info_.card);
  w.U32(static_cast<std::uint32_t>(k));
  w.U32(static_cast<std::uint32_t>(info_.features.hash_bits));
  for (float b : bias_) w.F32(b);
  w.U64(NonZeroBuckets());
  for (std::size_t j = 0; j * k < weights_.size(); ++j) {
    const float* row = &weights_[j * k];
    if (std::all_of(row, row + k, [](float v) { return v == 0.0f; })) continue;
    w.U32(static_cast<std::uint32_t>(j));
    for (std::size_t c = 0; c < k; ++c) w.F32(row[c]);
  }
  w.U64(Fnv(w.buf()));
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      return Unavailable("cannot write " + tmp + ": check the directory exists and is writable");
    out.write(w.buf().data(), static_cast<std::streamsize>(w.buf().size()));
    if (!out) return Unavailable("writing " + tmp + " failed (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Unavailable("cannot rename " + tmp + " to " + path + ": " + ec.message());
  return Status::Ok();
}

Result<std::unique_ptr<TextClassifier>> LoadModel(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return NotFound("cannot open model " + path + ": check the path (humas train makes one)");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  if (data.size() < sizeof kMagic + 8 || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) {
    return InvalidArgument(path + " is not a humas model file");
  }
  std::uint64_t stored_sum = 0;
  std::memcpy(&stored_sum, data.data() + data.size() - 8, 8);
  if (Fnv(std::string_view(data).substr(0, data.size() - 8)) != stored_sum) {
    return DataLoss(path + ": checksum mismatch (truncated or corrupted); retrain or re-copy it");
  }
  Reader r(std::string_view(data).substr(sizeof kMagic, data.size() - sizeof kMagic - 8));
  std::uint32_t version = 0, k = 0, bits = 0;
  std::string header, card;
  if (!r.U32(&version)) return DataLoss(path + ": truncated");
  if (version > kModelFormatVersion) {
    return InvalidArgument(path + ": model format " + std::to_string(version) +
                           " is newer than this humas understands (" +
                           std::to_string(kModelFormatVersion) + "); upgrade humas");
  }
  if (!r.Str(&header) || !r.Str(&card) || !r.U32(&k) || !r.U32(&bits)) {
    return DataLoss(path + ": truncated header");
  }
  ModelInfo info;
  HUMAS_RETURN_IF_ERROR(DecodeHeader(header, &info));
  info.card = std::move(card);
  if (k < 2 || info.labels.size() != k || bits < 4 || bits > 28 ||
      static_cast<int>(bits) != info.features.hash_bits || info.temperature <= 0) {
    return DataLoss(path + ": inconsistent header (labels, hash bits or temperature)");
  }
  auto model = std::make_unique<TextClassifier>(std::move(info));
  for (auto& b : model->mutable_bias()) {
    if (!r.F32(&b)) return DataLoss(path + ": truncated bias");
  }
  std::uint64_t rows = 0;
  if (!r.U64(&rows)) return DataLoss(path + ": truncated");
  auto& w = model->mutable_weights();
  const std::size_t buckets = std::size_t{1} << bits;
  for (std::uint64_t i = 0; i < rows; ++i) {
    std::uint32_t j = 0;
    if (!r.U32(&j) || j >= buckets) return DataLoss(path + ": bad weight row");
    for (std::uint32_t c = 0; c < k; ++c) {
      if (!r.F32(&w[std::size_t{j} * k + c])) return DataLoss(path + ": truncated weights");
    }
  }
  return model;
}

std::filesystem::path ShippedModelsDir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("HUMAS_MODELS_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    // build trees put binaries a few levels below the source root; installs use ../share
    fs::path dir = exe.parent_path();
    for (int up = 0; up < 5 && !dir.empty(); ++up) {
      if (fs::exists(dir / "models" / "sentiment.model", ec)) return dir / "models";
      if (fs::exists(dir / "share" / "humas" / "models", ec))
        return dir / "share" / "humas" / "models";
      if (dir == dir.parent_path()) break;
      dir = dir.parent_path();
    }
  }
#ifdef HUMAS_SOURCE_MODELS_DIR
  return HUMAS_SOURCE_MODELS_DIR;
#else
  return "models";
#endif
}

std::filesystem::path ShippedModelPath(std::string_view task) {
  return ShippedModelsDir() / (std::string(task) + ".model");
}

}  // namespace humas::nlp
