// Compiles the checked model for one jurisdiction into a flat, self-contained program: every
// fact, param, let and decision gets a value slot; conditions and values become short
// register bytecode; rules are indexed per decision. The result owns copies of every name
// and source text it needs, so it outlives the model. src/eval runs it.
#pragma once

#include <memory>
#include <vector>

#include "compile/program.h"
#include "diag/diagnostic.h"
#include "sema/model.h"

namespace loket::compile {

// A rule's sources as the public schema gives them (RuleInfo::citations): its citation list,
// or its one citation string as one free-text source. Defined in lower.cpp.
std::vector<CitationInfo> CitationInfos(const ast::RuleDecl& rule,
                                        const sema::Annotations& annotations);

// `jurisdiction` must be a layer of `model`, which must have no errors. Constructs the
// language cannot run yet (an enum of more than 64 members, L231; an unknown builtin) are
// reported to `sink`; then the result is null.
std::shared_ptr<const CompiledProgram> Compile(const sema::Model& model,
                                               const sema::Layer& jurisdiction,
                                               diag::DiagnosticSink& sink);

}  // namespace loket::compile
