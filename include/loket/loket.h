// The whole public API of loket. See docs/architecture.md.
#pragma once

#include "loket/answer.h"
#include "loket/checker.h"
#include "loket/diagnostic.h"
#include "loket/evaluate.h"
#include "loket/receipt.h"
#include "loket/rule_base.h"
#include "loket/status.h"
