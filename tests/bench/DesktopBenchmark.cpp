// phantom-bench-desktop: the desktop (shell/desktop/desktop.ph) in QEMU (TCG, Bochs display,
// virtio tablet; the embedded world `desktop`) and on the hosted port (phantom-hosted in an
// offscreen Qt window). Printed, never passed or failed:
//   - a full 1024x768 recomposition and a damaged 200x150 one, with Notepad, Calculator and
//     Clock open (the desktop's own `bench` console command times them inside the world)
//   - QEMU: loop frames per second while a window is dragged (the pointer moved through QMP
//     as fast as QMP takes it; the frames are the desktop loop's steps, each one composes the
//     damage the moves left)
//   - QEMU: start -> desktop visible, fresh (an empty disk) and resumed (after a power cut)
//
//   phantom-bench-desktop [--runs N] [--hosted PATH]
#include <tests/system/DesktopSession.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

double median(std::vector<double> values)
{
    if (values.empty())
        return -1;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

QStringList const apps {QStringLiteral("Notepad"), QStringLiteral("Calculator"), QStringLiteral("Clock")};
QString const full_pattern(QStringLiteral(R"(desktop: full repaint (\d+) us \((\d+) windows)"));
QString const damaged_pattern(QStringLiteral(R"(desktop: damaged repaint 200x150 (\d+) us)"));

struct QemuRun {
    bool ok {false};
    QString failure;
    double fresh_ms {0};
    double resumed_ms {0};
    double full_us {0};
    double damaged_us {0};
    double drag_fps {0};
    int windows {0};
};

QemuRun run_qemu()
{
    QemuRun run;
    QTemporaryDir directory;
    QString image = directory.filePath(QStringLiteral("desktop.img"));
    if (!create_disk_image(image, desktop_disk_bytes)) {
        run.failure = QStringLiteral("cannot create ") + image;
        return run;
    }
    {
        DesktopSession session(image);
        auto fail = [&] {
            run.failure = session.describe();
            return run;
        };
        if (!session.boot(DesktopSession::Expect::Fresh))
            return fail();
        run.fresh_ms = double(session.boot_milliseconds());
        for (auto const& app : apps) {
            if (!session.ask(QStringLiteral("open ") + app, QStringLiteral("desktop: opened ") + app))
                return fail();
        }
        if (!session.settle())
            return fail();
        auto bench = session.ask(QStringLiteral("bench"), full_pattern, 300s);
        if (!bench)
            return fail();
        run.full_us = bench->captured(1).toDouble();
        run.windows = bench->captured(2).toInt();
        auto damaged = session.machine().wait_for_serial(QRegularExpression(damaged_pattern), 300s);
        if (!damaged)
            return fail();
        run.damaged_us = damaged->match.captured(1).toDouble();

        // Drag Notepad back and forth by its title bar.
        auto notepad = session.window(QStringLiteral("Notepad"));
        if (!notepad)
            return fail();
        QPoint grip = notepad->position + QPoint(80, desktop_border + desktop_title_height / 2);
        long frames_before = session.frames();
        QElapsedTimer clock;
        clock.start();
        if (!session.machine().move_mouse_to(grip) || !session.machine().press_button(MouseButton::Left))
            return fail();
        for (int step = 0; step < 120; ++step) {
            int offset = step % 40 < 20 ? (step % 20) * 12 : (20 - step % 20) * 12;
            if (!session.machine().move_mouse_to(grip + QPoint(offset, offset / 2)))
                return fail();
        }
        if (!session.machine().release_button(MouseButton::Left))
            return fail();
        long frames_after = session.frames();
        double seconds = double(clock.nsecsElapsed()) / 1e9;
        if (frames_before < 0 || frames_after < 0)
            return fail();
        run.drag_fps = double(frames_after - frames_before) / seconds;

        if (!session.ask(QStringLiteral("snapshot"), QStringLiteral("desktop: snapshot committed")))
            return fail();
        session.machine().power_cut();
    }
    DesktopSession session(image);
    if (!session.boot(DesktopSession::Expect::Resumed)) {
        run.failure = session.describe();
        return run;
    }
    run.resumed_ms = double(session.boot_milliseconds());
    session.machine().power_cut();
    run.ok = true;
    return run;
}

struct HostedRun {
    bool ok {false};
    QString failure;
    double full_us {0};
    double damaged_us {0};
};

HostedRun run_hosted(QString const& hosted, QString const& program)
{
    HostedRun run;
    QTemporaryDir directory;
    QString disk = directory.filePath(QStringLiteral("desktop.disk"));
    QFile file(disk);
    if (!file.open(QIODevice::WriteOnly) || !file.resize(256ll * 1024 * 1024)) {
        run.failure = QStringLiteral("cannot create ") + disk;
        return run;
    }
    file.close();
    QProcess process;
    auto environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(hosted,
        {QStringLiteral("disk=") + disk, QStringLiteral("world=") + program, QStringLiteral("window=1")});
    QString output;
    auto wait_for = [&](QRegularExpression const& pattern) -> std::optional<QRegularExpressionMatch> {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 120000) {
            auto match = pattern.match(output);
            if (match.hasMatch())
                return match;
            if (process.state() == QProcess::NotRunning)
                break;
            process.waitForReadyRead(100);
            output += QString::fromUtf8(process.readAll());
        }
        return {};
    };
    auto stop = [&] {
        process.kill();
        process.waitForFinished(10000);
    };
    if (!wait_for(QRegularExpression(QStringLiteral("desktop: ready")))) {
        stop();
        run.failure = QStringLiteral("the hosted desktop did not start:\n") + output.right(2000);
        return run;
    }
    for (auto const& app : apps)
        process.write((QStringLiteral("open ") + app + QLatin1Char('\n')).toUtf8());
    process.write("bench\n");
    auto damaged = wait_for(QRegularExpression(damaged_pattern));
    auto full = QRegularExpression(full_pattern).match(output);
    stop();
    if (!damaged || !full.hasMatch()) {
        run.failure = QStringLiteral("no benchmark answer:\n") + output.right(2000);
        return run;
    }
    run.full_us = full.captured(1).toDouble();
    run.damaged_us = damaged->captured(1).toDouble();
    run.ok = true;
    return run;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    int runs = 3;
    QString hosted = QStringLiteral(PHANTOM_BENCH_HOSTED);
    QString program = QStringLiteral(PHANTOM_BENCH_DESKTOP_PROGRAM);
    QStringList arguments = application.arguments();
    for (int i = 1; i + 1 < arguments.size(); ++i) {
        if (arguments[i] == QStringLiteral("--runs"))
            runs = std::max(1, arguments[++i].toInt());
        else if (arguments[i] == QStringLiteral("--hosted"))
            hosted = arguments[++i];
    }
    // QEMU boots are slow under TCG: at most three of them per configuration.
    int qemu_runs = std::min(runs, 3);

    std::vector<double> hosted_full, hosted_damaged;
    for (int run = 0; run < runs; ++run) {
        auto result = run_hosted(hosted, program);
        if (!result.ok) {
            std::fprintf(stderr, "hosted run failed: %s\n", qPrintable(result.failure));
            continue;
        }
        hosted_full.push_back(result.full_us);
        hosted_damaged.push_back(result.damaged_us);
    }
    std::vector<double> fresh, resumed, full, damaged, fps;
    int windows = 0;
    for (int run = 0; run < qemu_runs; ++run) {
        auto result = run_qemu();
        if (!result.ok) {
            std::fprintf(stderr, "QEMU run failed: %s\n", qPrintable(result.failure));
            continue;
        }
        fresh.push_back(result.fresh_ms);
        resumed.push_back(result.resumed_ms);
        full.push_back(result.full_us);
        damaged.push_back(result.damaged_us);
        fps.push_back(result.drag_fps);
        windows = result.windows;
    }

    std::printf("\nDesktop (shell/desktop/desktop.ph), medians; hosted %zu runs, QEMU (TCG) %zu runs\n",
        hosted_full.size(), fresh.size());
    std::printf("  windows open during the repaints: %d (wallpaper, task bar, %lld applications)\n", windows,
        static_cast<long long>(apps.size()));
    std::printf("  %-44s %12s %12s\n", "", "hosted", "QEMU TCG");
    std::printf(
        "  %-44s %12.0f %12.0f\n", "full 1024x768 repaint + present (us)", median(hosted_full), median(full));
    std::printf("  %-44s %12.0f %12.0f\n", "damaged 200x150 repaint + present (us)", median(hosted_damaged),
        median(damaged));
    std::printf("  %-44s %12s %12.1f\n", "loop frames per second while dragging", "-", median(fps));
    std::printf("  %-44s %12s %12.0f\n", "QEMU start -> desktop visible, fresh (ms)", "-", median(fresh));
    std::printf("  %-44s %12s %12.0f\n", "QEMU start -> desktop visible, resumed (ms)", "-", median(resumed));
    std::printf("  (-1: no successful run)\n");
    return 0;
}
