// Unit tests for metrics, data files, training, the model file format and the CLI entry points.
#include "nlp/classifier.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nlp/cli.h"
#include "nlp/dataset.h"
#include "nlp/metrics.h"
#include "nlp/trainer.h"

namespace humas::nlp {
namespace {

namespace fs = std::filesystem;

fs::path TempPath(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("humas_nlp_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

void WriteFile(const fs::path& p, const std::string& content) {
  std::ofstream(p, std::ios::binary) << content;
}

std::vector<LabelledText> TinySet() {
  return {
      {"pelayanan bagus sekali , petugas ramah", "positive"},
      {"mantap , cepat dan ramah", "positive"},
      {"terima kasih , sangat membantu", "positive"},
      {"enak dan murah , puas", "positive"},
      {"pelayanan buruk dan lambat", "negative"},
      {"kecewa , petugas kasar sekali", "negative"},
      {"jalan rusak parah , tidak diperbaiki", "negative"},
      {"mahal dan tidak enak", "negative"},
      {"kantor buka jam delapan", "neutral"},
      {"pengumuman jadwal vaksin besok", "neutral"},
      {"rapat diadakan di balai kota", "neutral"},
      {"info pendaftaran ada di situs", "neutral"},
  };
}

std::unique_ptr<TextClassifier> TrainTiny(TrainReport* rep = nullptr) {
  ModelInfo info;
  info.task = "sentiment";
  info.version = "test-1";
  info.features.hash_bits = 16;
  TrainOptions o;
  o.folds = 0;
  o.epochs = 30;
  auto m = Train(TinySet(), info, o, nullptr, rep);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return std::move(m).value();
}

TEST(MetricsTest, HandMadeConfusionMatrix) {
  // gold rows, predicted columns
  const auto r = EvaluateConfusion({"a", "b", "c"}, {{5, 1, 0}, {2, 3, 1}, {0, 0, 4}});
  EXPECT_EQ(r.n, 16);
  EXPECT_NEAR(r.accuracy, 12.0 / 16, 1e-12);
  EXPECT_NEAR(r.precision[0], 5.0 / 7, 1e-12);
  EXPECT_NEAR(r.recall[0], 5.0 / 6, 1e-12);
  EXPECT_NEAR(r.f1[0], 10.0 / 13, 1e-12);
  EXPECT_NEAR(r.f1[1], 0.6, 1e-12);
  EXPECT_NEAR(r.f1[2], 8.0 / 9, 1e-12);
  EXPECT_NEAR(r.macro_f1, (10.0 / 13 + 0.6 + 8.0 / 9) / 3, 1e-12);
  const std::string text = r.Format();
  EXPECT_EQ(text.substr(text.rfind('\n', text.size() - 2) + 1),
            "accuracy=0.7500 macro_f1=0.7527 n=16\n");
}

TEST(MetricsTest, FromIndicesAndEmptyClass) {
  const auto r = Evaluate({"x", "y", "z"}, {0, 0, 1, 1}, {0, 1, 1, 1});
  EXPECT_EQ(r.confusion[0][1], 1);
  EXPECT_NEAR(r.accuracy, 0.75, 1e-12);
  // z has neither support nor predictions: left out of macro-F1
  EXPECT_NEAR(r.macro_f1, (2.0 / 3 + 0.8) / 2, 1e-12);
}

TEST(DatasetTest, ReadsTsvAndCsv) {
  const auto tsv = TempPath("d.tsv");
  WriteFile(tsv, "bagus\tpositive\r\n\njelek sekali\tkata\tnegative\n");
  auto d = ReadLabelledFile(tsv.string());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->size(), 2u);
  EXPECT_EQ((*d)[1].text, "jelek sekali\tkata");
  EXPECT_EQ((*d)[1].label, "negative");

  const auto csv = TempPath("d.csv");
  WriteFile(csv, "label,tweet\nhappy,\"senang, \"\"sekali\"\"\nya\"\nanger,marah\n");
  d = ReadLabelledFile(csv.string());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->size(), 2u);
  EXPECT_EQ((*d)[0].text, "senang, \"sekali\"\nya");
  EXPECT_EQ((*d)[1].label, "anger");

  WriteFile(tsv, "no label here\n");
  EXPECT_EQ(ReadLabelledFile(tsv.string()).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ReadLabelledFile(TempPath("missing.tsv").string()).status().code(), Code::kNotFound);
}

TEST(DatasetTest, DedupAcrossSets) {
  EXPECT_EQ(DedupKey("Kue-kue yang disajikan, ENAK!"), "kue kue yang disajikan enak");
  EXPECT_EQ(DedupKey("kue - kue yang disajikan , enak !"), "kue kue yang disajikan enak");
  std::vector<LabelledText> data = {{"Enak sekali!", "positive"}, {"jelek", "negative"}};
  EXPECT_EQ(RemoveOverlap(&data, {{"enak sekali .", "neutral"}}), 1u);
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0].text, "jelek");
}

