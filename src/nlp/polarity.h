// Word polarity from the built-in sentiment lexicon: src/nlp/data/polarity-afinn.txt (derived from
// the MIT-licensed afinn_id.json of npm @nlpjs/lang-id) overlaid with the project's own
// src/nlp/data/polarity-humas.txt. Both are compiled in; entries are normalised like text (case
// folding, squeezing, colloquial -> standard) when the table is built, so they match
// Token::surface. Used by the "polarity" features of features.h.
#pragma once

#include <cstddef>
#include <string_view>

namespace humas::nlp {

//! Polarity -5..+5 of one standardised word (Token::surface); 0 when it is not in the lexicon.
int WordPolarity(std::string_view word);

//! Polarity of two adjacent standardised words read as a phrase ("terima kasih", "tidak becus");
//! 0 when the lexicon has no such phrase.
int PhrasePolarity(std::string_view first, std::string_view second);

//! Whether some listed two-word phrase begins with this standardised word (a cheap pre-check).
bool StartsPhrase(std::string_view word);

//! Polarity of a Snowball stem: the mean over the lexicon's single words with that stem, rounded
//! half away from zero; 0 when none.
int StemPolarity(std::string_view stem);

//! Number of entries (words and phrases) in the built-in polarity lexicon.
std::size_t PolarityLexiconSize();

}  // namespace humas::nlp
