// Server-sent events: the wire format and the bounded per-subscriber outgoing queue.
#include "http/sse.h"

#include <string_view>

namespace humas::http {
namespace {

std::string OneLine(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '\n' && c != '\r') out.push_back(c);
  }
  return out;
}

}  // namespace

std::string FormatSseEvent(const SseEvent& event) {
  std::string out;
  if (!event.event.empty()) out += "event: " + OneLine(event.event) + "\n";
  if (!event.id.empty()) out += "id: " + OneLine(event.id) + "\n";
  std::string_view data = event.data;
  while (true) {
    size_t nl = data.find_first_of("\r\n");
    out += "data: ";
    out += data.substr(0, nl);
    out += '\n';
    if (nl == std::string_view::npos) break;
    size_t skip = (data[nl] == '\r' && nl + 1 < data.size() && data[nl + 1] == '\n') ? 2 : 1;
    data.remove_prefix(nl + skip);
  }
  out += '\n';
  return out;
}

SseQueue::PushResult SseQueue::Push(std::shared_ptr<const std::string> message) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return PushResult::kClosed;
  if (pending_.size() >= limit_) {
    closed_ = true;
    pending_.clear();
    return PushResult::kOverflow;
  }
  pending_.push_back(std::move(message));
  if (writing_) return PushResult::kQueued;
  writing_ = true;
  return PushResult::kStartWriter;
}

std::shared_ptr<const std::string> SseQueue::Next() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_ || pending_.empty()) {
    writing_ = false;
    return nullptr;
  }
  std::shared_ptr<const std::string> next = std::move(pending_.front());
  pending_.pop_front();
  return next;
}

void SseQueue::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  pending_.clear();
}

bool SseQueue::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

}  // namespace humas::http
