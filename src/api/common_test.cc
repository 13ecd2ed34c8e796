// Tests for request helpers: the client address behind trusted proxies.
#include "api/common.h"

#include <gtest/gtest.h>

namespace humas::api {
namespace {

http::Request From(std::string ip, std::string forwarded = "") {
  http::Request r;
  r.remote_ip = std::move(ip);
  if (!forwarded.empty()) r.headers.emplace("x-forwarded-for", std::move(forwarded));
  return r;
}

TEST(ClientIp, UntrustedPeerIsTheClientWhateverItClaims) {
  ApiOptions o;
  EXPECT_EQ(ClientIp(o, From("203.0.113.9", "1.2.3.4")), "203.0.113.9");
  o.trusted_proxies = {"127.0.0.1"};
  EXPECT_EQ(ClientIp(o, From("203.0.113.9", "1.2.3.4")), "203.0.113.9");
}

TEST(ClientIp, TrustedProxyForwardsTheRightMostUntrustedAddress) {
  ApiOptions o;
  o.trusted_proxies = {"127.0.0.1", "10.0.0.2"};
  EXPECT_EQ(ClientIp(o, From("127.0.0.1", "198.51.100.7")), "198.51.100.7");
  // A client cannot hide behind a spoofed left-most entry.
  EXPECT_EQ(ClientIp(o, From("127.0.0.1", "6.6.6.6, 198.51.100.7")), "198.51.100.7");
  // Two proxies in a row.
  EXPECT_EQ(ClientIp(o, From("127.0.0.1", "198.51.100.7, 10.0.0.2")), "198.51.100.7");
  // No header: the proxy itself.
  EXPECT_EQ(ClientIp(o, From("127.0.0.1")), "127.0.0.1");
}

}  // namespace
}  // namespace humas::api
