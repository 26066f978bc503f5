// What every handler file of the service shares (defined in handlers.cpp): answering, error
// answers, and resolving a request's snapshot, jurisdiction and reference date.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <loket/loket.h>

#include "serve/handlers.h"
#include "serve/snapshot.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace loket::serve {

// A request is answered from one snapshot from start to end.
struct Context {
  std::shared_ptr<const Snapshot> snapshot;
  const LayerInfo* layer = nullptr;
  const Program* program = nullptr;
  Date on;
};

void Reply(httplib::Response& res, int status, std::string body,
           const char* type = "application/json");
void Fail(httplib::Response& res, int status, std::string_view code, std::string_view message,
          std::string_view extra = {});
// The snapshot, the jurisdiction of the path's first capture and `on` (today when absent);
// false with the error answered.
bool Resolve(const Handlers& h, const httplib::Request& req, httplib::Response& res, Context& ctx,
             bool need_jurisdiction = true);
// A JSON body (415 otherwise) no deeper than the limit (400 otherwise).
bool CheckJsonBody(const Handlers& h, const httplib::Request& req, httplib::Response& res);
// Case errors (L6xx) as a 422 answer.
void FailCase(httplib::Response& res, const std::vector<Diagnostic>& errors);
// `,"name":value` (without the comma when `first`).
std::string Member(std::string_view name, const std::string& json_value, bool first = false);
std::string StringArray(const std::vector<std::string>& items);

// POST /v1/check's body: a whole rule base (`files`) or one draft file over the loaded one.
struct CheckRequest {
  std::vector<SourceText> files;
  bool draft = false;  // files holds one draft file over the loaded rule base
};
bool ParseCheckRequest(const std::string& body, std::size_t max_files, CheckRequest& request,
                       std::string& error);
// The loaded rule base's files with `draft` in place of the file it names, or added.
std::vector<SourceText> WithDraft(const RuleBase& rules, SourceText draft);
// The rule files of a check or try request's body (`files`, or `draft` over the served rule
// base); false when the body was refused (the answer is set).
bool SourcesOfRequest(const Handlers& h, const httplib::Request& req, httplib::Response& res,
                      const Context& ctx, std::vector<SourceText>& sources);

// The desk page and what it needs beyond the API above (web_handlers.cpp).
void WebPage(const Handlers& h, const httplib::Request& req, httplib::Response& res);
void WebBundleFile(const Handlers& h, const httplib::Request& req, httplib::Response& res);
void LayerSource(const Handlers& h, const httplib::Request& req, httplib::Response& res);
void RuleOverview(const Handlers& h, const httplib::Request& req, httplib::Response& res);
void Findings(const Handlers& h, const httplib::Request& req, httplib::Response& res);
void DecisionGraph(const Handlers& h, const httplib::Request& req, httplib::Response& res);
void TryDraft(const Handlers& h, const httplib::Request& req, httplib::Response& res);

}  // namespace loket::serve
