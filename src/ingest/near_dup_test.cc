// Near-duplicate detection on real texts: copy-paste campaigns and lightly edited reposts are
// flagged, different texts on the same topic are not; on the IndoNLU SmSA training set (read in
// place from ../shared) the LSH index finds the near-duplicate pairs an exhaustive comparison
// finds.
#include "ingest/near_dup.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "ingest/near_dup_reference.h"

namespace humas::ingest {
namespace {

constexpr UnixMillis kT0 = 1790000000000;
constexpr size_t kMinWords = 6;

std::optional<NearDuplicateIndex::Hit> AddAndFind(NearDuplicateIndex& index, Id id,
                                                  const std::string& text,
                                                  std::optional<Id> agency = 1,
                                                  UnixMillis at = kT0) {
  auto lock = index.lock();
  TextSignature sig = SignText(text, kMinWords);
  auto hit = index.FindLocked(sig, at);
  index.AddLocked(agency, id, hit ? hit->root : id, hit ? hit->root_agency : agency, std::move(sig),
                  at);
  return hit;
}

TEST(NearDuplicateTest, CampaignCopiesAndLightEditsAreFlaggedAgainstTheFirst) {
  NearDuplicateIndex index;
  const std::string original =
      "Tolak kenaikan tarif PDAM! Warga Berau sudah susah, jangan dibebani lagi. "
      "#TolakTarifPDAM";
  EXPECT_FALSE(AddAndFind(index, 1, original));
  // The same text pasted again, with other case and punctuation.
  auto copy = AddAndFind(index, 2,
                         "tolak kenaikan tarif PDAM!!! warga berau sudah susah jangan dibebani "
                         "lagi #TolakTarifPDAM");
  ASSERT_TRUE(copy);
  EXPECT_EQ(copy->root, 1);
  EXPECT_DOUBLE_EQ(copy->score, 1.0);
  // Lightly edited: a word changed and a mention appended. It joins the same cluster (root 1).
  auto edited = AddAndFind(index, 3,
                           "Tolak kenaikan tarif PDAM! Warga Berau sudah susah, jangan diberatkan "
                           "lagi. #TolakTarifPDAM @bupati_berau");
  ASSERT_TRUE(edited);
  EXPECT_EQ(edited->root, 1);
  EXPECT_GT(edited->score, 0.5);
  EXPECT_LT(edited->score, 1.0);
}

TEST(NearDuplicateTest, DifferentTextsOnTheSameTopicAreNotFlagged) {
  NearDuplicateIndex index;
  EXPECT_FALSE(AddAndFind(index, 1,
                          "Jalan di depan pasar Tanjung Redeb rusak parah, banyak "
                          "lubang dan sering bikin motor jatuh"));
  EXPECT_FALSE(AddAndFind(index, 2,
                          "Mohon jalan rusak di Gunung Tabur segera diperbaiki, sudah "
                          "tiga bulan tidak ada perbaikan"));
  EXPECT_FALSE(AddAndFind(index, 3,
                          "Jalan rusak lagi di dekat pasar, kapan diperbaiki pak? "
                          "sudah banyak korban"));
  EXPECT_FALSE(AddAndFind(index, 4,
                          "Terima kasih Dinas PUPR, jalan di depan pasar Tanjung "
                          "Redeb sudah mulus sekarang"));
  // Short generic replies are never compared (too few words to tell a campaign from chance).
  EXPECT_FALSE(AddAndFind(index, 5, "terima kasih pak"));
  EXPECT_FALSE(AddAndFind(index, 6, "terima kasih pak"));
}

TEST(NearDuplicateTest, CopiesAreFlaggedAcrossAgenciesWithinTheWindow) {
  NearDuplicateIndex index;
  const std::string text =
      "Pembagian bantuan sosial di kantor kelurahan hari ini ricuh, warga "
      "antre sejak subuh";
  EXPECT_FALSE(AddAndFind(index, 1, text, /*agency=*/1));
  // Another agency's copy joins the same cluster; the hit names the original's agency (the API
  // names the original only to readers who may see it).
  auto other = AddAndFind(index, 2, text, /*agency=*/2);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->root, 1);
  EXPECT_EQ(other->root_agency, std::optional<Id>(1));
  auto third = AddAndFind(index, 3, text, std::nullopt);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->root, 1);
  EXPECT_EQ(third->root_agency, std::optional<Id>(1));
  // Eight days later the same text starts a new cluster.
  EXPECT_FALSE(AddAndFind(index, 4, text, 1, kT0 + 8LL * 24 * 3600 * 1000));
}

