// X filtered stream rules (developer.x.com/en/docs/x-api/tweets/filtered-stream/integrate/
// build-a-rule) from the agency's listening queries, and the difference to apply to the rules X
// holds.
//
// A query (search/agency_query.h) becomes one rule: words and "phrases" as they are, #hashtags,
// @account as (@account OR from:account) — the query language matches an account mentioned in
// the text or writing it — AND as a space, OR in parentheses, NOT as '-' on a term (a negated
// OR of terms as the terms each negated: X asks not to negate groups), the language filter as
// lang:id / lang:en. What X's rule language cannot say is reported with the reason instead of
// approximated: prefixes (word*), negated groups other than an OR of terms, the "other" language,
// a rule over the plan's length, queries beyond the plan's rule count. A query limited to other
// platforms is not X's concern and is left out silently.
//
// Each rule is tagged "humas:q<query id>" ("humas:s<n>" for a rule typed on the connector form),
// so a sync is idempotent: the rules X holds are compared by value and tag, those not wanted are
// deleted and the missing ones added.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "store/queries.h"

namespace humas::connectors::x {

struct StreamRule {
  std::string value;
  std::string tag;
  bool operator==(const StreamRule&) const = default;
};

//! A query that cannot be a rule, and why (English, shown in the connector's page).
struct Unexpressible {
  Id query_id = 0;
  std::string name;
  std::string reason;
};

struct CompiledRules {
  std::vector<StreamRule> rules;
  std::vector<Unexpressible> unexpressible;
};

struct RuleLimits {
  size_t max_rules = 25;
  size_t max_length = 512;
};

//! The rule value of one query; InvalidArgument with the reason when X cannot express it.
Result<std::string> CompileRule(const store::AgencyQuery& query);
//! Every active query of `agency_id` that concerns X, in query id order, within the limits.
CompiledRules CompileRules(const std::vector<store::AgencyQuery>& queries, Id agency_id,
                           const RuleLimits& limits);
//! Rules typed on the connector form, tagged humas:s1, humas:s2, ...
std::vector<StreamRule> FormRules(const std::vector<std::string>& values);

std::string QueryTag(Id query_id);
//! The query id of a "humas:q<id>" tag, nullopt for any other tag.
std::optional<Id> QueryOfTag(std::string_view tag);

//! A rule as X holds it (GET /2/tweets/search/stream/rules).
struct HeldRule {
  std::string id;
  std::string value;
  std::string tag;
};

struct RuleDiff {
  std::vector<std::string> delete_ids;  //!< held rules not wanted (every rule of the app feeds
                                        //!< this stream and counts against the read budget)
  std::vector<StreamRule> add;          //!< wanted rules X does not hold
  bool empty() const { return delete_ids.empty() && add.empty(); }
};

RuleDiff DiffRules(const std::vector<HeldRule>& held, const std::vector<StreamRule>& wanted);

}  // namespace humas::connectors::x
