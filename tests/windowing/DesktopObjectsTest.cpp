/*
 * tests/windowing/DesktopObjectsTest.cpp: windows as VM objects (windowing/DesktopObjects.h)
 * on a VM and heap in the test process, with the hosted HAL's memory screen and input queue:
 * the painting natives, a window opened on a Desktop and composed to the screen, input routed
 * to Event objects, window management written back into the objects, and a restart: a new VM
 * attached to the same heap image shows the same screen without the program drawing again.
 */
#include <QImage>
#include <QtTest>

#include <kernel/hal/Screen.h>
#include <kernel/hosted/HostedScreen.h>
#include <vm/HalClockHost.h>
#include <vm/Heap.h>
#include <vm/Restart.h>
#include <vm/VirtualMachine.h>
#include <vm/lang/Compiler.h>
#include <windowing/DesktopObjects.h>
#include <windowing/WindowRecord.h>

#include <cstring>
#include <sys/mman.h>
#include <vector>

namespace {

class TestHost final : public VM::HalClockHost {
public:
    void write_output(StringView text) override
    {
        output += QString::fromUtf8(text.characters_without_null_termination(), qsizetype(text.length()));
    }
    void write_error(StringView text) override
    {
        errors += QString::fromUtf8(text.characters_without_null_termination(), qsizetype(text.length()));
    }
    QString output;
    QString errors;
};

QString display(VM::Value value)
{
    if (value.is_integer())
        return QString::number(value.as_integer());
    if (VM::is_kind(value, VM::ObjectKind::String))
        return QString::fromUtf8(
            VM::text_of(value).characters_without_null_termination(), qsizetype(VM::text_of(value).length()));
    return value.is_nil() ? QString("nil") : QString("<object>");
}

// The compiler learns the window system's class names as a world's program does.
class DesktopClassNames final : public Lang::NameEnvironment {
public:
    bool has_class(StringView name) const override
    {
        for (auto const& native_class : Windowing::desktop_native_classes()) {
            if (native_class.name == name)
                return true;
        }
        return false;
    }
    bool has_global(StringView) const override { return false; }
};

constexpr char const* program_source = R"(
var desktop = nil
var note = nil

fun setup() {
    desktop = Desktop()
    note = Window("Notes", 100, 80, 200, 120)
    desktop.open(note)
    note.fillRect(0, 0, 200, 120, 0x336699)
    note.drawText(10, 10, "Hello", 0xffffff)
    note.fillRoundedRect(20, 60, 40, 30, 6, 0xff8800)
    note.drawLine(0, 119, 199, 119, 0x00ff00)
    desktop.pump()
    return desktop.windows().length()
}

fun painting() {
    let image = Image(4, 3)
    image.clear(0xff0000)
    image.fillRect(1, 1, 2, 1, 0x80000000)
    var result = "${image.width()}x${image.height()} ${image.pixel(0, 0)} ${image.pixel(1, 1)} ${image.pixel(9, 9)}"
    image.setClip(0, 0, 1, 1)
    image.clear(0x0000ff)
    result = result + " ${image.pixel(0, 0)} ${image.pixel(1, 0)}"
    try {
        image.fillRect("x", 0, 1, 1, 0)
    } catch (e: ArgumentError) {
        result = result + " caught"
    }
    return result + " " + (Image.textWidth("Hello") > 20).toString() + " " + (Image.textWidth("Hello", "sans", 20) > Image.textWidth("Hello")).toString()
}

fun pumpEvents() {
    var out = []
    for (e in desktop.pump()) {
        var line = e.type
        if (e.type == "key") line = line + ":" + e.key + ":" + e.text
        if (e.type == "down" || e.type == "up") line = line + ":" + e.button + "@" + e.x.toString() + "," + e.y.toString()
        if (e.window != nil) line = line + ":" + e.window.title()
        out.push(line)
    }
    return out.join(" ")
}

fun noteWindow() => note

// Every bad argument is an exception the program can catch, never a crash.
fun badArguments() {
    var caught = 0
    let attempts = [
        fun() => Window("t", 0, 0, -5, 5),
        fun() => Window(42, 0, 0, 5, 5),
        fun() => Window("t", 0, 0, 5, 5, "sideways"),
        fun() => Image(100000, 1),
        fun() => Image(2, 2).drawText(0, 0, "x", 0, "sans", 500),
        fun() => Image(2, 2).drawLine(0, 0, 1, 1, "red"),
        fun() => Image(2, 2).blit(0, 0, 7),
        fun() => Image(2, 2).setClip(0, 0, -1, 1),
        fun() => desktop.open(42),
        fun() => desktop.close("window"),
        fun() => desktop.setClipboard(3),
        fun() => Window("t", 0, 0, 5, 5).maximize(),
    ]
    for (attempt in attempts) {
        try {
            attempt()
        } catch (e: Error) {
            caught += 1
        }
    }
    return caught
}

fun geometry() => "${note.x()},${note.y()} ${note.width()}x${note.height()} ${note.state()} ${note.isFocused()}"

fun maximizeAndBack() {
    note.maximize()
    let maximized = "${note.x()},${note.y()} ${note.state()} ${note.width()}"
    note.restore()
    return maximized + " / " + geometry()
}

fun closeNote() {
    desktop.close(note)
    desktop.pump()
    return desktop.windows().length()
}

fun reopen() {
    desktop.open(note)
    desktop.pump()
    return note.pixel(5, 5)
}
)";

} // namespace

