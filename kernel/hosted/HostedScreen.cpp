/*
 * kernel/hosted/HostedScreen.cpp: the hosted screen (a headless memory buffer) and input
 * queue, implementing kernel/hal/Screen.h and kernel/hal/Input.h (see HostedScreen.h).
 * One mutex guards the queue; the screen is drawn by one thread at a time, like on pc.
 */
#include <kernel/hosted/HostedScreen.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

namespace Hosted {

namespace {

    constexpr usize queue_capacity = 512;

    struct Screen {
        Hal::ScreenSize initial_size {1024, 768};
        bool initial_size_configured {false};
        bool mode_set {false};
        std::unique_ptr<Hal::Pixel[]> pixels;
        Hal::Framebuffer framebuffer;
        PresentListener listener {nullptr};
        void* listener_context {nullptr};
        PresentStatistics statistics;
    };

    struct Input {
        std::mutex mutex;
        std::deque<Hal::InputEvent> queue;
        u64 dropped {0};
        Hal::Event* wake_up {nullptr};
        bool held[128] {};
        bool caps_lock {false};
    };

    Screen& screen()
    {
        static Screen s_screen;
        return s_screen;
    }

    Input& input()
    {
        static Input s_input;
        return s_input;
    }

    Optional<Hal::ScreenSize> parse_size(StringView text)
    {
        auto separator = text.find('x');
        if (!separator.has_value())
            return {};
        auto width = text.substring_view(0, *separator).to_uint<u32>();
        auto height = text.substring_view(*separator + 1).to_uint<u32>();
        if (!width.has_value() || !height.has_value() || *width == 0 || *height == 0)
            return {};
        return Hal::ScreenSize {*width, *height};
    }

    Hal::ScreenSize initial_size()
    {
        auto& state = screen();
        if (!state.initial_size_configured) {
            if (char const* variable = std::getenv("PHANTOM_SCREEN")) {
                if (auto size = parse_size(StringView(variable, __builtin_strlen(variable)));
                    size.has_value())
                    return *size;
            }
        }
        return state.initial_size;
    }

} // namespace

bool configure_screen_argument(StringView argument)
{
    if (!argument.starts_with("screen="sv))
        return false;
    auto size = parse_size(argument.substring_view(7));
    if (!size.has_value())
        return false;
    screen().initial_size = *size;
    screen().initial_size_configured = true;
    return true;
}

ErrorOr<void> save_screen_image(StringView path)
{
    auto framebuffer = Hal::framebuffer();
    if (!framebuffer.has_value())
        return Error::from_string_literal("there is no screen to save");
    std::string const file_name(path.characters_without_null_termination(), path.length());
    FILE* file = std::fopen(file_name.c_str(), "wb");
    if (!file)
        return Error::from_string_literal("cannot create the image file");
    std::fprintf(file, "P6\n%u %u\n255\n", framebuffer->width, framebuffer->height);
    std::vector<u8> row(usize(framebuffer->width) * 3);
    bool ok = true;
    for (u32 y = 0; y < framebuffer->height && ok; ++y) {
        for (u32 x = 0; x < framebuffer->width; ++x) {
            Hal::Pixel pixel = framebuffer->at(x, y);
            row[x * 3] = static_cast<u8>(pixel >> 16);
            row[x * 3 + 1] = static_cast<u8>(pixel >> 8);
            row[x * 3 + 2] = static_cast<u8>(pixel);
        }
        ok = std::fwrite(row.data(), 1, row.size(), file) == row.size();
    }
    ok &= std::fclose(file) == 0;
    if (!ok)
        return Error::from_string_literal("writing the image file failed");
    return {};
}

void set_present_listener(PresentListener listener, void* context)
{
    screen().listener = listener;
    screen().listener_context = context;
}

PresentStatistics present_statistics() { return screen().statistics; }

void feed_input_event(Hal::InputEvent const& event)
{
    auto& state = input();
    std::lock_guard lock(state.mutex);
    if (state.queue.size() >= queue_capacity) {
        ++state.dropped;
        return;
    }
    state.queue.push_back(event);
    if (state.wake_up)
        state.wake_up->signal();
}

void feed_key(Hal::KeyCode key, Hal::KeyState key_state)
{
    auto& state = input();
    Hal::InputEvent event;
    {
        std::lock_guard lock(state.mutex);
        auto index = static_cast<usize>(key);
        bool pressed = key_state == Hal::KeyState::Pressed;
        if (index < sizeof(state.held)) {
            if (key == Hal::KeyCode::CapsLock && pressed && !state.held[index])
                state.caps_lock = !state.caps_lock;
            state.held[index] = pressed;
        }
        Hal::Modifiers modifiers = state.caps_lock ? Hal::ModifierCapsLock : 0;
        for (usize i = 0; i < sizeof(state.held); ++i) {
            if (state.held[i])
                modifiers |= Hal::modifier_for_key(static_cast<Hal::KeyCode>(i));
        }
        event.type = Hal::InputEventType::Key;
        event.key = key;
        event.key_state = key_state;
        event.modifiers = modifiers;
        event.character = pressed ? Hal::character_for_key(key, modifiers) : 0;
    }
    feed_input_event(event);
}

void reset_input()
{
    auto& state = input();
    std::lock_guard lock(state.mutex);
    state.queue.clear();
    state.dropped = 0;
    for (auto& held : state.held)
        held = false;
    state.caps_lock = false;
}

} // namespace Hosted

namespace Hal {

Optional<Framebuffer> framebuffer()
{
    auto& state = Hosted::screen();
    if (!state.mode_set) {
        state.mode_set = true;
        if (set_screen_mode(Hosted::initial_size()).is_error())
            return {};
    }
    if (!state.pixels)
        return {};
    return state.framebuffer;
}

ErrorOr<Framebuffer> set_screen_mode(ScreenSize size)
{
    auto& state = Hosted::screen();
    state.mode_set = true;
    constexpr u32 maximum_extent = 16384;
    if (size.width == 0 || size.height == 0 || size.width > maximum_extent || size.height > maximum_extent)
        return Error::from_string_literal("the hosted screen is 1 to 16384 pixels wide and high");
    std::unique_ptr<Pixel[]> pixels(new (std::nothrow) Pixel[usize(size.width) * size.height]());
    if (!pixels)
        return Error(ErrorCode::OutOfMemory);
    state.pixels = std::move(pixels);
    state.framebuffer = Framebuffer {state.pixels.get(), size.width, size.height, size.width};
    return state.framebuffer;
}

void present(Span<Rect const> damaged)
{
    auto& state = Hosted::screen();
    ++state.statistics.calls;
    state.statistics.rectangles += damaged.size();
    if (state.listener)
        state.listener(state.listener_context, damaged);
}

Optional<InputEvent> next_input_event()
{
    auto& state = Hosted::input();
    std::lock_guard lock(state.mutex);
    if (state.queue.empty())
        return {};
    InputEvent event = state.queue.front();
    state.queue.pop_front();
    return event;
}

void set_input_wake_up(Event* wake_up)
{
    auto& state = Hosted::input();
    std::lock_guard lock(state.mutex);
    state.wake_up = wake_up;
}

u64 dropped_input_events()
{
    auto& state = Hosted::input();
    std::lock_guard lock(state.mutex);
    return state.dropped;
}

} // namespace Hal
