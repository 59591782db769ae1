/*
 * windowing/DesktopNatives.cpp: the internal classes Window, Desktop and Event (Image's
 * painting natives are in ImageNatives.cpp), and their table for the world.
 *
 *     let desktop = Desktop()
 *     let window = Window("Notes", 80, 60, 400, 300)   // frame at (80, 60), content 400x300
 *     desktop.open(window)
 *     window.fillRect(0, 0, 400, 300, 0xffffff)
 *     while (true) { for (e in desktop.pump()) handle(e); sleep(15) }
 *
 * A Window keeps its whole state in its slots (DesktopObjects.h); while it is open the
 * compositor's record is the working copy and is written back after every operation.
 */
#include <kernel/hal/Screen.h>
#include <vm/Collections.h>
#include <windowing/DesktopNativeSupport.h>
#include <windowing/DesktopRuntime.h>
#include <windowing/WindowRecord.h>

namespace Windowing {

using VM::BuiltinClass;
using VM::NativeKind;
using VM::NativeMethod;
using VM::NativeResult;
using VM::Value;
using VM::VirtualMachine;

namespace {

    NativeResult nothing() { return VM::returning(Value::nil()); }

    NativeResult usage(VirtualMachine& vm, StringView text)
    {
        return vm.throw_formatted(BuiltinClass::ArgumentError, "usage: {}", text);
    }

    NativeResult failure(VirtualMachine& vm, Error const& error)
    {
        return vm.throw_error(BuiltinClass::Error, error.message());
    }

    bool is_window(VirtualMachine& vm, Value value)
    {
        return VM::is_kind(value, VM::ObjectKind::Instance)
            && vm.is_instance_of(value, vm.find_class("Window"sv));
    }

    // The runtime and record of an open window, or nulls.
    struct OpenWindow {
        DesktopRuntime* runtime {nullptr};
        WindowRecord* record {nullptr};
    };
    OpenWindow open_window_of(VirtualMachine& vm, Value window)
    {
        auto* context = vm.native_context(DesktopRuntime::context_key);
        if (context == nullptr)
            return {};
        auto* runtime = static_cast<DesktopRuntime*>(context);
        return {runtime, runtime->record_of(window)};
    }

    Value slot(Value object, u32 index) { return object.as_object()->slots()[index]; }
    void set_integer(Value object, u32 index, i64 value)
    {
        object.as_object()->slots()[index] = Value::integer(value);
    }

    // Window

    StringView layer_name(i64 layer)
    {
        return layer == i64(WindowLayer::Background) ? "background"sv
            : layer == i64(WindowLayer::Panel)       ? "panel"sv
                                                     : "normal"sv;
    }

    bool decorated(Value window)
    {
        return slot(window, WindowSlot::layer) == Value::integer(i64(WindowLayer::Normal));
    }

    ErrorOr<void> replace_pixels(VirtualMachine& vm, Value window, int width, int height, u32 fill)
    {
        auto* raw = TRY(vm.heap().allocate(
            vm.builtin_class(BuiltinClass::Raw), VM::ObjectKind::Raw, 0, u32(width) * u32(height) * 4));
        auto* pixels = reinterpret_cast<u32*>(raw->bytes());
        for (usize i = 0; i < usize(width) * usize(height); ++i)
            pixels[i] = fill;
        vm.heap().write(window.as_object(), ImageSlot::pixels, raw->as_value());
        set_integer(window, ImageSlot::width, width);
        set_integer(window, ImageSlot::height, height);
        return {};
    }