TEST(TrainerTest, LearnsATinySet) {
  auto m = TrainTiny();
  for (const auto& e : TinySet()) {
    EXPECT_EQ(m->LabelName(m->Predict(e.text).label), e.label) << e.text;
  }
  EXPECT_EQ(m->LabelName(m->Predict("petugas ramah dan cepat").label), "positive");
  EXPECT_EQ(m->LabelName(m->Predict("lambat dan kasar").label), "negative");
  const auto p = m->Predict("apa saja");
  float sum = 0;
  for (float v : p.probabilities) sum += v;
  EXPECT_NEAR(sum, 1.0f, 1e-5);
  EXPECT_EQ(p.confidence, p.probabilities[p.label]);
}

TEST(TrainerTest, RejectsBadData) {
  ModelInfo info;
  info.task = "sentiment";
  EXPECT_EQ(Train({}, info, {}, nullptr, nullptr).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Train({{"a", "positive"}, {"b", "happy"}}, info, {}, nullptr, nullptr).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(
      Train({{"a", "positive"}, {"b", "positive"}}, info, {}, nullptr, nullptr).status().code(),
      Code::kInvalidArgument);
}

TEST(TrainerTest, CrossValidationAndCalibrationReport) {
  ModelInfo info;
  info.task = "sentiment";
  info.features.hash_bits = 16;
  std::vector<LabelledText> data;
  for (int i = 0; i < 10; ++i) {
    for (const auto& e : TinySet()) data.push_back({e.text + " " + std::to_string(i), e.label});
  }
  TrainOptions o;
  o.folds = 3;
  o.epochs = 10;
  TrainReport rep;
  auto m = Train(data, info, o, nullptr, &rep);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(rep.fold_macro_f1.size(), 3u);
  EXPECT_EQ(rep.cv.n, static_cast<long>(data.size()));
  EXPECT_GT(rep.cv_macro_f1, 0.9);
  EXPECT_GT((*m)->info().temperature, 0.0f);
  EXPECT_LE(rep.nll_after, rep.nll_before + 1e-9);
  EXPECT_EQ((*m)->info().trained_examples, data.size());
}

TEST(TrainerTest, ExtraDataTrainsEveryFoldButIsNeverScored) {
  ModelInfo info;
  info.task = "sentiment";
  info.features.hash_bits = 16;
  std::vector<LabelledText> data;
  for (int i = 0; i < 5; ++i) {
    for (const auto& e : TinySet()) data.push_back({e.text + " " + std::to_string(i), e.label});
  }
  // "hoaks" occurs only in the extra texts
  const std::vector<LabelledText> extra = {{"berita hoaks menyesatkan", "negative"},
                                           {"itu hoaks", "negative"},
                                           {"awas hoaks", "negative"}};
  TrainOptions o;
  o.folds = 3;
  o.epochs = 20;
  TrainReport rep;
  auto m = Train(data, info, o, nullptr, &rep, extra);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(rep.cv.n, static_cast<long>(data.size()));  // extra texts are not scored
  EXPECT_EQ(rep.oof_logits.size(), data.size());
  EXPECT_EQ(rep.extra_used, extra.size());
  EXPECT_EQ((*m)->info().trained_examples, data.size() + extra.size());
  EXPECT_EQ((*m)->LabelName((*m)->Predict("hoaks").label), "negative");
  // a bad label in the extra data is named as such
  auto bad = Train(data, info, o, nullptr, nullptr, {{"x", "happy"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("extra text 1"), std::string::npos);
}

TEST(TrainerTest, TaskDefaultsOnlyForSentiment) {
  ModelInfo info;
  TrainOptions o;
  ApplyTaskDefaults("kind", &info, &o);
  EXPECT_FALSE(info.features.surface_unigrams);
  EXPECT_EQ(info.features.polarity, 0);
  EXPECT_EQ(o.nb, 0);
  ApplyTaskDefaults("sentiment", &info, &o);
  EXPECT_TRUE(info.features.surface_unigrams);
  EXPECT_EQ(info.features.polarity, 2);
  EXPECT_TRUE(info.features.length_buckets);
  EXPECT_EQ(info.features.clauses, 3);
  EXPECT_EQ(o.nb, 1);
  EXPECT_EQ(o.bags, 3);
}

TEST(TrainerTest, WarmStartLearnsAppendedData) {
  auto base = TrainTiny();
  // "hoaks" is new: officers' corrections add it as negative
  std::vector<LabelledText> more = {{"berita hoaks menyesatkan", "negative"},
                                    {"itu hoaks", "negative"},
                                    {"awas hoaks", "negative"}};
  ModelInfo ignored;
  TrainOptions o;
  o.folds = 0;
  o.epochs = 20;
  auto next = Train(more, ignored, o, base.get(), nullptr);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ((*next)->LabelName((*next)->Predict("hoaks").label), "negative");
  EXPECT_EQ((*next)->info().trained_examples, TinySet().size() + more.size());
  EXPECT_EQ((*next)->info().labels, base->info().labels);
  // a label the model does not have is refused
  EXPECT_EQ(Train({{"x", "happy"}}, ignored, o, base.get(), nullptr).status().code(),
            Code::kInvalidArgument);
}

TEST(ModelFileTest, SaveLoadRoundTrip) {
  auto m = TrainTiny();
  m->mutable_info().card = "# card\nline two\n";
  const auto path = TempPath("tiny.model");
  ASSERT_TRUE(m->Save(path.string()).ok());
  auto loaded = LoadModel(path.string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const auto& a = m->info();
  const auto& b = (*loaded)->info();
  EXPECT_EQ(b.task, a.task);
  EXPECT_EQ(b.version, a.version);
  EXPECT_EQ(b.labels, a.labels);
  EXPECT_EQ(b.card, a.card);
  EXPECT_EQ(b.features.hash_bits, a.features.hash_bits);
  EXPECT_EQ(b.normalize.negation_window, a.normalize.negation_window);
  EXPECT_FLOAT_EQ(b.temperature, a.temperature);
  EXPECT_EQ(b.label_offset, a.label_offset);
  EXPECT_EQ((*loaded)->weights(), m->weights());
  for (const auto& e : TinySet()) {
    EXPECT_EQ((*loaded)->Predict(e.text).probabilities, m->Predict(e.text).probabilities);
  }
}

TEST(ModelFileTest, DamagedFilesAreRefused) {
  auto m = TrainTiny();
  const auto path = TempPath("damaged.model");
  ASSERT_TRUE(m->Save(path.string()).ok());
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x5A;
  WriteFile(path, flipped);
  EXPECT_EQ(LoadModel(path.string()).status().code(), Code::kDataLoss);
  WriteFile(path, bytes.substr(0, bytes.size() / 3));
  EXPECT_EQ(LoadModel(path.string()).status().code(), Code::kDataLoss);
  WriteFile(path, "not a model at all");
  EXPECT_EQ(LoadModel(path.string()).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(LoadModel(TempPath("nope.model").string()).status().code(), Code::kNotFound);
}

TEST(ModelFileTest, UnknownSettingNeedsANewerReader) {
  auto m = TrainTiny();
  const auto path = TempPath("future.model");
  ASSERT_TRUE(m->Save(path.string()).ok());
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  // header: magic(8) version(4) length(4) text; add a setting and fix length and checksum
  std::uint32_t len = 0;
  std::memcpy(&len, bytes.data() + 12, 4);
  const std::string extra = "features.future_thing=1\n";
  bytes.insert(16 + len, extra);
  len += static_cast<std::uint32_t>(extra.size());
  std::memcpy(bytes.data() + 12, &len, 4);
  bytes.resize(bytes.size() - 8);
  const std::uint64_t sum = HashBytes(bytes, 0);
  bytes.append(reinterpret_cast<const char*>(&sum), 8);
  WriteFile(path, bytes);
  const auto r = LoadModel(path.string());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("future_thing"), std::string::npos);
}

TEST(EvaluateModelTest, UnknownGoldLabelIsAnError) {
  auto m = TrainTiny();
  EXPECT_EQ(EvaluateModel(*m, {{"bagus", "happy"}}).status().code(), Code::kInvalidArgument);
  auto r = EvaluateModel(*m, TinySet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->n, 12);
  EXPECT_DOUBLE_EQ(r->accuracy, 1.0);
}

int RunCli(int (*fn)(int, char**), std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return fn(static_cast<int>(argv.size()), argv.data());
}

TEST(CliTest, TrainThenEvalPrintsMetricsLast) {
  const auto data = TempPath("cli.tsv");
  std::string tsv;
  for (int i = 0; i < 5; ++i) {
    for (const auto& e : TinySet()) tsv += e.text + " " + std::to_string(i) + "\t" + e.label + "\n";
  }
  WriteFile(data, tsv);
  const auto model = TempPath("cli.model");
  testing::internal::CaptureStdout();
  EXPECT_EQ(RunCli(TrainMain, {"train", "--task", "sentiment", "--data", data.string(), "--out",
                               model.string(), "--folds", "2", "--hash-bits", "16"}),
            0);
  const std::string train_out = testing::internal::GetCapturedStdout();
  EXPECT_NE(train_out.find("Rebuild: `humas train --task sentiment"), std::string::npos);
  testing::internal::CaptureStdout();
  EXPECT_EQ(RunCli(EvalMain, {"eval", "--task", "sentiment", "--model", model.string(), "--data",
                              data.string()}),
            0);
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(out.substr(out.rfind('\n', out.size() - 2) + 1),
            "accuracy=1.0000 macro_f1=1.0000 n=60\n");
  EXPECT_NE(out.find("confusion matrix"), std::string::npos);
  // incremental retraining from the saved model (officers' corrections appended)
  const auto more = TempPath("more.tsv");
  WriteFile(more, "awas hoaks\tnegative\nitu hoaks\tnegative\n");
  const auto next = TempPath("next.model");
  testing::internal::CaptureStdout();
  EXPECT_EQ(RunCli(TrainMain, {"train", "--task", "sentiment", "--data", more.string(), "--out",
                               next.string(), "--init", model.string(), "--folds", "0"}),
            0);
  testing::internal::GetCapturedStdout();
  auto loaded = LoadModel(next.string());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->info().trained_examples, 62u);
  EXPECT_NE((*loaded)->info().card.find("continued from"), std::string::npos);
  // usage errors exit with 2
  testing::internal::CaptureStderr();
  EXPECT_EQ(RunCli(TrainMain, {"train", "--task", "sentiment"}), 2);
  EXPECT_EQ(RunCli(EvalMain,
                   {"eval", "--task", "kind", "--model", model.string(), "--data", data.string()}),
            1);
  testing::internal::GetCapturedStderr();
}

}  // namespace
}  // namespace humas::nlp
