// Renders a parsed user query (search/query_parser.h) as an SQLite FTS5 MATCH expression in which
// every token is a quoted string, so nothing the user typed can act as FTS5 syntax.
#pragma once

#include <string>

#include "search/query_parser.h"

namespace humas::store::sqlite {

//! `("a" AND "b c") NOT "x" NOT "y d"`; `query.required` must be non-empty (ParseUserQuery
//! guarantees it). Double quotes inside tokens, which the parser never produces, are doubled.
std::string RenderFts5Match(const search::ParsedQuery& query);

}  // namespace humas::store::sqlite