    // Window(title, x, y, width, height[, layer]): the frame's corner and the content's size.
    NativeResult window_init(VirtualMachine& vm, Value* arguments, u32 count)
    {
        constexpr auto text
            = "Window(title, x, y, width, height[, \"normal\" | \"panel\" | \"background\"])"sv;
        if (count < 5 || count > 6 || !VM::is_string(arguments[1]))
            return usage(vm, text);
        i64 numbers[4];
        for (u32 i = 0; i < 4; ++i) {
            auto value = integer_argument(vm, arguments[2 + i]);
            if (!value.has_value())
                return usage(vm, text);
            numbers[i] = *value;
        }
        if (numbers[2] < 1 || numbers[3] < 1 || numbers[2] > 8192 || numbers[3] > 8192 || numbers[0] < -8192
            || numbers[0] > 8192 || numbers[1] < -8192 || numbers[1] > 8192)
            return vm.throw_error(
                BuiltinClass::ArgumentError, "a window is 1 to 8192 pixels wide and high"sv);
        WindowLayer layer = WindowLayer::Normal;
        if (count == 6) {
            auto name = string_argument(arguments[6]);
            if (name == "panel"sv)
                layer = WindowLayer::Panel;
            else if (name == "background"sv)
                layer = WindowLayer::Background;
            else if (name != "normal"sv)
                return usage(vm, text);
        }
        Value window = arguments[0];
        auto* object = window.as_object();
        vm.heap().write(object, WindowSlot::title, arguments[1]);
        set_integer(window, WindowSlot::layer, i64(layer));
        int width = int(numbers[2]);
        int height = int(numbers[3]);
        Rect frame {int(numbers[0]), int(numbers[1]), width, height};
        if (layer == WindowLayer::Normal) {
            width = Base::max(width, FrameMetrics::minimum_content_width);
            height = Base::max(height, FrameMetrics::minimum_content_height);
            frame = FrameMetrics::frame_for_content({0, 0, width, height});
            frame.x = int(numbers[0]);
            frame.y = int(numbers[1]);
        }
        u32 const fill = layer == WindowLayer::Panel ? 0 : 0xffffffff;
        if (replace_pixels(vm, window, width, height, fill).is_error())
            return vm.throw_error(BuiltinClass::Error, "there is no memory for this window"sv);
        u32 const frame_slots[]
            = {WindowSlot::x, WindowSlot::y, WindowSlot::frame_width, WindowSlot::frame_height};
        u32 const restore_slots[] = {WindowSlot::restore_x, WindowSlot::restore_y, WindowSlot::restore_width,
            WindowSlot::restore_height};
        int const values[] = {frame.x, frame.y, frame.width, frame.height};
        for (u32 i = 0; i < 4; ++i) {
            set_integer(window, frame_slots[i], values[i]);
            set_integer(window, restore_slots[i], values[i]);
        }
        set_integer(window, WindowSlot::state, i64(WindowState::Normal));
        set_integer(window, WindowSlot::state_before_minimize, i64(WindowState::Normal));
        set_integer(window, WindowSlot::z_order, 0);
        set_integer(window, WindowSlot::focus_order, 0);
        return nothing();
    }

    NativeResult window_title(VirtualMachine&, Value* arguments, u32)
    {
        return VM::returning(slot(arguments[0], WindowSlot::title));
    }

    NativeResult window_set_title(VirtualMachine& vm, Value* arguments, u32)
    {
        auto title = string_argument(arguments[1]);
        if (!title.has_value())
            return usage(vm, "setTitle(text)"sv);
        vm.heap().write(arguments[0].as_object(), WindowSlot::title, arguments[1]);
        if (auto open = open_window_of(vm, arguments[0]); open.record != nullptr)
            open.runtime->compositor()->set_title(open.record->id, *title);
        return nothing();
    }

    template<u32 Index> NativeResult window_integer(VirtualMachine&, Value* arguments, u32)
    {
        return VM::returning(slot(arguments[0], Index));
    }

    // Where the content's top-left pixel is on the screen.
    NativeResult window_content_position(VirtualMachine&, Value* arguments, u32, bool vertical)
    {
        Value window = arguments[0];
        i64 offset = 0;
        if (decorated(window))
            offset = vertical ? FrameMetrics::border + FrameMetrics::title_height : FrameMetrics::border;
        Value base = slot(window, vertical ? WindowSlot::y : WindowSlot::x);
        return VM::returning(Value::integer((base.is_integer() ? base.as_integer() : 0) + offset));
    }

