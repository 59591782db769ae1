/*
 * kernel/pc/input/Keyboard.cpp: scancode tables and modifier tracking (see Keyboard.h).
 * Linux evdev codes 1..88 equal the set-1 make codes, so one table serves both.
 */
#include <kernel/pc/input/Keyboard.h>

namespace Kernel {

using Hal::KeyCode;

namespace {

    // Set-1 make codes 0x00..0x58 without prefix.
    constexpr KeyCode set1_keys[] = {
        KeyCode::Unknown,
        KeyCode::Escape,
        KeyCode::Digit1,
        KeyCode::Digit2, // 0x00
        KeyCode::Digit3,
        KeyCode::Digit4,
        KeyCode::Digit5,
        KeyCode::Digit6,
        KeyCode::Digit7,
        KeyCode::Digit8,
        KeyCode::Digit9,
        KeyCode::Digit0,
        KeyCode::Minus,
        KeyCode::Equal,
        KeyCode::Backspace,
        KeyCode::Tab,
        KeyCode::Q,
        KeyCode::W,
        KeyCode::E,
        KeyCode::R, // 0x10
        KeyCode::T,
        KeyCode::Y,
        KeyCode::U,
        KeyCode::I,
        KeyCode::O,
        KeyCode::P,
        KeyCode::LeftBracket,
        KeyCode::RightBracket,
        KeyCode::Enter,
        KeyCode::LeftControl,
        KeyCode::A,
        KeyCode::S,
        KeyCode::D,
        KeyCode::F,
        KeyCode::G,
        KeyCode::H, // 0x20
        KeyCode::J,
        KeyCode::K,
        KeyCode::L,
        KeyCode::Semicolon,
        KeyCode::Apostrophe,
        KeyCode::Grave,
        KeyCode::LeftShift,
        KeyCode::Backslash,
        KeyCode::Z,
        KeyCode::X,
        KeyCode::C,
        KeyCode::V,
        KeyCode::B,
        KeyCode::N,
        KeyCode::M,
        KeyCode::Comma, // 0x30
        KeyCode::Period,
        KeyCode::Slash,
        KeyCode::RightShift,
        KeyCode::KeypadAsterisk,
        KeyCode::LeftAlt,
        KeyCode::Space,
        KeyCode::CapsLock,
        KeyCode::F1,
        KeyCode::F2,
        KeyCode::F3,
        KeyCode::F4,
        KeyCode::F5,
        KeyCode::F6,
        KeyCode::F7,
        KeyCode::F8,
        KeyCode::F9, // 0x40
        KeyCode::F10,
        KeyCode::NumLock,
        KeyCode::ScrollLock,
        KeyCode::Keypad7,
        KeyCode::Keypad8,
        KeyCode::Keypad9,
        KeyCode::KeypadMinus,
        KeyCode::Keypad4,
        KeyCode::Keypad5,
        KeyCode::Keypad6,
        KeyCode::KeypadPlus,
        KeyCode::Keypad1,
        KeyCode::Keypad2,
        KeyCode::Keypad3,
        KeyCode::Keypad0,
        KeyCode::KeypadPeriod, // 0x50
        KeyCode::Unknown,
        KeyCode::Unknown,
        KeyCode::Unknown,
        KeyCode::F11,
        KeyCode::F12,
    };

} // namespace

KeyCode key_for_set1_scancode(u8 make_code, bool extended)
{
    if (!extended)
        return make_code < sizeof(set1_keys) / sizeof(set1_keys[0]) ? set1_keys[make_code] : KeyCode::Unknown;
    switch (make_code) {
    case 0x1C:
        return KeyCode::KeypadEnter;
    case 0x1D:
        return KeyCode::RightControl;
    case 0x35:
        return KeyCode::KeypadSlash;
    case 0x37:
        return KeyCode::PrintScreen;
    case 0x38:
        return KeyCode::RightAlt;
    case 0x47:
        return KeyCode::Home;
    case 0x48:
        return KeyCode::Up;
    case 0x49:
        return KeyCode::PageUp;
    case 0x4B:
        return KeyCode::Left;
    case 0x4D:
        return KeyCode::Right;
    case 0x4F:
        return KeyCode::End;
    case 0x50:
        return KeyCode::Down;
    case 0x51:
        return KeyCode::PageDown;
    case 0x52:
        return KeyCode::Insert;
    case 0x53:
        return KeyCode::Delete;
    case 0x5B:
        return KeyCode::LeftSuper;
    case 0x5C:
        return KeyCode::RightSuper;
    case 0x5D:
        return KeyCode::Menu;
    default:
        return KeyCode::Unknown;
    }
}

KeyCode key_for_evdev_code(u16 code)
{
    if (code < sizeof(set1_keys) / sizeof(set1_keys[0]))
        return set1_keys[code];
    switch (code) {
    case 96:
        return KeyCode::KeypadEnter;
    case 97:
        return KeyCode::RightControl;
    case 98:
        return KeyCode::KeypadSlash;
    case 99:
        return KeyCode::PrintScreen;
    case 100:
        return KeyCode::RightAlt;
    case 102:
        return KeyCode::Home;
    case 103:
        return KeyCode::Up;
    case 104:
        return KeyCode::PageUp;
    case 105:
        return KeyCode::Left;
    case 106:
        return KeyCode::Right;
    case 107:
        return KeyCode::End;
    case 108:
        return KeyCode::Down;
    case 109:
        return KeyCode::PageDown;
    case 110:
        return KeyCode::Insert;
    case 111:
        return KeyCode::Delete;
    case 119:
        return KeyCode::Pause;
    case 125:
        return KeyCode::LeftSuper;
    case 126:
        return KeyCode::RightSuper;
    case 127:
        return KeyCode::Menu;
    default:
        return KeyCode::Unknown;
    }
}

static_assert(
    static_cast<usize>(KeyCode::Menu) < 128, "KeyboardState::key_capacity must cover every key code");

Hal::InputEvent KeyboardState::key_event(KeyCode key, Hal::KeyState state)
{
    auto index = static_cast<usize>(key);
    bool pressed = state == Hal::KeyState::Pressed;
    if (index < key_capacity) {
        if (key == KeyCode::CapsLock && pressed && !m_held[index])
            m_caps_lock = !m_caps_lock;
        m_held[index] = pressed;
    }
    Hal::Modifiers modifiers = m_caps_lock ? Hal::ModifierCapsLock : 0;
    for (usize i = 0; i < key_capacity; ++i) {
        if (m_held[i])
            modifiers |= Hal::modifier_for_key(static_cast<KeyCode>(i));
    }

    Hal::InputEvent event;
    event.type = Hal::InputEventType::Key;
    event.key = key;
    event.key_state = state;
    event.modifiers = modifiers;
    event.character = pressed ? Hal::character_for_key(key, modifiers) : 0;
    return event;
}

} // namespace Kernel
