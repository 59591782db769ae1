/*
 * base/SelfTest.h: run_self_test(), a quick known-answer check of base/ that both ports run
 * (`test=base` on the kernel command line, `phantom-hosted test=base`), proving that the
 * same base/ code works inside the kernel as on the host. The unit tests in tests/unit go
 * much deeper; this is the part that can run on the target.
 */
#pragma once

#include <base/ErrorOr.h>

namespace Base {

// Runs every check, logs each failure with logln() and a summary line, and returns
// ErrorCode::SelfTestFailed if any check failed. Allocates (and frees) a little memory.
[[nodiscard]] ErrorOr<void> run_self_test();

} // namespace Base
