/*
 * kernel/pc/Panic.cpp: the panic report (format in Panic.h), the frame-pointer backtrace,
 * the CPU exception entry point and Base::verification_failed().
 */
#include <base/Assertions.h>
#include <base/Log.h>
#include <kernel/pc/DebugExit.h>
#include <kernel/pc/KernelLog.h>
#include <kernel/pc/KernelSymbols.h>
#include <kernel/pc/Panic.h>
#include <kernel/pc/cpu/CpuTables.h>
#include <kernel/pc/cpu/Fpu.h>
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/memory/VirtualMemory.h>

extern "C" u8 const kernel_text_start[];
extern "C" u8 const kernel_text_end[];

namespace Kernel {

// An address to print as "name+0xoffset" (or "??" outside every known function).
struct CodeAddress {
    FlatPtr address;
    // Return addresses point after the call, which may already be the next function.
    bool is_return_address;
};

} // namespace Kernel

template<> struct Base::Formatter<Kernel::CodeAddress> {
    void format(FormatBuilder& builder, Kernel::CodeAddress const& code)
    {
        FlatPtr lookup = code.is_return_address ? code.address - 1 : code.address;
        auto symbol = Kernel::symbolize(lookup);
        if (!symbol.has_value()) {
            builder.put_literal("??"sv);
            return;
        }
        builder.appendff("{}+{:#x}", symbol->name, symbol->offset + (code.address - lookup));
    }
};

namespace Kernel {

namespace {

    constexpr usize max_backtrace_depth = 32;

    PanicAction s_panic_action = PanicAction::HaltForever;
    bool s_panicking = false;

    constexpr StringView exception_names[32] = {
        "divide error"sv,
        "debug"sv,
        "non-maskable interrupt"sv,
        "breakpoint"sv,
        "overflow"sv,
        "bound range exceeded"sv,
        "invalid opcode"sv,
        "device not available"sv,
        "double fault"sv,
        "coprocessor segment overrun"sv,
        "invalid TSS"sv,
        "segment not present"sv,
        "stack-segment fault"sv,
        "general protection"sv,
        "page fault"sv,
        "reserved"sv,
        "x87 floating-point error"sv,
        "alignment check"sv,
        "machine check"sv,
        "SIMD floating-point error"sv,
        "virtualization"sv,
        "control protection"sv,
        "reserved"sv,
        "reserved"sv,
        "reserved"sv,
        "reserved"sv,
        "reserved"sv,
        "reserved"sv,
        "hypervisor injection"sv,
        "VMM communication"sv,
        "security"sv,
        "reserved"sv,
    };

    [[noreturn]] void finish()
    {
        if (s_panic_action == PanicAction::ExitEmulator)
            exit_emulator(EmulatorExitCode::Panic);
        Cpu::halt_forever();
    }

    // Interrupts stay off from here on, and a fault inside the report must not recurse.
    void enter_panic()
    {
        asm volatile("cli");
        if (s_panicking) {
            write_to_serial("\r\nphantom: PANIC while panicking; stopping\r\nphantom: PANIC end\r\n"sv);
            finish();
        }
        s_panicking = true;
    }

    void log_registers(InterruptFrame const& frame)
    {
        logln("  rip={:#x} <{}>", frame.rip, CodeAddress {frame.rip, false});
        logln("  cr2={:#x} cr3={:#x}", Cpu::read_cr2(), Cpu::read_cr3());
        logln("  rax={:#018x} rbx={:#018x} rcx={:#018x} rdx={:#018x}", frame.rax, frame.rbx, frame.rcx,
            frame.rdx);
        logln("  rsi={:#018x} rdi={:#018x} rbp={:#018x} rsp={:#018x}", frame.rsi, frame.rdi, frame.rbp,
            frame.rsp);
        logln(
            "  r8={:#018x} r9={:#018x} r10={:#018x} r11={:#018x}", frame.r8, frame.r9, frame.r10, frame.r11);
        logln("  r12={:#018x} r13={:#018x} r14={:#018x} r15={:#018x}", frame.r12, frame.r13, frame.r14,
            frame.r15);
        logln("  rflags={:#x} cs={:#x} ss={:#x}", frame.rflags, frame.cs, frame.ss);
    }

    // Whether `address` is where a call instruction returns to: a direct call whose target is
    // `callee` (when known), or any indirect near call (FF /2) ending right before it.
    bool follows_a_call(FlatPtr address, Optional<FlatPtr> callee)
    {
        if (address < reinterpret_cast<FlatPtr>(kernel_text_start) + 7
            || address > reinterpret_cast<FlatPtr>(kernel_text_end))
            return false;
        auto const* bytes = reinterpret_cast<u8 const*>(address);
        if (bytes[-5] == 0xE8) {
            i32 displacement;
            __builtin_memcpy(&displacement, bytes - 4, sizeof(displacement));
            if (!callee.has_value() || address + static_cast<i64>(displacement) == *callee)
                return true;
        }
        for (usize length = 2; length <= 7; ++length) {
            u8 const* instruction = bytes - length;
            u8 mod = instruction[1] >> 6;
            u8 reg = (instruction[1] >> 3) & 7;
            u8 rm = instruction[1] & 7;
            if (instruction[0] != 0xFF || reg != 2)
                continue;
            usize expected = 2 + (mod != 3 && rm == 4 ? 1 : 0);
            if (mod == 1)
                expected += 1;
            else if (mod == 2 || (mod == 0 && rm == 5))
                expected += 4;
            if (expected == length)
                return true;
        }
        return false;
    }

