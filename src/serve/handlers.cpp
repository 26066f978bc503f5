#include "serve/handlers.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <loket/answer.h>
#include <loket/batch.h>
#include <loket/loket.h>
#include <loket/receipt.h>
#include <nlohmann/json.hpp>

#include "serve/decision_log.h"
#include "serve/decision_record.h"
#include "serve/handler_support.h"
#include "serve/json_util.h"
#include "serve/metrics.h"
#include "serve/snapshot.h"

namespace loket::serve {

using httplib::Request;
using httplib::Response;

constexpr const char* kJson = "application/json";

void Reply(Response& res, int status, std::string body, const char* type) {
  res.status = status;
  res.set_content(std::move(body), type);
}

void Fail(Response& res, int status, std::string_view code, std::string_view message,
          std::string_view extra) {
  Reply(res, status, ErrorJson(status, code, message, extra));
}

Date TodayUtc() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return *Date::FromCivil(utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday);
}

// The snapshot, the jurisdiction of the path's first capture and `on` (today when absent).
bool Resolve(const Handlers& h, const Request& req, Response& res, Context& ctx,
             bool need_jurisdiction) {
  ctx.snapshot = h.current();
  if (!ctx.snapshot) {
    Fail(res, 503, "loading", "the rule base is still loading");
    return false;
  }
  if (need_jurisdiction) {
    std::string name = req.matches.size() > 1 ? req.matches[1].str() : "";
    ctx.layer = ctx.snapshot->FindLayer(name);
    if (!ctx.layer) {
      Fail(res, 404, "unknown_jurisdiction",
           "no jurisdiction `" + name + "` (a layer name or CBS code; see /v1/jurisdictions)");
      return false;
    }
    ctx.program = ctx.snapshot->ProgramOf(ctx.layer->name);
  }
  if (req.has_param("on")) {
    std::string text = req.get_param_value("on");
    std::optional<Date> on = Date::Parse(text);
    if (!on) {
      Fail(res, 400, "bad_date", "`on` must be a calendar date as YYYY-MM-DD, not `" + text + "`");
      return false;
    }
    ctx.on = *on;
  } else {
    ctx.on = TodayUtc();
  }
  return true;
}

bool MediaTypeIs(const Request& req, std::initializer_list<std::string_view> accepted) {
  std::string type = req.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(accepted.begin(), accepted.end(), type) != accepted.end();
}

bool CheckJsonBody(const Handlers& h, const Request& req, Response& res) {
  if (!MediaTypeIs(req, {"application/json"})) {
    Fail(res, 415, "unsupported_media_type", "send the body as Content-Type: application/json");
    return false;
  }
  int depth = JsonDepth(req.body, h.options.limits.max_json_depth);
  if (depth > h.options.limits.max_json_depth) {
    Fail(res, 400, "too_deep",
         "the JSON body nests deeper than " + std::to_string(h.options.limits.max_json_depth) +
             " levels");
    return false;
  }
  return true;
}

// Case errors (L6xx) as a 422 answer: the first error's code, every diagnostic listed. The
// library rejects a case only with a diagnostic (Program::ParseJson, Outcome::case_errors), so
// an empty list is loket's fault, not the client's.
void FailCase(Response& res, const std::vector<Diagnostic>& errors) {
  if (errors.empty()) {
    Fail(res, 500, "internal", "the case was rejected without a diagnostic");
    return;
  }
  Fail(res, 422, errors.front().code, errors.front().message,
       "\"diagnostics\":" + RenderJson(errors));
}

std::string Member(std::string_view name, const std::string& json_value, bool first) {
  return std::string(first ? "" : ",") + JsonString(name) + ":" + json_value;
}

std::string Bool(bool value) {
  return value ? "true" : "false";
}

std::string StringArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + JsonString(items[i]);
  return out + "]";
}