// Intake adds a mention before it is stored, so the next batch of a pipelined import already
// sees it; its id is learnt after the store, and a mention never stored leaves no trace.
TEST(NearDuplicateTest, PendingMentionsAreFoundAndResolvedAfterTheStore) {
  NearDuplicateIndex index;
  const std::string text =
      "Banjir setinggi lutut di Jalan Ahmad Yani sejak subuh, mohon pompa air segera dikirim";
  auto lock = index.lock();
  auto first = index.AddPendingLocked(5, std::nullopt, SignText(text, kMinWords), kT0);
  ASSERT_NE(first, 0u);
  auto hit = index.FindLocked(SignText(text + " #banjir", kMinWords), kT0 + 1000);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->root, 0);  // not stored yet
  EXPECT_EQ(hit->root_ticket, first);
  EXPECT_EQ(hit->root_agency, std::optional<Id>(5));
  auto copy = index.AddPendingLocked(7, hit, SignText(text + " #banjir", kMinWords), kT0 + 1000);
  EXPECT_EQ(index.RootOfLocked(copy), 0);
  EXPECT_EQ(index.RootTicketLocked(copy), first);
  index.ResolveLocked(first, 41);
  index.ResolveLocked(copy, 42);
  EXPECT_EQ(index.RootOfLocked(copy), 41);
  auto later = index.FindLocked(SignText(text, kMinWords), kT0 + 2000);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->root, 41);

  // A batch that failed to store: its entries are dropped and never matched.
  const std::string lost =
      "Kebakaran lahan di dekat bandara Kalimarau, asapnya tebal sampai ke permukiman warga";
  auto t = index.AddPendingLocked(1, std::nullopt, SignText(lost, kMinWords), kT0);
  index.ResolveLocked(t, 0);
  EXPECT_FALSE(index.FindLocked(SignText(lost, kMinWords), kT0));
  // Too short to compare: no entry, no ticket.
  EXPECT_EQ(index.AddPendingLocked(1, std::nullopt, SignText("terima kasih pak", kMinWords), kT0),
            0u);
}

TEST(NearDuplicateTest, OldestEntriesLeaveTheIndexFirst) {
  NearDuplicateOptions o;
  o.max_entries = 3;
  NearDuplicateIndex index(o);
  const std::vector<std::string> texts = {
      "Antrean panjang di puskesmas Sambaliung sejak pagi, dokternya belum datang juga",
      "Lampu penerangan jalan di Jalan Pemuda mati semua sejak minggu lalu, rawan kejahatan",
      "Sampah menumpuk di pinggir sungai Segah, baunya sampai ke rumah warga sekitar",
      "Sekolah dasar di kampung kami atapnya bocor, murid belajar sambil kehujanan"};
  for (size_t i = 0; i < texts.size(); ++i) EXPECT_FALSE(AddAndFind(index, Id(i + 1), texts[i]));
  EXPECT_EQ(index.size(), 3u);
  EXPECT_FALSE(AddAndFind(index, 5, texts[0]));  // the first one has left the window
  auto hit = AddAndFind(index, 6, texts[3]);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->root, 4);
}

