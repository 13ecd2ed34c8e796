// /api/v1/audit: the hash-chained audit log and its verification (admin only).
#include "api/api.h"
#include "api/json_model.h"

namespace humas::api {

void RegisterAuditRoutes(http::Server& server, Context& ctx) {
  using R = const http::Request&;
  server.Route("GET", "/api/v1/audit", Authed(ctx, [&ctx](R req, Caller& c) {
                 if (!c.access->IsAdmin())
                   return Error(PermissionDenied("only an admin may read the audit log"));
                 store::AuditFilter f;
                 f.action = req.Query("action").value_or("");
                 f.actor = req.Query("actor").value_or("");
                 auto page = QueryPage(req);
                 if (!page.ok()) return Error(page.status());
                 auto list = ctx.store.audit().List(f, *page);
                 if (!list.ok()) return Error(list.status());
                 json items = json::array();
                 for (const AuditEntry& e : list->items) items.push_back(ToJson(e));
                 return Json(200, {{"items", items}, {"total", list->total}});
               }));
  server.Route("GET", "/api/v1/audit/verify", Authed(ctx, [&ctx](R, Caller& c) {
                 if (!c.access->IsAdmin())
                   return Error(PermissionDenied("only an admin may verify the audit log"));
                 auto v = ctx.store.audit().Verify();
                 if (!v.ok()) return Error(v.status());
                 json body = {{"ok", v->ok}, {"entries", v->entries}};
                 if (!v->ok) {
                   body["first_bad_seq"] = v->first_bad_seq;
                   body["reason"] = v->reason;
                 }
                 return Json(200, body);
               }));
}

}  // namespace humas::api