class DesktopObjectsTest : public QObject {
    Q_OBJECT

private:
    static constexpr size_t heap_size = 64 * 1024 * 1024;
    void* m_base {nullptr};
    TestHost m_host;
    OwnPtr<VM::Heap> m_heap;
    OwnPtr<VM::VirtualMachine> m_vm;

    QString call(char const* function)
    {
        auto result = m_vm->call_static("desk"sv, StringView(function, std::strlen(function)));
        if (result.is_error())
            return QString("error: ") + m_host.errors;
        return display(result.value());
    }

    static Hal::Framebuffer screen() { return Hal::framebuffer().value(); }

    // PHANTOM_TEST_SCREENSHOTS=folder keeps the screens the tests look at, as PNGs.
    static void keep_screen(char const* name)
    {
        QByteArray folder = qgetenv("PHANTOM_TEST_SCREENSHOTS");
        if (folder.isEmpty())
            return;
        auto framebuffer = screen();
        QImage image(reinterpret_cast<uchar const*>(framebuffer.pixels), int(framebuffer.width),
            int(framebuffer.height), qsizetype(framebuffer.stride) * 4, QImage::Format_RGB32);
        if (!image.save(QString::fromUtf8(folder) + "/" + name + ".png"))
            qWarning("cannot save %s", name);
    }

    static std::vector<u32> screen_copy()
    {
        auto framebuffer = screen();
        std::vector<u32> pixels;
        for (u32 y = 0; y < framebuffer.height; ++y)
            for (u32 x = 0; x < framebuffer.width; ++x)
                pixels.push_back(framebuffer.at(x, y));
        return pixels;
    }

    static void feed_pointer(int x, int y)
    {
        Hal::InputEvent event;
        event.type = Hal::InputEventType::PointerAbsolute;
        event.x = x;
        event.y = y;
        Hosted::feed_input_event(event);
    }
    static void feed_button(Hal::KeyState state)
    {
        Hal::InputEvent event;
        event.type = Hal::InputEventType::Button;
        event.button = Hal::PointerButton::Left;
        event.key_state = state;
        Hosted::feed_input_event(event);
    }

