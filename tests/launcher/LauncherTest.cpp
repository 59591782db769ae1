/*
 * `./phantom run` as a user types it: headless with the serial log in a file, and with an
 * in-kernel test on the command line so that QEMU ends by itself with the test's verdict.
 * The launcher's argument errors are checked too: they must say what is wrong.
 */
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class LauncherTest : public QObject {
    Q_OBJECT

private:
    struct Run {
        int exit_code {-1};
        QString output;
    };

    // `world_image`: where `run` keeps its default world (never the checkout's worlds/).
    static Run launch(QStringList const& arguments, QString const& world_image = {})
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("PHANTOM_BUILD_DIR", PHANTOM_BUILD_DIR);
        environment.insert("PHANTOM_WORLD_IMAGE",
            world_image.isEmpty() ? QStringLiteral("/nonexistent/phantom-test/world.img") : world_image);
        environment.remove("DISPLAY");
        environment.remove("WAYLAND_DISPLAY");
        process.setProcessEnvironment(environment);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(PHANTOM_SOURCE_DIR "/phantom", arguments);
        if (!process.waitForFinished(240'000)) {
            process.kill();
            process.waitForFinished();
            return {-1, QString::fromUtf8(process.readAll()) + "\n[timed out after 240 s]"};
        }
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAll())};
    }

    static QString read_file(QString const& path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return QString::fromUtf8(file.readAll());
    }

private slots:
    void headless_run_writes_banner_and_ready_to_the_serial_file()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString log_path = directory.filePath("s.log");
        QString world_image = directory.filePath("worlds/default.img");
        Run run = launch(
            {"run", "--no-build", "--headless", "--serial", log_path, "--append", "test=ready"}, world_image);
        QString log = read_file(log_path);
        QVERIFY2(log.contains(
                     QRegularExpression("^phantom: Phantom 0\\.1\\.0 on pc x86-64 \\((pvh|multiboot) boot\\)",
                         QRegularExpression::MultilineOption)),
            qPrintable(run.output + "\n--- serial ---\n" + log));
        QVERIFY2(log.contains(QRegularExpression(
                     "^phantom: ready in \\d+ ms\\r?$", QRegularExpression::MultilineOption)),
            qPrintable(log));
        // isa-debug-exit: the kernel wrote 0x10 (pass), QEMU exits with (0x10 << 1) | 1.
        QCOMPARE(run.exit_code, 33);
        // The first run creates the default world image (sparse) for the kernel to install into.
        QVERIFY2(run.output.contains("creating the world image"), qPrintable(run.output));
        QVERIFY(QFileInfo(world_image).size() >= 1024ll * 1024 * 1024);
    }

    void fresh_without_a_disk_is_refused()
    {
        Run run = launch({"run", "--no-build", "--headless", "--no-disk", "--fresh"});
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.output.contains("--fresh needs a disk"), qPrintable(run.output));
    }

    void unknown_option_is_refused_with_a_reason()
    {
        Run run = launch({"run", "--no-build", "--frobnicate"});
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.output.contains("unknown option '--frobnicate'"), qPrintable(run.output));
    }

    void bad_accelerator_is_refused_with_a_reason()
    {
        Run run = launch({"run", "--no-build", "--headless", "--accel", "warp"});
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.output.contains("--accel takes tcg, kvm or auto, not 'warp'"), qPrintable(run.output));
    }

    void unknown_command_is_refused()
    {
        Run run = launch({"frobnicate"});
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.output.contains("unknown command 'frobnicate'"), qPrintable(run.output));
    }
};

QTEST_GUILESS_MAIN(LauncherTest)
#include "LauncherTest.moc"
