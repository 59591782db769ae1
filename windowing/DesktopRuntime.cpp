/*
 * windowing/DesktopRuntime.cpp: the compositor made from Window objects, their records
 * written back, input pumped into Event objects, and frames presented to the HAL screen.
 */
#include <base/Log.h>
#include <kernel/hal/Input.h>
#include <kernel/hal/Screen.h>
#include <vm/Collections.h>
#include <windowing/DesktopObjects.h>
#include <windowing/DesktopRuntime.h>
#include <windowing/EmbeddedFonts.h>

namespace Windowing {

using VM::Value;

namespace {

    constexpr Size default_screen_size {1024, 768};
    constexpr int title_font_size = 13;

    i64 integer_slot(Value object, u32 slot, i64 otherwise = 0)
    {
        Value value = object.as_object()->slots()[slot];
        return value.is_integer() ? value.as_integer() : otherwise;
    }

    // Frames from an old image are trusted only within sane bounds.
    int clamp_coordinate(i64 value) { return static_cast<int>(clamp<i64>(value, -16384, 16384)); }
    int clamp_extent(i64 value) { return static_cast<int>(clamp<i64>(value, 0, 16384)); }

    int distance(int a, int b) { return a > b ? a - b : b - a; }

    StringView font_family(StringView face)
    {
        if (face == "bold"sv)
            return "DejaVu Sans Bold"sv;
        if (face == "mono"sv)
            return "DejaVu Sans Mono"sv;
        return "DejaVu Sans"sv;
    }

} // namespace

DesktopRuntime::DesktopRuntime(VM::VirtualMachine& vm)
    : m_vm(vm)
    , m_heap(vm.heap())
{ }

DesktopRuntime::~DesktopRuntime()
{
    if (m_scanner_added)
        m_heap.remove_root_scanner(*this);
    delete[] m_back_pixels;
}

ErrorOr<DesktopRuntime*> DesktopRuntime::ensure(VM::VirtualMachine& vm)
{
    if (auto* existing = vm.native_context(context_key))
        return static_cast<DesktopRuntime*>(existing);
    auto owned = TRY(adopt_nonnull_own_or_enomem(new (std::nothrow) DesktopRuntime(vm)));
    auto* runtime = owned.ptr();
    TRY(vm.heap().add_root_scanner(*runtime));
    runtime->m_scanner_added = true;
    TRY(vm.set_native_context(context_key, move(owned)));
    return runtime;
}

ErrorOr<Font const*> DesktopRuntime::font(StringView face, int pixel_size)
{
    StringView family = font_family(face);
    // The nearest baked size of the family.
    int best = 0;
    for (auto const& data : embedded_font_data()) {
        if (StringView(data.name) != family)
            continue;
        if (best == 0 || distance(data.pixel_size, pixel_size) < distance(best, pixel_size))
            best = data.pixel_size;
    }
    if (best == 0)
        return Error::with_message(ErrorCode::NotFound, "This font face is not baked into the image."sv);
    for (auto const& loaded : m_fonts) {
        if (loaded.face == family && loaded.pixel_size == best)
            return loaded.font.ptr();
    }
    auto font = TRY(load_embedded_font(family, best));
    auto owned = TRY(try_make<Font>(font));
    Font const* result = owned.ptr();
    TRY(m_fonts.try_append(LoadedFont {family, best, move(owned)}));
    return result;
}

ErrorOr<void> DesktopRuntime::make_screen()
{
    Size size = default_screen_size;
    auto framebuffer = Hal::framebuffer();
    if (framebuffer.has_value())
        size = {int(framebuffer->width), int(framebuffer->height)};
    usize count = usize(size.width) * usize(size.height);
    m_back_pixels = new (std::nothrow) u32[count];
    if (m_back_pixels == nullptr)
        return Error::from_code(ErrorCode::OutOfMemory);
    m_back_buffer = Bitmap(m_back_pixels, size.width, size.height, size.width * 4);
    m_store = TRY(try_make<WindowStore>());
    Font const* title_font = TRY(font("bold"sv, title_font_size));
    m_compositor = TRY(try_make<Compositor>(*m_store, *this, m_back_buffer, *title_font, present, this));
    return {};
}

ErrorOr<void> DesktopRuntime::bind_desktop(Value desktop)
{
    if (m_desktop == desktop)
        return {};
    if (!m_desktop.is_nil())
        return Error::with_message(ErrorCode::AlreadyExists, "Another Desktop already owns the screen."sv);
    if (!has_screen())
        TRY(make_screen());
    m_desktop = desktop;
    auto* object = desktop.as_object();
    m_store->next_z_order = u32(Base::max<i64>(1, integer_slot(desktop, DesktopSlot::next_z_order, 1)));
    m_store->next_focus_order
        = u32(Base::max<i64>(1, integer_slot(desktop, DesktopSlot::next_focus_order, 1)));
    Value windows = object->slots()[DesktopSlot::windows];
    if (VM::is_kind(windows, VM::ObjectKind::Array)) {
        for (u32 i = 0; i < VM::array_length(windows); ++i)
            TRY(restore_window(VM::array_elements(windows)[i]));
    }
    Value focused = object->slots()[DesktopSlot::focused];
    for (auto const& binding : m_bindings) {
        if (binding.window == focused)
            m_store->focused = binding.id;
    }
    m_compositor->rebuild();
    store_records();
    return {};
}

// A record made from a Window object as the last run left it: no allocation, no repaint by
// the owner — the content pixels are the object's own.
ErrorOr<void> DesktopRuntime::restore_window(Value window)
{
    if (!m_vm.is_instance_of(window, m_vm.find_class("Window"sv)))
        return {};
    WindowRecord* record = nullptr;
    for (auto& candidate : m_store->windows) {
        if (!candidate.is_used()) {
            record = &candidate;
            break;
        }
    }
    if (record == nullptr)
        return Error::with_message(ErrorCode::NoSpace, "The desktop has no room for another window."sv);
    auto* object = window.as_object();
    *record = WindowRecord {};
    record->id = m_store->next_id++;
    record->frame = {clamp_coordinate(integer_slot(window, WindowSlot::x)),
        clamp_coordinate(integer_slot(window, WindowSlot::y)),
        clamp_extent(integer_slot(window, WindowSlot::frame_width)),
        clamp_extent(integer_slot(window, WindowSlot::frame_height))};
    record->restore_frame = {clamp_coordinate(integer_slot(window, WindowSlot::restore_x)),
        clamp_coordinate(integer_slot(window, WindowSlot::restore_y)),
        clamp_extent(integer_slot(window, WindowSlot::restore_width)),
        clamp_extent(integer_slot(window, WindowSlot::restore_height))};
    record->state = static_cast<WindowState>(clamp<i64>(integer_slot(window, WindowSlot::state), 0, 2));
    record->state_before_minimize
        = static_cast<WindowState>(clamp<i64>(integer_slot(window, WindowSlot::state_before_minimize), 0, 2));
    record->layer = static_cast<WindowLayer>(clamp<i64>(integer_slot(window, WindowSlot::layer, 1), 0, 2));
    record->z_order = u32(Base::max<i64>(0, integer_slot(window, WindowSlot::z_order)));
    record->focus_order = u32(Base::max<i64>(0, integer_slot(window, WindowSlot::focus_order)));
    Value title = object->slots()[WindowSlot::title];
    if (VM::is_kind(title, VM::ObjectKind::String))
        record->set_title(VM::text_of(title));
    Value pixels = object->slots()[ImageSlot::pixels];
    int width = clamp_extent(integer_slot(window, ImageSlot::width));
    int height = clamp_extent(integer_slot(window, ImageSlot::height));
    if (VM::is_kind(pixels, VM::ObjectKind::Raw)
        && u64(pixels.as_object()->byte_count) == u64(width) * u64(height) * 4) {
        record->pixels = reinterpret_cast<u32*>(pixels.as_object()->bytes());
        record->content_size = {width, height};
    }
    return m_bindings.try_append(Binding {record->id, window});
}

ErrorOr<void> DesktopRuntime::open_window(Value window)
{
    if (m_compositor.ptr() == nullptr)
        return Error::with_message(ErrorCode::InvalidArgument, "The window's desktop has no screen."sv);
    if (record_of(window) != nullptr)
        return {};
    auto* object = window.as_object();
    object->slots()[WindowSlot::z_order] = Value::integer(m_store->next_z_order++);
    TRY(restore_window(window));
    WindowRecord* record = record_of(window);
    if (record == nullptr)
        return Error::with_message(ErrorCode::InvalidArgument, "This is not a window."sv);
    m_compositor->adopt_window(record->id);
    if (record->is_decorated() && record->state != WindowState::Minimized)
        m_compositor->focus(record->id);
    store_records();
    return {};
}

void DesktopRuntime::close_window(Value window)
{
    for (usize i = 0; i < m_bindings.size(); ++i) {
        if (m_bindings[i].window != window)
            continue;
        WindowId id = m_bindings[i].id;
        // The pixels stay with the object (free_pixels keeps them): only the record goes.
        m_compositor->destroy_window(id);
        m_bindings.remove(i);
        store_records();
        return;
    }
}

WindowRecord* DesktopRuntime::record_of(Value window)
{
    for (auto const& binding : m_bindings) {
        if (binding.window == window)
            return m_store->find(binding.id);
    }
    return nullptr;
}

Value DesktopRuntime::window_of(WindowId id) const
{
    for (auto const& binding : m_bindings) {
        if (binding.id == id)
            return binding.window;
    }
    return Value::nil();
}

void DesktopRuntime::content_changed(Value window, Rect rect)
{
    for (auto& binding : m_bindings) {
        if (binding.window != window)
            continue;
        ++binding.draws;
        m_compositor->invalidate_content(binding.id, rect);
        return;
    }
}

u64 DesktopRuntime::draws_since_boot(Value window) const
{
    for (auto const& binding : m_bindings) {
        if (binding.window == window)
            return binding.draws;
    }
    return 0;
}

void DesktopRuntime::store_record(WindowRecord const& record, Value window)
{
    auto* object = window.as_object();
    auto set = [&](u32 slot, i64 value) { object->slots()[slot] = Value::integer(value); };
    set(WindowSlot::x, record.frame.x);
    set(WindowSlot::y, record.frame.y);
    set(WindowSlot::frame_width, record.frame.width);
    set(WindowSlot::frame_height, record.frame.height);
    set(WindowSlot::restore_x, record.restore_frame.x);
    set(WindowSlot::restore_y, record.restore_frame.y);
    set(WindowSlot::restore_width, record.restore_frame.width);
    set(WindowSlot::restore_height, record.restore_frame.height);
    set(WindowSlot::state, i64(record.state));
    set(WindowSlot::state_before_minimize, i64(record.state_before_minimize));
    set(WindowSlot::layer, i64(record.layer));
    set(WindowSlot::z_order, record.z_order);
    set(WindowSlot::focus_order, record.focus_order);
    Value pixels = object->slots()[ImageSlot::pixels];
    bool same = VM::is_kind(pixels, VM::ObjectKind::Raw)
        && reinterpret_cast<u32*>(pixels.as_object()->bytes()) == record.pixels;
    if (!same) {
        // The compositor resized the content: its new buffer is one of the fresh ones.
        Value fresh = Value::nil();
        for (usize i = 0; i < m_fresh_pixels.size(); ++i) {
            if (reinterpret_cast<u32*>(m_fresh_pixels[i].as_object()->bytes()) == record.pixels) {
                fresh = m_fresh_pixels[i];
                m_fresh_pixels.remove(i);
                break;
            }
        }
        m_heap.write(object, ImageSlot::pixels, fresh);
    }
    set(ImageSlot::width, record.content_size.width);
    set(ImageSlot::height, record.content_size.height);
}

void DesktopRuntime::store_records()
{
    if (m_desktop.is_nil() || m_store.ptr() == nullptr)
        return;
    for (auto const& binding : m_bindings) {
        if (WindowRecord const* record = m_store->find(binding.id))
            store_record(*record, binding.window);
    }
    // What no record took is garbage now.
    m_fresh_pixels.clear_with_capacity();
    auto* desktop = m_desktop.as_object();
    m_heap.write(desktop, DesktopSlot::focused, window_of(m_store->focused));
    desktop->slots()[DesktopSlot::next_z_order] = Value::integer(m_store->next_z_order);
    desktop->slots()[DesktopSlot::next_focus_order] = Value::integer(m_store->next_focus_order);
}

ErrorOr<u32*> DesktopRuntime::allocate_pixels(usize count)
{
    if (count > usize(0x3fffffff))
        return Error::with_message(ErrorCode::InvalidArgument, "A window this large does not fit."sv);
    auto* raw = TRY(
        m_heap.allocate(m_vm.builtin_class(VM::BuiltinClass::Raw), VM::ObjectKind::Raw, 0, u32(count * 4)));
    TRY(m_fresh_pixels.try_append(raw->as_value()));
    return reinterpret_cast<u32*>(raw->bytes());
}

void DesktopRuntime::scan_roots(VM::RootVisitor& visitor)
{
    visitor.visit(m_desktop);
    for (auto& binding : m_bindings)
        visitor.visit(binding.window);
    for (auto& pixels : m_fresh_pixels)
        visitor.visit(pixels);
}

void DesktopRuntime::present(void* context, Span<Rect const> rects)
{
    auto& runtime = *static_cast<DesktopRuntime*>(context);
    auto framebuffer = Hal::framebuffer();
    if (!framebuffer.has_value())
        return;
    Rect screen {0, 0, int(framebuffer->width), int(framebuffer->height)};
    Hal::Rect damaged[32];
    usize count = 0;
    auto flush = [&] {
        Hal::present({damaged, count});
        count = 0;
    };
    for (Rect const& rect : rects) {
        Rect area = rect.intersected(screen).intersected(runtime.m_back_buffer.rect());
        if (area.is_empty())
            continue;
        // The back buffer is opaque premultiplied ARGB: the screen wants 0x00RRGGBB.
        for (int y = area.top(); y < area.bottom(); ++y) {
            u32 const* from = runtime.m_back_buffer.scanline(y) + area.x;
            Hal::Pixel* to = &framebuffer->at(u32(area.x), u32(y));
            for (int x = 0; x < area.width; ++x)
                to[x] = from[x] & 0x00ffffff;
        }
        damaged[count++] = Hal::Rect {area.x, area.y, area.width, area.height};
        if (count == sizeof damaged / sizeof damaged[0])
            flush();
    }
    if (count > 0)
        flush();
}

ErrorOr<Value> DesktopRuntime::make_press_event(Hal::InputEvent const& input, Point pointer)
{
    auto event = TRY(m_vm.make_instance(m_vm.find_class("Event"sv)));
    VM::Handle keep(m_heap, event);
    auto type = TRY(m_vm.make_string("press"sv));
    m_heap.write(keep.object(), EventSlot::type, type);
    auto button = TRY(m_vm.make_string(Hal::pointer_button_name(input.button)));
    m_heap.write(keep.object(), EventSlot::button, button);
    keep.object()->slots()[EventSlot::x] = Value::integer(pointer.x);
    keep.object()->slots()[EventSlot::y] = Value::integer(pointer.y);
    keep.object()->slots()[EventSlot::modifiers] = Value::integer(input.modifiers);
    return keep.value();
}

ErrorOr<Value> DesktopRuntime::make_event(WindowEvent const& source)
{
    StringView type;
    bool pressed = source.input.key_state == Hal::KeyState::Pressed;
    switch (source.type) {
    case WindowEventType::CloseRequested:
        type = "close"sv;
        break;
    case WindowEventType::Key:
        type = pressed ? "key"sv : "keyup"sv;
        break;
    case WindowEventType::PointerMove:
        type = "move"sv;
        break;
    case WindowEventType::PointerButton:
        type = pressed ? "down"sv : "up"sv;
        break;
    case WindowEventType::Wheel:
        type = "wheel"sv;
        break;
    case WindowEventType::FocusIn:
        type = "focus"sv;
        break;
    case WindowEventType::FocusOut:
        type = "blur"sv;
        break;
    case WindowEventType::Resized:
        type = "resize"sv;
        break;
    }
    auto event = TRY(m_vm.make_instance(m_vm.find_class("Event"sv)));
    VM::Handle keep(m_heap, event);
    auto* object = keep.object();
    auto text = TRY(m_vm.make_string(type));
    m_heap.write(keep.object(), EventSlot::type, text);
    m_heap.write(keep.object(), EventSlot::window, window_of(source.window));
    object = keep.object();
    object->slots()[EventSlot::x] = Value::integer(source.position.x);
    object->slots()[EventSlot::y] = Value::integer(source.position.y);
    object->slots()[EventSlot::width] = Value::integer(source.size.width);
    object->slots()[EventSlot::height] = Value::integer(source.size.height);
    object->slots()[EventSlot::modifiers] = Value::integer(source.input.modifiers);
    if (source.type == WindowEventType::Key) {
        auto key = TRY(m_vm.make_string(Hal::key_name(source.input.key)));
        m_heap.write(keep.object(), EventSlot::key, key);
        char character[4] {};
        usize length = 0;
        u32 code = pressed ? source.input.character : 0;
        // Ports type ASCII today; a wider character is written as UTF-8 all the same.
        if (code != 0 && code < 0x80) {
            character[length++] = char(code);
        } else if (code >= 0x80 && code < 0x800) {
            character[length++] = char(0xc0 | (code >> 6));
            character[length++] = char(0x80 | (code & 0x3f));
        } else if (code >= 0x800 && code < 0x10000) {
            character[length++] = char(0xe0 | (code >> 12));
            character[length++] = char(0x80 | ((code >> 6) & 0x3f));
            character[length++] = char(0x80 | (code & 0x3f));
        }
        auto typed = TRY(m_vm.make_string(StringView(character, length)));
        m_heap.write(keep.object(), EventSlot::text, typed);
    }
    if (source.type == WindowEventType::PointerButton) {
        auto button = TRY(m_vm.make_string(Hal::pointer_button_name(source.input.button)));
        m_heap.write(keep.object(), EventSlot::button, button);
    }
    if (source.type == WindowEventType::Wheel) {
        keep.object()->slots()[EventSlot::wheel_x] = Value::integer(source.input.x);
        keep.object()->slots()[EventSlot::wheel_y] = Value::integer(source.input.y);
    }
    return keep.value();
}

ErrorOr<Value> DesktopRuntime::pump()
{
    if (m_compositor.ptr() == nullptr)
        return Error::with_message(ErrorCode::InvalidArgument, "No desktop is bound to the screen."sv);
    VM::Handle events(m_heap, TRY(m_vm.make_array(8)));
    while (auto input = Hal::next_input_event()) {
        if (input->type == Hal::InputEventType::Button && input->key_state == Hal::KeyState::Pressed) {
            Point pointer = m_compositor->pointer();
            auto press = TRY(make_press_event(*input, pointer));
            TRY(VM::array_push(m_vm, events.value(), press));
        }
        m_compositor->handle_input(*input);
        // Take events as they come so a burst of input never overflows the compositor's queue.
        while (auto event = m_compositor->next_event()) {
            auto made = TRY(make_event(*event));
            TRY(VM::array_push(m_vm, events.value(), made));
        }
    }
    while (auto event = m_compositor->next_event()) {
        auto made = TRY(make_event(*event));
        TRY(VM::array_push(m_vm, events.value(), made));
    }
    store_records();
    m_compositor->compose();
    return events.value();
}

} // namespace Windowing
