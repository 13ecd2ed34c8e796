// Slow test: trains on IndoNLU SmSA and checks the validation score (skipped without ../shared).
#include <gtest/gtest.h>

#include <filesystem>

#include "nlp/dataset.h"
#include "nlp/trainer.h"

namespace humas::nlp {
namespace {

TEST(SmsaTest, TrainsAboveTheFastTextBaseline) {
  const std::filesystem::path dir = std::filesystem::path(HUMAS_SHARED_DIR) / "data/indonlu-smsa";
  if (!std::filesystem::exists(dir / "train_preprocess.tsv")) {
    GTEST_SKIP() << "SmSA not found under " << dir;
  }
  auto train = ReadLabelledFile((dir / "train_preprocess.tsv").string());
  auto valid = ReadLabelledFile((dir / "valid_preprocess.tsv").string());
  ASSERT_TRUE(train.ok() && valid.ok());
  ModelInfo info;
  info.task = "sentiment";
  TrainOptions o;
  ApplyTaskDefaults("sentiment", &info, &o);  // as `humas train --task sentiment`
  o.folds = 0;  // the shipped model's card carries the cross-validation; this checks the pipeline
  auto m = Train(*train, info, o, nullptr, nullptr);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto r = EvaluateModel(**m, *valid);
  ASSERT_TRUE(r.ok());
  // fastText (-lr 1.0 -epoch 25 -wordNgrams 2 -dim 100) scores about 0.855 here; the shipped
  // model (with offsets tuned on the folds) 0.8870 (models/sentiment.md). Without folds there are
  // no tuned offsets; the bound leaves room for that and for platform float differences.
  EXPECT_GT(r->macro_f1, 0.865) << r->Format();
}

}  // namespace
}  // namespace humas::nlp