namespace {

std::string RangeBound(ValueType type, std::int64_t raw) {
  Value value;
  value.type = type;
  value.raw = raw;
  return value.ToJson();
}

// --- GET /v1/jurisdictions ----------------------------------------------------------------------
void Jurisdictions(const Handlers& h, const Request& req, Response& res) {
  Context ctx;
  if (!Resolve(h, req, res, ctx, false)) return;
  std::string out = "{" +
                    Member("rule_base_hash", JsonString(ctx.snapshot->rules.ContentHash()), true) +
                    ",\"jurisdictions\":[";
  bool first = true;
  for (const LayerInfo& layer : ctx.snapshot->layers) {
    out += first ? "{" : ",{";
    first = false;
    out += Member("name", JsonString(layer.name), true) + Member("kind", JsonString(layer.kind)) +
           Member("title", JsonString(layer.title)) + Member("code", JsonString(layer.code)) +
           Member("parent", layer.parent.empty() ? "null" : JsonString(layer.parent)) +
           Member("chain", StringArray(ctx.snapshot->Chain(layer))) +
           Member("leaf", Bool(layer.is_leaf)) + "}";
  }
  Reply(res, 200, out + "]}\n");
}

// --- GET /v1/jurisdictions/{j}/schema -----------------------------------------------------------
std::string JsonSchemaOf(const FactInfo& fact) {
  std::string out = "{";
  switch (fact.type) {
    case ValueType::kBool:
      out += "\"type\":\"boolean\"";
      break;
    case ValueType::kInt:
      out += "\"type\":\"integer\"";
      if (fact.has_range) {
        out +=
            ",\"minimum\":" + std::to_string(fact.lo) + ",\"maximum\":" + std::to_string(fact.hi);
      }
      break;
    case ValueType::kMoney:
      out += "\"type\":\"number\",\"multipleOf\":0.01";
      if (fact.has_range) {
        out += ",\"minimum\":" + RangeBound(ValueType::kMoney, fact.lo) +
               ",\"maximum\":" + RangeBound(ValueType::kMoney, fact.hi);
      }
      break;
    case ValueType::kDate:
      out += "\"type\":\"string\",\"format\":\"date\"";
      break;
    case ValueType::kEnum:
      out += "\"type\":\"string\",\"enum\":" + StringArray(fact.members);
      break;
    case ValueType::kSet:
      out += "\"type\":\"array\",\"uniqueItems\":true,\"items\":{\"type\":\"string\",\"enum\":" +
             StringArray(fact.members) + "}";
      break;
  }
  if (!fact.description.empty()) out += Member("description", JsonString(fact.description));
  return out + "}";
}

void Schema(const Handlers& h, const Request& req, Response& res) {
  Context ctx;
  if (!Resolve(h, req, res, ctx)) return;
  const Program& program = *ctx.program;
  std::string facts = "[", properties = "{";
  std::vector<std::string> required;
  for (std::size_t i = 0; i < program.facts().size(); ++i) {
    const FactInfo& fact = program.facts()[i];
    std::string entry = "{" + Member("name", JsonString(fact.name), true) +
                        Member("type", JsonString(ValueTypeName(fact.type)));
    if (!fact.enum_name.empty()) {
      entry +=
          Member("enum", JsonString(fact.enum_name)) + Member("members", StringArray(fact.members));
      // Each member's description as declared, keyed by member in declaration order: what a
      // form shows in its choice list.
      std::string described = "{";
      for (std::size_t m = 0; m < fact.members.size(); ++m) {
        const std::string none;
        const std::string& text =
            m < fact.member_descriptions.size() ? fact.member_descriptions[m] : none;
        described += Member(fact.members[m], JsonString(text), m == 0);
      }
      entry += Member("member_descriptions", described + "}");
    }
    if (fact.has_range) {
      entry += Member("range", "{" + Member("min", RangeBound(fact.type, fact.lo), true) +
                                   Member("max", RangeBound(fact.type, fact.hi)) + "}");
    }
    entry += Member("optional", Bool(fact.optional)) +
             Member("protected", Bool(fact.is_protected)) +
             Member("description", JsonString(fact.description)) +
             Member("layer", JsonString(fact.layer)) + "}";
    facts += (i ? "," : "") + entry;
    properties += Member(fact.name, JsonSchemaOf(fact), i == 0);
    if (!fact.optional) required.push_back(fact.name);
  }
  facts += "]";
  properties += "}";
  // Decisions grouped by domain, in declaration order of each domain's first decision.
  std::vector<std::string> domains;
  for (const DecisionInfo& decision : program.decisions()) {
    if (std::find(domains.begin(), domains.end(), decision.domain) == domains.end()) {
      domains.push_back(decision.domain);
    }
  }
  std::string by_domain = "[";
  for (std::size_t d = 0; d < domains.size(); ++d) {
    std::string title, list = "[";
    bool first = true;
    for (const DecisionInfo& decision : program.decisions()) {
      if (decision.domain != domains[d]) continue;
      if (title.empty()) title = decision.domain_title;
      list += std::string(first ? "{" : ",{") + Member("name", JsonString(decision.name), true) +
              Member("type", JsonString(ValueTypeName(decision.type))) +
              (decision.members.empty() ? "" : Member("members", StringArray(decision.members))) +
              Member("collect", Bool(decision.collect)) +
              Member("has_default", Bool(decision.has_default)) +
              Member("delegated", Bool(decision.delegated)) +
              Member("description", JsonString(decision.description)) +
              Member("layer", JsonString(decision.layer)) + "}";
      first = false;
    }
    by_domain += std::string(d ? "," : "") + "{" +
                 Member("domain", domains[d].empty() ? "null" : JsonString(domains[d]), true) +
                 Member("title", JsonString(title)) + Member("decisions", list + "]") + "}";
  }
  by_domain += "]";
  std::string schema = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\"," +
                       Member("title", JsonString("A case for " + ctx.layer->name), true) +
                       ",\"type\":\"object\",\"additionalProperties\":false" +
                       Member("required", StringArray(required)) +
                       Member("properties", properties) + "}";
  Reply(res, 200,
        "{" + Member("jurisdiction", JsonString(ctx.layer->name), true) +
            Member("date", JsonString(ctx.on.ToString())) + Member("facts", facts) +
            Member("decisions", by_domain) + Member("case_schema", schema) + "}\n");
}

// --- GET /v1/jurisdictions/{j}/rules ------------------------------------------------------------
void Rules(const Handlers& h, const Request& req, Response& res) {
  Context ctx;
  if (!Resolve(h, req, res, ctx)) return;
  std::string out = "{" + Member("jurisdiction", JsonString(ctx.layer->name), true) +
                    Member("date", JsonString(ctx.on.ToString())) + ",\"rules\":[";
  bool first = true;
  for (const RuleInfo& rule : ctx.program->rules()) {
    bool in_force = (!rule.valid_from || !(ctx.on < *rule.valid_from)) &&
                    (!rule.valid_until || ctx.on < *rule.valid_until);
    if (!in_force) continue;
    out +=
        std::string(first ? "{" : ",{") + Member("id", JsonString(rule.id), true) +
        Member("layer", JsonString(rule.layer)) +
        Member("qualified_id", JsonString(rule.qualified_id)) +
        Member("citation", JsonString(rule.citation)) + Member("notes", StringArray(rule.notes)) +
        Member("valid_from", rule.valid_from ? JsonString(rule.valid_from->ToString()) : "null") +
        Member("valid_until",
               rule.valid_until ? JsonString(rule.valid_until->ToString()) : "null") +
        Member("exception_to", StringArray(rule.exception_to)) +
        Member("decisions", StringArray(rule.decisions)) + "}";
    first = false;
  }
  Reply(res, 200, out + "]}\n");
}

// --- POST /v1/jurisdictions/{j}/decide ----------------------------------------------------------
bool ParseCase(const Handlers& h, const Request& req, Response& res, const Context& ctx,
               Case& facts) {
  if (!CheckJsonBody(h, req, res)) return false;
  std::vector<Diagnostic> errors;
  facts = ctx.program->NewCase();
  if (!ctx.program->ParseJson(req.body, facts, errors)) {
    FailCase(res, errors);
    return false;
  }
  return true;
}

void Decide(const Handlers& h, const Request& req, Response& res) {
  Context ctx;
  if (!Resolve(h, req, res, ctx)) return;
  Case facts;
  if (!ParseCase(h, req, res, ctx, facts)) return;
  const Program& program = *ctx.program;
  Receipt receipt = MakeReceipt(ctx.snapshot->rules, ctx.layer->name, ctx.on);
  bool explain = req.get_param_value("explain") == "true";
  Outcome outcome;
  program.Evaluate(facts, ctx.on, outcome);
  if (!outcome.case_errors().empty()) {
    FailCase(res, outcome.case_errors());
    return;
  }
  // With `explain` the whole answer of `loket eval --format json`; without, the decisions with
  // their legal basis (RenderDecisionsJson), which costs a fraction of an explanation.
  Reply(res, 200,
        explain ? RenderAnswerJson(program.Explain(facts, ctx.on), nullptr, &receipt)
                : RenderDecisionsJson(program, outcome, ctx.on, &receipt) + "\n");
  if (h.log) h.log->Append(DecisionRecord(receipt, program, facts, outcome));
  h.metrics.Decisions(ctx.layer->name, 1);
}

// --- POST /v1/jurisdictions/{j}/why-not/{rule} --------------------------------------------------
void WhyNot(const Handlers& h, const Request& req, Response& res) {
  Context ctx;
  if (!Resolve(h, req, res, ctx)) return;
  std::string rule = req.matches.size() > 2 ? req.matches[2].str() : "";
  if (ctx.program->RuleIndex(rule) < 0) {
    Fail(res, 404, "unknown_rule", "no rule `" + rule + "` in " + ctx.layer->name);
    return;
  }
  Case facts;
  if (!ParseCase(h, req, res, ctx, facts)) return;
  WhyNotExplanation why = ctx.program->WhyNot(facts, ctx.on, rule);
  if (!why.case_errors.empty()) {
    FailCase(res, why.case_errors);
    return;
  }
  Reply(res, 200, RenderAnswerJson(ctx.program->Explain(facts, ctx.on), &why));
}

// --- POST /v1/jurisdictions/{j}/decide-batch ----------------------------------------------------
// A BatchEvaluator compiles its jurisdiction's program (about 0.5 ms for rules/): each request
// thread keeps the evaluators it used, for the snapshot it last served, and lends one to a
// request for its length (the streamed answer is written on the same thread).
struct BatchEvaluatorKey {
  std::shared_ptr<const Snapshot> snapshot;
  std::string jurisdiction;
  Date on;
};
struct CachedBatchEvaluator {
  BatchEvaluatorKey key;
  std::unique_ptr<BatchEvaluator> evaluator;
};
thread_local std::vector<CachedBatchEvaluator> t_batch_evaluators;
constexpr std::size_t kBatchEvaluatorsPerThread = 4;

std::unique_ptr<BatchEvaluator> BorrowBatchEvaluator(const BatchEvaluatorKey& key) {
  auto& cache = t_batch_evaluators;
  // Evaluators of an older snapshot go: a thread holds at most one rule base beyond the
  // served one.
  cache.erase(std::remove_if(cache.begin(), cache.end(),
                             [&](const CachedBatchEvaluator& entry) {
                               return entry.key.snapshot != key.snapshot;
                             }),
              cache.end());
  for (auto it = cache.begin(); it != cache.end(); ++it) {
    if (it->key.jurisdiction == key.jurisdiction && it->key.on == key.on) {
      std::unique_ptr<BatchEvaluator> evaluator = std::move(it->evaluator);
      cache.erase(it);
      return evaluator;
    }
  }
  BatchOptions options;
  options.jurisdiction = key.jurisdiction;
  options.on = key.on;
  auto evaluator = std::make_unique<BatchEvaluator>(key.snapshot->rules, options);
  if (!evaluator->Prepare().ok()) return nullptr;
  return evaluator;
}

void ReturnBatchEvaluator(BatchEvaluatorKey key, std::unique_ptr<BatchEvaluator> evaluator) {
  auto& cache = t_batch_evaluators;
  if (cache.size() >= kBatchEvaluatorsPerThread) cache.erase(cache.begin());
  cache.push_back({std::move(key), std::move(evaluator)});
}

// The records of a JSON Lines body: its lines, the last one with or without a newline. With
// memchr: a byte-by-byte count cost about a tenth of a small record's CPU.
std::size_t CountLines(const std::string& body) {
  std::size_t lines = 0;
  const char* p = body.data();
  const char* const end = p + body.size();
  while (const auto* newline =
             static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) {
    ++lines;
    p = newline + 1;
  }
  return lines + (p != end ? 1 : 0);
}

void DecideBatch(const Handlers& h, const Request& req, Response& res) {
  Context ctx;
  if (!Resolve(h, req, res, ctx)) return;
  if (!MediaTypeIs(req, {"application/x-ndjson", "application/jsonl", "application/json-lines"})) {
    Fail(res, 415, "unsupported_media_type",
         "send JSON Lines as Content-Type: application/x-ndjson");
    return;
  }
  const std::size_t records = CountLines(req.body);
  if (records > h.options.limits.max_batch_records) {
    Fail(res, 413, "too_many_records",
         "at most " + std::to_string(h.options.limits.max_batch_records) +
             " records per request; split the batch");
    return;
  }
  // One receipt for the request (its header); each logged decision gets its own id.
  Receipt receipt = MakeReceipt(ctx.snapshot->rules, ctx.layer->name, ctx.on);
  res.set_header("Loket-Receipt", ReceiptJson(receipt));
  // The stream reads the request's body in place: httplib calls the content provider while
  // it answers this request, with the request still alive.
  struct Stream {
    BatchEvaluatorKey key;
    std::unique_ptr<BatchEvaluator> evaluator;
    const std::string* body = nullptr;
    std::size_t offset = 0;
    std::int64_t record = 0;
    std::string out;
    bool between_flushes = true;  // nothing queued: the evaluator can serve another request
    ~Stream() {
      if (evaluator && between_flushes) ReturnBatchEvaluator(std::move(key), std::move(evaluator));
    }
  };
  auto stream = std::make_shared<Stream>();
  stream->key = {ctx.snapshot, ctx.layer->name, ctx.on};
  stream->evaluator = BorrowBatchEvaluator(stream->key);
  stream->body = &req.body;
  if (!stream->evaluator) {
    Fail(res, 500, "internal", "cannot compile the rules of " + ctx.layer->name);
    return;
  }
  const Handlers handlers = h;
  res.status = 200;
  // Streamed: each chunk decides the next records, in input order.
  res.set_chunked_content_provider(
      "application/x-ndjson", [stream, handlers](std::size_t, httplib::DataSink& sink) {
        Stream& s = *stream;
        const std::string& body = *s.body;
        if (s.offset >= body.size()) {
          sink.done();
          return true;
        }
        BatchEvaluator& evaluator = *s.evaluator;
        s.between_flushes = false;
        while (s.offset < body.size() && !evaluator.Full()) {
          std::size_t end = body.find('\n', s.offset);
          if (end == std::string::npos) end = body.size();
          std::string_view line(body.data() + s.offset, end - s.offset);
          if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
          ++s.record;
          if (!line.empty()) evaluator.Queue(line, s.record);
          s.offset = end + 1;
        }
        s.out.clear();
        const Snapshot& snapshot = *s.key.snapshot;
        std::size_t decided = evaluator.Flush(
            s.out, [](std::int64_t, const std::string&) {},
            [&](const Program& program, const Case& facts, const Outcome& outcome) {
              if (!handlers.log) return;
              Receipt one = MakeReceipt(snapshot.rules, s.key.jurisdiction, s.key.on);
              handlers.log->Append(DecisionRecord(one, program, facts, outcome));
            });
        s.between_flushes = true;
        handlers.metrics.Decisions(s.key.jurisdiction, decided);
        if (!s.out.empty() && !sink.write(s.out.data(), s.out.size())) return false;
        return true;
      });
}

// --- POST /v1/check -----
}  // namespace

