/*
 * kernel/pc/ScreenInputTests.cpp: the screen and input tests (see ScreenInputTests.h).
 */
#include <base/Log.h>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <kernel/pc/ScreenInputTests.h>

namespace Kernel::Tests {

namespace {

    StringView state_name(Hal::KeyState state)
    {
        return state == Hal::KeyState::Pressed ? "pressed"sv : "released"sv;
    }

    // Waits for the next event: woken by the queue, and every 10 ms anyway for the devices
    // that are polled (no interrupt routed), which next_input_event() polls.
    Hal::InputEvent wait_for_input_event()
    {
        Hal::Event wake_up;
        Hal::set_input_wake_up(&wake_up);
        for (;;) {
            if (auto event = Hal::next_input_event(); event.has_value()) {
                Hal::set_input_wake_up(nullptr);
                return *event;
            }
            (void)wake_up.wait(Hal::monotonic_nanoseconds() + 10'000'000);
        }
    }

} // namespace

Hal::Pixel screen_pattern_pixel(u32 x, u32 y, u32 width, u32 height)
{
    constexpr Hal::Pixel bars[]
        = {Hal::rgb(255, 255, 255), Hal::rgb(255, 255, 0), Hal::rgb(0, 255, 255), Hal::rgb(0, 255, 0),
            Hal::rgb(255, 0, 255), Hal::rgb(255, 0, 0), Hal::rgb(0, 0, 255), Hal::rgb(0, 0, 0)};
    u32 band = height / 4;
    if (y < band)
        return bars[x * 8 / width];
    u32 red = x * 255 / (width - 1);
    u32 green = (y - band) * 255 / (height - band - 1);
    u32 blue = (x ^ y) & 255;
    return Hal::rgb(static_cast<u8>(red), static_cast<u8>(green), static_cast<u8>(blue));
}

void log_input_event(Hal::InputEvent const& event)
{
    switch (event.type) {
    case Hal::InputEventType::Key: {
        FixedStringBuilder<64> modifiers;
        constexpr struct {
            Hal::Modifiers bit;
            StringView name;
        } modifier_names[] = {{Hal::ModifierShift, "shift"sv}, {Hal::ModifierControl, "control"sv},
            {Hal::ModifierAlt, "alt"sv}, {Hal::ModifierSuper, "super"sv},
            {Hal::ModifierCapsLock, "caps_lock"sv}};
        for (auto const& modifier : modifier_names) {
            if (event.modifiers & modifier.bit)
                modifiers.appendff("{}{}", modifiers.length() ? "+"sv : ""sv, modifier.name);
        }
        FixedStringBuilder<16> character;
        if (event.character)
            character.appendff("U+{:04X}", event.character);
        else
            character.appendff("none");
        logln("input: key {} {} modifiers={} character={}", Hal::key_name(event.key),
            state_name(event.key_state), modifiers.length() ? modifiers.string_view() : "none"sv,
            character.string_view());
        return;
    }
    case Hal::InputEventType::PointerAbsolute:
        logln("input: pointer absolute x={} y={}", event.x, event.y);
        return;
    case Hal::InputEventType::PointerRelative:
        logln("input: pointer relative dx={} dy={}", event.x, event.y);
        return;
    case Hal::InputEventType::Button:
        logln("input: button {} {}", Hal::pointer_button_name(event.button), state_name(event.key_state));
        return;
    case Hal::InputEventType::Wheel:
        logln("input: wheel x={} y={}", event.x, event.y);
        return;
    }
}

TestVerdict screen_pattern()
{
    auto framebuffer = Hal::framebuffer();
    if (!framebuffer.has_value()) {
        logln("test screen_pattern: no screen");
        return TestVerdict::Fail;
    }
    u32 width = framebuffer->width;
    u32 height = framebuffer->height;
    u64 start = Hal::monotonic_nanoseconds();
    for (u32 y = 0; y < height; ++y) {
        for (u32 x = 0; x < width; ++x)
            framebuffer->at(x, y) = screen_pattern_pixel(x, y, width, height);
    }
    Hal::Rect whole {0, 0, static_cast<i32>(width), static_cast<i32>(height)};
    Hal::present(Span<Hal::Rect const>(&whole, 1));
    u64 drawing_microseconds = (Hal::monotonic_nanoseconds() - start) / 1000;

    u64 wrong = 0;
    for (u32 y = 0; y < height; ++y) {
        for (u32 x = 0; x < width; ++x)
            wrong += framebuffer->at(x, y) != screen_pattern_pixel(x, y, width, height);
    }
    if (wrong != 0) {
        logln("test screen_pattern: {} pixels read back wrong", wrong);
        return TestVerdict::Fail;
    }
    logln("test screen_pattern: drawn {}x{}; {} pixels in {} us; press and release a key to finish", width,
        height, u64(width) * height, drawing_microseconds);
    for (;;) {
        auto event = wait_for_input_event();
        log_input_event(event);
        // On release, so the host's release still finds QEMU running.
        if (event.type == Hal::InputEventType::Key && event.key_state == Hal::KeyState::Released)
            return TestVerdict::Pass;
    }
}

TestVerdict input_echo()
{
    logln("test input_echo: echoing input events until escape is released");
    for (;;) {
        auto event = wait_for_input_event();
        log_input_event(event);
        if (event.type == Hal::InputEventType::Key && event.key == Hal::KeyCode::Escape
            && event.key_state == Hal::KeyState::Released)
            break;
    }
    if (auto dropped = Hal::dropped_input_events(); dropped != 0) {
        logln("test input_echo: {} events dropped", dropped);
        return TestVerdict::Fail;
    }
    return TestVerdict::Pass;
}

} // namespace Kernel::Tests