    NativeResult window_move(VirtualMachine& vm, Value* arguments, u32)
    {
        auto x = integer_argument(vm, arguments[1]);
        auto y = integer_argument(vm, arguments[2]);
        if (!x.has_value() || !y.has_value() || *x < -8192 || *x > 8192 || *y < -8192 || *y > 8192)
            return usage(vm, "move(x, y)"sv);
        Value window = arguments[0];
        if (auto open = open_window_of(vm, window); open.record != nullptr) {
            open.runtime->compositor()->move_window(open.record->id, {int(*x), int(*y)});
            open.runtime->store_records();
            return nothing();
        }
        set_integer(window, WindowSlot::x, *x);
        set_integer(window, WindowSlot::y, *y);
        if (slot(window, WindowSlot::state) == Value::integer(i64(WindowState::Normal))) {
            set_integer(window, WindowSlot::restore_x, *x);
            set_integer(window, WindowSlot::restore_y, *y);
        }
        return nothing();
    }

    // resize(width, height): the content's new size.
    NativeResult window_resize(VirtualMachine& vm, Value* arguments, u32)
    {
        auto width = integer_argument(vm, arguments[1]);
        auto height = integer_argument(vm, arguments[2]);
        if (!width.has_value() || !height.has_value() || *width < 1 || *height < 1 || *width > 8192
            || *height > 8192)
            return usage(vm, "resize(width, height)"sv);
        Value window = arguments[0];
        Rect frame {int(slot(window, WindowSlot::x).as_integer()),
            int(slot(window, WindowSlot::y).as_integer()), int(*width), int(*height)};
        if (decorated(window)) {
            Rect outer = FrameMetrics::frame_for_content({0, 0, frame.width, frame.height});
            frame.width = outer.width;
            frame.height = outer.height;
        }
        if (auto open = open_window_of(vm, window); open.record != nullptr) {
            if (auto result = open.runtime->compositor()->set_window_frame(open.record->id, frame);
                result.is_error())
                return failure(vm, result.error());
            open.runtime->store_records();
            return nothing();
        }
        Rect content = decorated(window) ? FrameMetrics::content_rect(frame) : frame;
        if (replace_pixels(vm, window, content.width, content.height, 0xffffffff).is_error())
            return vm.throw_error(BuiltinClass::Error, "there is no memory for this window"sv);
        set_integer(window, WindowSlot::frame_width, frame.width);
        set_integer(window, WindowSlot::frame_height, frame.height);
        return nothing();
    }

    enum class Action : u8 {
        Minimize,
        Maximize,
        Restore,
        Raise,
        Focus,
    };

    template<Action action> NativeResult window_action(VirtualMachine& vm, Value* arguments, u32)
    {
        auto open = open_window_of(vm, arguments[0]);
        if (open.record == nullptr)
            return vm.throw_error(BuiltinClass::Error, "the window is not open on a desktop"sv);
        auto& compositor = *open.runtime->compositor();
        WindowId id = open.record->id;
        ErrorOr<void> result {};
        switch (action) {
        case Action::Minimize:
            compositor.minimize(id);
            break;
        case Action::Maximize:
            result = compositor.maximize(id);
            break;
        case Action::Restore:
            result = compositor.restore(id);
            break;
        case Action::Raise:
            if (!open.record->is_visible())
                result = compositor.restore(id);
            compositor.raise(id);
            break;
        case Action::Focus:
            if (!open.record->is_visible())
                result = compositor.restore(id);
            compositor.raise(id);
            compositor.focus(id);
            break;
        }
        open.runtime->store_records();
        if (result.is_error())
            return failure(vm, result.error());
        return nothing();
    }

    NativeResult window_state(VirtualMachine& vm, Value* arguments, u32)
    {
        Value state = slot(arguments[0], WindowSlot::state);
        StringView name = state == Value::integer(i64(WindowState::Minimized)) ? "minimized"sv
            : state == Value::integer(i64(WindowState::Maximized))             ? "maximized"sv
                                                                               : "normal"sv;
        return VM::returning(vm.make_string(name));
    }