bool ReadFileMember(const nlohmann::json& file, SourceText& out, std::string& error) {
  if (!file.is_object() || !file.contains("path") || !file["path"].is_string() ||
      !file.contains("text") || !file["text"].is_string()) {
    error = "each file is an object with string members `path` and `text`";
    return false;
  }
  out.path = file["path"].get<std::string>();
  out.text = file["text"].get<std::string>();
  if (out.path.empty() || out.path.find("..") != std::string::npos || out.path[0] == '/') {
    error = "a file's `path` is a relative name such as `westland/westland.loket`";
    return false;
  }
  return true;
}

bool ParseCheckRequest(const std::string& body, std::size_t max_files, CheckRequest& request,
                       std::string& error) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    error = "the body is not a JSON object";
    return false;
  }
  if (json.contains("draft")) {
    SourceText file;
    if (!ReadFileMember(json["draft"], file, error)) return false;
    request.draft = true;
    request.files.push_back(std::move(file));
    return true;
  }
  if (!json.contains("files") || !json["files"].is_array() || json["files"].empty()) {
    error = "give `files` (a non-empty array of {path, text}) or `draft` ({path, text})";
    return false;
  }
  if (json["files"].size() > max_files) {
    error = "at most " + std::to_string(max_files) + " files per check";
    return false;
  }
  for (const nlohmann::json& file : json["files"]) {
    SourceText source;
    if (!ReadFileMember(file, source, error)) return false;
    request.files.push_back(std::move(source));
  }
  return true;
}