// The SmSA training set (IndoNLU, 11,000 texts) holds real reposts and lightly edited copies.
// Every pair an exhaustive comparison puts at or above the threshold should be found through the
// MinHash bands; a text is flagged only when a verified earlier copy exists.
TEST(NearDuplicateTest, FindsTheNearDuplicatePairsOfARealCorpus) {
  std::ifstream in(std::string(HUMAS_SHARED_DIR) + "/data/indonlu-smsa/train_preprocess.tsv");
  ASSERT_TRUE(in) << "needs ../shared/data/indonlu-smsa";
  std::vector<std::string> texts;
  for (std::string line; std::getline(in, line);) texts.push_back(line.substr(0, line.rfind('\t')));
  ASSERT_GT(texts.size(), 10000u);
  std::vector<TextSignature> sigs;
  for (const auto& t : texts) sigs.push_back(SignText(t, kMinWords));
  // Exhaustive: which texts have an earlier text at or above the threshold (inverted index over
  // shingles to keep it fast; Jaccard computed exactly for every pair sharing one).
  const double threshold = NearDuplicateOptions{}.threshold;
  std::unordered_map<std::uint32_t, std::vector<size_t>> by_shingle;
  std::set<size_t> expected;
  std::vector<size_t> seen_at(sigs.size(), SIZE_MAX);  // j was compared with i when seen_at[j] == i
  for (size_t i = 0; i < sigs.size(); ++i) {
    for (auto s : sigs[i].shingles) {
      for (size_t j : by_shingle[s]) {
        if (seen_at[j] == i) continue;
        seen_at[j] = i;
        if (Jaccard(sigs[i].shingles, sigs[j].shingles) >= threshold) expected.insert(i);
      }
    }
    for (auto s : sigs[i].shingles) by_shingle[s].push_back(i);
  }
  NearDuplicateIndex index;
  std::set<size_t> flagged;
  for (size_t i = 0; i < texts.size(); ++i)
    if (AddAndFind(index, static_cast<Id>(i + 1), texts[i])) flagged.insert(i);
  ASSERT_GE(expected.size(), 50u);  // the corpus does contain copies
  size_t found = 0;
  for (size_t i : flagged) {
    EXPECT_TRUE(expected.count(i)) << "flagged without a verified copy: " << texts[i];
    found += expected.count(i);
  }
  double recall = static_cast<double>(found) / static_cast<double>(expected.size());
  std::printf("SmSA train: %zu texts with an earlier near-duplicate, %zu flagged (recall %.3f)\n",
              expected.size(), flagged.size(), recall);
  EXPECT_GE(recall, 0.95);
}

// Texts of the shared corpora (../shared/data): SmSA (train, valid) and the Indonesian hate-speech
// tweets (their first CSV field: reposts "RT USER: ..." and copied tweets included).
std::vector<std::string> SharedTexts() {
  std::vector<std::string> texts;
  for (const char* f :
       {"/data/indonlu-smsa/train_preprocess.tsv", "/data/indonlu-smsa/valid_preprocess.tsv"}) {
    std::ifstream in(std::string(HUMAS_SHARED_DIR) + f);
    for (std::string line; std::getline(in, line);)
      texts.push_back(line.substr(0, line.rfind('\t')));
  }
  std::ifstream in(std::string(HUMAS_SHARED_DIR) + "/data/id-multilabel-hatespeech/re_dataset.csv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    // Tweet,HS,Abusive,... : the text is everything before the last 12 fields.
    size_t end = line.size();
    for (int k = 0; k < 12 && end != std::string::npos && end > 0; ++k)
      end = line.rfind(',', end - 1);
    if (end != std::string::npos) texts.push_back(line.substr(0, end));
  }
  return texts;
}

// Runs the index and the first implementation (near_dup_reference.h) over the same stream and
// expects the same flag for every text: flagged or not, the same cluster, the same similarity.
void ExpectSameFlagsAsTheReference(const std::vector<std::string>& texts,
                                   NearDuplicateOptions options, UnixMillis step_ms,
                                   size_t* flagged_out) {
  NearDuplicateIndex index(options);
  reference::Index ref(options);
  auto lock = index.lock();
  size_t flagged = 0, mismatches = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    const Id id = static_cast<Id>(i + 1);
    const UnixMillis at = kT0 + static_cast<UnixMillis>(i) * step_ms;
    TextSignature sig = SignText(texts[i], options.min_words);
    auto hit = index.FindLocked(sig, at);
    index.AddLocked(1, id, hit ? hit->root : id, 1, std::move(sig), at);
    auto want = ref.FindAndAdd(id, texts[i], at);
    flagged += hit.has_value();
    const bool same = hit.has_value() == want.has_value() &&
                      (!hit || (hit->root == want->root && hit->score == want->score));
    if (!same && ++mismatches <= 5)
      ADD_FAILURE() << "text " << i << " (" << texts[i] << "): index "
                    << (hit ? std::to_string(hit->root) + " at " + std::to_string(hit->score)
                            : "none")
                    << ", reference "
                    << (want ? std::to_string(want->root) + " at " + std::to_string(want->score)
                             : "none");
  }
  EXPECT_EQ(mismatches, 0u);
  lock.unlock();
  EXPECT_EQ(index.size(), ref.size());
  *flagged_out = flagged;
}

