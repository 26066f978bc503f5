// libFuzzer target: any bytes as a rule file. ParseFile must return (never crash, hang or
// throw), and what it returns must be consistent: every diagnostic and every node range
// lies inside the file, messages are valid UTF-8, a file without a header has an error, and
// expressions respect the nesting limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "ast/ast.h"
#include "diag/diagnostic.h"
#include "source/source_manager.h"
#include "syntax/input_checks.h"
#include "syntax/parse.h"

namespace {

using loket::source::SourceRange;

std::size_t g_file_size = 0;

void CheckRange(SourceRange range) {
  if (!range.valid()) return;
  if (range.begin > range.end || range.end > g_file_size) std::abort();
}

void CheckExpr(const loket::ast::Expr* expr) {
  // Iterative: the point is to learn whether the tree is bounded, not to rely on it.
  std::vector<std::pair<const loket::ast::Expr*, unsigned>> pending{{expr, 1}};
  while (!pending.empty()) {
    auto [node, depth] = pending.back();
    pending.pop_back();
    if (node == nullptr) std::abort();  // the builder never leaves a hole
    if (depth > 200 + 1) std::abort();  // the nesting limit bounds every expression
    CheckRange(node->range);
    for (const auto& operand : node->operands) pending.push_back({operand.get(), depth + 1});
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  loket::source::SourceManager sources;
  std::string text(reinterpret_cast<const char*>(data), size);
  g_file_size = size;
  auto id = sources.AddFile("fuzz.loket", std::move(text));
  loket::diag::DiagnosticSink sink;
  loket::syntax::ParseLimits limits;
  limits.max_file_bytes = 1u << 20;
  auto file = loket::syntax::ParseFile(sources, id, limits, sink);
  if (file == nullptr) std::abort();
  for (const auto& diagnostic : sink.diagnostics()) {
    CheckRange(diagnostic.range);
    if (diagnostic.message.empty()) std::abort();
    // Messages quote the input; they must stay valid UTF-8 for the JSON and text renderers.
    if (loket::syntax::FindInvalidUtf8(diagnostic.message)) std::abort();
  }
  if (!file->header && !sink.has_errors()) std::abort();
  for (const auto& let : file->lets) CheckExpr(let->value.get());
  for (const auto& assume : file->assumes) CheckExpr(assume->condition.get());
  for (const auto& param : file->params) {
    for (const auto& value : param->values) CheckExpr(value.value.get());
  }
  for (const auto& decision : file->decisions) {
    if (decision->default_value) CheckExpr(decision->default_value.get());
    CheckRange(decision->range);
  }
  for (const auto& rule : file->rules) {
    CheckRange(rule->range);
    CheckRange(rule->id_range);
    if (rule->condition) CheckExpr(rule->condition.get());
    for (const auto& assignment : rule->assignments) CheckExpr(assignment.value.get());
  }
  return 0;
}
