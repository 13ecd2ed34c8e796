// Unit tests for each normalisation step and for hostile input (defined results, no crashes).
#include "nlp/normalizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nlp/word_cache.h"

namespace humas::nlp {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Toks(std::string_view text, NormalizeOptions o = {}) {
  return Normalizer(o).TokenTexts(text);
}

NormalizeOptions NoStem() {
  NormalizeOptions o;
  o.stem = false;
  return o;
}

TEST(NormalizerTest, SlangIsStandardised) {
  EXPECT_EQ(Toks("yg bgt udh", NoStem()), (std::vector<std::string>{"yang", "banget", "sudah"}));
  EXPECT_EQ(Toks("gpp", NoStem()), (std::vector<std::string>{"tidak", "NEG_apa", "NEG_apa"}));
  EXPECT_GT(ColloquialLexiconSize(), 300u);
  ASSERT_NE(LookupColloquial("sdh"), nullptr);
  EXPECT_EQ(LookupColloquial("sdh")->front(), "sudah");
  EXPECT_EQ(LookupColloquial("rumah"), nullptr);
}

TEST(NormalizerTest, RepeatedLettersAreSqueezed) {
  bool changed = false;
  EXPECT_EQ(SqueezeRepeats("mantapppp", &changed), "mantap");
  EXPECT_TRUE(changed);
  EXPECT_EQ(SqueezeRepeats("maaf", &changed), "maaf");  // doubles are real Indonesian spelling
  EXPECT_FALSE(changed);
  EXPECT_EQ(Toks("bagusss bangettt", NoStem()), (std::vector<std::string>{"bagus", "banget"}));
  auto t = Normalizer(NoStem()).Normalize("kerennnn");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_TRUE(t[0].elongated);
}

TEST(NormalizerTest, NegationMarksAWindow) {
  EXPECT_EQ(Toks("gak jelas", NoStem()), (std::vector<std::string>{"tidak", "NEG_jelas"}));
  EXPECT_EQ(Toks("tidak bagus dan mahal sekali", NoStem()),
            (std::vector<std::string>{"tidak", "NEG_bagus", "NEG_dan", "mahal", "sekali"}));
  // punctuation and "tapi" end the scope
  EXPECT_EQ(Toks("tidak mahal , enak", NoStem()),
            (std::vector<std::string>{"tidak", "NEG_mahal", ",", "enak"}));
  EXPECT_EQ(Toks("bukan tapi bagus", NoStem()),
            (std::vector<std::string>{"bukan", "tapi", "bagus"}));
  NormalizeOptions off = NoStem();
  off.negation_window = 0;
  EXPECT_EQ(Toks("tidak bagus", off), (std::vector<std::string>{"tidak", "bagus"}));
}

TEST(NormalizerTest, EmojiAndEmoticonsBecomeSentimentTokens) {
  EXPECT_EQ(Toks("mantap 👍👍 😡", NoStem()),
            (std::vector<std::string>{"mantap", "<emo_pos>", "<emo_neg>"}));
  EXPECT_EQ(Toks("enak :) tapi lama :(", NoStem()),
            (std::vector<std::string>{"enak", "<emo_pos>", "tapi", "lama", "<emo_neg>"}));
  EXPECT_EQ(Toks("wkwkwk 😂", NoStem()), (std::vector<std::string>{"<laugh>", "<emo_laugh>"}));
  // skin-tone modifier and ZWJ sequences do not leave stray tokens
  EXPECT_EQ(Toks("👍🏽", NoStem()), (std::vector<std::string>{"<emo_pos>"}));
}

TEST(NormalizerTest, UrlsMentionsHashtags) {
  EXPECT_EQ(Toks("cek https://berau.go.id/info?a=1. @dinkes_berau #BanjirBerau", NoStem()),
            (std::vector<std::string>{"cek", "<url>", ".", "<user>", "banjirberau"}));
  EXPECT_EQ(Toks("lihat bit.ly/abc atau www.x.org", NoStem()),
            (std::vector<std::string>{"lihat", "<url>", "atau", "<url>"}));
  EXPECT_EQ(Toks("email ke humas@berau.go.id ya", NoStem()),
            (std::vector<std::string>{"email", "ke", "<email>", "ya"}));
  auto t = Normalizer(NoStem()).Normalize("#jalan_rusak");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].kind, TokenKind::kHashtag);
  EXPECT_EQ(t[1].text, "rusak");
}

