// Unit tests for the SSE wire format and the bounded subscriber queue.
#include "http/sse.h"

#include <gtest/gtest.h>

namespace humas::http {
namespace {

TEST(FormatSseEventTest, WritesFieldsAndSplitsDataLines) {
  EXPECT_EQ(FormatSseEvent({"mention", "{\"id\":1}", "7"}),
            "event: mention\nid: 7\ndata: {\"id\":1}\n\n");
  EXPECT_EQ(FormatSseEvent({"", "a\nb\r\nc\rd", ""}), "data: a\ndata: b\ndata: c\ndata: d\n\n");
  EXPECT_EQ(FormatSseEvent({"", "", ""}), "data: \n\n");
}

TEST(FormatSseEventTest, StripsNewlinesFromEventAndId) {
  EXPECT_EQ(FormatSseEvent({"x\ndata: forged", "d", "1\r\n2"}),
            "event: xdata: forged\nid: 12\ndata: d\n\n");
}

std::shared_ptr<const std::string> Msg(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

TEST(SseQueueTest, FirstPushStartsTheWriterUntilDrained) {
  SseQueue q(10);
  EXPECT_EQ(q.Push(Msg("a")), SseQueue::PushResult::kStartWriter);
  EXPECT_EQ(q.Push(Msg("b")), SseQueue::PushResult::kQueued);
  EXPECT_EQ(*q.Next(), "a");
  EXPECT_EQ(*q.Next(), "b");
  EXPECT_EQ(q.Next(), nullptr);  // writer stops
  EXPECT_EQ(q.Push(Msg("c")), SseQueue::PushResult::kStartWriter);
}

TEST(SseQueueTest, OverflowClosesAndDropsMessages) {
  SseQueue q(2);
  EXPECT_EQ(q.Push(Msg("1")), SseQueue::PushResult::kStartWriter);
  EXPECT_EQ(q.Push(Msg("2")), SseQueue::PushResult::kQueued);
  EXPECT_EQ(q.Push(Msg("3")), SseQueue::PushResult::kOverflow);
  EXPECT_TRUE(q.closed());
  EXPECT_EQ(q.Next(), nullptr);
  EXPECT_EQ(q.Push(Msg("4")), SseQueue::PushResult::kClosed);
}

TEST(SseQueueTest, CloseRejectsLaterPushes) {
  SseQueue q(5);
  EXPECT_EQ(q.Push(Msg("1")), SseQueue::PushResult::kStartWriter);
  q.Close();
  EXPECT_EQ(q.Next(), nullptr);
  EXPECT_EQ(q.Push(Msg("2")), SseQueue::PushResult::kClosed);
}

}  // namespace
}  // namespace humas::http
