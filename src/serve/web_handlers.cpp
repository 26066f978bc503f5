// The web desk's routes: the page itself (GET / and the bundle files from --web) and what
// only the page needs beyond the decision API — a layer's source files for the drafting
// editor, the rule overview of `loket doc`, the dependency graph of `loket graph`, and
// deciding a case against a draft ("try it") without changing what is served.
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <loket/analysis.h>
#include <loket/answer.h>
#include <loket/loket.h>
#include <loket/overview.h>
#include <nlohmann/json.hpp>

#include "serve/handler_support.h"
#include "serve/json_util.h"
#include "serve/web_assets.h"

namespace loket::serve {
namespace {

using httplib::Request;
using httplib::Response;

void ServeBundleFile(const Handlers& h, const std::string& name, Response& res) {
  if (!h.web || !h.web->built()) {
    Fail(res, 404, "page_not_built",
         "the web desk was not built: no index.html in `" + (h.web ? h.web->folder : "") +
             "` (build it with scripts/build.sh or `node web/build.mjs build/web`, or start "
             "with --web DIR)");
    return;
  }
  const WebFile* file = h.web->Find(name);
  if (!file) {
    Fail(res, 404, "not_found", "no file `" + name + "` in the web desk's bundle");
    return;
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Content-Type-Options", "nosniff");
  Reply(res, 200, file->content, file->type.c_str());
}

// The layer a rule file belongs to, from its header (docs/language.md §2): `layer NAME`,
// `layer KIND NAME ...` or, for the root, `layer national "Title"`. The word after the kind
// is the name only when it names a layer of the rule base: after a bare `layer national`
// comes the first declaration. Empty when the file does not start with a header.
std::string LayerOfFile(std::string_view text, const std::vector<LayerInfo>& layers) {
  std::size_t at = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  auto skip_blank = [&] {
    for (;;) {
      while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
      if (text.compare(at, 2, "//") == 0) {
        at = text.find('\n', at);
        if (at == std::string_view::npos) at = text.size();
      } else if (text.compare(at, 2, "/*") == 0) {
        at = text.find("*/", at + 2);
        at = at == std::string_view::npos ? text.size() : at + 2;
      } else {
        return;
      }
    }
  };
  auto word = [&] {
    skip_blank();
    std::size_t start = at;
    while (at < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[at])) || text[at] == '_')) {
      ++at;
    }
    return std::string(text.substr(start, at - start));
  };
  auto is_layer = [&](const std::string& name) {
    return std::any_of(layers.begin(), layers.end(),
                       [&](const LayerInfo& layer) { return layer.name == name; });
  };
  if (word() != "layer") return "";
  std::string first = word();
  static const std::vector<std::string> kinds = {"national", "province", "region", "municipality"};
  if (std::find(kinds.begin(), kinds.end(), first) != kinds.end()) {
    std::string second = word();
    if (is_layer(second)) return second;
  }
  return first;
}

// The folder every path shares (as in RuleBase::ContentHash), so that the page names files
// as POST /v1/check's draft does: `westland/westland.loket`.
std::filesystem::path CommonFolder(const std::vector<SourceText>& sources) {
  std::filesystem::path common;
  bool first = true;
  for (const SourceText& source : sources) {
    std::filesystem::path folder = std::filesystem::path(source.path).parent_path();
    if (first) {
      common = folder;
      first = false;
      continue;
    }
    std::filesystem::path shared;
    auto a = common.begin();
    auto b = folder.begin();
    for (; a != common.end() && b != folder.end() && *a == *b; ++a, ++b) shared /= *a;
    common = shared;
  }
  return common;
}

std::string OverviewRuleJson(const OverviewRule& rule) {
  return "{" + Member("id", JsonString(rule.id), true) + Member("layer", JsonString(rule.layer)) +
         Member("citation", JsonString(rule.citation)) + Member("notes", StringArray(rule.notes)) +
         Member("valid_from", JsonString(rule.valid_from)) +
         Member("valid_until", JsonString(rule.valid_until)) +
         Member("condition", JsonString(rule.condition)) +
         Member("outcome", JsonString(rule.outcome)) +
         Member("exception_to", StringArray(rule.exception_to)) +
         Member("local", rule.local ? "true" : "false") + "}";
}