    NativeResult window_layer(VirtualMachine& vm, Value* arguments, u32)
    {
        Value layer = slot(arguments[0], WindowSlot::layer);
        return VM::returning(vm.make_string(layer_name(layer.is_integer() ? layer.as_integer() : 1)));
    }

    NativeResult window_is_focused(VirtualMachine& vm, Value* arguments, u32)
    {
        Value desktop = slot(arguments[0], WindowSlot::desktop);
        return VM::returning(
            vm.boolean(!desktop.is_nil() && slot(desktop, DesktopSlot::focused) == arguments[0]));
    }

    NativeResult window_is_open(VirtualMachine& vm, Value* arguments, u32)
    {
        return VM::returning(vm.boolean(!slot(arguments[0], WindowSlot::desktop).is_nil()));
    }

    // drawsSinceBoot(): how often the program drew into this open window since the boot.
    NativeResult window_draws_since_boot(VirtualMachine& vm, Value* arguments, u32)
    {
        auto open = open_window_of(vm, arguments[0]);
        u64 draws = open.runtime != nullptr ? open.runtime->draws_since_boot(arguments[0]) : 0;
        return VM::returning(Value::integer(static_cast<i64>(draws)));
    }

    NativeResult window_set_owner(VirtualMachine& vm, Value* arguments, u32)
    {
        vm.heap().write(arguments[0].as_object(), WindowSlot::owner, arguments[1]);
        return nothing();
    }

