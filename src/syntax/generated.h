// The ANTLR-generated lexer and parser. Generated code does not meet our warning flags, so
// this header marks itself as a system header; include it instead of loket_gen/*.h.
#pragma once
#pragma GCC system_header

#include "antlr4-runtime.h"
#include "loket_gen/LoketLexer.h"
#include "loket_gen/LoketParser.h"
