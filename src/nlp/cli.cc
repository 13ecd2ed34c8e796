// Command-line entry points of the language engine (see cli.h).
#include "nlp/cli.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "nlp/classifier.h"
#include "nlp/dataset.h"
#include "nlp/features.h"
#include "nlp/kind_rules.h"
#include "nlp/pii.h"
#include "nlp/pipeline.h"
#include "nlp/polarity.h"
#include "nlp/trainer.h"

namespace humas::nlp {
namespace {

// Parsed "--key value" / "--flag" arguments.
class Args {
 public:
  Args(int argc, char** argv, const std::vector<std::string>& flags) {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a.rfind("--", 0) != 0) {
        error_ = "unexpected argument \"" + a + "\"";
        return;
      }
      a = a.substr(2);
      if (const auto eq = a.find('='); eq != std::string::npos) {
        values_[a.substr(0, eq)] = a.substr(eq + 1);
      } else if (std::find(flags.begin(), flags.end(), a) != flags.end()) {
        values_[a] = "1";
      } else if (i + 1 < argc) {
        values_[a] = argv[++i];
      } else {
        error_ = "--" + a + " needs a value";
        return;
      }
    }
  }
  const std::string& error() const { return error_; }
  bool Has(const std::string& k) const { return values_.count(k) > 0; }
  std::string Get(const std::string& k, const std::string& def = "") const {
    auto it = values_.find(k);
    return it == values_.end() ? def : it->second;
  }
  const std::map<std::string, std::string>& all() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
  std::string error_;
};

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

// Appends p in [0, 1] with 4 decimals ("0.9731"); faster than printf on the classify hot path.
void AppendProbability(std::string& out, float p) {
  int v = static_cast<int>(std::lround(std::clamp(p, 0.0f, 1.0f) * 10000.0f));
  if (v >= 10000) {
    out += "1.0000";
    return;
  }
  char d[6] = {'0', '.', 0, 0, 0, 0};
  for (int i = 5; i >= 2; --i, v /= 10) d[i] = static_cast<char>('0' + v % 10);
  out.append(d, 6);
}

// Lines of a file descriptor, read in large blocks (no stdio locking per line). Before it would
// block waiting for input it flushes stdout, so `humas classify` answers each line at once when
// driven interactively or line by line through pipes, and still writes in large blocks when
// the input is a file or a fast pipe.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}

  //! The next line without "\n" / "\r\n"; false at the end of input. Valid until the next call.
  bool Next(std::string_view* line) {
    for (;;) {
      const auto nl = buf_.find('\n', pos_);
      if (nl != std::string::npos || (eof_ && pos_ < buf_.size())) {
        const std::size_t end = nl == std::string::npos ? buf_.size() : nl;
        *line = std::string_view(buf_).substr(pos_, end - pos_);
        pos_ = nl == std::string::npos ? buf_.size() : nl + 1;
        if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
        return true;
      }
      if (eof_) return false;
      buf_.erase(0, pos_);
      pos_ = 0;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 0) == 0) std::fflush(stdout);  // nothing waiting: answer what we have
      constexpr std::size_t kBlock = 1 << 16;
      const std::size_t old = buf_.size();
      buf_.resize(old + kBlock);
      ssize_t n = 0;
      do {
        n = ::read(fd_, buf_.data() + old, kBlock);
      } while (n < 0 && errno == EINTR);
      buf_.resize(old + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
      if (n <= 0) eof_ = true;
    }
  }

 private:
  int fd_;
  std::string buf_;
  std::size_t pos_ = 0;
  bool eof_ = false;
};

int Usage(const char* cmd, const std::string& error, const char* usage) {
  if (!error.empty()) std::cerr << cmd << ": " << error << "\n";
  std::cerr << "usage: humas " << usage << "\n";
  return 2;
}

Result<std::unique_ptr<TextClassifier>> ModelFor(const Args& args) {
  std::string path = args.Get("model");
  if (path.empty()) path = ShippedModelPath(args.Get("task", "sentiment")).string();
  return LoadModel(path);
}

// "a,b,c" -> {"a", "b", "c"}; empty -> {}.
std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    auto end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string FormatDouble(double v, int digits = 4) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

