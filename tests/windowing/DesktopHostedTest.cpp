/*
 * tests/windowing/DesktopHostedTest.cpp: the desktop shell (shell/desktop/desktop.ph) as a
 * world on the hosted port, driven like a person would: pointer and keys into the HAL input
 * queue, the screen read from the HAL framebuffer, the desktop's console for object checks.
 *
 * A forked child runs the world on a disk file: it opens Notepad from the launcher menu, types
 * a line, drags the window, computes 12*12 in the calculator, commits a snapshot, saves its
 * screen and is killed with SIGKILL (a power cut). The test process then resumes the same
 * world in-process: the windows are back at the same places with the same text, and the screen
 * equals the one before the cut without any application drawing again (the task bar, whose
 * clock and snapshot age move on, is left out of the comparison).
 *
 * PHANTOM_TEST_SCREENSHOTS=folder keeps the screens as PNGs.
 */
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include <kernel/hal/Input.h>
#include <kernel/hal/Power.h>
#include <kernel/hal/Screen.h>
#include <kernel/hosted/HostedDevices.h>
#include <kernel/hosted/HostedScreen.h>
#include <tools/phc/SourceFiles.h>
#include <vm/world/World.h>
#include <windowing/DesktopObjects.h>
#include <windowing/WindowRecord.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <mutex>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;

constexpr int taskbar_height = 36;

// The world's console: output collected, input lines queued by the test.
class TestConsole final : public VM::World::Console {
public:
    void write_output(StringView text) override
    {
        std::lock_guard lock(m_mutex);
        m_output.append(text.characters_without_null_termination(), text.length());
        m_changed.notify_all();
    }
    void write_error(StringView text) override { write_output(text); }
    usize read_input(Bytes buffer) override
    {
        std::lock_guard lock(m_mutex);
        usize count = 0;
        while (count < buffer.size() && !m_input.empty()) {
            buffer[count++] = static_cast<u8>(m_input.front());
            m_input.pop_front();
        }
        return count;
    }
    bool wait_for_input(u64 deadline_ns) override
    {
        std::unique_lock lock(m_mutex);
        auto ready = [this] { return !m_input.empty(); };
        if (deadline_ns == Hal::no_deadline) {
            m_changed.wait(lock, ready);
            return true;
        }
        u64 now = Hal::monotonic_nanoseconds();
        auto wait = std::chrono::nanoseconds(deadline_ns > now ? deadline_ns - now : 0);
        return m_changed.wait_for(lock, wait, ready);
    }

    void type_line(std::string const& line)
    {
        std::lock_guard lock(m_mutex);
        for (char c : line)
            m_input.push_back(c);
        m_input.push_back('\n');
        m_changed.notify_all();
    }
    // Waits (generously) until the output holds `text` after `from`; returns where it ends.
    size_t wait_for(std::string const& text, size_t from = 0)
    {
        std::unique_lock lock(m_mutex);
        size_t at = std::string::npos;
        m_changed.wait_for(lock, 60s, [&] {
            at = m_output.find(text, from);
            return at != std::string::npos;
        });
        return at == std::string::npos ? std::string::npos : at + text.size();
    }
    std::string output()
    {
        std::lock_guard lock(m_mutex);
        return m_output;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::string m_output;
    std::deque<char> m_input;
};

class DesktopProgram final : public VM::World::ProgramSource {
public:
    ErrorOr<VM::ProgramImage> program() override
    {
        std::string path = PHANTOM_DESKTOP_PROGRAM;
        std::string text;
        if (!PhantomTools::read_file(path, text))
            return Error::with_message(ErrorCode::NotFound, "cannot read the desktop program"sv);
        Lang::SourceFile file {StringView(path.data(), path.size()), StringView(text.data(), text.size())};
        Lang::Diagnostics diagnostics;
        PhantomTools::HostImportLoader loader(PhantomTools::standard_library_folder());
        VM::World::WorldClassNames names(Windowing::desktop_native_classes());
        Lang::CompileOptions options;
        options.import_loader = &loader;
        options.environment = &names;
        auto compiled = Lang::compile(Span<Lang::SourceFile const>(&file, 1), diagnostics, options);
        if (compiled.is_error()) {
            if (auto rendered = diagnostics.render(); !rendered.is_error())
                qWarning("%s", rendered.value().characters());
        }
        return compiled;
    }
};

// The console of the world the input goes to (this process runs one world at a time).
TestConsole* s_console = nullptr;

// A world on its own thread; stop() is the orderly shutdown.
class RunningWorld {
public:
    RunningWorld()
    {
        s_console = &console;
        m_thread = std::thread([this] {
            auto device = Hal::system_block_device();
            if (device.is_error()) {
                m_failed = true;
                return;
            }
            VM::World::WorldOptions options;
            options.native_classes = Windowing::desktop_native_classes();
            options.snapshot_interval_ns = 500 * Hal::nanoseconds_per_millisecond;
            auto result = VM::World::run_world(*device.value(), console, m_program, options);
            m_failed = result.is_error();
        });
    }
    ~RunningWorld() { stop(); }
    void stop()
    {
        Hal::request_shutdown();
        if (m_thread.joinable())
            m_thread.join();
    }
    bool failed() const { return m_failed; }

