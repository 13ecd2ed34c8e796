// Training, cross-validation and calibration of the linear classifiers (see trainer.h).
#include "nlp/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>

namespace humas::nlp {
namespace {

struct Prepared {
  std::vector<FeatureVector> x;
  std::vector<int> y;
  std::vector<int> fold;
};

using Matrix = std::vector<std::vector<float>>;  // [example][label]

void Softmax(const float* z, std::size_t k, float* p) {
  float mx = *std::max_element(z, z + k);
  float s = 0;
  for (std::size_t c = 0; c < k; ++c) s += p[c] = std::exp(z[c] - mx);
  for (std::size_t c = 0; c < k; ++c) p[c] /= s;
}

// Softmax regression by SGD with a linearly decaying step and L2 via a global scale factor
// (weights = scale * W), so each step touches only the example's features.
// Per-(bucket, label) scales nb + |log((a + n_jc) / (a + N_c)) - log((a + n_j~c) / (a + N_~c))|
// from presence counts on rows (empty when options.nb == 0).
std::vector<float> NbScales(const Prepared& d, const std::vector<std::size_t>& rows,
                            std::size_t dim, std::size_t k, double nb) {
  if (nb <= 0) return {};
  std::vector<float> count(dim * k, 0.0f);
  std::vector<double> total(k, 0.0);
  std::vector<std::uint32_t> seen;
  for (std::size_t r : rows) {
    seen.assign(d.x[r].index.begin(), d.x[r].index.end());
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    for (std::uint32_t j : seen) count[std::size_t{j} * k + d.y[r]] += 1;
    total[d.y[r]] += static_cast<double>(seen.size());
  }
  const double all = std::accumulate(total.begin(), total.end(), 0.0);
  std::vector<float> scale(dim * k);
  for (std::size_t j = 0; j < dim; ++j) {
    double row = 0;
    for (std::size_t c = 0; c < k; ++c) row += count[j * k + c];
    for (std::size_t c = 0; c < k; ++c) {
      const double in = count[j * k + c], out = row - in;
      const double ratio =
          std::log((1 + in) / (1 + total[c])) - std::log((1 + out) / (1 + all - total[c]));
      scale[j * k + c] = static_cast<float>(nb + std::abs(ratio));
    }
  }
  return scale;
}

void Sgd(const Prepared& d, const std::vector<std::size_t>& rows, const std::vector<float>& cw,
         const TrainOptions& o, std::uint64_t seed, TextClassifier* model) {
  auto& W = model->mutable_weights();
  auto& b = model->mutable_bias();
  const std::size_t k = b.size();
  const std::vector<float> S = NbScales(d, rows, W.size() / k, k, o.nb);
  if (!S.empty()) {  // continue from existing weights in the scaled parametrisation
    for (std::size_t i = 0; i < W.size(); ++i) W[i] /= S[i];
  }
  std::mt19937_64 rng(seed);
  std::vector<std::size_t> order = rows;
  const double total = static_cast<double>(o.epochs) * static_cast<double>(rows.size());
  double t = 0;
  double scale = 1;
  std::vector<float> z(k), p(k), g(k);
  std::vector<float> avg_w, avg_b;
  int averaged = 0;
  const int first_avg = o.average_epochs > 1 ? std::max(0, o.epochs - o.average_epochs) : o.epochs;
  for (int e = 0; e < o.epochs; ++e) {
    std::shuffle(order.begin(), order.end(), rng);
    for (std::size_t r : order) {
      const double eta = o.learning_rate * std::max(1e-4, 1.0 - t / total);
      t += 1;
      const FeatureVector& x = d.x[r];
      std::fill(z.begin(), z.end(), 0.0f);
      for (std::size_t i = 0; i < x.index.size(); ++i) {
        const float v = i < x.split ? x.value : x.char_value;
        const std::size_t base = std::size_t{x.index[i]} * k;
        const float* w = &W[base];
        if (S.empty()) {
          for (std::size_t c = 0; c < k; ++c) z[c] += w[c] * v;
        } else {
          for (std::size_t c = 0; c < k; ++c) z[c] += w[c] * S[base + c] * v;
        }
      }
      for (std::size_t c = 0; c < k; ++c) z[c] = b[c] + static_cast<float>(scale) * z[c];
      Softmax(z.data(), k, p.data());
      const int y = d.y[r];
      for (std::size_t c = 0; c < k; ++c) {
        g[c] = (p[c] - (static_cast<int>(c) == y ? 1.0f : 0.0f)) * cw[y];
      }
      scale *= (1.0 - eta * o.l2);
      if (scale < 1e-3) {
        for (auto& w : W) w *= static_cast<float>(scale);
        scale = 1;
      }
      const float step = static_cast<float>(eta / scale);
      for (std::size_t i = 0; i < x.index.size(); ++i) {
        const float sv = step * (i < x.split ? x.value : x.char_value);
        const std::size_t base = std::size_t{x.index[i]} * k;
        float* w = &W[base];
        if (S.empty()) {
          for (std::size_t c = 0; c < k; ++c) w[c] -= sv * g[c];
        } else {
          for (std::size_t c = 0; c < k; ++c) w[c] -= sv * g[c] * S[base + c];
        }
      }
      for (std::size_t c = 0; c < k; ++c) b[c] -= static_cast<float>(eta) * g[c];
    }
    if (e >= first_avg) {
      if (avg_w.empty()) avg_w.assign(W.size(), 0.0f), avg_b.assign(k, 0.0f);
      const auto sc = static_cast<float>(scale);
      for (std::size_t i = 0; i < W.size(); ++i) avg_w[i] += W[i] * sc;
      for (std::size_t c = 0; c < k; ++c) avg_b[c] += b[c];
      ++averaged;
    }
  }
  if (averaged > 0) {
    for (std::size_t i = 0; i < W.size(); ++i) W[i] = avg_w[i] / static_cast<float>(averaged);
    for (std::size_t c = 0; c < k; ++c) b[c] = avg_b[c] / static_cast<float>(averaged);
  } else {
    for (auto& w : W) w *= static_cast<float>(scale);
  }
  if (!S.empty()) {
    for (std::size_t i = 0; i < W.size(); ++i) W[i] *= S[i];
  }
}

// Runs `bags` SGD passes from the model's current weights and keeps their average.
void Bagged(const Prepared& d, const std::vector<std::size_t>& rows, const std::vector<float>& cw,
            const TrainOptions& o, std::uint64_t seed, TextClassifier* model) {
  if (o.bags <= 1) {
    Sgd(d, rows, cw, o, seed, model);
    return;
  }
  const std::vector<float> w0 = model->weights(), b0 = model->bias();
  std::vector<float> sum_w(w0.size(), 0.0f), sum_b(b0.size(), 0.0f);
  for (int bag = 0; bag < o.bags; ++bag) {
    model->mutable_weights() = w0;
    model->mutable_bias() = b0;
    Sgd(d, rows, cw, o, seed + 7919 * static_cast<std::uint64_t>(bag), model);
    for (std::size_t i = 0; i < sum_w.size(); ++i) sum_w[i] += model->weights()[i];
    for (std::size_t c = 0; c < sum_b.size(); ++c) sum_b[c] += model->bias()[c];
  }
  for (auto& v : sum_w) v /= static_cast<float>(o.bags);
  for (auto& v : sum_b) v /= static_cast<float>(o.bags);
  model->mutable_weights() = std::move(sum_w);
  model->mutable_bias() = std::move(sum_b);
}

std::vector<int> Decide(const Matrix& logits, const std::vector<std::size_t>& rows,
                        const std::vector<float>& offset) {
  std::vector<int> out;
  out.reserve(rows.size());
  for (std::size_t r : rows) {
    const auto& z = logits[r];
    int best = 0;
    for (std::size_t c = 1; c < z.size(); ++c) {
      if (z[c] + offset[c] > z[best] + offset[best]) best = static_cast<int>(c);
    }
    out.push_back(best);
  }
  return out;
}

double MacroF1(const std::vector<std::string>& labels, const Prepared& d, const Matrix& logits,
               const std::vector<std::size_t>& rows, const std::vector<float>& offset) {
  std::vector<int> gold;
  gold.reserve(rows.size());
  for (std::size_t r : rows) gold.push_back(d.y[r]);
  return Evaluate(labels, gold, Decide(logits, rows, offset)).macro_f1;
}

// Coordinate search over per-label offsets (label 0 fixed at 0) maximising macro-F1 on rows.
std::vector<float> TuneOffsets(const std::vector<std::string>& labels, const Prepared& d,
                               const Matrix& logits, const std::vector<std::size_t>& rows) {
  std::vector<float> off(labels.size(), 0.0f);
  double best = MacroF1(labels, d, logits, rows, off);
  for (int pass = 0; pass < 3; ++pass) {
    for (std::size_t c = 1; c < labels.size(); ++c) {
      float best_v = off[c];
      for (float v = -1.5f; v <= 1.5001f; v += 0.05f) {
        off[c] = v;
        const double f = MacroF1(labels, d, logits, rows, off);
        if (f > best + 1e-9) best = f, best_v = v;
      }
      off[c] = best_v;
    }
  }
  return off;
}

double Nll(const Prepared& d, const Matrix& logits, const std::vector<float>& off, float temp) {
  double s = 0;
  const std::size_t k = off.size();
  std::vector<float> z(k), p(k);
  for (std::size_t r = 0; r < logits.size(); ++r) {
    for (std::size_t c = 0; c < k; ++c) z[c] = (logits[r][c] + off[c]) / temp;
    Softmax(z.data(), k, p.data());
    s -= std::log(std::max(1e-12f, p[d.y[r]]));
  }
  return s / static_cast<double>(logits.size());
}

double Ece(const Prepared& d, const Matrix& logits, const std::vector<float>& off, float temp) {
  const std::size_t k = off.size();
  std::vector<double> conf(10, 0), acc(10, 0), cnt(10, 0);
  std::vector<float> z(k), p(k);
  for (std::size_t r = 0; r < logits.size(); ++r) {
    for (std::size_t c = 0; c < k; ++c) z[c] = (logits[r][c] + off[c]) / temp;
    Softmax(z.data(), k, p.data());
    const auto best = std::max_element(p.begin(), p.end()) - p.begin();
    const int bin = std::min(9, static_cast<int>(p[best] * 10));
    conf[bin] += p[best];
    acc[bin] += best == d.y[r] ? 1 : 0;
    cnt[bin] += 1;
  }
  double e = 0;
  for (int b = 0; b < 10; ++b) {
    if (cnt[b] > 0) e += std::abs(conf[b] - acc[b]) / static_cast<double>(logits.size());
  }
  return e;
}

// Golden-section search for the temperature minimising log loss, over log T in [-3, 3].
float FitTemperature(const Prepared& d, const Matrix& logits, const std::vector<float>& off) {
  double lo = -3, hi = 3;
  const double phi = (std::sqrt(5.0) - 1) / 2;
  auto f = [&](double lt) { return Nll(d, logits, off, static_cast<float>(std::exp(lt))); };
  double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
  double fa = f(a), fb = f(b);
  for (int i = 0; i < 40; ++i) {
    if (fa < fb) {
      hi = b, b = a, fb = fa, a = hi - phi * (hi - lo), fa = f(a);
    } else {
      lo = a, a = b, fa = fb, b = lo + phi * (hi - lo), fb = f(b);
    }
  }
  return static_cast<float>(std::exp((lo + hi) / 2));
}

void CopyWeights(const TextClassifier& from, TextClassifier* to) {
  to->mutable_weights() = from.weights();
  to->mutable_bias() = from.bias();
}

}  // namespace

void ApplyTaskDefaults(const std::string& task, ModelInfo* info, TrainOptions* options) {
  if (task != "sentiment") return;
  info->features.surface_unigrams = true;
  info->features.polarity = 2;
  info->features.length_buckets = true;
  info->features.clauses = 3;
  options->nb = 1;
  options->l2 = 3e-6;
  options->bags = 3;
}

std::vector<std::string> TaskLabels(const std::string& task) {
  if (task == "sentiment") return {"positive", "neutral", "negative"};
  if (task == "kind") return {"pertanyaan", "keluhan", "kritik", "saran", "apresiasi", "lainnya"};
  return {};
}

Result<std::unique_ptr<TextClassifier>> Train(const std::vector<LabelledText>& data, ModelInfo info,
                                              const TrainOptions& options,
                                              const TextClassifier* warm_start, TrainReport* report,
                                              const std::vector<LabelledText>& extra) {
  const auto started = std::chrono::steady_clock::now();
  if (data.empty()) return InvalidArgument("no training texts: the data file is empty");
  if (warm_start != nullptr) {
    const auto examples = warm_start->info().trained_examples;
    const auto card = info.card;
    const auto version = info.version;
    info = warm_start->info();
    info.trained_examples = examples;
    if (!card.empty()) info.card = card;
    if (!version.empty()) info.version = version;
  } else {
    std::set<std::string> seen;
    for (const auto& e : data) seen.insert(e.label);
    auto canonical = TaskLabels(info.task);
    if (!canonical.empty()) {
      for (const auto& l : seen) {
        if (std::find(canonical.begin(), canonical.end(), l) == canonical.end()) {
          return InvalidArgument("label \"" + l + "\" is not a " + info.task + " label");
        }
      }
      info.labels = canonical;
    } else {
      info.labels.assign(seen.begin(), seen.end());
    }
    if (seen.size() < 2) return InvalidArgument("training needs at least two different labels");
  }
  if (info.features.hash_bits < 4 || info.features.hash_bits > 28) {
    return InvalidArgument("hash bits must be between 4 and 28");
  }
  info.lexicon_size = ColloquialLexiconSize();
  const std::size_t k = info.labels.size();
  std::map<std::string, int> index;
  for (std::size_t c = 0; c < k; ++c) index[info.labels[c]] = static_cast<int>(c);

  // Normalise and featurise once; folds by text hash keep duplicate texts in one fold.
  Prepared d;
  const Normalizer normalizer(info.normalize);
  const int folds = std::max(1, options.folds);
  const std::size_t n_all = data.size() + extra.size();
  const auto n_data = static_cast<std::ptrdiff_t>(data.size());
  d.x.resize(n_all);
  for (std::size_t i = 0; i < n_all; ++i) {
    const bool is_extra = i >= data.size();
    const LabelledText& e = is_extra ? extra[i - data.size()] : data[i];
    auto it = index.find(e.label);
    if (it == index.end()) {
      return InvalidArgument("label \"" + e.label + "\" (" + (is_extra ? "extra " : "") + "text " +
                             std::to_string((is_extra ? i - data.size() : i) + 1) +
                             ") is not one of the model's labels");
    }
    d.y.push_back(it->second);
    ExtractFeatures(normalizer.Normalize(e.text), info.features, &d.x[i]);
    // extra texts are in no fold: they train every fold and are never scored
    d.fold.push_back(is_extra ? -1 : static_cast<int>(HashBytes(e.text, options.seed) % folds));
  }
  std::vector<double> count(k, 0);
  for (int y : d.y) count[y] += 1;
  std::vector<float> cw(k, 1.0f);
  for (std::size_t c = 0; c < k; ++c) {
    if (count[c] > 0) {
      cw[c] = static_cast<float>(
          std::pow(static_cast<double>(d.y.size()) / (static_cast<double>(k) * count[c]),
                   options.class_weight_power));
    }
  }

  TrainReport local;
  TrainReport& rep = report ? *report : local;
  std::vector<float> offset(k, 0.0f);
  float temperature = 1.0f;
  if (options.folds >= 2) {
    Matrix oof(data.size(), std::vector<float>(k, 0.0f));
    for (int f = 0; f < folds; ++f) {
      std::vector<std::size_t> train_rows;
      for (std::size_t i = 0; i < n_all; ++i) {
        if (d.fold[i] != f) train_rows.push_back(i);
      }
      TextClassifier m(info);
      if (warm_start) CopyWeights(*warm_start, &m);
      Bagged(d, train_rows, cw, options, options.seed + f, &m);
      for (std::size_t i = 0; i < data.size(); ++i) {
        if (d.fold[i] == f) m.Logits(d.x[i], oof[i].data());
      }
    }
    // Honest per-fold scores: offsets for fold f are tuned on the other folds' scores only.
    std::vector<std::size_t> all(data.size());
    std::iota(all.begin(), all.end(), 0);
    std::vector<int> pooled(data.size());
    rep.fold_macro_f1.clear();
    for (int f = 0; f < folds; ++f) {
      std::vector<std::size_t> in, out;
      for (std::size_t i = 0; i < data.size(); ++i) (d.fold[i] == f ? in : out).push_back(i);
      const auto off = options.tune_offsets ? TuneOffsets(info.labels, d, oof, out)
                                            : std::vector<float>(k, 0.0f);
      const auto pred = Decide(oof, in, off);
      for (std::size_t j = 0; j < in.size(); ++j) pooled[in[j]] = pred[j];
      rep.fold_macro_f1.push_back(MacroF1(info.labels, d, oof, in, off));
    }
    rep.cv = Evaluate(info.labels, std::vector<int>(d.y.begin(), d.y.begin() + n_data), pooled);
    double mean = 0, var = 0;
    for (double v : rep.fold_macro_f1) mean += v / folds;
    for (double v : rep.fold_macro_f1) var += (v - mean) * (v - mean) / std::max(1, folds - 1);
    rep.cv_macro_f1 = mean;
    rep.cv_macro_f1_sd = std::sqrt(var);
    if (options.tune_offsets) offset = TuneOffsets(info.labels, d, oof, all);
    rep.nll_before = Nll(d, oof, offset, 1.0f);
    rep.ece_before = Ece(d, oof, offset, 1.0f);
    if (options.calibrate) temperature = FitTemperature(d, oof, offset);
    rep.nll_after = Nll(d, oof, offset, temperature);
    rep.ece_after = Ece(d, oof, offset, temperature);
    rep.oof_fold.assign(d.fold.begin(), d.fold.begin() + n_data);
    rep.oof_logits = std::move(oof);
  }
  rep.extra_used = extra.size();

  info.label_offset = offset;
  info.temperature = temperature;
  info.trained_examples += n_all;
  auto model = std::make_unique<TextClassifier>(info);
  if (warm_start) CopyWeights(*warm_start, model.get());
  std::vector<std::size_t> all(n_all);
  std::iota(all.begin(), all.end(), 0);
  Bagged(d, all, cw, options, options.seed, model.get());
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return model;
}

Result<EvalReport> EvaluateModel(const TextClassifier& model,
                                 const std::vector<LabelledText>& data) {
  const auto& labels = model.info().labels;
  std::vector<int> gold, pred;
  gold.reserve(data.size());
  pred.reserve(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    auto it = std::find(labels.begin(), labels.end(), data[i].label);
    if (it == labels.end()) {
      return InvalidArgument("label \"" + data[i].label + "\" (text " + std::to_string(i + 1) +
                             ") is not one of the model's labels");
    }
    gold.push_back(static_cast<int>(it - labels.begin()));
    pred.push_back(model.Predict(data[i].text).label);
  }
  return Evaluate(labels, gold, pred);
}

}  // namespace humas::nlp
