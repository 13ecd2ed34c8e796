// X API v2 error bodies, shared by the recent search and the filtered stream.
#pragma once

#include <string>
#include <string_view>

namespace humas::connectors::x {

//! X's error text: {"detail"} or {"errors": [{"message"|"detail"|"title"}]} or {"title"}; "" when
//! the body says nothing readable.
std::string ErrorDetail(std::string_view body);
//! `what` + ": " + the detail (at most 300 bytes) when there is one.
std::string WithDetail(std::string what, std::string_view body);

}  // namespace humas::connectors::x