    // The frame-pointer chain misses the caller of the interrupted function when that function
    // has no frame of its own: GCC sets none up in leaf functions that need no stack, and none
    // exists yet at the first instruction or any more at the final `ret`. Then the return
    // address sits at the stack pointer (one slot up right after `push %rbp`); it is trusted
    // only if a call instruction precedes it.
    Optional<FlatPtr> return_address_outside_the_frame_chain(InterruptFrame const& frame)
    {
        FlatPtr slot = frame.rsp;
        Optional<FlatPtr> function_start;
        if (auto symbol = symbolize(frame.rip); symbol.has_value()) {
            function_start = frame.rip - symbol->offset;
            auto const* code = reinterpret_cast<u8 const*>(*function_start);
            // push %rbp; mov %rsp, %rbp
            bool has_frame_prologue
                = code[0] == 0x55 && code[1] == 0x48 && code[2] == 0x89 && code[3] == 0xE5;
            if (has_frame_prologue) {
                if (frame.rip == *function_start + 1)
                    slot = frame.rsp + sizeof(FlatPtr);
                else if (frame.rip != *function_start && *reinterpret_cast<u8 const*>(frame.rip) != 0xC3)
                    return {};
            }
        }
        // Otherwise rip is outside the kernel's code, typically a call through a bad function
        // pointer: the caller's return address is still on top of the stack.
        if (!is_on_kernel_stack(slot, sizeof(FlatPtr)))
            return {};
        FlatPtr return_address = *reinterpret_cast<FlatPtr const*>(slot);
        if (!follows_a_call(return_address, function_start))
            return {};
        return return_address;
    }

    // Prints backtrace lines, folding runs of the same return address (deep recursion) into
    // one line so the frames below the recursion still fit.
    class BacktracePrinter {
    public:
        // False once enough lines are printed.
        bool print(FlatPtr return_address)
        {
            if (return_address == m_previous) {
                ++m_repeats;
                return true;
            }
            flush_repeats();
            if (m_lines == max_backtrace_depth) {
                logln("  (deeper frames not shown)");
                return false;
            }
            logln("  #{} {:#x} {}", m_depth, return_address, CodeAddress {return_address, true});
            ++m_depth;
            ++m_lines;
            m_previous = return_address;
            return true;
        }

        void finish() { flush_repeats(); }

    private:
        void flush_repeats()
        {
            if (m_repeats == 0)
                return;
            logln("  ... the same return address {} more times (#{} to #{})", m_repeats, m_depth,
                m_depth + m_repeats - 1);
            m_depth += m_repeats;
            m_repeats = 0;
        }

        usize m_depth {1};
        usize m_lines {1};
        usize m_repeats {0};
        FlatPtr m_previous {0};
    };

    // Follows the chain of saved frame pointers: [rbp] is the caller's rbp, [rbp + 8] the
    // return address. Only frames inside a kernel stack, 8-aligned and moving towards the
    // stack top are followed, so a corrupt rbp ends the walk instead of faulting.
    void log_backtrace(InterruptFrame const& registers)
    {
        logln("backtrace:");
        logln("  #0 {:#x} {}", registers.rip, CodeAddress {registers.rip, false});
        BacktracePrinter printer;
        if (auto caller = return_address_outside_the_frame_chain(registers); caller.has_value())
            printer.print(*caller);
        FlatPtr frame = registers.rbp;
        while (frame != 0) {
            if (frame % 8 != 0 || !is_on_kernel_stack(frame, 2 * sizeof(FlatPtr))) {
                printer.finish();
                logln("  (frame pointer {:#x} is not on a kernel stack; the backtrace stops here)", frame);
                return;
            }
            auto const* slots = reinterpret_cast<FlatPtr const*>(frame);
            FlatPtr caller_frame = slots[0];
            FlatPtr return_address = slots[1];
            if (return_address == 0 || !printer.print(return_address))
                break;
            // Frames only lead up the stack; this also ends any loop in a corrupt chain.
            if (caller_frame != 0 && caller_frame <= frame) {
                printer.finish();
                logln("  (frame pointer {:#x} does not lead up the stack; the backtrace stops here)",
                    caller_frame);
                return;
            }
            frame = caller_frame;
        }
        printer.finish();
    }

} // namespace

void set_panic_action(PanicAction action) { s_panic_action = action; }

void panic_on_cpu_exception(InterruptFrame const& frame)
{
    enter_panic();
    StringView name = frame.vector < 32 ? exception_names[frame.vector] : "unknown vector"sv;
    logln("PANIC: CPU exception {} ({}) error={:#x} on cpu 0", frame.vector, name, frame.error_code);
    log_registers(frame);
    log_backtrace(frame);
    logln("PANIC end");
    finish();
}

void panic(StringView reason)
{
    enter_panic();
    InterruptFrame frame {};
    capture_registers(&frame);
    logln("PANIC: {}", reason);
    log_registers(frame);
    log_backtrace(frame);
    logln("PANIC end");
    finish();
}

} // namespace Kernel

extern "C" void handle_cpu_exception(Kernel::InterruptFrame* frame)
{
    // A page fault in a range with a fault hook may be resolved; then the access is retried.
    if (Kernel::VirtualMemory::handle_page_fault(*frame))
        return;
    // The first floating-point instruction of a thread that does not own the FPU.
    if (Kernel::Fpu::handle_device_not_available(*frame))
        return;
    Kernel::panic_on_cpu_exception(*frame);
}

void Base::verification_failed(char const* expression, char const* file, unsigned line, char const* function)
{
    FixedStringBuilder<max_log_line_length> reason;
    reason.appendff("VERIFY({}) failed at {}:{} in {}", expression, file, line, function);
    reason.mark_truncation("..."sv);
    Kernel::panic(reason.string_view());
}