// The loaded rule base's files with `draft` in place of the file it names (matched on the
// path relative to the rule folder, e.g. `westland/westland.loket`), or added beside them.
std::vector<SourceText> WithDraft(const RuleBase& rules, SourceText draft) {
  std::vector<SourceText> sources = rules.Sources();
  for (SourceText& source : sources) {
    const std::string& path = source.path;
    bool same = path == draft.path || (path.size() > draft.path.size() &&
                                       path.compare(path.size() - draft.path.size(),
                                                    draft.path.size(), draft.path) == 0 &&
                                       path[path.size() - draft.path.size() - 1] == '/');
    if (same) {
      source.text = std::move(draft.text);
      return sources;
    }
  }
  sources.push_back(std::move(draft));
  return sources;
}

bool SourcesOfRequest(const Handlers& h, const Request& req, Response& res, const Context& ctx,
                      std::vector<SourceText>& sources) {
  if (!CheckJsonBody(h, req, res)) return false;
  CheckRequest request;
  std::string error;
  if (!ParseCheckRequest(req.body, h.options.limits.max_check_files, request, error)) {
    Fail(res, 400, "bad_request", error);
    return false;
  }
  sources = request.draft ? WithDraft(ctx.snapshot->rules, std::move(request.files.front()))
                          : std::move(request.files);
  return true;
}

