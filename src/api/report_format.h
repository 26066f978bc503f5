// The one form of the reports for legal teams (Markdown or HTML): the document around them
// and how one finding is shown. `loket check --report` and `loket diff` use both.
#pragma once

#include <string>

#include "loket/diagnostic.h"

namespace loket::internal {

// The document's head with `title` as its first heading; ReportEnd closes it.
std::string ReportStart(const std::string& title, bool html);
std::string ReportEnd(bool html);
// A finding: code, kind, severity, where, message, notes, help and its witnesses with the
// evaluator's replay.
void AppendFinding(std::string& out, const Diagnostic& finding, bool html);

}  // namespace loket::internal