TEST(NearDuplicateTest, FlagsEqualTheFirstImplementationOnTheSharedCorpora) {
  const std::vector<std::string> texts = SharedTexts();
  ASSERT_GT(texts.size(), 20000u) << "needs ../shared/data (SmSA, hate-speech tweets)";
  size_t flagged = 0;
  // One text a minute: 17 days, so the 7-day window matters too.
  ExpectSameFlagsAsTheReference(texts, {}, 60'000, &flagged);
  std::printf("shared corpora: %zu texts, %zu flagged by both\n", texts.size(), flagged);
  EXPECT_GT(flagged, 100u);
  // A window of 1,000 entries: eviction at every text from the 1,001st.
  NearDuplicateOptions small;
  small.max_entries = 1000;
  ExpectSameFlagsAsTheReference(texts, small, 60'000, &flagged);
  EXPECT_GT(flagged, 10u);
}

// Copy-paste campaigns: a few texts copied thousands of times with small edits, so bands hold
// long runs of entries, the 32-candidate cap and the early stop decide, and (with a small window)
// the oldest entries of long runs keep leaving.
TEST(NearDuplicateTest, FlagsEqualTheFirstImplementationUnderCampaigns) {
  const std::vector<std::string> base = {
      "Tolak kenaikan tarif PDAM! Warga Berau sudah susah, jangan dibebani lagi #TolakTarifPDAM",
      "Pembagian bantuan sosial di kantor kelurahan hari ini ricuh, warga antre sejak subuh",
      "Banjir setinggi lutut di Jalan Ahmad Yani sejak subuh, mohon pompa air segera dikirim",
      "Jalan di depan pasar Tanjung Redeb rusak parah, banyak lubang dan sering bikin motor jatuh"};
  const std::vector<std::string> edits = {"tolong", "pak",  "segera", "bupati",  "warga",  "mohon",
                                          "kami",   "lagi", "sudah",  "parah",   "kenapa", "dinas",
                                          "jalan",  "air",  "hari",   "sekarang"};
  std::vector<std::string> texts;
  std::uint64_t x = 42;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>(x >> 33);
  };
  for (size_t i = 0; i < 6000; ++i) {
    std::string t = base[next() % base.size()];
    // One to four words appended, inserted or replacing a word: similarity from ~0.4 to 1.
    for (size_t k = next() % 5; k > 0; --k) {
      const std::string& w = edits[next() % edits.size()];
      size_t at = next() % (t.size() + 1);
      at = t.find(' ', at);
      if (at == std::string::npos) {
        t += " " + w;
      } else if (next() % 2) {
        t.insert(at, " " + w);
      } else {
        size_t end = t.find(' ', at + 1);
        t.replace(at, (end == std::string::npos ? t.size() : end) - at, " " + w);
      }
    }
    texts.push_back(std::move(t));
  }
  size_t flagged = 0;
  ExpectSameFlagsAsTheReference(texts, {}, 1000, &flagged);
  EXPECT_GT(flagged, 5000u);
  NearDuplicateOptions small;
  small.max_entries = 500;
  ExpectSameFlagsAsTheReference(texts, small, 1000, &flagged);
  EXPECT_GT(flagged, 4500u);
}

// The AVX2 MinHashes (taken when the CPU has AVX2) equal the scalar loop's on shingle sets of
// every size up to 300, random 32-bit values and the extremes.
TEST(NearDuplicateTest, SimdMinHashesEqualTheScalarLoop) {
  if (!detail::SimdMinHashes()) GTEST_SKIP() << "this CPU has no AVX2: only the scalar loop runs";
  std::mt19937 rng(20261124);
  for (size_t n = 0; n <= 300; ++n) {
    std::vector<std::uint32_t> shingles(n);
    for (auto& s : shingles) s = static_cast<std::uint32_t>(rng());
    if (n > 0) shingles[0] = 0;
    if (n > 1) shingles[1] = UINT32_MAX;
    std::sort(shingles.begin(), shingles.end());
    shingles.erase(std::unique(shingles.begin(), shingles.end()), shingles.end());
    EXPECT_EQ(detail::MinHashesOf(shingles, true), detail::MinHashesOf(shingles, false))
        << n << " shingles";
  }
}

}  // namespace
}  // namespace humas::ingest
