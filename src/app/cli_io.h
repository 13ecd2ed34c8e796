// Input files and one-line messages for the scriptable commands (feed-parse, webhook-verify):
// whatever the path names (a directory, a device, a pipe, a huge or missing file), reading ends
// with the bytes or a one-line reason, and a reason that echoes input stays one valid UTF-8 line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace humas::app {

//! The file's bytes. InvalidArgument naming the path when it cannot be opened or read, is a
//! directory, or holds more than `max_bytes` (then only max_bytes + 1 bytes are ever read, so a
//! device such as /dev/zero ends too). Pipes and /dev/stdin are read like files.
Result<std::string> ReadInputFile(const std::string& path, size_t max_bytes);

//! `text` as one printable line: invalid UTF-8 → U+FFFD, control characters → space.
std::string OneLine(std::string_view text);

}  // namespace humas::app