const char* CompetenceName(OverviewCompetence competence) {
  switch (competence) {
    case OverviewCompetence::kClosed:
      return "closed";
    case OverviewCompetence::kDelegated:
      return "delegated";
    case OverviewCompetence::kOwned:
      return "owned";
    case OverviewCompetence::kLocal:
      return "local";
  }
  return "closed";
}

}  // namespace

// GET / — the page.
void WebPage(const Handlers& h, const Request&, Response& res) {
  ServeBundleFile(h, "index.html", res);
}

// GET /web/{file} — one file of the bundle, by its plain name.
void WebBundleFile(const Handlers& h, const Request& req, Response& res) {
  ServeBundleFile(h, req.matches.size() > 1 ? req.matches[1].str() : "", res);
}

// GET /v1/jurisdictions/{j}/source — the files of this layer (not of the layers above), with
// paths relative to the rule folder: what the drafting editor starts from.
void LayerSource(const Handlers& h, const Request& req, Response& res) {
  Context ctx;
  if (!Resolve(h, req, res, ctx)) return;
  std::vector<SourceText> sources = ctx.snapshot->rules.Sources();
  std::filesystem::path common = CommonFolder(sources);
  std::string files = "[";
  bool first = true;
  for (const SourceText& source : sources) {
    if (LayerOfFile(source.text, ctx.snapshot->layers) != ctx.layer->name) continue;
    std::string path = common.empty()
                           ? source.path
                           : std::filesystem::path(source.path).lexically_relative(common).string();
    files += std::string(first ? "{" : ",{") + Member("path", JsonString(path), true) +
             Member("text", JsonString(source.text)) + "}";
    first = false;
  }
  Reply(res, 200,
        "{" + Member("jurisdiction", JsonString(ctx.layer->name), true) +
            Member("rule_base_hash", JsonString(ctx.snapshot->rules.ContentHash())) +
            Member("files", files + "]") + "}\n");
}

// GET /v1/jurisdictions/{j}/findings — the checker's findings on the served rule base (found
// when it was loaded) about this jurisdiction's layers, as `loket check --format json` gives
// them: each with its notes, help and witness cases. A rule base with errors is never served,
// so these are warnings and notes.
void Findings(const Handlers& h, const Request& req, Response& res) {
  Context ctx;
  if (!Resolve(h, req, res, ctx)) return;
  std::vector<std::string> chain = ctx.snapshot->Chain(*ctx.layer);
  std::vector<Diagnostic> findings;
  for (const Diagnostic& diagnostic : ctx.snapshot->rules.diagnostics()) {
    if (diagnostic.layer.empty() ||
        std::find(chain.begin(), chain.end(), diagnostic.layer) != chain.end()) {
      findings.push_back(diagnostic);
    }
  }
  Reply(res, 200,
        "{" + Member("jurisdiction", JsonString(ctx.layer->name), true) +
            Member("rule_base_hash", JsonString(ctx.snapshot->rules.ContentHash())) +
            Member("diagnostics", RenderJson(findings)) + "}\n");
}