    TestConsole console;

private:
    DesktopProgram m_program;
    std::thread m_thread;
    std::atomic<bool> m_failed {false};
};

Hal::Framebuffer screen() { return Hal::framebuffer().value(); }

QImage screen_image()
{
    auto framebuffer = screen();
    QImage view(reinterpret_cast<uchar const*>(framebuffer.pixels), int(framebuffer.width),
        int(framebuffer.height), qsizetype(framebuffer.stride) * 4, QImage::Format_RGB32);
    return view.copy();
}

void keep(QImage const& image, char const* name)
{
    QByteArray folder = qgetenv("PHANTOM_TEST_SCREENSHOTS");
    if (!folder.isEmpty())
        image.save(QString::fromUtf8(folder) + "/" + name + ".png");
}

// The screen above the task bar.
QImage above_taskbar(QImage const& image)
{
    return image.copy(0, 0, image.width(), image.height() - taskbar_height);
}

// The desktop's loop frame counter, asked on the console.
long frames()
{
    size_t from = s_console->output().size();
    s_console->type_line("frames");
    size_t end = s_console->wait_for("desktop: frames ", from);
    if (end == std::string::npos)
        return -1;
    return std::atol(s_console->output().c_str() + end);
}

// Waits until the desktop has taken everything fed so far: a loop step that began after the
// input was queued drains the queue, and two completed steps include one such.
void settle()
{
    long start = frames();
    for (int attempt = 0; attempt < 6000 && start >= 0; ++attempt) {
        long now = frames();
        if (now < 0 || now >= start + 2)
            break;
        std::this_thread::sleep_for(10ms);
    }
}

void pointer_to(int x, int y)
{
    Hal::InputEvent event;
    event.type = Hal::InputEventType::PointerAbsolute;
    event.x = x;
    event.y = y;
    Hosted::feed_input_event(event);
}

void button(Hal::KeyState state)
{
    Hal::InputEvent event;
    event.type = Hal::InputEventType::Button;
    event.button = Hal::PointerButton::Left;
    event.key_state = state;
    Hosted::feed_input_event(event);
}

void click(int x, int y)
{
    pointer_to(x, y);
    button(Hal::KeyState::Pressed);
    button(Hal::KeyState::Released);
    settle();
}

void key(Hal::KeyCode code, bool shift = false)
{
    if (shift)
        Hosted::feed_key(Hal::KeyCode::LeftShift, Hal::KeyState::Pressed);
    Hosted::feed_key(code, Hal::KeyState::Pressed);
    Hosted::feed_key(code, Hal::KeyState::Released);
    if (shift)
        Hosted::feed_key(Hal::KeyCode::LeftShift, Hal::KeyState::Released);
}

void type(char const* text)
{
    for (char const* c = text; *c; ++c) {
        char ch = *c;
        if (ch >= 'a' && ch <= 'z')
            key(Hal::KeyCode(int(Hal::KeyCode::A) + (ch - 'a')));
        else if (ch >= 'A' && ch <= 'Z')
            key(Hal::KeyCode(int(Hal::KeyCode::A) + (ch - 'A')), true);
        else if (ch >= '1' && ch <= '9')
            key(Hal::KeyCode(int(Hal::KeyCode::Digit1) + (ch - '1')));
        else if (ch == '0')
            key(Hal::KeyCode::Digit0);
        else if (ch == ' ')
            key(Hal::KeyCode::Space);
        else if (ch == '*')
            key(Hal::KeyCode::Digit8, true);
        else if (ch == '=')
            key(Hal::KeyCode::Equal);
        else if (ch == '.')
            key(Hal::KeyCode::Period);
        else if (ch == ',')
            key(Hal::KeyCode::Comma);
        else if (ch == '\n')
            key(Hal::KeyCode::Enter);
    }
    settle();
}

// Where the launcher menu puts its item `index` (shell/desktop/shell.ph: nine entries, 30 pixels each).
QPoint menu_item(int index)
{
    int entries = 9;
    int height = entries * 30 + 24;
    int top = int(screen().height) - taskbar_height - height - 2;
    return {60, top + 12 + index * 30 + 15};
}

void launch(int index)
{
    click(20, int(screen().height) - taskbar_height / 2);
    QPoint item = menu_item(index);
    click(item.x(), item.y());
}

// The child's part: use the desktop, commit, save the screen, wait to be killed.
[[noreturn]] void run_first_boot(QString const& screen_path, int ready_pipe)
{
    RunningWorld world;
    auto report = [&](char const* what) {
        (void)!::write(ready_pipe, what, strlen(what));
        (void)!::write(ready_pipe, "\n", 1);
    };
    if (world.console.wait_for("desktop: ready") == std::string::npos) {
        report("no desktop");
        _exit(1);
    }
    settle();
    keep(screen_image(), "desktop-1-empty");
    // The launcher menu, then Notepad.
    click(20, int(screen().height) - taskbar_height / 2);
    keep(screen_image(), "desktop-2-menu");
    QPoint notepad = menu_item(0);
    click(notepad.x(), notepad.y());
    key(Hal::KeyCode::End, false);
    Hosted::feed_key(Hal::KeyCode::LeftControl, Hal::KeyState::Pressed);
    key(Hal::KeyCode::End);
    Hosted::feed_key(Hal::KeyCode::LeftControl, Hal::KeyState::Released);
    type("Typed before the power cut, 42.\n");
    // Drag Notepad by its title bar.
    size_t from = world.console.output().size();
    world.console.type_line("windows");
    size_t end = world.console.wait_for("desktop: end", from);
    std::string listing
        = world.console.output().substr(from, end == std::string::npos ? std::string::npos : end - from);
    int x = 0;
    int y = 0;
    auto at = listing.find("desktop: window Notepad at ");
    if (at != std::string::npos)
        sscanf(listing.c_str() + at, "desktop: window Notepad at %d,%d", &x, &y);
    pointer_to(x + 60, y + 12);
    button(Hal::KeyState::Pressed);
    pointer_to(x + 100, y + 52);
    pointer_to(x + 160, y + 92);
    button(Hal::KeyState::Released);
    settle();
    // The calculator: 12*12= by keys.
    launch(1);
    type("12*12=");
    keep(screen_image(), "desktop-3-apps");
    // The pointer where a fresh compositor puts it, then a committed snapshot.
    pointer_to(int(screen().width / 2), int(screen().height / 2));
    settle();
    from = world.console.output().size();
    world.console.type_line("windows");
    world.console.wait_for("desktop: end", from);
    world.console.type_line("snapshot");
    if (world.console.wait_for("desktop: snapshot committed", from) == std::string::npos) {
        report("no snapshot");
        _exit(1);
    }
    settle();
    QImage before = screen_image();
    before.save(screen_path);
    keep(before, "desktop-4-before-cut");
    report(world.console.output().c_str());
    report("saved");
    for (;;)
        pause();
}

// Drags the pointer from one point to another in steps, the left button held.
void drag(QPoint from, QPoint to)
{
    pointer_to(from.x(), from.y());
    button(Hal::KeyState::Pressed);
    for (int step = 1; step <= 8; ++step)
        pointer_to(from.x() + (to.x() - from.x()) * step / 8, from.y() + (to.y() - from.y()) * step / 8);
    button(Hal::KeyState::Released);
}

// The child's part of the showcase: every application open, a drawing in Paint.
[[noreturn]] void run_showcase(QString const& disk, QString const& screen_path, int report_pipe)
{
    QByteArray setting = ("disk=" + disk).toUtf8();
    (void)Hosted::configure_device_argument(StringView(setting.constData(), size_t(setting.size())));
    RunningWorld world;
    auto report = [&](char const* what) {
        (void)!::write(report_pipe, what, strlen(what));
        (void)!::write(report_pipe, "\n", 1);
    };
    if (world.console.wait_for("desktop: ready") == std::string::npos) {
        report("no desktop");
        _exit(1);
    }
    char const* order[] = {"Object browser", "Threads", "Snake", "Paint", "Clock", "Calculator", "Notepad"};
    for (char const* name : order) {
        size_t from = world.console.output().size();
        world.console.type_line(std::string("open ") + name);
        world.console.wait_for("desktop: opened", from);
        settle();
    }
    // A drawing in Paint (its canvas starts 8 + 30 + 6 pixels into the content).
    int left = 40 + 1 + 8;
    int top = 372 + 29 + 8 + 36;
    drag({left + 40, top + 160}, {left + 120, top + 40});
    drag({left + 120, top + 40}, {left + 200, top + 160});
    drag({left + 70, top + 110}, {left + 170, top + 110});
    click(200, 250); // into Notepad's text
    type("Phantom keeps every window as an object.\n");
    // Notepad (frame 462x330 at 40,40) made larger by its bottom-right corner.
    drag({40 + 462 + 1, 40 + 330 + 1}, {40 + 462 + 41, 40 + 330 + 31});
    settle();
    world.console.type_line("windows");
    world.console.wait_for("desktop: end");
    pointer_to(640, 700);
    settle();
    QImage image = screen_image();
    image.save(screen_path);
    keep(image, "desktop-showcase");
    report(world.console.output().c_str());
    report("saved");
    for (;;)
        pause();
}

bool read_until_saved(int descriptor, std::string& text)
{
    char buffer[4096];
    while (text.find("saved\n") == std::string::npos) {
        ssize_t count = ::read(descriptor, buffer, sizeof buffer);
        if (count <= 0)
            return false;
        text.append(buffer, size_t(count));
    }
    return true;
}

} // namespace

class DesktopHostedTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void every_application_opens_and_draws()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString disk = directory.filePath("showcase.disk");
        {
            QFile file(disk);
            QVERIFY(file.open(QIODevice::WriteOnly) && file.resize(256 * 1024 * 1024));
        }
        QString path = directory.filePath("showcase.png");
        int pipe_ends[2];
        QVERIFY(::pipe(pipe_ends) == 0);
        pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            ::close(pipe_ends[0]);
            run_showcase(disk, path, pipe_ends[1]);
        }
        ::close(pipe_ends[1]);
        std::string report;
        bool saved = read_until_saved(pipe_ends[0], report);
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
        ::close(pipe_ends[0]);
        QVERIFY2(saved, report.c_str());
        QVERIFY2(report.find("Uncaught") == std::string::npos, report.c_str());
        QVERIFY2(report.find("desktop: no") == std::string::npos, report.c_str());
        char const* titles[]
            = {"Object browser", "Threads", "Snake", "Paint", "Clock", "Calculator", "Notepad"};
        for (char const* title : titles)
            QVERIFY2(report.find(std::string("desktop: window ") + title + " at") != std::string::npos,
                report.c_str());
        // The corner drag resized Notepad (the compositor gave it new content pixels).
        QVERIFY2(report.find("desktop: window Notepad at 40,40 size 500x330 normal") != std::string::npos,
            report.c_str());
        // Paint's canvas holds the drawing: dark pixels where the lines went.
        QImage image(path);
        QVERIFY(!image.isNull());
        int left = 40 + 1 + 8;
        int top = 372 + 29 + 8 + 36;
        int ink = 0;
        for (int x = left + 60; x < left + 160; ++x)
            ink += qGray(image.pixel(x, top + 110)) < 80;
        QVERIFY2(ink > 50, qPrintable(QString::number(ink)));
    }

    void a_power_cut_brings_the_desktop_back_as_it_was()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString disk = directory.filePath("desktop.disk");
        {
            QFile file(disk);
            QVERIFY(file.open(QIODevice::WriteOnly) && file.resize(256 * 1024 * 1024));
        }
        QByteArray setting = ("disk=" + disk).toUtf8();
        QVERIFY(Hosted::configure_device_argument(StringView(setting.constData(), size_t(setting.size()))));
        QString before_path = directory.filePath("before.png");

        int pipe_ends[2];
        QVERIFY(::pipe(pipe_ends) == 0);
        pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            ::close(pipe_ends[0]);
            run_first_boot(before_path, pipe_ends[1]);
        }
        ::close(pipe_ends[1]);
        std::string report;
        bool saved = read_until_saved(pipe_ends[0], report);
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
        ::close(pipe_ends[0]);
        QVERIFY2(saved, report.c_str());
        // Where the first boot left Notepad (its last `windows` listing, before the snapshot).
        int notepad_x = -1;
        int notepad_y = -1;
        auto last = report.rfind("desktop: window Notepad at ");
        QVERIFY2(last != std::string::npos, report.c_str());
        int width = 0;
        int height = 0;
        int draws = 0;
        sscanf(report.c_str() + last, "desktop: window Notepad at %d,%d size %dx%d normal, drawn %d",
            &notepad_x, &notepad_y, &width, &height, &draws);
        // The first boot did draw it (the count is real), and it was dragged away from (40, 40).
        QVERIFY2(draws > 10 && notepad_x != 40, report.c_str());

        // The second boot, in this process: the same world, resumed.
        QImage before(before_path);
        QVERIFY(!before.isNull());
        RunningWorld world;
        size_t from = 0;
        world.console.type_line("windows");
        size_t end = world.console.wait_for("desktop: end", from);
        QVERIFY2(end != std::string::npos, world.console.output().c_str());
        std::string listing = world.console.output();
        // The same places as before the cut, and not drawn since this boot.
        QVERIFY2(listing.find("desktop: window Notepad at " + std::to_string(notepad_x) + ","
                     + std::to_string(notepad_y) + " size 460x300 normal, drawn 0 times since boot")
                != std::string::npos,
            (listing + "\nfirst boot:\n" + report).c_str());
        QVERIFY2(
            listing.find("desktop: window Calculator at 756,40 size 260x330 normal, drawn 0 times since boot")
                != std::string::npos,
            listing.c_str());

        world.console.type_line("show Notepad");
        QVERIFY2(world.console.wait_for("Typed before the power cut, 42.") != std::string::npos,
            world.console.output().c_str());
        world.console.type_line("show Calculator");
        QVERIFY2(world.console.wait_for("desktop: Calculator: 144") != std::string::npos,
            world.console.output().c_str());

        // The screen comes back without the applications drawing: wait (generously) for the
        // first composed frame, then compare everything above the task bar.
        QImage after;
        for (int attempt = 0; attempt < 200; ++attempt) {
            settle();
            after = screen_image();
            if (above_taskbar(after) == above_taskbar(before))
                break;
        }
        keep(after, "desktop-5-after-cut");
        int different = 0;
        QImage a = above_taskbar(before);
        QImage b = above_taskbar(after);
        for (int y = 0; y < a.height(); ++y)
            for (int x = 0; x < a.width(); ++x)
                different += a.pixel(x, y) != b.pixel(x, y);
        QCOMPARE(different, 0);
        world.stop();
        QVERIFY(!world.failed());
    }
};

QTEST_GUILESS_MAIN(DesktopHostedTest)
#include "DesktopHostedTest.moc"