    VM::Value window_object() { return MUST(m_vm->call_static("desk"sv, "noteWindow"sv)); }

private Q_SLOTS:
    void initTestCase()
    {
        m_base = mmap(nullptr, heap_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        QVERIFY(m_base != MAP_FAILED);
        QVERIFY(Hal::framebuffer().has_value());
        Hosted::reset_input();
        m_heap = MUST(VM::Heap::create(m_base, heap_size));
        m_vm = MUST(VM::VirtualMachine::create(*m_heap, m_host));
        for (auto const& native_class : Windowing::desktop_native_classes())
            MUST(m_vm->register_native_class(native_class));
        Lang::SourceFile file {"desk.ph"sv, StringView(program_source, std::strlen(program_source))};
        Lang::Diagnostics diagnostics;
        DesktopClassNames names;
        Lang::CompileOptions options;
        options.environment = &names;
        auto program = Lang::compile(Span<Lang::SourceFile const>(&file, 1), diagnostics, options);
        if (program.is_error()) {
            auto rendered = MUST(diagnostics.render());
            QFAIL(rendered.characters());
        }
        String message;
        QVERIFY2(!m_vm->load(program.value(), &message).is_error(), message.characters());
        QCOMPARE(MUST(m_vm->run_main()), 0);
    }

    void cleanupTestCase()
    {
        m_vm = nullptr;
        m_heap = nullptr;
        munmap(m_base, heap_size);
    }

    void paints_images()
    {
        QCOMPARE(call("painting"),
            QString("4x3 4294901760 4286513152 nil 4278190335 4294901760 caught true true"));
    }

    void opens_and_composes_a_window()
    {
        QCOMPARE(call("setup"), QString("1"));
        keep_screen("desktop-objects-window");
        // The frame is at (100, 80): the content starts below the border and the title bar.
        int content_x = 100 + Windowing::FrameMetrics::border;
        int content_y = 80 + Windowing::FrameMetrics::border + Windowing::FrameMetrics::title_height;
        auto framebuffer = screen();
        QCOMPARE(framebuffer.at(u32(content_x + 150), u32(content_y + 30)), 0x336699u);
        QCOMPARE(framebuffer.at(u32(content_x + 40), u32(content_y + 75)), 0xff8800u);
        QCOMPARE(framebuffer.at(u32(content_x + 100), u32(content_y + 119)), 0x00ff00u);
        // "Hello" is anti-aliased white on the blue: many pixels much lighter than 0x33 red.
        int light = 0;
        for (int y = 10; y < 26; ++y)
            for (int x = 10; x < 50; ++x)
                light += (framebuffer.at(u32(content_x + x), u32(content_y + y)) >> 16) > 0xb0;
        QVERIFY2(light > 20, qPrintable(QString::number(light)));
        // The objects hold the state.
        VM::Value note = window_object();
        QCOMPARE(note.as_object()->slots()[Windowing::WindowSlot::x].as_integer(), 100);
        QCOMPARE(note.as_object()->slots()[Windowing::ImageSlot::width].as_integer(), 200);
        QCOMPARE(call("geometry"), QString("100,80 200x120 normal true"));
    }

    void routes_input_to_events()
    {
        int content_x = 100 + Windowing::FrameMetrics::border;
        int content_y = 80 + Windowing::FrameMetrics::border + Windowing::FrameMetrics::title_height;
        feed_pointer(content_x + 7, content_y + 9);
        feed_button(Hal::KeyState::Pressed);
        feed_button(Hal::KeyState::Released);
        Hosted::feed_key(Hal::KeyCode::LeftShift, Hal::KeyState::Pressed);
        Hosted::feed_key(Hal::KeyCode::Q, Hal::KeyState::Pressed);
        Hosted::feed_key(Hal::KeyCode::Q, Hal::KeyState::Released);
        Hosted::feed_key(Hal::KeyCode::LeftShift, Hal::KeyState::Released);
        QString events = call("pumpEvents");
        QVERIFY2(events.contains("move:Notes"), qPrintable(events));
        QVERIFY2(events.contains("down:left@7,9:Notes"), qPrintable(events));
        QVERIFY2(events.contains("up:left@7,9:Notes"), qPrintable(events));
        QVERIFY2(events.contains("key:q:Q:Notes"), qPrintable(events));
        QVERIFY2(events.contains("press"), qPrintable(events));
    }

    void bad_arguments_are_exceptions() { QCOMPARE(call("badArguments"), QString("12")); }

    void dragging_the_title_bar_moves_the_object()
    {
        feed_pointer(150, 90);
        feed_button(Hal::KeyState::Pressed);
        feed_pointer(250, 140);
        feed_button(Hal::KeyState::Released);
        (void)call("pumpEvents");
        QCOMPARE(call("geometry"), QString("200,130 200x120 normal true"));
        QCOMPARE(window_object().as_object()->slots()[Windowing::WindowSlot::x].as_integer(), 200);
    }

    void maximize_resizes_the_pixels_and_restore_brings_them_back()
    {
        QString result = call("maximizeAndBack");
        auto framebuffer = screen();
        QCOMPARE(result,
            QString("0,0 maximized %1 / 200,130 200x120 normal true")
                .arg(framebuffer.width - 2 * Windowing::FrameMetrics::border));
    }

    void a_new_vm_on_the_same_heap_shows_the_same_screen()
    {
        // The pointer where a fresh compositor puts it, so both frames have it in one place.
        auto framebuffer = screen();
        feed_pointer(int(framebuffer.width / 2), int(framebuffer.height / 2));
        (void)call("pumpEvents");
        auto before = screen_copy();
        int content_x = 200 + Windowing::FrameMetrics::border;
        int content_y = 130 + Windowing::FrameMetrics::border + Windowing::FrameMetrics::title_height;
        QCOMPARE(framebuffer.at(u32(content_x + 150), u32(content_y + 30)), 0x336699u);

        // Power cut: the VM and its runtime go; the heap image stays.
        m_vm = nullptr;
        m_heap = nullptr;
        for (u32 y = 0; y < framebuffer.height; ++y)
            for (u32 x = 0; x < framebuffer.width; ++x)
                framebuffer.at(x, y) = 0;
        VM::RestartOptions options;
        options.extra_classes = Windowing::desktop_native_classes();
        auto restarted = MUST(VM::restart(m_base, heap_size, m_host, options));
        m_heap = move(restarted.heap);
        m_vm = move(restarted.vm);

        // Pumping rebuilds the compositor from the objects; nothing is drawn by the program.
        QCOMPARE(call("pumpEvents"), QString());
        auto after = screen_copy();
        int different = 0;
        for (size_t i = 0; i < before.size(); ++i)
            different += before[i] != after[i];
        QCOMPARE(different, 0);
        QCOMPARE(call("geometry"), QString("200,130 200x120 normal true"));
    }

    void close_and_reopen_keep_the_content()
    {
        QCOMPARE(call("closeNote"), QString("0"));
        int content_x = 200 + Windowing::FrameMetrics::border;
        int content_y = 130 + Windowing::FrameMetrics::border + Windowing::FrameMetrics::title_height;
        QVERIFY(screen().at(u32(content_x + 150), u32(content_y + 30)) != 0x336699u);
        QCOMPARE(call("reopen"), QString::number(0xff336699u));
        QCOMPARE(screen().at(u32(content_x + 150), u32(content_y + 30)), 0x336699u);
    }
};

QTEST_GUILESS_MAIN(DesktopObjectsTest)
#include "DesktopObjectsTest.moc"