TEST(NormalizerTest, ReduplicationAndNumbers) {
  EXPECT_EQ(Toks("enak-enak enak2 sayur-mayur lantai 2", NoStem()),
            (std::vector<std::string>{"enak", "enak", "sayur", "mayur", "lantai", "<num>"}));
}

TEST(NormalizerTest, CaseFoldingAndNfkc) {
  EXPECT_EQ(NfkcCaseFold("BAGUS Ｂａｇｕｓ"), "bagus bagus");  // fullwidth -> ASCII
  EXPECT_EQ(NfkcCaseFold("ﬁne"), "fine");                      // ligature decomposed
}

TEST(NormalizerTest, StemmerGuardKeepsWordsThatMatter) {
  EXPECT_EQ(StemWord("keluhan"), "keluh");
  EXPECT_EQ(StemWord("mengecewakan"), "kecewa");
  EXPECT_EQ(StemWord("berita"), "berita");
  EXPECT_EQ(StemWord("kepuasan"), "puas");  // plain Snowball where it is right
  EXPECT_EQ(StemWord("pelayanan"), "layan");
  EXPECT_EQ(Toks("tidak memuaskan"), (std::vector<std::string>{"tidak", "NEG_puas"}));
}

TEST(NormalizerTest, InvalidUtf8IsReplaced) {
  const std::string bad = "bagus\xff\xfe enak\xc3";
  const std::string clean = SanitizeUtf8(bad);
  EXPECT_EQ(clean, "bagus\xEF\xBF\xBD\xEF\xBF\xBD enak\xEF\xBF\xBD");
  EXPECT_EQ(Toks(bad, NoStem()), (std::vector<std::string>{"bagus", "enak"}));
}

TEST(NormalizerTest, ControlCharsZeroWidthAndBidiMarks) {
  // controls become spaces (so words are not glued), ZW joiners and RTL marks vanish
  EXPECT_EQ(Toks("bagus\x01"
                 "enak\tlah",
                 NoStem()),
            (std::vector<std::string>{"bagus", "enak", "lah"}));
  EXPECT_EQ(Toks("ba\u200Dgus \u200Fenak\u202E \u200B\uFEFF", NoStem()),
            (std::vector<std::string>{"bagus", "enak"}));
}

TEST(NormalizerTest, EmptyAndOnlyJunk) {
  EXPECT_TRUE(Toks("").empty());
  EXPECT_TRUE(Toks("   \n\t ").empty());
  EXPECT_TRUE(Toks("\x80\x80\x80").empty());
  EXPECT_TRUE(Toks("\"()[]{}").empty());
}

TEST(NormalizerTest, OneMegabyteIsCutAtTheLimit) {
  std::string big;
  while (big.size() < (1u << 20)) big += "pelayanannya bagus sekali 👍 ";
  NormalizeOptions o;
  const auto toks = Normalizer(o).TokenTexts(big);
  EXPECT_FALSE(toks.empty());
  // 64 KiB of ~30-byte phrases of 4 tokens: bounded, roughly 9k tokens
  EXPECT_LT(toks.size(), 12000u);
  EXPECT_GT(toks.size(), 6000u);
  const std::string cut = SanitizeUtf8(big, 100);
  EXPECT_LE(cut.size(), 100u);
  EXPECT_EQ(SanitizeUtf8(cut), cut);  // cut on a character boundary: still valid UTF-8
}

