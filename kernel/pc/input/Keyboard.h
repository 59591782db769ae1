/*
 * kernel/pc/input/Keyboard.h: what every pc keyboard driver shares: translation of
 * scancode set 1 (what the i8042 delivers with translation on) and of Linux evdev key codes
 * (what virtio-input delivers) to Hal::KeyCode, and KeyboardState, which follows the
 * modifier keys and Caps Lock of one keyboard and builds complete key events.
 */
#pragma once

#include <kernel/hal/Input.h>

namespace Kernel {

// The key of a set-1 make code (the break code is make | 0x80), after an 0xE0 prefix when
// `extended`; Unknown for codes without a key.
Hal::KeyCode key_for_set1_scancode(u8 make_code, bool extended);

// The key of a Linux evdev KEY_* code (as virtio-input reports it); Unknown when none.
Hal::KeyCode key_for_evdev_code(u16 code);

class KeyboardState {
public:
    // The event for `key` changing to `state`, with the modifiers in effect for this key
    // (a modifier key's own bit is included while it is held) and the typed character.
    Hal::InputEvent key_event(Hal::KeyCode, Hal::KeyState);

private:
    static constexpr usize key_capacity = 128;
    bool m_held[key_capacity] {};
    bool m_caps_lock {false};
};

} // namespace Kernel