// GET /v1/jurisdictions/{j}/overview — the rules in force by domain and decision, what is
// local, within which delegated room, and the room left unused (as `loket doc`).
void RuleOverview(const Handlers& h, const Request& req, Response& res) {
  Context ctx;
  if (!Resolve(h, req, res, ctx)) return;
  Result<Overview> built = BuildOverview(ctx.snapshot->rules, ctx.layer->name, ctx.on);
  if (!built.ok()) {
    Fail(res, 500, "internal", built.status().message());
    return;
  }
  const Overview& o = *built;
  std::string domains = "[";
  for (std::size_t d = 0; d < o.domains.size(); ++d) {
    const OverviewDomain& domain = o.domains[d];
    std::string decisions = "[";
    for (std::size_t i = 0; i < domain.decisions.size(); ++i) {
      const OverviewDecision& decision = domain.decisions[i];
      std::string rules = "[";
      for (std::size_t r = 0; r < decision.rules.size(); ++r) {
        rules += (r ? "," : "") + OverviewRuleJson(decision.rules[r]);
      }
      decisions +=
          std::string(i ? "," : "") + "{" + Member("name", JsonString(decision.name), true) +
          Member("description", JsonString(decision.description)) +
          Member("layer", JsonString(decision.layer)) + Member("type", JsonString(decision.type)) +
          Member("default", JsonString(decision.default_value)) +
          Member("collect", decision.collect ? "true" : "false") +
          Member("competence", JsonString(CompetenceName(decision.competence))) +
          Member("competence_text", JsonString(decision.competence_text)) +
          Member("differs_from_national", decision.differs_from_national ? "true" : "false") +
          Member("rules", rules + "]") + "}";
    }
    domains += std::string(d ? "," : "") + "{" +
               Member("domain", domain.name.empty() ? "null" : JsonString(domain.name), true) +
               Member("title", JsonString(domain.title)) + Member("decisions", decisions + "]") +
               "}";
  }
  Reply(res, 200,
        "{" + Member("jurisdiction", JsonString(o.jurisdiction), true) +
            Member("title", JsonString(o.title)) + Member("code", JsonString(o.code)) +
            Member("date", JsonString(o.date)) + Member("chain", StringArray(o.chain)) +
            Member("rules_in_force", std::to_string(o.rules_in_force)) +
            Member("local_rules_in_force", std::to_string(o.local_rules_in_force)) +
            Member("rules_not_in_force", std::to_string(o.rules_not_in_force)) +
            Member("domains", domains + "]") + "}\n");
}

// GET /v1/jurisdictions/{j}/graph?decision=NAME — the dependency graph as SVG (`loket graph`).
void DecisionGraph(const Handlers& h, const Request& req, Response& res) {
  Context ctx;
  if (!Resolve(h, req, res, ctx)) return;
  GraphExportOptions options;
  options.format = GraphFormat::kSvg;
  options.jurisdiction = ctx.layer->name;
  options.decision = req.get_param_value("decision");
  Result<std::string> svg = ExportGraph(ctx.snapshot->rules, options);
  if (!svg.ok()) {
    bool not_found = svg.status().code() == StatusCode::kNotFound;
    Fail(res, not_found ? 404 : 500, not_found ? "not_found" : "internal", svg.status().message());
    return;
  }
  res.set_header("X-Content-Type-Options", "nosniff");
  Reply(res, 200, *svg, "image/svg+xml");
}

// POST /v1/try?on=DATE — body: `draft` or `files` as for POST /v1/check, the
// `jurisdiction` and the `case`. Checks the draft rule base and decides the case against it;
// nothing is served from it afterwards and no decision is logged (a try has no receipt).
void TryDraft(const Handlers& h, const Request& req, Response& res) {
  Context ctx;
  if (!Resolve(h, req, res, ctx, false)) return;
  std::vector<SourceText> sources;
  if (!SourcesOfRequest(h, req, res, ctx, sources)) return;
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  if (!body.contains("jurisdiction") || !body["jurisdiction"].is_string() ||
      !body.contains("case") || !body["case"].is_object()) {
    Fail(res, 400, "bad_request",
         "give the `jurisdiction` (a layer name) and the `case` (an object of facts) to try");
    return;
  }
  LoadOptions load;
  load.threads = 1;
  load.analyze_conflicts = false;  // deciding needs a checked model, not the findings
  RuleBase draft = RuleBase::FromSources(std::move(sources), load);
  if (draft.has_errors()) {
    Fail(res, 422, "rule_errors", "the rules given have errors; nothing was decided",
         "\"diagnostics\":" + RenderJson(draft.diagnostics()));
    return;
  }
  std::string jurisdiction = body["jurisdiction"].get<std::string>();
  Result<Program> program = draft.Compile(jurisdiction);
  if (!program.ok()) {
    Fail(res, 404, "unknown_jurisdiction", program.status().message());
    return;
  }
  Case facts = program->NewCase();
  std::vector<Diagnostic> errors;
  if (!program->ParseJson(body["case"].dump(), facts, errors)) {
    FailCase(res, errors);
    return;
  }
  Reply(res, 200, RenderAnswerJson(program->Explain(facts, ctx.on)));
}

}  // namespace loket::serve
