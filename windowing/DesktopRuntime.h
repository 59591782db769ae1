/*
 * windowing/DesktopRuntime.h: DesktopRuntime, the native (never persistent) half of the
 * window system inside a VM: the fonts, the screen's back buffer and the Compositor, made
 * from the heap's Window objects (DesktopObjects.h) the first time a native needs them after
 * a boot. The natives of DesktopNatives.cpp find it through VirtualMachine::native_context.
 *
 *     auto* runtime = TRY(DesktopRuntime::ensure(vm));
 *     TRY(runtime->bind_desktop(desktop));           // rebuilds the compositor from the objects
 *     Value events = TRY(runtime->pump());           // input in, events out, damage presented
 *
 * The compositor works on a WindowStore of its own whose records point at the content
 * pixels inside the heap (the heap never moves objects); after every change the records are
 * written back to the Window objects, so the heap always holds the whole window state. The
 * open windows are roots of the heap while the runtime exists (a record points into them).
 */
#pragma once

#include <base/OwnPtr.h>
#include <base/Vector.h>
#include <vm/Heap.h>
#include <vm/VirtualMachine.h>
#include <windowing/Compositor.h>
#include <windowing/Font.h>

namespace Windowing {

class DesktopRuntime final : public VM::NativeContext, public VM::RootScanner, public PixelAllocator {
public:
    static constexpr StringView context_key = "windowing.desktop"sv;

    // This VM's runtime, made on first use.
    static ErrorOr<DesktopRuntime*> ensure(VM::VirtualMachine&);
    ~DesktopRuntime() override;

    // A baked font: face "sans", "bold" or "mono" at the nearest baked size.
    ErrorOr<Font const*> font(StringView face, int pixel_size);

    // The Desktop object this VM shows (nil until bound). Binding makes the compositor and
    // rebuilds its records from the desktop's windows; a second, different desktop is an error.
    [[nodiscard]] VM::Value desktop() const { return m_desktop; }
    ErrorOr<void> bind_desktop(VM::Value desktop);
    [[nodiscard]] bool has_screen() const { return m_compositor.ptr() != nullptr; }
    [[nodiscard]] Size screen_size() const { return m_back_buffer.size(); }

    // Window objects on the compositor.
    ErrorOr<void> open_window(VM::Value window);
    void close_window(VM::Value window);
    // The record of an open window (nullptr when it is not open on this desktop).
    WindowRecord* record_of(VM::Value window);
    // Content pixels changed (content coordinates).
    void content_changed(VM::Value window, Rect rect);
    // How many times the program drew into this open window since this runtime was made
    // (since the boot): a resumed desktop shows its windows without drawing them again.
    [[nodiscard]] u64 draws_since_boot(VM::Value window) const;
    [[nodiscard]] Compositor* compositor() { return m_compositor.ptr(); }
    // Writes every record back to its Window object (and the focus to the Desktop).
    void store_records();

    // Hal input in, compositor events out as an Array of Event objects, damage composed and
    // presented.
    ErrorOr<VM::Value> pump();
    // The composed screen (premultiplied ARGB32, opaque).
    [[nodiscard]] Bitmap const& back_buffer() const { return m_back_buffer; }

    // PixelAllocator: content buffers are Raw objects of the heap.
    ErrorOr<u32*> allocate_pixels(usize count) override;
    void free_pixels(u32*, usize) override { }

    // RootScanner
    void scan_roots(VM::RootVisitor&) override;

private:
    explicit DesktopRuntime(VM::VirtualMachine&);

    struct Binding {
        WindowId id {0};
        VM::Value window;
        u64 draws {0};
    };
    struct LoadedFont {
        StringView face;
        int pixel_size {0};
        OwnPtr<Font> font;
    };

    ErrorOr<void> make_screen();
    ErrorOr<void> restore_window(VM::Value window);
    void store_record(WindowRecord const&, VM::Value window);
    VM::Value window_of(WindowId) const;
    ErrorOr<VM::Value> make_event(WindowEvent const&);
    ErrorOr<VM::Value> make_press_event(Hal::InputEvent const&, Point pointer);
    static void present(void* context, Span<Rect const> rects);

    VM::VirtualMachine& m_vm;
    VM::Heap& m_heap;
    VM::Value m_desktop;
    Vector<LoadedFont> m_fonts;
    Vector<Binding> m_bindings;
    // Content buffers made by the compositor (a resize) that no Window object holds yet.
    Vector<VM::Value> m_fresh_pixels;
    OwnPtr<WindowStore> m_store;
    u32* m_back_pixels {nullptr};
    Bitmap m_back_buffer;
    OwnPtr<Compositor> m_compositor;
    bool m_scanner_added {false};
};

} // namespace Windowing
