// Indonesian text normalisation: raw social-media text in, classifier-ready tokens out.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace humas::nlp {

//! What a token stands for. Placeholders (<url>, <user>, ...) carry their kind here.
enum class TokenKind { kWord, kNumber, kPunct, kUrl, kUser, kEmail, kHashtag, kEmoji, kLaugh };

//! One token as it moves through the pipeline.
struct Token {
  std::string text;     //!< final form: stem (or word), "NEG_"-prefixed inside a negation scope
  std::string surface;  //!< the standardised word before stemming and negation marking
  TokenKind kind = TokenKind::kWord;
  bool negated = false;    //!< inside the scope of a negator (tidak, bukan, belum, jangan, ...)
  bool elongated = false;  //!< letters were repeated in the original ("mantapppp")
};

//! Switches for each step; stored in model files so prediction normalises like training did.
struct NormalizeOptions {
  bool squeeze = true;      //!< runs of 3+ identical letters become one ("mantapppp" -> "mantap")
  bool lexicon = true;      //!< colloquial -> standard words (src/nlp/data/colloquial.tsv)
  int negation_window = 2;  //!< words after a negator that get "NEG_"; 0 turns marking off
  bool stem = true;         //!< Snowball Indonesian stemmer, with the guard list for over-stemming
  //! Longer inputs are cut (at a character boundary) before processing: a defined cost per text.
  std::size_t max_input_bytes = 64 * 1024;
};

//! One step of Explain(): its name and the text after it (tokens joined by spaces).
struct ExplainStep {
  std::string name;
  std::string output;
};

//! The normalisation pipeline. Immutable after construction; all methods are thread-safe.
//! Never fails: any byte sequence (invalid UTF-8, control characters, empty) yields a defined
//! result, possibly no tokens.
class Normalizer {
 public:
  explicit Normalizer(NormalizeOptions options = {});

  const NormalizeOptions& options() const { return options_; }

  //! Runs every step and returns the final tokens.
  std::vector<Token> Normalize(std::string_view text) const;
  //! The same into *out (replaced), reusing its tokens' storage: no allocation per text once
  //! warm. Per-chunk results are memoised per thread (bounded), so repeated words cost a look-up.
  void Normalize(std::string_view text, std::vector<Token>* out) const;

  //! Final token texts only (convenience for tests and the CLI).
  std::vector<std::string> TokenTexts(std::string_view text) const;

  //! Same pipeline as Normalize(), with the output of each step, for debugging and the UI.
  //! Steps: input, sanitized, nfkc_casefold, tokens, squeezed, standardized, negation, stemmed.
  std::vector<ExplainStep> Explain(std::string_view text) const;

  //! The tokens of Explain()'s step-by-step pipeline: no memoisation, no fast paths. The
  //! reference that tests and the fuzzer hold Normalize() to (every Token field equal).
  std::vector<Token> NormalizeStepByStep(std::string_view text) const { return Run(text, nullptr); }

 private:
  std::vector<Token> Run(std::string_view text, std::vector<ExplainStep>* steps) const;
  NormalizeOptions options_;
};

//! Replaces invalid UTF-8 sequences with U+FFFD and C0/C1 control characters (tab and newline
//! included) with a space; cuts at max_bytes on a character boundary.
std::string SanitizeUtf8(std::string_view text, std::size_t max_bytes = std::string::npos);

//! Unicode NFKC + case folding, dropping default-ignorable code points (zero-width joiners and
//! spaces, bidi marks, BOM, variation selectors). Input must be valid UTF-8 (use SanitizeUtf8).
std::string NfkcCaseFold(std::string_view text);

//! NfkcCaseFold(SanitizeUtf8(text)) (no length cut), computed run by run into *out (replaced):
//! ASCII is folded inline (controls become a space, A-Z lower case) and only runs of non-ASCII
//! bytes, with the character before each (a combining mark may compose with it), go through
//! utf8proc, memoised per thread. Exact: ASCII characters are starters that never compose with
//! what precedes them, and UTF-8 sequences never contain ASCII bytes. Texts that are mostly ASCII
//! with a few emoji or accented letters then cost a few look-ups instead of a whole-text mapping.
void SanitizeAndFold(std::string_view text, std::string* out);

//! Splits folded text into tokens: URLs -> <url>, @name -> <user>, e-mail -> <email>, #tag -> tag
//! word, emoji and emoticons -> <emo_pos>/<emo_neg>/<emo_laugh>/<emoji>, numbers -> <num>,
//! punctuation kept only for . , ! ? (runs collapsed).
std::vector<Token> Tokenize(std::string_view folded);

//! Collapses runs of 3+ identical letters to one; sets *changed when it did.
std::string SqueezeRepeats(std::string_view word, bool* changed = nullptr);

//! Snowball Indonesian stem of one lower-case word, with the project's guard list for words the
//! stemmer damages (keluhan -> keluh, not luhan). Thread-safe.
std::string StemWord(std::string_view word);

//! The colloquial -> standard replacement for one word (possibly several words), or an empty
//! vector when the lexicon has no entry.
const std::vector<std::string>* LookupColloquial(std::string_view word);

//! Number of entries in the built-in colloquial lexicon.
std::size_t ColloquialLexiconSize();

}  // namespace humas::nlp
