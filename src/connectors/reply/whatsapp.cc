// WhatsApp Cloud API: a text message in the citizen's chat
// (developers.facebook.com/docs/whatsapp/cloud-api/reference/messages).
#include "connectors/reply/graph.h"
#include "connectors/reply/http.h"
#include "connectors/reply/reply.h"

namespace humas::connectors::reply {
namespace {

using json = nlohmann::json;

bool Digits(const std::string& s, size_t max) {
  return !s.empty() && s.size() <= max && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

Result<Posted> SendWhatsappText(const Account& a, const std::string& phone_number_id,
                                const std::string& to, const std::string& context_message_id,
                                const std::string& text) {
  if (a.token.empty() || phone_number_id.empty())
    return FailedPrecondition(
        "no WhatsApp Cloud access token and phone number id are connected for replies");
  if (!Digits(phone_number_id, 30))
    return FailedPrecondition("the WhatsApp phone number id '" + phone_number_id +
                              "' is not a number; fix the connector's settings");
  if (!Digits(to, 20))
    return InvalidArgument("'" + to +
                           "' is not a WhatsApp number (wa_id); humas cannot tell "
                           "whom to answer");
  json body = {{"messaging_product", "whatsapp"},
               {"recipient_type", "individual"},
               {"to", to},
               {"type", "text"},
               {"text", {{"preview_url", false}, {"body", text}}}};
  // Shown in the citizen's chat as a reply to their message.
  if (context_message_id.rfind("wamid.", 0) == 0)
    body["context"] = {{"message_id", context_message_id}};
  HUMAS_ASSIGN_OR_RETURN(net::HttpResponse r,
                         PostJson("WhatsApp",
                                  BaseUrl(a.api_base, "https://graph.facebook.com/v21.0") + "/" +
                                      phone_number_id + "/messages",
                                  {{"Authorization", "Bearer " + a.token}}, body, a.timeout_ms));
  json j = ParseObject(r.body);
  if (r.status < 200 || r.status >= 300 || (j.is_object() && j.contains("error")))
    return GraphFailure("WhatsApp", "the message", r.status, j);
  std::string id;
  if (j.is_object() && j.contains("messages") && j["messages"].is_array() && !j["messages"].empty())
    id = Str(j["messages"][0], "id");
  if (id.empty())
    return Internal("WhatsApp answered HTTP " + std::to_string(r.status) +
                    " without the message id: check the chat before retrying, the message may "
                    "have been sent");
  return Posted{id, ""};
}

}  // namespace humas::connectors::reply
