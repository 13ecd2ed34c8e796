// Sending e-mail over SMTP with libcurl (notifications of the inbox: reminders, escalations).
#pragma once

#include <string>

#include "core/status.h"

namespace humas::mail {

struct SmtpOptions {
  std::string url;   //!< "smtp://mail.example.go.id:587" or "smtps://...:465"; "" = off
  std::string from;  //!< "humas@berau.go.id"
  std::string username;
  std::string password;
  bool require_tls = true;  //!< STARTTLS required for smtp:// (off only for a local relay)
  long timeout_ms = 15000;
};

struct Message {
  std::string to;
  std::string subject;
  std::string body;  //!< plain text, UTF-8
};

//! Builds the RFC 5322 text (headers, subject encoded as RFC 2047 UTF-8 base64, CRLF lines,
//! dot-stuffing is left to libcurl).
std::string FormatMessage(const std::string& from, const Message& m, const std::string& date);

//! Sends one message. InvalidArgument for a malformed address; Unavailable when the server cannot
//! be reached or refuses (retrying may help).
Status Send(const SmtpOptions& options, const Message& m);

}  // namespace humas::mail