TEST(NormalizerTest, ExplainShowsEveryStep) {
  const auto steps = Normalizer().Explain("Pelayanannya GAK jelasss 😡 @humas");
  std::vector<std::string> names;
  for (const auto& s : steps) names.push_back(s.name);
  EXPECT_THAT(names, ElementsAre("input", "sanitized", "nfkc_casefold", "tokens", "squeezed",
                                 "standardized", "negation", "stemmed"));
  EXPECT_EQ(steps[2].output, "pelayanannya gak jelasss 😡 @humas");
  EXPECT_EQ(steps[4].output, "pelayanannya gak jelas <emo_neg> <user>");
  EXPECT_EQ(steps[5].output, "pelayanannya tidak jelas <emo_neg> <user>");
  EXPECT_EQ(steps[6].output, "pelayanannya tidak NEG_jelas <emo_neg> <user>");
  EXPECT_EQ(steps[7].output, "layan tidak NEG_jelas <emo_neg> <user>");
}

TEST(NormalizerTest, FastPathMatchesExplain) {
  // Normalize() memoises per-word steps; it must agree with the step-by-step Explain().
  const std::vector<std::string> texts = {
      "Pelayanannya GAK jelasss 😡 @humas",
      "tidak #enak tapi murah , tdk mahal!!! :) wkwkwk",
      "gpp kok , yg penting bukan hoaks https://x.id",
      "keluhan saya belum ditanggapi sdh 3 hari #JalanRusak",
      "ＴＩＤＡＫ ba\u200Dgus \xff\xfe enak-enak sayur-mayur 2x",
      "",
      "333###4V7-g ab",  // found by the fuzzer: a hashtag the lexicon replaces
      "#gak bagus #mantapp",
  };
  for (bool stem : {true, false}) {
    NormalizeOptions o;
    o.stem = stem;
    const Normalizer n(o);
    for (const auto& t : texts) {
      std::string joined;
      for (const auto& tok : n.Normalize(t)) joined += (joined.empty() ? "" : " ") + tok.text;
      EXPECT_EQ(joined, n.Explain(t).back().output) << t;
    }
  }
}

// Every field of every token, for comparing the memoised fast path with the reference.
std::string Dump(const std::vector<Token>& tokens) {
  std::string out;
  for (const auto& t : tokens) {
    out += t.text + "|" + t.surface + "|" + std::to_string(static_cast<int>(t.kind)) +
           (t.negated ? "n" : "-") + (t.elongated ? "e" : "-") + " ";
  }
  return out;
}

// Texts that exercise the chunk memo's edge cases: emoji and emoticons repeated across chunks
// (TokenizeChunk drops a repeat of the token before it, also over a space), chunks longer than
// the memo takes, hashtags, URLs with trailing emoticons, NFKC, invalid UTF-8, controls.
const std::vector<std::string>& TrickyTexts() {
  static const std::vector<std::string> kTexts = {
      ":) :) :( :( 😀 😀 😀.😀 !! ?? ,, . :):) ) 👍👍 👍🏽 👍",
      "x.com:) :) lihat www.dinkes.go.id/info. lalu :)",
      "Mantapppp bgt 😍😍 pelayanannya!!! #Keren #banjir_berau @dinkes_kota",
      "gak jelas :( tidak bagus, tapi ok xd XD xdd <3 <3 ^_^ ^_^ -_- T_T :v :v",
      "ÉNAK sekali — “kafe” ﬁ ① Ｆｕｌｌｗｉｄｔｈ zero\u200Bwidth \u202ERTL\u202C caf\u0065\u0301",
      "wkwkwk hahaha enak-enak sayur-mayur anak2 rumah2 123.456 12,5 jum'at ke-2 --- -- '' a'",
      "\u00A0nbsp\u2003em\tTAB\x01ctrl \xff\xfe invalid \xc3\x28 utf8 \xe2\x82 end \xf0\x9f\x98",
      "tidak  terlalu   bagus.. namun ... sayangnya mahal!! Padahal enak? ya tdk",
      "#gak #yg #wkwk #tidakbagus @user.name_1 :-) budi@example.com, 0812-3456-7890",
      "sangatpanjangsekalikatayangtidakadaspasinyasamasekalidanlebihdarienampuluhempatbyte bgt",
      "tidak sangatpanjangsekalikatayangtidakadaspasinyasamasekalidanlebihdarienampuluhempatbyte",
      "",
      "    ",
      "a",
  };
  return kTexts;
}

