// Classification metrics (see metrics.h).
#include "nlp/metrics.h"

#include <algorithm>
#include <cstdio>

namespace humas::nlp {

EvalReport EvaluateConfusion(const std::vector<std::string>& labels,
                             std::vector<std::vector<long>> confusion) {
  EvalReport r;
  const std::size_t k = labels.size();
  r.labels = labels;
  r.confusion = std::move(confusion);
  r.confusion.resize(k);
  for (auto& row : r.confusion) row.resize(k, 0);
  r.precision.assign(k, 0);
  r.recall.assign(k, 0);
  r.f1.assign(k, 0);
  r.support.assign(k, 0);
  long correct = 0;
  std::vector<long> predicted(k, 0);
  for (std::size_t g = 0; g < k; ++g) {
    for (std::size_t p = 0; p < k; ++p) {
      r.n += r.confusion[g][p];
      r.support[g] += r.confusion[g][p];
      predicted[p] += r.confusion[g][p];
      if (g == p) correct += r.confusion[g][p];
    }
  }
  double f1_sum = 0;
  int used = 0;
  for (std::size_t c = 0; c < k; ++c) {
    const double tp = static_cast<double>(r.confusion[c][c]);
    r.precision[c] = predicted[c] > 0 ? tp / static_cast<double>(predicted[c]) : 0.0;
    r.recall[c] = r.support[c] > 0 ? tp / static_cast<double>(r.support[c]) : 0.0;
    const double pr = r.precision[c] + r.recall[c];
    r.f1[c] = pr > 0 ? 2 * r.precision[c] * r.recall[c] / pr : 0.0;
    if (r.support[c] > 0 || predicted[c] > 0) {
      f1_sum += r.f1[c];
      ++used;
    }
  }
  r.accuracy = r.n > 0 ? static_cast<double>(correct) / static_cast<double>(r.n) : 0.0;
  r.macro_f1 = used > 0 ? f1_sum / used : 0.0;
  return r;
}

EvalReport Evaluate(const std::vector<std::string>& labels, const std::vector<int>& gold,
                    const std::vector<int>& predicted) {
  const std::size_t k = labels.size();
  std::vector<std::vector<long>> confusion(k, std::vector<long>(k, 0));
  const std::size_t n = std::min(gold.size(), predicted.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (gold[i] < 0 || predicted[i] < 0 || static_cast<std::size_t>(gold[i]) >= k ||
        static_cast<std::size_t>(predicted[i]) >= k)
      continue;
    ++confusion[gold[i]][predicted[i]];
  }
  return EvaluateConfusion(labels, std::move(confusion));
}

std::string EvalReport::Format() const {
  std::string out;
  char buf[256];
  std::size_t w = 9;
  for (const auto& l : labels) w = std::max(w, l.size());
  const int wi = static_cast<int>(w);
  std::snprintf(buf, sizeof buf, "%-*s %9s %9s %9s %9s\n", wi, "label", "precision", "recall", "f1",
                "support");
  out += buf;
  for (std::size_t c = 0; c < labels.size(); ++c) {
    std::snprintf(buf, sizeof buf, "%-*s %9.4f %9.4f %9.4f %9ld\n", wi, labels[c].c_str(),
                  precision[c], recall[c], f1[c], support[c]);
    out += buf;
  }
  out += "\nconfusion matrix (rows: gold, columns: predicted)\n";
  std::snprintf(buf, sizeof buf, "%-*s", wi, "");
  out += buf;
  for (const auto& l : labels) {
    std::snprintf(buf, sizeof buf, " %*s", wi, l.c_str());
    out += buf;
  }
  out += "\n";
  for (std::size_t g = 0; g < labels.size(); ++g) {
    std::snprintf(buf, sizeof buf, "%-*s", wi, labels[g].c_str());
    out += buf;
    for (std::size_t p = 0; p < labels.size(); ++p) {
      std::snprintf(buf, sizeof buf, " %*ld", wi, confusion[g][p]);
      out += buf;
    }
    out += "\n";
  }
  std::snprintf(buf, sizeof buf, "\naccuracy=%.4f macro_f1=%.4f n=%ld\n", accuracy, macro_f1, n);
  out += buf;
  return out;
}

}  // namespace humas::nlp