namespace {

// POST /v1/check.
// Body: {"files": [{"path": "...", "text": "..."}]} — a whole rule base given in the request —
// or {"draft": {"path": "westland/westland.loket", "text": "..."}} — one file of the loaded rule
// base replaced (or added) by a draft. Answers the diagnostics as `loket check --format json`.
void Check(const Handlers& h, const Request& req, Response& res) {
  Context ctx;
  if (!Resolve(h, req, res, ctx, false)) return;
  std::vector<SourceText> sources;
  if (!SourcesOfRequest(h, req, res, ctx, sources)) return;
  LoadOptions options;
  options.threads = 1;  // a request thread; the other threads serve other requests
  RuleBase checked = RuleBase::FromSources(std::move(sources), options);
  RuleBaseStats stats = checked.stats();
  Reply(res, 200,
        "{" + Member("errors", std::to_string(stats.errors), true) +
            Member("warnings", std::to_string(stats.warnings)) +
            Member("notes", std::to_string(stats.notes)) +
            Member("rule_base_hash", JsonString(checked.ContentHash())) +
            Member("diagnostics", RenderJson(checked.diagnostics())) + "}\n");
}

// --- POST /v1/admin/reload ----------------------------------------------------------------------
bool TokensEqual(std::string_view a, std::string_view b) {
  // Constant time in the token's length: the comparison must not tell how much matched.
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

void Reload(const Handlers& h, const Request& req, Response& res) {
  if (h.admin_token.empty()) {
    Fail(res, 404, "not_found", "reloading over HTTP is disabled (start with --admin-token-file)");
    return;
  }
  std::string given = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (given.compare(0, prefix.size(), prefix) != 0 ||
      !TokensEqual(std::string_view(given).substr(prefix.size()), h.admin_token)) {
    res.set_header("WWW-Authenticate", "Bearer");
    Fail(res, 401, "unauthorized", "send the admin token as `Authorization: Bearer <token>`");
    return;
  }
  std::string errors;
  if (!h.reload(errors)) {
    Fail(res, 422, "rule_errors", "the new rule base was not loaded; the old one keeps serving",
         "\"details\":" + JsonString(errors));
    return;
  }
  std::shared_ptr<const Snapshot> now = h.current();
  Reply(res, 200,
        "{" + Member("reloaded", "true", true) +
            Member("rule_base_hash", JsonString(now->rules.ContentHash())) +
            Member("generation", std::to_string(now->generation)) + "}\n");
}

// The one list of routes: what InstallRoutes serves, Routes() reports and docs/openapi.yaml
// must describe (a test compares them).
using Handler = void (*)(const Handlers&, const Request&, Response&);
struct RouteEntry {
  Route route;
  Handler handler;
};

const std::vector<RouteEntry>& RouteTable() {
  static const std::vector<RouteEntry> table = {
      {{"GET", "/healthz"},
       [](const Handlers&, const Request&, Response& res) {
         Reply(res, 200, "{\"status\":\"ok\"}\n");
       }},
      {{"GET", "/readyz"},
       [](const Handlers& h, const Request&, Response& res) {
         std::shared_ptr<const Snapshot> now = h.current();
         if (!now) {
           Fail(res, 503, "loading", "the rule base is still loading");
           return;
         }
         Reply(res, 200,
               "{" + Member("ready", "true", true) +
                   Member("rule_base_hash", JsonString(now->rules.ContentHash())) +
                   Member("generation", std::to_string(now->generation)) +
                   Member("loket_version", JsonString(Version())) + "}\n");
       }},
      {{"GET", "/metrics"},
       [](const Handlers& h, const Request&, Response& res) {
         std::shared_ptr<const Snapshot> now = h.current();
         Reply(res, 200, h.metrics.Render(now ? now->rules.ContentHash() : ""),
               "text/plain; version=0.0.4");
       }},
      {{"GET", "/v1/openapi.yaml"},
       [](const Handlers&, const Request&, Response& res) {
         Reply(res, 200, OpenApiYaml(), "application/yaml");
       }},
      {{"GET", "/v1/jurisdictions"}, Jurisdictions},
      {{"GET", "/v1/jurisdictions/{jurisdiction}/schema"}, Schema},
      {{"GET", "/v1/jurisdictions/{jurisdiction}/rules"}, Rules},
      {{"POST", "/v1/jurisdictions/{jurisdiction}/decide"}, Decide},
      {{"POST", "/v1/jurisdictions/{jurisdiction}/decide-batch"}, DecideBatch},
      {{"POST", "/v1/jurisdictions/{jurisdiction}/why-not/{rule}"}, WhyNot},
      {{"POST", "/v1/check"}, Check},
      {{"POST", "/v1/admin/reload"}, Reload},
      // The web desk (web/, served from --web) and what only the page needs.
      {{"GET", "/"}, WebPage},
      {{"GET", "/web/{file}"}, WebBundleFile},
      {{"GET", "/v1/jurisdictions/{jurisdiction}/source"}, LayerSource},
      {{"GET", "/v1/jurisdictions/{jurisdiction}/overview"}, RuleOverview},
      {{"GET", "/v1/jurisdictions/{jurisdiction}/findings"}, Findings},
      {{"GET", "/v1/jurisdictions/{jurisdiction}/graph"}, DecisionGraph},
      {{"POST", "/v1/try"}, TryDraft},
  };
  return table;
}

}  // namespace

thread_local const char* t_current_route = nullptr;

const std::vector<Route>& Routes() {
  static const std::vector<Route> routes = [] {
    std::vector<Route> out;
    for (const RouteEntry& entry : RouteTable()) out.push_back(entry.route);
    return out;
  }();
  return routes;
}

std::string RoutePattern(const char* path) {
  std::string pattern = path;
  for (std::size_t at = pattern.find('{'); at != std::string::npos; at = pattern.find('{')) {
    pattern.replace(at, pattern.find('}', at) - at + 1, "([^/]+)");
  }
  return pattern;
}

void InstallRoutes(httplib::Server& http, const Handlers& h) {
  for (const RouteEntry& entry : RouteTable()) {
    Handler handler = entry.handler;
    const char* path = entry.route.path;
    auto wrapped = [h, handler, path](const Request& req, Response& res) {
      t_current_route = path;
      handler(h, req, res);
    };
    if (std::string_view(entry.route.method) == "GET") {
      http.Get(RoutePattern(path), wrapped);
    } else {
      http.Post(RoutePattern(path), wrapped);
    }
  }
}

}  // namespace loket::serve
