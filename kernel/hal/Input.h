/*
 * kernel/hal/Input.h: input events of the HAL: keys, the pointer (absolute or relative),
 * buttons and the wheel, in one queue that the OS essence reads without blocking.
 *
 * Drivers of the port (pc: PS/2 keyboard and mouse, virtio-input tablet and keyboard;
 * hosted: the Qt window or a test) put events in; next_input_event() takes the oldest one
 * out, and a Hal::Event set with set_input_wake_up() says when to look. When the queue is
 * full, new events are dropped and counted (dropped_input_events()).
 * Absolute pointer positions are in screen pixels of the current mode (Screen.h).
 *
 * Key codes name physical keys by their US-layout legend; the list is declared once below
 * (ENUMERATE_KEY_CODES) with the characters the key types on a US layout, unshifted and
 * shifted (0 for keys that type nothing). Key events carry that character already, with
 * Shift and Caps Lock applied (character_for_key()).
 */
#pragma once

#include <base/Optional.h>
#include <base/StringView.h>
#include <base/Types.h>
#include <kernel/hal/Threads.h>

namespace Hal {

// KEY(Name, "name", unshifted character, shifted character)
#define ENUMERATE_KEY_CODES(KEY)                                                                             \
    KEY(Unknown, "unknown", 0, 0)                                                                            \
    KEY(A, "a", 'a', 'A')                                                                                    \
    KEY(B, "b", 'b', 'B')                                                                                    \
    KEY(C, "c", 'c', 'C')                                                                                    \
    KEY(D, "d", 'd', 'D')                                                                                    \
    KEY(E, "e", 'e', 'E')                                                                                    \
    KEY(F, "f", 'f', 'F')                                                                                    \
    KEY(G, "g", 'g', 'G')                                                                                    \
    KEY(H, "h", 'h', 'H')                                                                                    \
    KEY(I, "i", 'i', 'I')                                                                                    \
    KEY(J, "j", 'j', 'J')                                                                                    \
    KEY(K, "k", 'k', 'K')                                                                                    \
    KEY(L, "l", 'l', 'L')                                                                                    \
    KEY(M, "m", 'm', 'M')                                                                                    \
    KEY(N, "n", 'n', 'N')                                                                                    \
    KEY(O, "o", 'o', 'O')                                                                                    \
    KEY(P, "p", 'p', 'P')                                                                                    \
    KEY(Q, "q", 'q', 'Q')                                                                                    \
    KEY(R, "r", 'r', 'R')                                                                                    \
    KEY(S, "s", 's', 'S')                                                                                    \
    KEY(T, "t", 't', 'T')                                                                                    \
    KEY(U, "u", 'u', 'U')                                                                                    \
    KEY(V, "v", 'v', 'V')                                                                                    \
    KEY(W, "w", 'w', 'W')                                                                                    \
    KEY(X, "x", 'x', 'X')                                                                                    \
    KEY(Y, "y", 'y', 'Y')                                                                                    \
    KEY(Z, "z", 'z', 'Z')                                                                                    \
    KEY(Digit1, "1", '1', '!')                                                                               \
    KEY(Digit2, "2", '2', '@')                                                                               \
    KEY(Digit3, "3", '3', '#')                                                                               \
    KEY(Digit4, "4", '4', '$')                                                                               \
    KEY(Digit5, "5", '5', '%')                                                                               \
    KEY(Digit6, "6", '6', '^')                                                                               \
    KEY(Digit7, "7", '7', '&')                                                                               \
    KEY(Digit8, "8", '8', '*')                                                                               \
    KEY(Digit9, "9", '9', '(')                                                                               \
    KEY(Digit0, "0", '0', ')')                                                                               \
    KEY(Enter, "enter", '\n', '\n')                                                                          \
    KEY(Escape, "escape", 0x1b, 0x1b)                                                                        \
    KEY(Backspace, "backspace", '\b', '\b')                                                                  \
    KEY(Tab, "tab", '\t', '\t')                                                                              \
    KEY(Space, "space", ' ', ' ')                                                                            \
    KEY(Minus, "minus", '-', '_')                                                                            \
    KEY(Equal, "equal", '=', '+')                                                                            \
    KEY(LeftBracket, "left_bracket", '[', '{')                                                               \
    KEY(RightBracket, "right_bracket", ']', '}')                                                             \
    KEY(Backslash, "backslash", '\\', '|')                                                                   \
    KEY(Semicolon, "semicolon", ';', ':')                                                                    \
    KEY(Apostrophe, "apostrophe", '\'', '"')                                                                 \
    KEY(Grave, "grave", '`', '~')                                                                            \
    KEY(Comma, "comma", ',', '<')                                                                            \
    KEY(Period, "period", '.', '>')                                                                          \
    KEY(Slash, "slash", '/', '?')                                                                            \
    KEY(CapsLock, "caps_lock", 0, 0)                                                                         \
    KEY(F1, "f1", 0, 0)                                                                                      \
    KEY(F2, "f2", 0, 0)                                                                                      \
    KEY(F3, "f3", 0, 0)                                                                                      \
    KEY(F4, "f4", 0, 0)                                                                                      \
    KEY(F5, "f5", 0, 0)                                                                                      \
    KEY(F6, "f6", 0, 0)                                                                                      \
    KEY(F7, "f7", 0, 0)                                                                                      \
    KEY(F8, "f8", 0, 0)                                                                                      \
    KEY(F9, "f9", 0, 0)                                                                                      \
    KEY(F10, "f10", 0, 0)                                                                                    \
    KEY(F11, "f11", 0, 0)                                                                                    \
    KEY(F12, "f12", 0, 0)                                                                                    \
    KEY(PrintScreen, "print_screen", 0, 0)                                                                   \
    KEY(ScrollLock, "scroll_lock", 0, 0)                                                                     \
    KEY(Pause, "pause", 0, 0)                                                                                \
    KEY(Insert, "insert", 0, 0)                                                                              \
    KEY(Home, "home", 0, 0)                                                                                  \
    KEY(PageUp, "page_up", 0, 0)                                                                             \
    KEY(Delete, "delete", 0x7f, 0x7f)                                                                        \
    KEY(End, "end", 0, 0)                                                                                    \
    KEY(PageDown, "page_down", 0, 0)                                                                         \
    KEY(Right, "right", 0, 0)                                                                                \
    KEY(Left, "left", 0, 0)                                                                                  \
    KEY(Down, "down", 0, 0)                                                                                  \
    KEY(Up, "up", 0, 0)                                                                                      \
    KEY(NumLock, "num_lock", 0, 0)                                                                           \
    KEY(KeypadSlash, "keypad_slash", '/', '/')                                                               \
    KEY(KeypadAsterisk, "keypad_asterisk", '*', '*')                                                         \
    KEY(KeypadMinus, "keypad_minus", '-', '-')                                                               \
    KEY(KeypadPlus, "keypad_plus", '+', '+')                                                                 \
    KEY(KeypadEnter, "keypad_enter", '\n', '\n')                                                             \
    KEY(Keypad1, "keypad_1", '1', '1')                                                                       \
    KEY(Keypad2, "keypad_2", '2', '2')                                                                       \
    KEY(Keypad3, "keypad_3", '3', '3')                                                                       \
    KEY(Keypad4, "keypad_4", '4', '4')                                                                       \
    KEY(Keypad5, "keypad_5", '5', '5')                                                                       \
    KEY(Keypad6, "keypad_6", '6', '6')                                                                       \
    KEY(Keypad7, "keypad_7", '7', '7')                                                                       \
    KEY(Keypad8, "keypad_8", '8', '8')                                                                       \
    KEY(Keypad9, "keypad_9", '9', '9')                                                                       \
    KEY(Keypad0, "keypad_0", '0', '0')                                                                       \
    KEY(KeypadPeriod, "keypad_period", '.', '.')                                                             \
    KEY(LeftShift, "left_shift", 0, 0)                                                                       \
    KEY(RightShift, "right_shift", 0, 0)                                                                     \
    KEY(LeftControl, "left_control", 0, 0)                                                                   \
    KEY(RightControl, "right_control", 0, 0)                                                                 \
    KEY(LeftAlt, "left_alt", 0, 0)                                                                           \
    KEY(RightAlt, "right_alt", 0, 0)                                                                         \
    KEY(LeftSuper, "left_super", 0, 0)                                                                       \
    KEY(RightSuper, "right_super", 0, 0)                                                                     \
    KEY(Menu, "menu", 0, 0)

enum class KeyCode : u16 {
#define PHANTOM_KEY_CODE_ENUMERATOR(name, text, unshifted, shifted) name,
    ENUMERATE_KEY_CODES(PHANTOM_KEY_CODE_ENUMERATOR)
#undef PHANTOM_KEY_CODE_ENUMERATOR
};

// Modifier keys held (or lock states on) when a key event happened; a bit set.
enum Modifier : u8 {
    ModifierShift = 1 << 0,
    ModifierControl = 1 << 1,
    ModifierAlt = 1 << 2,
    ModifierSuper = 1 << 3,
    ModifierCapsLock = 1 << 4, // the Caps Lock state, not the key
};
using Modifiers = u8;

enum class KeyState : u8 {
    Released,
    Pressed,
};

enum class PointerButton : u8 {
    Left,
    Right,
    Middle,
    Side,  // the "back" thumb button
    Extra, // the "forward" thumb button
};

// "left", "right", "middle", "side", "extra": the names logs and the desktop's events use.
constexpr StringView pointer_button_name(PointerButton button)
{
    switch (button) {
    case PointerButton::Left:
        return "left"sv;
    case PointerButton::Right:
        return "right"sv;
    case PointerButton::Middle:
        return "middle"sv;
    case PointerButton::Side:
        return "side"sv;
    case PointerButton::Extra:
        return "extra"sv;
    }
    return "unknown"sv;
}

enum class InputEventType : u8 {
    Key,             // key, key_state, modifiers, character
    PointerAbsolute, // x, y: the pointer is at (x, y) in screen pixels
    PointerRelative, // x, y: the pointer moved by (x, y) pixels (y grows downwards)
    Button,          // button, key_state
    Wheel,           // y: notches, positive away from the user (scroll up); x: horizontal, positive right
};

struct InputEvent {
    InputEventType type {InputEventType::Key};
    KeyCode key {KeyCode::Unknown};
    KeyState key_state {KeyState::Released};
    PointerButton button {PointerButton::Left};
    Modifiers modifiers {0};
    // The character the key types on a US layout (ASCII), 0 when it types none or on release.
    u32 character {0};
    i32 x {0};
    i32 y {0};
};

// The oldest queued input event, or nothing. Never blocks.
Optional<InputEvent> next_input_event();

// How many events were dropped because the queue was full, since the start.
u64 dropped_input_events();

// Makes the port signal `wake_up` whenever it queues an event (nullptr stops it). The reader
// waits on it and then takes events with next_input_event() until there are none left.
void set_input_wake_up(Event* wake_up);

namespace Detail {
    struct KeyInformation {
        StringView name;
        char unshifted;
        char shifted;
    };
    inline constexpr KeyInformation key_information[] = {
#define PHANTOM_KEY_CODE_INFORMATION(name, text, unshifted, shifted) {text##sv, unshifted, shifted},
        ENUMERATE_KEY_CODES(PHANTOM_KEY_CODE_INFORMATION)
#undef PHANTOM_KEY_CODE_INFORMATION
    };
} // namespace Detail

// The key's name in logs and tests, e.g. "a", "left_shift", "keypad_enter".
constexpr StringView key_name(KeyCode key)
{
    auto index = static_cast<usize>(key);
    return index < sizeof(Detail::key_information) / sizeof(Detail::key_information[0])
        ? Detail::key_information[index].name
        : "unknown"sv;
}

// The character `key` types on a US layout with `modifiers`, or 0. Shift selects the
// shifted character; Caps Lock flips the case of letters only; Control or Alt type nothing.
constexpr u32 character_for_key(KeyCode key, Modifiers modifiers)
{
    auto index = static_cast<usize>(key);
    if (index >= sizeof(Detail::key_information) / sizeof(Detail::key_information[0]))
        return 0;
    if (modifiers & (ModifierControl | ModifierAlt))
        return 0;
    auto const& information = Detail::key_information[index];
    bool shifted = modifiers & ModifierShift;
    bool letter = information.unshifted >= 'a' && information.unshifted <= 'z';
    if (letter && (modifiers & ModifierCapsLock))
        shifted = !shifted;
    return static_cast<u8>(shifted ? information.shifted : information.unshifted);
}

// The modifier bit a modifier key stands for (0 for other keys and for Caps Lock, a lock).
constexpr Modifiers modifier_for_key(KeyCode key)
{
    switch (key) {
    case KeyCode::LeftShift:
    case KeyCode::RightShift:
        return ModifierShift;
    case KeyCode::LeftControl:
    case KeyCode::RightControl:
        return ModifierControl;
    case KeyCode::LeftAlt:
    case KeyCode::RightAlt:
        return ModifierAlt;
    case KeyCode::LeftSuper:
    case KeyCode::RightSuper:
        return ModifierSuper;
    default:
        return 0;
    }
}

} // namespace Hal
