/*
 * tests/fuzz/LoaderFuzz.cpp: libFuzzer target for the class-image path a .phc file takes:
 * parse_program (envelope, CRC32C, structure), the verifier, the loader into a fresh VM, and
 * then a bounded run of the program's main (a few time slices), so that anything the
 * verifier accepts is also executed. Bad input must give an error, never a crash.
 *
 * Most random inputs fail the checksum; to reach the verifier and interpreter, the input is
 * tried twice: as a whole file, and as a payload wrapped in a valid envelope.
 */
#include <base/Crc32c.h>
#include <base/Vector.h>
#include <cstddef>
#include <cstdint>
#include <sys/mman.h>
#include <vm/ClassImage.h>
#include <vm/Heap.h>
#include <vm/Verifier.h>
#include <vm/VirtualMachine.h>

namespace {

class QuietHost final : public VM::Host {
public:
    void write_output(StringView) override { }
    void write_error(StringView) override { }
    u64 monotonic_nanoseconds() override { return m_now += 1000; }
    u64 wall_clock_nanoseconds() override { return m_now; }
    // Sleeping threads wake at once: time is simulated.
    void sleep_until(u64 deadline) override { m_now = deadline; }

private:
    u64 m_now {0};
};

void exercise(ReadonlyBytes bytes)
{
    String message;
    auto program = VM::parse_program(bytes, &message);
    if (program.is_error())
        return;
    if (VM::verify_program(program.value(), &message).is_error())
        return;

    constexpr size_t heap_size = 8 * 1024 * 1024;
    void* memory = mmap(nullptr, heap_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
        return;
    {
        auto heap = VM::Heap::create(memory, heap_size);
        if (!heap.is_error()) {
            QuietHost host;
            VM::VMOptions options;
            options.main_stack_slots = 4096;
            options.thread_stack_slots = 1024;
            options.time_slice = 256;
            auto vm = VM::VirtualMachine::create(*heap.value(), host, options);
            if (!vm.is_error() && !vm.value()->load(program.value(), &message).is_error()
                && !program.value().main_class.is_empty()) {
                auto thread = vm.value()->spawn_static(program.value().main_class, "main"sv);
                // A bounded number of slices: verified code may loop forever, legitimately.
                for (int slice = 0; !thread.is_error() && slice < 32; ++slice) {
                    auto state = static_cast<VM::ThreadState>(
                        thread.value().as_object()->slots()[VM::ThreadSlot::state].as_integer());
                    if (state != VM::ThreadState::Runnable
                        || vm.value()->run_thread(thread.value()).is_error())
                        break;
                }
            }
        }
    }
    munmap(memory, heap_size);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size)
{
    exercise(ReadonlyBytes(data, size));

    // The same bytes as the payload of a well-formed envelope (right magic, version, size, CRC).
    Vector<u8> wrapped;
    u8 const magic[8] = {'P', 'H', 'A', 'N', 'T', 'O', 'M', 'C'};
    if (wrapped.try_append(magic, 8).is_error())
        return 0;
    auto append_u32 = [&](u32 value) {
        for (int i = 0; i < 4; ++i)
            (void)wrapped.try_append(static_cast<u8>(value >> (8 * i)));
    };
    append_u32(VM::class_image_version);
    append_u32(static_cast<u32>(size));
    append_u32(crc32c(ReadonlyBytes(data, size)));
    if (wrapped.try_append(data, size).is_error())
        return 0;
    exercise(wrapped.span());
    return 0;
}