constexpr const char* kTrainUsage =
    "train --task TASK --data FILE --out MODEL [--init MODEL] [--check FILE] [--card FILE]\n"
    "        [--extra FILE[,FILE...]] [--extra-exclude FILE[,FILE...]] [--oof FILE]\n"
    "        [--version V] [--epochs N] [--lr X] [--l2 X] [--class-weight X] [--average N]\n"
    "        [--bags N] [--nb X] [--folds N] [--polarity 0|1|2] [--clauses 0-3] [--hash-bits N] "
    "[--char MIN,MAX] "
    "[--char-weight W]\n"
    "        [--negation N] [--no-rules] [--length|--no-length] [--no-bigrams] [--trigrams] "
    "[--skip-bigrams] "
    "[--no-stem]\n"
    "        [--no-lexicon] [--no-squeeze] [--surface|--no-surface] [--no-char-negated] "
    "[--no-offsets]\n"
    "        [--no-calibrate] [--seed N]";

// Full pipeline: every label per line, from the models in dir (default: the shipped ones).
int ClassifyAll(const char* cmd, const std::string& dir) {
  auto pipeline = Pipeline::Load(dir);
  if (!pipeline.ok()) {
    std::cerr << cmd << ": " << pipeline.status().message() << "\n";
    return 1;
  }
  const auto& p = **pipeline;
  std::string out;
  LineReader input(STDIN_FILENO);
  std::string_view line;
  while (input.Next(&line)) {
    const MentionLabels l = p.Label(line);
    out = "{\"label\":\"" + l.sentiment + "\",\"confidence\":";
    AppendProbability(out, static_cast<float>(l.sentiment_confidence));
    out += ",\"sentiment\":{\"label\":\"" + l.sentiment + "\",\"confidence\":";
    AppendProbability(out, static_cast<float>(l.sentiment_confidence));
    out += "}";
    if (p.kind() != nullptr) {
      out += ",\"kind\":{\"label\":\"" + l.input_kind + "\",\"confidence\":";
      AppendProbability(out, static_cast<float>(l.input_kind_confidence));
      out += "}";
    }
    out += ",\"hoax_score\":";
    AppendProbability(out, static_cast<float>(l.hoax_score));
    if (l.hoax_score >= 0.5) {  // name the claim only for a real near-duplicate
      if (auto m = p.hoax().Best(line, 0.0)) {
        out += ",\"hoax_claim\":\"" + JsonEscape(m->id) + "\"";
        if (!m->source.empty()) out += ",\"hoax_source\":\"" + JsonEscape(m->source) + "\"";
      }
    }
    out += ",\"personal_data\":[";
    bool first = true;
    for (const auto& m : FindPersonalData(line)) {
      out += std::string(first ? "" : ",") + "\"" + std::string(ToString(m.kind)) + "\"";
      first = false;
    }
    out += "]}\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace

int TrainMain(int argc, char** argv) {
  const char* cmd = argc > 0 ? argv[0] : "train";
  Args args(argc, argv,
            {"no-bigrams", "no-rules", "length", "no-length", "trigrams", "skip-bigrams", "no-stem",
             "no-lexicon", "no-squeeze", "surface", "no-surface", "no-char-negated", "no-offsets",
             "no-calibrate", "help"});
  if (!args.error().empty() || args.Has("help")) return Usage(cmd, args.error(), kTrainUsage);
  const std::string task = args.Get("task"), data_path = args.Get("data"), out = args.Get("out");
  if (task.empty() || data_path.empty() || out.empty()) {
    return Usage(cmd, "--task, --data and --out are required", kTrainUsage);
  }
  ModelInfo info;
  TrainOptions topt;
  ApplyTaskDefaults(task, &info, &topt);  // settings chosen by cross-validation for the task
  try {
    info.task = task;
    info.version = args.Get("version", task + "-1");
    auto& n = info.normalize;
    auto& f = info.features;
    n.stem = !args.Has("no-stem");
    n.lexicon = !args.Has("no-lexicon");
    n.squeeze = !args.Has("no-squeeze");
    n.negation_window = std::stoi(args.Get("negation", std::to_string(n.negation_window)));
    f.word_bigrams = !args.Has("no-bigrams");
    f.surface_unigrams = (f.surface_unigrams || args.Has("surface")) && !args.Has("no-surface");
    f.word_trigrams = args.Has("trigrams");
    f.length_buckets = (f.length_buckets || args.Has("length")) && !args.Has("no-length");
    // the kind-of-input task always uses its cue-word rules; --no-rules measures without them
    f.kind_rules = task == "kind" && !args.Has("no-rules");
    f.skip_bigrams = args.Has("skip-bigrams");
    f.char_negated = !args.Has("no-char-negated");
    f.polarity = std::stoi(args.Get("polarity", std::to_string(f.polarity)));
    f.clauses = std::stoi(args.Get("clauses", std::to_string(f.clauses)));
    f.hash_bits = std::stoi(args.Get("hash-bits", std::to_string(f.hash_bits)));
    f.char_weight = std::stof(args.Get("char-weight", std::to_string(f.char_weight)));
    if (args.Has("char")) {
      const std::string c = args.Get("char");
      const auto comma = c.find(',');
      f.char_min = std::stoi(c.substr(0, comma));
      f.char_max = comma == std::string::npos ? f.char_min : std::stoi(c.substr(comma + 1));
    }
    topt.epochs = std::stoi(args.Get("epochs", std::to_string(topt.epochs)));
    topt.learning_rate = std::stod(args.Get("lr", std::to_string(topt.learning_rate)));
    topt.l2 = std::stod(args.Get("l2", std::to_string(topt.l2)));
    topt.class_weight_power =
        std::stod(args.Get("class-weight", std::to_string(topt.class_weight_power)));
    topt.average_epochs = std::stoi(args.Get("average", std::to_string(topt.average_epochs)));
    topt.nb = std::stod(args.Get("nb", std::to_string(topt.nb)));
    topt.bags = std::stoi(args.Get("bags", std::to_string(topt.bags)));
    topt.folds = std::stoi(args.Get("folds", std::to_string(topt.folds)));
    topt.seed = std::stoull(args.Get("seed", std::to_string(topt.seed)));
    topt.tune_offsets = !args.Has("no-offsets");
    topt.calibrate = !args.Has("no-calibrate");
  } catch (const std::exception&) {
    return Usage(cmd, "a numeric option has a value that is not a number", kTrainUsage);
  }
  if (info.features.polarity < 0 || info.features.polarity > 2 || info.features.clauses < 0 ||
      info.features.clauses > 3) {
    return Usage(cmd, "--polarity must be 0, 1 or 2 and --clauses 0 to 3", kTrainUsage);
  }
  if (topt.epochs < 1 || topt.learning_rate <= 0 || topt.l2 < 0) {
    return Usage(cmd, "--epochs must be >= 1, --lr > 0 and --l2 >= 0", kTrainUsage);
  }
  auto data = ReadLabelledFile(data_path);
  if (!data.ok()) {
    std::cerr << cmd << ": " << data.status().message() << "\n";
    return 1;
  }
  // Extra training texts: never scored by cross-validation; texts that also occur in the main
  // data or in an --extra-exclude file (e.g. the validation split) are dropped first.
  std::vector<LabelledText> extra;
  std::size_t extra_dropped = 0;
  std::string extra_names;
  for (const auto& path : SplitList(args.Get("extra"))) {
    auto more = ReadLabelledFile(path);
    if (!more.ok()) {
      std::cerr << cmd << ": " << more.status().message() << "\n";
      return 1;
    }
    extra_names +=
        (extra_names.empty() ? "`" : ", `") + std::filesystem::path(path).filename().string() + "`";
    extra.insert(extra.end(), more->begin(), more->end());
  }
  if (!extra.empty()) {
    extra_dropped += RemoveOverlap(&extra, *data);
    for (const auto& path : SplitList(args.Get("extra-exclude"))) {
      auto other = ReadLabelledFile(path);
      if (!other.ok()) {
        std::cerr << cmd << ": " << other.status().message() << "\n";
        return 1;
      }
      extra_dropped += RemoveOverlap(&extra, *other);
    }
  }
  std::unique_ptr<TextClassifier> warm;
  if (args.Has("init")) {
    auto w = LoadModel(args.Get("init"));
    if (!w.ok()) {
      std::cerr << cmd << ": " << w.status().message() << "\n";
      return 1;
    }
    warm = std::move(w).value();
    if (warm->info().task != task) {
      std::cerr << cmd << ": --init model is for task " << warm->info().task << ", not " << task
                << "\n";
      return 1;
    }
  }
  TrainReport rep;
  auto model = Train(*data, info, topt, warm.get(), &rep, extra);
  if (!model.ok()) {
    std::cerr << cmd << ": " << model.status().message() << "\n";
    return 1;
  }
  auto& m = **model;
  std::ostringstream settings;
  const auto& mi = m.info();
  std::map<std::string, long> counts;
  for (const auto& e : *data) ++counts[e.label];

  // Everything needed to rebuild the model goes into its card.
  std::string command = "humas train";
  for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];
  std::ostringstream card;
  card << "# Model " << mi.version << " (task: " << mi.task << ")\n\n";
  card << "- Labels: ";
  for (std::size_t c = 0; c < mi.labels.size(); ++c) card << (c ? ", " : "") << mi.labels[c];
  card << "\n- Training data: `" << std::filesystem::path(data_path).filename().string() << "`, "
       << data->size() << " texts (";
  bool first = true;
  for (const auto& [l, c] : counts) card << (first ? "" : ", ") << l << " " << c, first = false;
  card << ")" << (warm ? "; continued from " + args.Get("init") : "") << "\n";
  if (!extra_names.empty()) {
    std::map<std::string, long> extra_counts;
    for (const auto& e : extra) ++extra_counts[e.label];
    card << "- Extra training data (in every training fold, never scored): " << extra_names << ", "
         << extra.size() << " texts (";
    first = true;
    for (const auto& [l, c] : extra_counts)
      card << (first ? "" : ", ") << l << " " << c, first = false;
    card << ") after removing " << extra_dropped
         << " that also occur in the training data or an excluded set\n";
  }
  card << "- Model: softmax regression over hashed features (2^" << mi.features.hash_bits
       << " buckets): word unigrams" << (mi.features.word_bigrams ? " + bigrams" : "")
       << (mi.features.word_trigrams ? " + trigrams" : "")
       << (mi.features.surface_unigrams ? " + unstemmed unigrams" : "")
       << (mi.features.length_buckets ? " + length bucket" : "")
       << (mi.features.polarity > 0
               ? " + lexicon polarity (" + std::to_string(PolarityLexiconSize()) + " entries" +
                     (mi.features.polarity > 1 ? ", stems too)" : ")")
               : "")
       << ((mi.features.clauses & 1) != 0 ? " + words after the last contrast marker" : "")
       << ((mi.features.clauses & 2) != 0 ? " + words of the last sentence" : "")
       << (mi.features.skip_bigrams ? " + skip-bigrams" : "")
       << (mi.features.char_max > 0 ? " + character " + std::to_string(mi.features.char_min) + "-" +
                                          std::to_string(mi.features.char_max) + "-grams"
                                    : "")
       << "; SGD " << topt.epochs << " epochs, lr " << topt.learning_rate << ", L2 " << topt.l2
       << ", class-weight power " << topt.class_weight_power << ", averaged over last "
       << topt.average_epochs << " epochs, " << topt.bags << " bag(s), NB scaling " << topt.nb
       << ", seed " << topt.seed << "\n";
  card << "- Normalisation: squeeze=" << mi.normalize.squeeze << " lexicon=" << mi.normalize.lexicon
       << " (" << mi.lexicon_size << " entries) negation_window=" << mi.normalize.negation_window
       << " stem=" << mi.normalize.stem << "\n";
  if (topt.folds >= 2) {
    card << "- " << topt.folds << "-fold cross-validation on the training data: macro-F1 "
         << FormatDouble(rep.cv_macro_f1) << " +/- " << FormatDouble(rep.cv_macro_f1_sd)
         << ", accuracy " << FormatDouble(rep.cv.accuracy) << " (per-class F1:";
    for (std::size_t c = 0; c < mi.labels.size(); ++c)
      card << " " << mi.labels[c] << " " << FormatDouble(rep.cv.f1[c]);
    card << ")\n- Calibration on out-of-fold scores: temperature "
         << FormatDouble(mi.temperature, 3) << ", log loss " << FormatDouble(rep.nll_before)
         << " -> " << FormatDouble(rep.nll_after) << ", ECE " << FormatDouble(rep.ece_before)
         << " -> " << FormatDouble(rep.ece_after) << "; decision offsets";
    for (std::size_t c = 0; c < mi.labels.size(); ++c)
      card << " " << mi.labels[c] << "=" << FormatDouble(mi.label_offset[c], 2);
    card << "\n";
  }
  if (args.Has("check")) {
    auto check = ReadLabelledFile(args.Get("check"));
    if (!check.ok()) {
      std::cerr << cmd << ": " << check.status().message() << "\n";
      return 1;
    }
    auto r = EvaluateModel(m, *check);
    if (!r.ok()) {
      std::cerr << cmd << ": " << r.status().message() << "\n";
      return 1;
    }
    card << "- Held-out check on `" << std::filesystem::path(args.Get("check")).filename().string()
         << "` (" << r->n << " texts, not used for tuning): macro-F1 " << FormatDouble(r->macro_f1)
         << ", accuracy " << FormatDouble(r->accuracy) << " (per-class F1:";
    for (std::size_t c = 0; c < mi.labels.size(); ++c)
      card << " " << mi.labels[c] << " " << FormatDouble(r->f1[c]);
    card << ")\n";
    std::cout << "held-out check (" << args.Get("check") << "):\n" << r->Format() << "\n";
  }
  card << "- Rebuild: `" << command << "`\n";
  m.mutable_info().card = card.str();
  if (auto st = m.Save(out); !st.ok()) {
    std::cerr << cmd << ": " << st.message() << "\n";
    return 1;
  }
  if (args.Has("card")) {
    std::ofstream c(args.Get("card"));
    c << card.str();
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(out, ec);
  std::cout << card.str() << "\nwrote " << out << " (" << size << " bytes, " << m.NonZeroBuckets()
            << " non-zero buckets) in " << FormatDouble(rep.seconds, 1) << " s\n";
  if (topt.folds >= 2) std::cout << "\ncross-validation (out-of-fold):\n" << rep.cv.Format();
  if (args.Has("oof") && !rep.oof_logits.empty()) {  // raw out-of-fold logits, for analysis
    std::ofstream o(args.Get("oof"));
    for (std::size_t i = 0; i < rep.oof_logits.size(); ++i) {
      o << (*data)[i].label << "\t" << rep.oof_fold[i];
      for (float z : rep.oof_logits[i]) o << "\t" << z;
      o << "\n";
    }
    if (!o) {
      std::cerr << cmd << ": cannot write " << args.Get("oof") << "\n";
      return 1;
    }
  }
  return 0;
}

int EvalMain(int argc, char** argv) {
  const char* cmd = argc > 0 ? argv[0] : "eval";
  constexpr const char* kUsage =
      "eval --task TASK [--model MODEL | --rules] --data FILE [--exclude FILE]";
  Args args(argc, argv, {"rules", "help"});
  if (!args.error().empty() || args.Has("help")) return Usage(cmd, args.error(), kUsage);
  if (!args.Has("task") || !args.Has("data"))
    return Usage(cmd, "--task and --data are required", kUsage);
  if (args.Has("rules")) {  // the cue-word rules alone, as a baseline for the kind model
    if (args.Get("task") != "kind") return Usage(cmd, "--rules works with --task kind", kUsage);
    auto data = ReadLabelledFile(args.Get("data"));
    if (!data.ok()) {
      std::cerr << cmd << ": " << data.status().message() << "\n";
      return 1;
    }
    const auto labels = TaskLabels("kind");
    const Normalizer normalizer;
    std::vector<int> gold, pred;
    for (const auto& e : *data) {
      const auto it = std::find(labels.begin(), labels.end(), e.label);
      if (it == labels.end()) {
        std::cerr << cmd << ": label \"" << e.label << "\" is not a kind label\n";
        return 1;
      }
      gold.push_back(static_cast<int>(it - labels.begin()));
      pred.push_back(KindByRules(normalizer.Normalize(e.text)));
    }
    std::cout << "cue-word rules on " << args.Get("data") << "\n\n"
              << Evaluate(labels, gold, pred).Format();
    return 0;
  }
  auto model = ModelFor(args);
  if (!model.ok()) {
    std::cerr << cmd << ": " << model.status().message() << "\n";
    return 1;
  }
  if ((*model)->info().task != args.Get("task")) {
    std::cerr << cmd << ": the model is for task \"" << (*model)->info().task << "\", not \""
              << args.Get("task") << "\"\n";
    return 1;
  }
  auto data = ReadLabelledFile(args.Get("data"));
  if (!data.ok()) {
    std::cerr << cmd << ": " << data.status().message() << "\n";
    return 1;
  }
  if (args.Has("exclude")) {  // de-duplicate against another set (e.g. the training data)
    auto other = ReadLabelledFile(args.Get("exclude"));
    if (!other.ok()) {
      std::cerr << cmd << ": " << other.status().message() << "\n";
      return 1;
    }
    const auto removed = RemoveOverlap(&data.value(), *other);
    std::cout << "removed " << removed << " texts that also occur in " << args.Get("exclude")
              << "\n";
  }
  auto report = EvaluateModel(**model, *data);
  if (!report.ok()) {
    std::cerr << cmd << ": " << report.status().message() << "\n";
    return 1;
  }
  std::cout << "model " << (*model)->info().version << " on " << args.Get("data") << "\n\n"
            << report->Format();
  return 0;
}

int ClassifyMain(int argc, char** argv) {
  const char* cmd = argc > 0 ? argv[0] : "classify";
  constexpr const char* kUsage =
      "classify [--model MODEL | --task TASK] [--tokens] < texts\n"
      "       humas classify --all [--models-dir DIR] < texts   (every label)";
  Args args(argc, argv, {"tokens", "all", "help"});
  if (!args.error().empty() || args.Has("help")) return Usage(cmd, args.error(), kUsage);
  if (args.Has("all")) return ClassifyAll(cmd, args.Get("models-dir"));
  auto model = ModelFor(args);
  if (!model.ok()) {
    std::cerr << cmd << ": " << model.status().message() << "\n";
    return 1;
  }
  const auto& m = **model;
  const bool tokens = args.Has("tokens");
  // label prefixes are fixed: build them once
  std::vector<std::string> label_json, prob_key;
  for (std::size_t c = 0; c < m.info().labels.size(); ++c) {
    label_json.push_back("{\"label\":\"" + JsonEscape(m.info().labels[c]) + "\",\"confidence\":");
    prob_key.push_back(std::string(c ? ",\"" : "\"") + JsonEscape(m.info().labels[c]) + "\":");
  }
  std::string out;
  std::vector<Token> toks;  // reused across lines
  LineReader input(STDIN_FILENO);
  std::string_view line;
  while (input.Next(&line)) {
    m.normalizer().Normalize(line, &toks);
    const auto p = m.PredictTokens(toks);
    out = label_json[p.label];
    AppendProbability(out, p.confidence);
    out += ",\"probabilities\":{";
    for (std::size_t c = 0; c < p.probabilities.size(); ++c) {
      out += prob_key[c];
      AppendProbability(out, p.probabilities[c]);
    }
    out += "}";
    if (tokens) {
      out += ",\"tokens\":[";
      for (std::size_t i = 0; i < toks.size(); ++i)
        out += (i ? ",\"" : "\"") + JsonEscape(toks[i].text) + "\"";
      out += "]";
    }
    out += "}\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  std::fflush(stdout);
  return 0;
}

int ExplainMain(int argc, char** argv) {
  const char* cmd = argc > 0 ? argv[0] : "explain";
  Args args(argc, argv, {"no-stem", "help"});
  if (!args.error().empty() || args.Has("help"))
    return Usage(cmd, args.error(), "explain [--no-stem] < texts");
  NormalizeOptions o;
  o.stem = !args.Has("no-stem");
  const Normalizer n(o);
  std::string line;
  while (std::getline(std::cin, line)) {
    for (const auto& s : n.Explain(line)) std::cout << s.name << "\t" << s.output << "\n";
    std::cout << "\n";
  }
  return 0;
}

namespace {

// Resident memory of this process in bytes (/proc/self/statm), 0 where unavailable.
std::size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + "," + five + "," + fifteen;
}

double Mb(std::size_t bytes) { return static_cast<double>(bytes) / 1048576.0; }

}  // namespace

int BenchMain(int argc, char** argv) {
  const char* cmd = argc > 0 ? argv[0] : "bench";
  constexpr const char* kUsage =
      "bench --data FILE [--model MODEL] [--kind-model MODEL] [--models-dir DIR] [--repeat N]";
  Args args(argc, argv, {"help"});
  if (!args.error().empty() || args.Has("help") || !args.Has("data"))
    return Usage(cmd, args.error(), kUsage);
  std::ifstream in(args.Get("data"));
  if (!in) {
    std::cerr << cmd << ": cannot open " << args.Get("data") << "\n";
    return 1;
  }
  std::vector<std::string> texts;
  std::string line;
  while (std::getline(in, line)) {
    const auto tab = line.rfind('\t');
    texts.push_back(tab == std::string::npos ? line : line.substr(0, tab));
  }
  // Memory per loaded model is measured, not computed: resident bytes before and after loading
  // (the first load also pays for the normaliser's built-in lexicons: measured separately).
  const Normalizer warm_up;
  (void)warm_up.Normalize("lexicons loaded");
  FeatureVector fv;
  ExtractFeatures(warm_up.Normalize("bagus"), FeatureOptions{.polarity = 2}, &fv);
  const std::size_t rss0 = ResidentBytes();
  const auto t0 = std::chrono::steady_clock::now();
  auto model = ModelFor(args);
  if (!model.ok()) {
    std::cerr << cmd << ": " << model.status().message() << "\n";
    return 1;
  }
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::size_t rss1 = ResidentBytes();
  std::unique_ptr<TextClassifier> kind;
  if (auto k = LoadModel(args.Get("kind-model", ShippedModelPath("kind").string())); k.ok()) {
    kind = std::move(k).value();
  }
  const std::size_t rss2 = ResidentBytes();
  // the full pipeline as intake runs it, from a models directory (default: the shipped models)
  auto pipeline = Pipeline::Load(args.Get("models-dir"));
  if (!pipeline.ok()) {
    std::cerr << cmd << ": " << pipeline.status().message() << "\n";
    return 1;
  }
  const std::size_t rss3 = ResidentBytes();

  const int repeat = std::max(1, std::atoi(args.Get("repeat", "20").c_str()));
  const double n = static_cast<double>(texts.size()) * repeat;
  long checksum = 0;
  auto timed = [&](auto&& one) {
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < repeat; ++r) {
      for (const auto& t : texts) checksum += one(t);
    }
    return n / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const double classify = timed([&](const std::string& t) { return (*model)->Predict(t).label; });
  // sentiment + kind of input + personal data, normalising once (as intake does)
  const double three = timed([&](const std::string& t) {
    const auto tokens = (*model)->normalizer().Normalize(t);
    long c = (*model)->PredictTokens(tokens).label + HasPersonalData(t);
    if (kind) c += kind->PredictTokens(tokens).label;
    return c;
  });
  // everything intake labels: Pipeline::Label (+ hoax claim matching)
  const double full = timed([&](const std::string& t) {
    const auto l = (*pipeline)->Label(t);
    return static_cast<long>(l.sentiment.size() + l.input_kind.size() + l.has_personal_data +
                             (l.hoax_score > 0.5));
  });
  std::printf(
      "texts=%.0f classify_texts_per_s=%.0f pipeline_texts_per_s=%.0f (%s) "
      "full_pipeline_texts_per_s=%.0f (normalise+sentiment+kind+pii+hoax, %zu claims) "
      "load_s=%.3f model_memory_mb=%.1f kind_model_memory_mb=%.1f "
      "rss_sentiment_mb=%.1f rss_kind_mb=%.1f rss_pipeline_mb=%.1f rss_total_mb=%.1f "
      "loadavg=%s checksum=%ld\n",
      n, classify, three, kind ? "sentiment+kind+pii" : "sentiment+pii", full,
      (*pipeline)->hoax().size(), load_s, Mb((*model)->MemoryBytes()),
      kind ? Mb(kind->MemoryBytes()) : 0.0, Mb(rss1 - rss0), Mb(rss2 - rss1), Mb(rss3 - rss2),
      Mb(rss3), LoadAverage().c_str(), checksum);
  return 0;
}

}  // namespace humas::nlp
