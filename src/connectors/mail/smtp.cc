// SMTP over libcurl.
#include "connectors/mail/smtp.h"

#include <curl/curl.h>

#include <cstring>
#include <ctime>

namespace humas::mail {
namespace {

std::string Base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += k[v >> 18];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += k[v & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += k[v >> 18];
    out += k[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += k[v >> 18];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += "=";
  }
  return out;
}

bool ValidAddress(const std::string& a) {
  auto at = a.find('@');
  return at != std::string::npos && at > 0 && at + 1 < a.size() &&
         a.find_first_of(" \r\n<>,") == std::string::npos;
}

struct Reader {
  const std::string* text;
  size_t pos = 0;
};

size_t Read(char* buf, size_t size, size_t n, void* userp) {
  auto* r = static_cast<Reader*>(userp);
  size_t left = r->text->size() - r->pos;
  size_t len = std::min(left, size * n);
  std::memcpy(buf, r->text->data() + r->pos, len);
  r->pos += len;
  return len;
}

}  // namespace

std::string FormatMessage(const std::string& from, const Message& m, const std::string& date) {
  std::string body;
  for (char c : m.body) {
    if (c == '\n')
      body += "\r\n";
    else if (c != '\r')
      body += c;
  }
  return "Date: " + date + "\r\nFrom: <" + from + ">\r\nTo: <" + m.to + ">\r\nSubject: =?UTF-8?B?" +
         Base64(m.subject) +
         "?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
         "Content-Transfer-Encoding: 8bit\r\n\r\n" +
         body + "\r\n";
}

Status Send(const SmtpOptions& o, const Message& m) {
  if (o.url.empty()) return FailedPrecondition("no SMTP server is configured");
  if (!ValidAddress(m.to)) return InvalidArgument("'" + m.to + "' is not an e-mail address");
  if (!ValidAddress(o.from)) return InvalidArgument("smtp_from is not an e-mail address");
  char date[64];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  std::string text = FormatMessage(o.from, m, date);
  Reader reader{&text};
  CURL* curl = curl_easy_init();
  if (!curl) return Internal("libcurl failed to initialise");
  std::string from = "<" + o.from + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + m.to + ">").c_str());
  curl_easy_setopt(curl, CURLOPT_URL, o.url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, Read);
  curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, o.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (!o.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, o.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, o.password.c_str());
  }
  if (o.require_tls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK)
    return Unavailable(std::string("the e-mail could not be sent: ") + curl_easy_strerror(rc));
  return Status::Ok();
}

}  // namespace humas::mail