    constexpr NativeMethod window_methods[] = {
        {"init"sv, NativeKind::Constructor, -1, window_init},
        {"title"sv, NativeKind::Instance, 0, window_title},
        {"setTitle"sv, NativeKind::Instance, 1, window_set_title},
        {"x"sv, NativeKind::Instance, 0, window_integer<WindowSlot::x>},
        {"y"sv, NativeKind::Instance, 0, window_integer<WindowSlot::y>},
        {"frameWidth"sv, NativeKind::Instance, 0, window_integer<WindowSlot::frame_width>},
        {"frameHeight"sv, NativeKind::Instance, 0, window_integer<WindowSlot::frame_height>},
        {"contentX"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32 count) {
                return window_content_position(vm, arguments, count, false);
            }},
        {"contentY"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32 count) {
                return window_content_position(vm, arguments, count, true);
            }},
        {"move"sv, NativeKind::Instance, 2, window_move},
        {"resize"sv, NativeKind::Instance, 2, window_resize},
        {"minimize"sv, NativeKind::Instance, 0, window_action<Action::Minimize>},
        {"maximize"sv, NativeKind::Instance, 0, window_action<Action::Maximize>},
        {"restore"sv, NativeKind::Instance, 0, window_action<Action::Restore>},
        {"raise"sv, NativeKind::Instance, 0, window_action<Action::Raise>},
        {"focus"sv, NativeKind::Instance, 0, window_action<Action::Focus>},
        {"state"sv, NativeKind::Instance, 0, window_state},
        {"layer"sv, NativeKind::Instance, 0, window_layer},
        {"isFocused"sv, NativeKind::Instance, 0, window_is_focused},
        {"isOpen"sv, NativeKind::Instance, 0, window_is_open},
        {"owner"sv, NativeKind::Instance, 0, window_integer<WindowSlot::owner>},
        {"setOwner"sv, NativeKind::Instance, 1, window_set_owner},
        {"drawsSinceBoot"sv, NativeKind::Instance, 0, window_draws_since_boot},
        {"desktop"sv, NativeKind::Instance, 0, window_integer<WindowSlot::desktop>},
    };

    // Desktop

    NativeResult desktop_init(VirtualMachine& vm, Value* arguments, u32)
    {
        auto windows = vm.make_array(8);
        if (windows.is_error())
            return vm.throw_error(BuiltinClass::Error, "there is no memory for a desktop"sv);
        vm.heap().write(arguments[0].as_object(), DesktopSlot::windows, windows.value());
        auto clipboard = vm.make_string(""sv);
        if (clipboard.is_error())
            return vm.throw_error(BuiltinClass::Error, "there is no memory for a desktop"sv);
        vm.heap().write(arguments[0].as_object(), DesktopSlot::clipboard, clipboard.value());
        set_integer(arguments[0], DesktopSlot::next_z_order, 1);
        set_integer(arguments[0], DesktopSlot::next_focus_order, 1);
        return nothing();
    }

    // The runtime with this desktop bound to the screen (the compositor rebuilt on first use).
    ErrorOr<DesktopRuntime*> bound_runtime(VirtualMachine& vm, Value desktop)
    {
        if (!VM::is_kind(slot(desktop, DesktopSlot::windows), VM::ObjectKind::Array))
            return Error::with_message(ErrorCode::InvalidArgument, "This Desktop was never initialised."sv);
        auto* runtime = TRY(DesktopRuntime::ensure(vm));
        TRY(runtime->bind_desktop(desktop));
        return runtime;
    }

    NativeResult desktop_open(VirtualMachine& vm, Value* arguments, u32)
    {
        Value desktop = arguments[0];
        Value window = arguments[1];
        if (!is_window(vm, window))
            return usage(vm, "open(window)"sv);
        Value owner = slot(window, WindowSlot::desktop);
        if (!owner.is_nil() && owner != desktop)
            return vm.throw_error(BuiltinClass::Error, "the window is open on another desktop"sv);
        auto runtime = bound_runtime(vm, desktop);
        if (runtime.is_error())
            return failure(vm, runtime.error());
        Value windows = slot(desktop, DesktopSlot::windows);
        bool listed = false;
        for (u32 i = 0; i < VM::array_length(windows); ++i)
            listed = listed || VM::array_elements(windows)[i] == window;
        if (!listed) {
            if (auto pushed = VM::array_push(vm, windows, window); pushed.is_error())
                return failure(vm, pushed.error());
        }
        vm.heap().write(window.as_object(), WindowSlot::desktop, desktop);
        if (auto opened = runtime.value()->open_window(window); opened.is_error()) {
            return failure(vm, opened.error());
        }
        return nothing();
    }

    NativeResult desktop_close(VirtualMachine& vm, Value* arguments, u32)
    {
        Value desktop = arguments[0];
        Value window = arguments[1];
        if (!is_window(vm, window))
            return usage(vm, "close(window)"sv);
        if (auto open = open_window_of(vm, window); open.record != nullptr)
            open.runtime->close_window(window);
        Value windows = slot(desktop, DesktopSlot::windows);
        u32 length = VM::is_kind(windows, VM::ObjectKind::Array) ? VM::array_length(windows) : 0;
        for (u32 i = 0; i < length; ++i) {
            if (VM::array_elements(windows)[i] != window)
                continue;
            for (u32 j = i + 1; j < length; ++j)
                VM::array_set(vm, windows, j - 1, VM::array_elements(windows)[j]);
            VM::array_set(vm, windows, length - 1, Value::nil());
            VM::array_set_length(vm, windows, length - 1);
            break;
        }
        if (slot(window, WindowSlot::desktop) == desktop)
            vm.heap().write(window.as_object(), WindowSlot::desktop, Value::nil());
        if (slot(desktop, DesktopSlot::focused) == window)
            vm.heap().write(desktop.as_object(), DesktopSlot::focused, Value::nil());
        return nothing();
    }

    NativeResult desktop_pump(VirtualMachine& vm, Value* arguments, u32)
    {
        auto runtime = bound_runtime(vm, arguments[0]);
        if (runtime.is_error())
            return failure(vm, runtime.error());
        auto events = runtime.value()->pump();
        if (events.is_error())
            return failure(vm, events.error());
        return VM::returning(events.value());
    }

    NativeResult desktop_windows(VirtualMachine& vm, Value* arguments, u32)
    {
        Value windows = slot(arguments[0], DesktopSlot::windows);
        u32 length = VM::is_kind(windows, VM::ObjectKind::Array) ? VM::array_length(windows) : 0;
        auto copy = vm.make_array(length);
        if (copy.is_error())
            return VM::returning(copy);
        VM::Handle keep(vm.heap(), copy.value());
        for (u32 i = 0; i < length; ++i) {
            windows = slot(arguments[0], DesktopSlot::windows);
            if (auto pushed = VM::array_push(vm, keep.value(), VM::array_elements(windows)[i]);
                pushed.is_error())
                return failure(vm, pushed.error());
        }
        return VM::returning(keep.value());
    }

    NativeResult desktop_set_clipboard(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!VM::is_string(arguments[1]))
            return usage(vm, "setClipboard(text)"sv);
        vm.heap().write(arguments[0].as_object(), DesktopSlot::clipboard, arguments[1]);
        return nothing();
    }

    NativeResult desktop_screen_size(VirtualMachine& vm, Value* arguments, bool height)
    {
        auto runtime = bound_runtime(vm, arguments[0]);
        if (runtime.is_error())
            return failure(vm, runtime.error());
        Size size = runtime.value()->screen_size();
        return VM::returning(Value::integer(height ? size.height : size.width));
    }

    NativeResult desktop_pointer(VirtualMachine& vm, Value* arguments, bool vertical)
    {
        auto runtime = bound_runtime(vm, arguments[0]);
        if (runtime.is_error())
            return failure(vm, runtime.error());
        Point pointer = runtime.value()->compositor()->pointer();
        return VM::returning(Value::integer(vertical ? pointer.y : pointer.x));
    }

    NativeResult desktop_repaint(VirtualMachine& vm, Value* arguments, u32)
    {
        auto runtime = bound_runtime(vm, arguments[0]);
        if (runtime.is_error())
            return failure(vm, runtime.error());
        runtime.value()->compositor()->compose_everything();
        return nothing();
    }

    // repaintRect(x, y, width, height): that part of the screen composed again and presented,
    // the way a damaged rect is (the benchmark of a small update).
    NativeResult desktop_repaint_rect(VirtualMachine& vm, Value* arguments, u32)
    {
        Optional<i64> values[4];
        for (int i = 0; i < 4; ++i) {
            values[i] = integer_argument(vm, arguments[1 + i]);
            if (!values[i].has_value())
                return usage(vm, "repaintRect(x, y, width, height)"sv);
        }
        auto runtime = bound_runtime(vm, arguments[0]);
        if (runtime.is_error())
            return failure(vm, runtime.error());
        auto* compositor = runtime.value()->compositor();
        Rect rect = Rect {int(*values[0]), int(*values[1]), int(*values[2]), int(*values[3])}.intersected(
            compositor->screen_rect());
        if (!rect.is_empty()) {
            compositor->add_damage(rect);
            (void)compositor->compose();
        }
        return nothing();
    }

    // screenPixel(x, y): 0xRRGGBB of the composed screen.
    NativeResult desktop_screen_pixel(VirtualMachine& vm, Value* arguments, u32)
    {
        auto x = integer_argument(vm, arguments[1]);
        auto y = integer_argument(vm, arguments[2]);
        if (!x.has_value() || !y.has_value())
            return usage(vm, "screenPixel(x, y)"sv);
        auto runtime = bound_runtime(vm, arguments[0]);
        if (runtime.is_error())
            return failure(vm, runtime.error());
        Bitmap const& screen = runtime.value()->back_buffer();
        if (!screen.rect().contains(Point {int(*x), int(*y)}))
            return nothing();
        return VM::returning(Value::integer(screen.pixel(int(*x), int(*y)) & 0xffffff));
    }

    // Desktop.hasScreen(): whether this machine shows a screen to someone (see ScreenUse in
    // DesktopObjects.h), so that a world program decides whether to bring up a desktop.
    template<bool shown> NativeResult desktop_has_screen(VirtualMachine& vm, Value*, u32)
    {
        bool has_screen = shown && Hal::framebuffer().has_value();
        return VM::returning(has_screen ? vm.true_value() : vm.false_value());
    }

    template<bool shown>
    constexpr NativeMethod desktop_methods[] = {
        {"init"sv, NativeKind::Constructor, 0, desktop_init},
        {"open"sv, NativeKind::Instance, 1, desktop_open},
        {"close"sv, NativeKind::Instance, 1, desktop_close},
        {"pump"sv, NativeKind::Instance, 0, desktop_pump},
        {"windows"sv, NativeKind::Instance, 0, desktop_windows},
        {"focused"sv, NativeKind::Instance, 0, window_integer<DesktopSlot::focused>},
        {"clipboard"sv, NativeKind::Instance, 0, window_integer<DesktopSlot::clipboard>},
        {"setClipboard"sv, NativeKind::Instance, 1, desktop_set_clipboard},
        {"screenWidth"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) {
                return desktop_screen_size(vm, arguments, false);
            }},
        {"screenHeight"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) {
                return desktop_screen_size(vm, arguments, true);
            }},
        {"pointerX"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) { return desktop_pointer(vm, arguments, false); }},
        {"pointerY"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) { return desktop_pointer(vm, arguments, true); }},
        {"repaint"sv, NativeKind::Instance, 0, desktop_repaint},
        {"repaintRect"sv, NativeKind::Instance, 4, desktop_repaint_rect},
        {"screenPixel"sv, NativeKind::Instance, 2, desktop_screen_pixel},
        {"hasScreen"sv, NativeKind::Static, 0, desktop_has_screen<shown>},
    };

    constexpr StringView image_fields[]
        = {"$pixels"sv, "$width"sv, "$height"sv, "$clipX"sv, "$clipY"sv, "$clipWidth"sv, "$clipHeight"sv};
    constexpr StringView window_fields[] = {"$title"sv, "$x"sv, "$y"sv, "$frameWidth"sv, "$frameHeight"sv,
        "$restoreX"sv, "$restoreY"sv, "$restoreWidth"sv, "$restoreHeight"sv, "$state"sv,
        "$stateBeforeMinimize"sv, "$layer"sv, "$zOrder"sv, "$focusOrder"sv, "$owner"sv, "$desktop"sv};
    constexpr StringView desktop_fields[]
        = {"$windows"sv, "$focused"sv, "$clipboard"sv, "$nextZOrder"sv, "$nextFocusOrder"sv};
    constexpr StringView event_fields[] = {"type"sv, "window"sv, "x"sv, "y"sv, "key"sv, "text"sv,
        "modifiers"sv, "button"sv, "wheelX"sv, "wheelY"sv, "width"sv, "height"sv};
    static_assert(sizeof image_fields / sizeof image_fields[0] == ImageSlot::count);
    static_assert(sizeof window_fields / sizeof window_fields[0] == WindowSlot::count - ImageSlot::count);
    static_assert(sizeof desktop_fields / sizeof desktop_fields[0] == DesktopSlot::count);
    static_assert(sizeof event_fields / sizeof event_fields[0] == EventSlot::count);

} // namespace

Span<VM::NativeClass const> desktop_native_classes(ScreenUse use)
{
    static constexpr VM::NativeClass hidden[] = {
        {"Image"sv, ""sv, image_fields, {image_method_table, image_method_count}},
        {"Window"sv, "Image"sv, window_fields, window_methods},
        {"Desktop"sv, ""sv, desktop_fields, desktop_methods<false>},
        {"Event"sv, ""sv, event_fields, {}},
    };
    static constexpr VM::NativeClass shown[] = {
        {"Image"sv, ""sv, image_fields, {image_method_table, image_method_count}},
        {"Window"sv, "Image"sv, window_fields, window_methods},
        {"Desktop"sv, ""sv, desktop_fields, desktop_methods<true>},
        {"Event"sv, ""sv, event_fields, {}},
    };
    if (use == ScreenUse::Shown)
        return shown;
    return hidden;
}

} // namespace Windowing
