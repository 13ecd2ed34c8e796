// Crash tests' hook: a named point in the code where the process can be made to stop dead, as a
// power cut or `kill -9` would, to prove that what was committed before it is caught up after a
// restart. Off unless the environment variable HUMAS_CRASH_AT names the point (tests only).
#pragma once

#include <string_view>

namespace humas {

//! Ends the process at once (std::_Exit(kCrashExitCode): no destructors, no flushing of anything
//! but the one log line) when HUMAS_CRASH_AT equals `point`; otherwise does nothing.
void CrashPoint(std::string_view point);

inline constexpr int kCrashExitCode = 86;

}  // namespace humas