TEST(NormalizerTest, MemoisedChunksMatchStepByStep) {
  // Normalize() memoises whole chunks and has an ASCII fast path; NormalizeStepByStep() runs each
  // step on its own. Cold and warm (second pass), with the output vector reused, they must agree
  // on every token field.
  for (bool stem : {true, false}) {
    NormalizeOptions o;
    o.stem = stem;
    const Normalizer n(o);
    std::vector<Token> reused = n.Normalize("sisa token dari teks sebelumnya yang lebih panjang");
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& t : TrickyTexts()) {
        const std::string want = Dump(n.NormalizeStepByStep(t));
        EXPECT_EQ(Dump(n.Normalize(t)), want) << t;
        n.Normalize(t, &reused);
        EXPECT_EQ(Dump(reused), want) << t;
      }
    }
  }
}

TEST(NormalizerTest, AsciiFastPathMatchesGeneralPath) {
  // A tab is not printable ASCII: it sends the text down the general path (sanitise, NFKC via
  // utf8proc), where it becomes a space; the tokens must be the same as the fast path's.
  const Normalizer n;
  std::vector<std::string> texts = {"Pelayanan GAK jelasss :( @humas #JalanRusak x.id/a.",
                                    "tidak bagus, TAPI murah!!! wkwk enak-enak 2x :) :)"};
  const auto smsa =
      std::filesystem::path(HUMAS_SHARED_DIR) / "data/indonlu-smsa/valid_preprocess.tsv";
  std::ifstream in(smsa);
  for (std::string line; std::getline(in, line);) texts.push_back(line.substr(0, line.rfind('\t')));
  EXPECT_GT(texts.size(), 1000u) << "SmSA validation texts not found at " << smsa;
  std::size_t ascii = 0;
  for (const auto& t : texts) {
    if (std::all_of(t.begin(), t.end(), [](char c) { return c >= 0x20 && c < 0x7F; })) ++ascii;
    const std::string fast = Dump(n.Normalize(t));
    EXPECT_EQ(Dump(n.Normalize(t + "\t")), fast) << t;
    EXPECT_EQ(Dump(n.NormalizeStepByStep(t)), fast) << t;
  }
  EXPECT_GT(ascii, texts.size() / 2);  // the fast path was really taken
}

TEST(WordCacheTest, GrowsClearsWhenFullAndSkipsLongKeys) {
  WordCache<std::string> cache(3000);  // small bound: the clear happens within the test
  int computed = 0;
  auto get = [&](const std::string& k) {
    return cache.Get(k, [&] {
      ++computed;
      return "v" + k;
    });
  };
  for (int round = 0; round < 2; ++round) {  // the second round hits: no new computations
    for (int i = 0; i < 2000; ++i)
      EXPECT_EQ(get("kata" + std::to_string(i)), "vkata" + std::to_string(i));
  }
  EXPECT_EQ(computed, 2000);
  EXPECT_EQ(cache.size(), 2000u);  // grown past its first slot table (1,024 slots)
  for (int i = 2000; i < 3500; ++i) get("kata" + std::to_string(i));
  EXPECT_LT(cache.size(), 3000u);  // it was cleared when full, never above the bound
  EXPECT_EQ(get("kata3499"), "vkata3499");
  EXPECT_EQ(get(""), "v");
  const std::string long_key(WordCache<std::string>::kMaxKey + 1, 'x');
  computed = 0;
  EXPECT_EQ(get(long_key), "v" + long_key);
  EXPECT_EQ(get(long_key), "v" + long_key);
  EXPECT_EQ(computed, 2);  // not memoised
}

}  // namespace
}  // namespace humas::nlp
