/*
 * base/Error.h: Error, what a fallible Phantom function returns instead of throwing.
 * An error is either one of the ErrorCodes below (each with a one-sentence message that
 * says what happened and what to do) or a string literal from Error::from_string_literal().
 * Errors are two words, never allocate, and can be returned from the panic path.
 */
#pragma once

#include <base/StringView.h>
#include <base/Types.h>

namespace Base {

// The list of error codes, declared once; the enum, names and messages come from it.
#define PHANTOM_ENUMERATE_ERROR_CODES(E)                                                                     \
    E(OutOfMemory, "There is not enough memory for this; free some or give the machine more.")               \
    E(InvalidArgument, "An argument was not valid for this operation; check the caller.")                    \
    E(OutOfRange, "A value or index was outside the allowed range.")                                         \
    E(Overflow, "A size or count computation overflowed; the request is too large.")                         \
    E(NotFound, "The requested item does not exist.")                                                        \
    E(AlreadyExists, "An item with this name or key already exists.")                                        \
    E(InvalidFormat, "The data is not in the expected format.")                                              \
    E(Corrupted, "The data failed its checksum; it was damaged and an older copy should be used.")           \
    E(EndOfData, "The data ended before the operation was complete.")                                        \
    E(IoFailure, "The device reported an input/output failure; check the disk or connection.")               \
    E(NoSpace, "The device is full; free space or use a larger disk image.")                                 \
    E(TimedOut, "The operation did not complete in time; try again.")                                        \
    E(Busy, "The resource is in use; try again later.")                                                      \
    E(WouldBlock, "The operation would have to wait and was asked not to.")                                  \
    E(PermissionDenied, "The operation is not allowed without the right permission or token.")               \
    E(Unsupported, "This operation or feature is not supported here.")                                       \
    E(Restarted, "The system restarted while this was in progress; repeat it if still needed.")              \
    E(SelfTestFailed, "A built-in self test failed; the log lists the failing checks.")                      \
    E(Custom, "An error occurred.")

enum class ErrorCode : u16 {
#define PHANTOM_ERROR_CODE_ENUMERATOR(name, message) name,
    PHANTOM_ENUMERATE_ERROR_CODES(PHANTOM_ERROR_CODE_ENUMERATOR)
#undef PHANTOM_ERROR_CODE_ENUMERATOR
};

// "OutOfMemory" for ErrorCode::OutOfMemory.
[[nodiscard]] constexpr StringView error_code_name(ErrorCode code)
{
    switch (code) {
#define PHANTOM_ERROR_CODE_NAME(name, message)                                                               \
    case ErrorCode::name:                                                                                    \
        return #name##sv;
        PHANTOM_ENUMERATE_ERROR_CODES(PHANTOM_ERROR_CODE_NAME)
#undef PHANTOM_ERROR_CODE_NAME
    }
    return "Unknown"sv;
}

// The one-sentence message for a code.
[[nodiscard]] constexpr StringView error_code_message(ErrorCode code)
{
    switch (code) {
#define PHANTOM_ERROR_CODE_MESSAGE(name, message)                                                            \
    case ErrorCode::name:                                                                                    \
        return message##sv;
        PHANTOM_ENUMERATE_ERROR_CODES(PHANTOM_ERROR_CODE_MESSAGE)
#undef PHANTOM_ERROR_CODE_MESSAGE
    }
    return "An unknown error occurred."sv;
}

class [[nodiscard]] Error {
public:
    constexpr Error(ErrorCode code)
        : m_code(code)
    { }

    [[nodiscard]] static constexpr Error from_code(ErrorCode code) { return Error(code); }

    // An error whose message is `message` (a string literal: it is stored, not copied).
    template<usize N> [[nodiscard]] static constexpr Error from_string_literal(char const (&message)[N])
    {
        return Error(ErrorCode::Custom, StringView(message, N - 1));
    }
    // Same as from_string_literal() with an optional more specific code.
    [[nodiscard]] static constexpr Error with_message(ErrorCode code, StringView static_message)
    {
        return Error(code, static_message);
    }

    [[nodiscard]] constexpr ErrorCode code() const { return m_code; }
    [[nodiscard]] constexpr StringView name() const { return error_code_name(m_code); }
    [[nodiscard]] constexpr StringView message() const
    {
        return m_message.is_null() ? error_code_message(m_code) : m_message;
    }
    [[nodiscard]] constexpr bool is_string_literal() const { return !m_message.is_null(); }

    constexpr bool operator==(ErrorCode code) const { return m_code == code; }
    constexpr bool operator==(Error const& other) const
    {
        return m_code == other.m_code && message() == other.message();
    }

private:
    constexpr Error(ErrorCode code, StringView message)
        : m_code(code)
        , m_message(message)
    { }

    ErrorCode m_code;
    StringView m_message;
};

} // namespace Base

using Base::Error;
using Base::ErrorCode;
