/*
 * base/ErrorOr.cpp: the failure path of MUST(), which turns an unexpected Error into a
 * verification failure that names both the expression and the error.
 */

#include <base/ErrorOr.h>
#include <base/Format.h>

namespace Base {

void must_failed(
    char const* expression, Error const& error, char const* file, unsigned line, char const* function)
{
    // Kept on the stack: this may run because memory ran out.
    FixedStringBuilder<256> description;
    format_to(description, "MUST({}) failed: {}: {}", expression, error.name(), error.message());
    verification_failed(description.c_string(), file, line, function);
}

} // namespace Base
