// hal.screen: the hosted port's screen and input (kernel/hosted/HostedScreen.cpp): the first
// Hal::framebuffer() gives the configured size, drawings land in it and survive into the
// saved PPM image pixel by pixel, present() reaches the listener with its rectangles,
// set_screen_mode() resizes and refuses nonsense, and fed input comes out of the queue in
// order with modifiers and US-layout characters and wake the reader's Hal::Event, dropping (and counting)
// beyond its capacity.
#include <kernel/hal/Input.h>
#include <kernel/hal/Screen.h>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <kernel/hosted/HostedScreen.h>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>
#include <vector>

namespace {

Hal::Pixel pattern(u32 x, u32 y)
{
    return Hal::rgb(static_cast<u8>(x * 7), static_cast<u8>(y * 3), static_cast<u8>(x ^ y));
}

struct PresentLog {
    int calls {0};
    std::vector<Hal::Rect> rectangles;
};

void record_present(void* context, Span<Hal::Rect const> damaged)
{
    auto* log = static_cast<PresentLog*>(context);
    ++log->calls;
    for (auto const& rect : damaged)
        log->rectangles.push_back(rect);
}

Hal::InputEvent take()
{
    auto event = Hal::next_input_event();
    if (!event.has_value()) {
        Hal::InputEvent none;
        none.key = Hal::KeyCode::Unknown;
        none.x = -12345;
        return none;
    }
    return *event;
}

// A binary PPM (P6, maxval 255) as width, height and 0x00RRGGBB pixels; empty when malformed.
// (Read by hand: QtGui's headers do not compile next to base/'s global `swap`.)
struct PpmImage {
    int width {0};
    int height {0};
    std::vector<Hal::Pixel> pixels;
};

PpmImage read_ppm(QString const& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QByteArray const bytes = file.readAll();
    // Header: "P6", width, height, maxval, each after whitespace, then one whitespace byte.
    QList<QByteArray> fields;
    qsizetype position = 0;
    while (fields.size() < 4 && position < bytes.size()) {
        while (position < bytes.size() && QChar(bytes[position]).isSpace())
            ++position;
        qsizetype start = position;
        while (position < bytes.size() && !QChar(bytes[position]).isSpace())
            ++position;
        fields << bytes.mid(start, position - start);
    }
    ++position;
    if (fields.size() != 4 || fields[0] != "P6" || fields[3] != "255")
        return {};
    PpmImage image;
    image.width = fields[1].toInt();
    image.height = fields[2].toInt();
    if (bytes.size() - position != qsizetype(image.width) * image.height * 3)
        return {};
    for (qsizetype i = position; i < bytes.size(); i += 3)
        image.pixels.push_back(Hal::rgb(u8(bytes[i]), u8(bytes[i + 1]), u8(bytes[i + 2])));
    return image;
}

} // namespace

class HalScreenTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // Before the first Hal::framebuffer(), which fixes the first mode.
        QVERIFY(!Hosted::configure_screen_argument("disk=/tmp/x"sv));
        QVERIFY(!Hosted::configure_screen_argument("screen=wide"sv));
        QVERIFY(Hosted::configure_screen_argument("screen=320x200"sv));
    }

    void first_framebuffer_has_the_configured_size()
    {
        auto framebuffer = Hal::framebuffer();
        QVERIFY(framebuffer.has_value());
        QCOMPARE(framebuffer->width, 320u);
        QCOMPARE(framebuffer->height, 200u);
        QVERIFY(framebuffer->stride >= framebuffer->width);
        QVERIFY(framebuffer->pixels != nullptr);
    }

    void drawing_reaches_the_saved_image()
    {
        auto framebuffer = Hal::framebuffer();
        QVERIFY(framebuffer.has_value());
        for (u32 y = 0; y < framebuffer->height; ++y) {
            for (u32 x = 0; x < framebuffer->width; ++x)
                framebuffer->at(x, y) = pattern(x, y);
        }
        PresentLog log;
        Hosted::set_present_listener(record_present, &log);
        auto before = Hosted::present_statistics();
        Hal::Rect const damaged[] = {{0, 0, 10, 20}, {100, 50, 30, 40}};
        Hal::present(Span<Hal::Rect const>(damaged));
        Hosted::set_present_listener(nullptr, nullptr);
        QCOMPARE(log.calls, 1);
        QCOMPARE(log.rectangles.size(), size_t(2));
        QCOMPARE(log.rectangles[1].x, 100);
        QCOMPARE(log.rectangles[1].height, 40);
        QCOMPARE(Hosted::present_statistics().calls, before.calls + 1);
        QCOMPARE(Hosted::present_statistics().rectangles, before.rectangles + 2);

        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QByteArray const path = directory.filePath(QStringLiteral("screen.ppm")).toUtf8();
        auto saved = Hosted::save_screen_image(StringView(path.constData(), size_t(path.size())));
        QVERIFY(!saved.is_error());
        auto const image = read_ppm(QString::fromUtf8(path));
        QCOMPARE(image.width, 320);
        QCOMPARE(image.height, 200);
        QCOMPARE(image.pixels.size(), size_t(320 * 200));
        int differing = 0;
        for (int y = 0; y < image.height; ++y) {
            for (int x = 0; x < image.width; ++x)
                differing += image.pixels[size_t(y * image.width + x)] != pattern(u32(x), u32(y));
        }
        QCOMPARE(differing, 0);

        auto refused = Hosted::save_screen_image("/nonexistent-directory/screen.ppm"sv);
        QVERIFY(refused.is_error());
    }

    void set_screen_mode_resizes_and_refuses_nonsense()
    {
        auto resized = Hal::set_screen_mode({640, 480});
        QVERIFY(!resized.is_error());
        QCOMPARE(resized.value().width, 640u);
        QCOMPARE(Hal::framebuffer()->height, 480u);
        Hal::framebuffer()->at(639, 479) = Hal::rgb(1, 2, 3);
        QCOMPARE(Hal::framebuffer()->at(639, 479), Hal::Pixel(0x010203));
        QVERIFY(Hal::set_screen_mode({0, 480}).is_error());
        QVERIFY(Hal::set_screen_mode({100000, 10}).is_error());
    }

    void key_names_and_characters()
    {
        QCOMPARE(Hal::key_name(Hal::KeyCode::A), "a"sv);
        QCOMPARE(Hal::key_name(Hal::KeyCode::LeftShift), "left_shift"sv);
        QCOMPARE(Hal::key_name(Hal::KeyCode::Menu), "menu"sv);
        QCOMPARE(Hal::character_for_key(Hal::KeyCode::A, 0), u32('a'));
        QCOMPARE(Hal::character_for_key(Hal::KeyCode::A, Hal::ModifierShift), u32('A'));
        QCOMPARE(Hal::character_for_key(Hal::KeyCode::A, Hal::ModifierCapsLock), u32('A'));
        QCOMPARE(
            Hal::character_for_key(Hal::KeyCode::A, Hal::ModifierCapsLock | Hal::ModifierShift), u32('a'));
        QCOMPARE(Hal::character_for_key(Hal::KeyCode::Digit1, Hal::ModifierCapsLock), u32('1'));
        QCOMPARE(Hal::character_for_key(Hal::KeyCode::Digit1, Hal::ModifierShift), u32('!'));
        QCOMPARE(Hal::character_for_key(Hal::KeyCode::Slash, Hal::ModifierShift), u32('?'));
        QCOMPARE(Hal::character_for_key(Hal::KeyCode::C, Hal::ModifierControl), 0u);
        QCOMPARE(Hal::character_for_key(Hal::KeyCode::F1, 0), 0u);
    }

    void fed_keys_come_out_in_order_with_modifiers()
    {
        Hosted::reset_input();
        QVERIFY(!Hal::next_input_event().has_value());
        Hosted::feed_key(Hal::KeyCode::LeftShift, Hal::KeyState::Pressed);
        Hosted::feed_key(Hal::KeyCode::P, Hal::KeyState::Pressed);
        Hosted::feed_key(Hal::KeyCode::P, Hal::KeyState::Released);
        Hosted::feed_key(Hal::KeyCode::LeftShift, Hal::KeyState::Released);
        Hosted::feed_key(Hal::KeyCode::H, Hal::KeyState::Pressed);

        auto event = take();
        QCOMPARE(event.key, Hal::KeyCode::LeftShift);
        QCOMPARE(event.key_state, Hal::KeyState::Pressed);
        QCOMPARE(event.modifiers, Hal::Modifiers(Hal::ModifierShift));
        QCOMPARE(event.character, 0u);
        event = take();
        QCOMPARE(event.type, Hal::InputEventType::Key);
        QCOMPARE(event.key, Hal::KeyCode::P);
        QCOMPARE(event.character, u32('P'));
        event = take();
        QCOMPARE(event.key_state, Hal::KeyState::Released);
        QCOMPARE(event.character, 0u);
        event = take();
        QCOMPARE(event.key, Hal::KeyCode::LeftShift);
        QCOMPARE(event.modifiers, Hal::Modifiers(0));
        event = take();
        QCOMPARE(event.key, Hal::KeyCode::H);
        QCOMPARE(event.character, u32('h'));
        QVERIFY(!Hal::next_input_event().has_value());

        // Caps Lock toggles on its press, not while held.
        Hosted::feed_key(Hal::KeyCode::CapsLock, Hal::KeyState::Pressed);
        Hosted::feed_key(Hal::KeyCode::CapsLock, Hal::KeyState::Released);
        Hosted::feed_key(Hal::KeyCode::Q, Hal::KeyState::Pressed);
        take();
        take();
        event = take();
        QCOMPARE(event.character, u32('Q'));
        QVERIFY(event.modifiers & Hal::ModifierCapsLock);
    }

    void a_fed_event_wakes_the_reader()
    {
        Hosted::reset_input();
        Hal::Event wake_up;
        Hal::set_input_wake_up(&wake_up);
        std::thread feeder([] { Hosted::feed_key(Hal::KeyCode::Z, Hal::KeyState::Pressed); });
        // Generous: only a lost wake-up (a hang) can fail this, never a slow machine.
        bool woken = wake_up.wait(Hal::monotonic_nanoseconds() + 60'000'000'000ull);
        feeder.join();
        Hal::set_input_wake_up(nullptr);
        QVERIFY(woken);
        auto event = take();
        QCOMPARE(event.key, Hal::KeyCode::Z);
        QCOMPARE(event.character, u32('z'));
        // Without a wake-up set, feeding still works and signals nothing.
        Hosted::feed_key(Hal::KeyCode::Z, Hal::KeyState::Released);
        QVERIFY(!wake_up.wait(Hal::monotonic_nanoseconds()));
        QCOMPARE(take().key_state, Hal::KeyState::Released);
    }

    void pointer_events_pass_through_and_overflow_is_counted()
    {
        Hosted::reset_input();
        Hal::InputEvent moved;
        moved.type = Hal::InputEventType::PointerAbsolute;
        moved.x = 17;
        moved.y = 42;
        Hosted::feed_input_event(moved);
        Hal::InputEvent wheel;
        wheel.type = Hal::InputEventType::Wheel;
        wheel.y = -2;
        Hosted::feed_input_event(wheel);
        auto event = take();
        QCOMPARE(event.type, Hal::InputEventType::PointerAbsolute);
        QCOMPARE(event.x, 17);
        QCOMPARE(event.y, 42);
        event = take();
        QCOMPARE(event.type, Hal::InputEventType::Wheel);
        QCOMPARE(event.y, -2);

        QCOMPARE(Hal::dropped_input_events(), 0u);
        int fed = 0;
        for (; fed < 2000; ++fed) {
            moved.x = fed;
            Hosted::feed_input_event(moved);
        }
        int taken = 0;
        while (auto next = Hal::next_input_event()) {
            QCOMPARE(next->x, taken); // the oldest first, none lost before the queue filled
            ++taken;
        }
        QVERIFY(taken > 0 && taken < fed);
        QCOMPARE(Hal::dropped_input_events(), u64(fed - taken));
    }
};

QTEST_GUILESS_MAIN(HalScreenTest)
#include "HalScreenTest.moc"
