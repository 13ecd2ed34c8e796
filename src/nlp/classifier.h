// A linear text classifier over hashed features, with calibrated confidence and a versioned,
// self-describing model file (settings, labels, version and model card travel with the weights).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "nlp/features.h"
#include "nlp/normalizer.h"

namespace humas::nlp {

//! Everything about a model except its weights. Stored in the model file header.
struct ModelInfo {
  std::string task;                 //!< e.g. "sentiment"
  std::string version;              //!< model version, e.g. "sentiment-1"
  std::vector<std::string> labels;  //!< class names; index = class id
  NormalizeOptions normalize;
  FeatureOptions features;
  float temperature = 1.0f;            //!< confidence = softmax((logits + label_offset) / T)
  std::vector<float> label_offset;     //!< decision offsets tuned for macro-F1 (0 when untuned)
  std::uint64_t trained_examples = 0;  //!< texts seen over all (incremental) training rounds
  std::uint64_t lexicon_size = 0;  //!< size of the colloquial lexicon the model was trained with
  std::string card;                //!< the model card (Markdown)
};

//! Result of classifying one text.
struct Prediction {
  int label = 0;                     //!< index into ModelInfo::labels
  float confidence = 0;              //!< calibrated probability of `label`
  std::vector<float> probabilities;  //!< calibrated, one per label, summing to 1
};

//! The model. Immutable once trained or loaded; Predict is thread-safe.
class TextClassifier {
 public:
  //! Zero weights for info.labels.size() classes over 2^info.features.hash_bits buckets.
  explicit TextClassifier(ModelInfo info);

  const ModelInfo& info() const { return info_; }
  const std::string& LabelName(int label) const { return info_.labels[label]; }

  Prediction Predict(std::string_view text) const;
  Prediction PredictTokens(const std::vector<Token>& tokens) const;
  //! The same into *out, reusing its probabilities' storage (no allocation once warm).
  void PredictTokens(const std::vector<Token>& tokens, Prediction* out) const;
  //! Raw scores (before offsets and temperature) for a feature vector; `logits` has one slot
  //! per label. The weights are summed in double (SumFeatures).
  void Logits(const FeatureVector& x, float* logits) const;
  //! The same from the feature vector's sums (SumFeatures, or a LinearScorer over ScorerRef()).
  void Logits(const FeatureSums& sums, float* logits) const;
  //! This model as a LinearScorer reads it (valid while the model lives).
  LinearModelRef ScorerRef() const;
  //! The prediction from raw logits: calibrated probabilities, label and confidence.
  void Finish(const float* logits, Prediction* p) const;
  //! Calibrated probabilities from raw logits.
  void Calibrate(const float* logits, float* probabilities) const;

  const Normalizer& normalizer() const { return normalizer_; }

  //! Writes the model file atomically (temporary file + rename).
  Status Save(const std::string& path) const;
  //! Bytes the loaded model occupies in memory (weights dominate).
  std::size_t MemoryBytes() const;
  //! Number of buckets with a non-zero weight.
  std::size_t NonZeroBuckets() const;

  // For the trainer: weights are [bucket * num_labels + label], bias one per label.
  std::vector<float>& mutable_weights() { return weights_; }
  std::vector<float>& mutable_bias() { return bias_; }
  ModelInfo& mutable_info() { return info_; }
  const std::vector<float>& weights() const { return weights_; }
  const std::vector<float>& bias() const { return bias_; }

 private:
  ModelInfo info_;
  Normalizer normalizer_;
  std::vector<float> weights_;
  std::vector<float> bias_;
};

//! Current model file format version; Load refuses newer ones.
inline constexpr std::uint32_t kModelFormatVersion = 1;

//! Loads a model file. NotFound if it cannot be opened; DataLoss if it is truncated or its
//! checksum fails; InvalidArgument if it is not a humas model or has a newer format version.
Result<std::unique_ptr<TextClassifier>> LoadModel(const std::string& path);

//! Directory of the models that ship with humas: $HUMAS_MODELS_DIR if set, else "models" next to
//! or above the executable (build trees, /usr/share/humas/models), else the source tree's models/.
std::filesystem::path ShippedModelsDir();

//! Path of a shipped model for a task ("sentiment" -> <dir>/sentiment.model).
std::filesystem::path ShippedModelPath(std::string_view task);

}  // namespace humas::nlp
