// Server-sent events: the wire format and the bounded per-subscriber outgoing queue.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "http/http.h"

namespace humas::http {

//! Formats one event as text/event-stream: optional "event:" and "id:" lines, one "data:" line
//! per line of data ("\r\n", "\r" and "\n" all split), and a blank line. Newlines in the event
//! name or id are removed so a caller cannot inject fields.
std::string FormatSseEvent(const SseEvent& event);

//! Messages waiting to be written to one SSE subscriber. Producers (Publish, on any thread) never
//! block: when `limit` messages are already waiting, the queue is marked overflowed and closed,
//! and the subscriber must be disconnected. Exactly one writer drains it. Thread-safe.
class SseQueue {
 public:
  explicit SseQueue(size_t limit) : limit_(limit) {}

  enum class PushResult {
    kQueued,       //!< a writer is already draining; nothing to do
    kStartWriter,  //!< the queue was idle: the caller must start the writer
    kOverflow,     //!< the subscriber fell behind; the queue is now closed
    kClosed,       //!< already closed; the message was dropped
  };
  PushResult Push(std::shared_ptr<const std::string> message);

  //! Takes the next message for the writer; nullptr (and the writer stops) when empty or closed.
  std::shared_ptr<const std::string> Next();

  //! Closes the queue and drops what waits; later pushes give kClosed.
  void Close();
  bool closed() const;

 private:
  const size_t limit_;
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<const std::string>> pending_;  // guarded by mu_
  bool writing_ = false;                                    // guarded by mu_
  bool closed_ = false;                                     // guarded by mu_
};

}  // namespace humas::http
