// system.panic: a CPU exception in test mode produces the panic report of the kernel
// contract (vector and name, error code, cr2, every register, a backtrace symbolized from
// the kernel's own ELF) and the panic verdict.
#include <tests/system/harness/SystemTest.h>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

constexpr auto boot_timeout = 60s;

MachineConfiguration configuration_for(QString const& kernel, QString const& command_line)
{
    MachineConfiguration configuration;
    configuration.kernel_path = kernel;
    configuration.command_line = command_line;
    return configuration;
}

} // namespace

class PanicTest : public QObject {
    Q_OBJECT

private slots:
    void page_fault_report_data()
    {
        QTest::addColumn<QString>("kernel");
        QTest::newRow("product") << kernel_path(KernelImage::Product);
        QTest::newRow("multiboot") << kernel_path(KernelImage::Multiboot);
    }

    void page_fault_report()
    {
        QFETCH(QString, kernel);
        QemuMachine machine(configuration_for(kernel, QStringLiteral("test=page_fault")));
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Panic, boot_timeout));

        auto const ready = machine.wait_for_serial_text(QStringLiteral("phantom: ready in"), 1s);
        MACHINE_VERIFY(machine, ready);

        auto const header = machine.wait_for_serial(
            QRegularExpression(QStringLiteral(
                R"(^phantom: PANIC: CPU exception 14 \(page fault\) error=0x([0-9a-f]+) on cpu 0$)")),
            1s, ready->line_index);
        MACHINE_VERIFY(machine, header);
        // A write (bit 1) to a page that is not present (bit 0 clear), from the kernel (bit 2 clear).
        unsigned const error_code = header->match.captured(1).toUInt(nullptr, 16);
        MACHINE_CHECK(machine, (error_code & 0x7) == 0x2,
            QStringLiteral("error code 0x%1 is not a supervisor write to a non-present page")
                .arg(error_code, 0, 16));

        auto const end
            = machine.wait_for_serial_text(QStringLiteral("phantom: PANIC end"), 1s, header->line_index);
        MACHINE_VERIFY(machine, end);
        QStringList const report
            = machine.serial_lines().mid(header->line_index, end->line_index - header->line_index + 1);
        QString const report_text = report.join(QLatin1Char('\n'));

        MACHINE_CHECK(machine,
            report_text.contains(QRegularExpression(QStringLiteral(
                R"(rip=0x[0-9a-f]+ <Kernel::Tests::deliberate_page_fault\(\)\+0x[0-9a-f]+>)"))),
            QStringLiteral("rip is not symbolized as Kernel::Tests::deliberate_page_fault()+offset"));
        for (auto const* name : {"cr2", "cr3", "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8",
                 "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rflags", "cs", "ss"}) {
            QRegularExpression const register_pattern(
                QStringLiteral(R"(\b%1=0x[0-9a-f]+\b)").arg(QLatin1String(name)));
            MACHINE_CHECK(machine, report_text.contains(register_pattern),
                QStringLiteral("the panic report has no '%1=0x...'").arg(QLatin1String(name)));
        }

        int const backtrace_line = report.indexOf(QStringLiteral("phantom: backtrace:"));
        MACHINE_CHECK(machine, backtrace_line >= 0,
            QStringLiteral("the panic report has no 'phantom: backtrace:' line"));
        QRegularExpression const frame_pattern(QStringLiteral(R"(^phantom:\s+#(\d+) 0x[0-9a-f]+ (.+)$)"));
        int frames = 0;
        bool names_faulting_function = false;
        for (int index = backtrace_line + 1; index < report.size(); ++index) {
            auto const frame = frame_pattern.match(report[index]);
            if (!frame.hasMatch())
                continue;
            MACHINE_CHECK(machine, frame.captured(1).toInt() == frames,
                QStringLiteral("backtrace frame '%1' is out of order (expected #%2)")
                    .arg(report[index])
                    .arg(frames));
            ++frames;
            if (frame.captured(2).startsWith(QStringLiteral("Kernel::Tests::deliberate_page_fault")))
                names_faulting_function = true;
        }
        MACHINE_CHECK(machine, names_faulting_function,
            QStringLiteral("no backtrace frame names Kernel::Tests::deliberate_page_fault"));
        MACHINE_CHECK(machine, frames >= 2,
            QStringLiteral("the backtrace has %1 frame(s); it should reach the test's caller").arg(frames));
    }

    void exception_names_its_vector_data()
    {
        QTest::addColumn<QString>("test");
        QTest::addColumn<int>("vector");
        QTest::newRow("divide_error") << QStringLiteral("divide_error") << 0;
        QTest::newRow("breakpoint") << QStringLiteral("breakpoint") << 3;
        QTest::newRow("general_protection") << QStringLiteral("general_protection") << 13;
    }

    void exception_names_its_vector()
    {
        QFETCH(QString, test);
        QFETCH(int, vector);
        QemuMachine machine(
            configuration_for(kernel_path(KernelImage::Product), QStringLiteral("test=") + test));
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Panic, boot_timeout));
        auto const header = machine.wait_for_serial(
            QRegularExpression(QStringLiteral(
                R"(^phantom: PANIC: CPU exception %1 \(\w[\w ]*\) error=0x[0-9a-f]+ on cpu 0$)")
                                   .arg(vector)),
            1s);
        MACHINE_VERIFY(machine, header);
        MACHINE_VERIFY(machine,
            machine.wait_for_serial_text(QStringLiteral("phantom: PANIC end"), 1s, header->line_index));
    }
};

QTEST_GUILESS_MAIN(PanicTest)
#include "PanicTest.moc"
