/*
 * kernel/pc/devices/Devices.cpp: the pc port's device list and its HAL entry points for
 * block devices and channels.
 */
#include <base/Log.h>
#include <kernel/hal/Block.h>
#include <kernel/hal/Channel.h>
#include <kernel/pc/KernelLog.h>
#include <kernel/pc/boot/BootInformation.h>
#include <kernel/pc/devices/Devices.h>
#include <kernel/pc/devices/SerialChannel.h>
#include <kernel/pc/pci/Pci.h>
#include <kernel/pc/virtio/VirtioBlock.h>
#include <kernel/pc/virtio/VirtioConsole.h>
#include <new>

namespace Kernel {

namespace {

    // "log": COM1 through the kernel log's writer. Output only; nothing is buffered.
    class LogChannel final : public Hal::Channel {
    public:
        StringView name() const override { return "log"sv; }
        ErrorOr<usize> read(Bytes) override { return 0; }
        ErrorOr<usize> write(ReadonlyBytes bytes) override
        {
            write_to_serial(StringView(reinterpret_cast<char const*>(bytes.data()), bytes.size()));
            return bytes.size();
        }
        bool wait(Hal::ChannelCondition condition, u64) override
        {
            // Never readable; always writable (writes wait for the UART themselves).
            return condition == Hal::ChannelCondition::Writable;
        }
        usize pending_output() const override { return 0; }
    };

    constinit LogChannel* s_log_channel = nullptr;
    constinit SerialChannel* s_com2 = nullptr;
    constinit Virtio::VirtioBlock* s_block = nullptr;
    constinit Virtio::VirtioConsole* s_console = nullptr;
    constinit StringView s_command_line;

} // namespace

Optional<StringView> device_parameter(StringView key) { return command_line_value(s_command_line, key); }

void initialize_devices(StringView command_line)
{
    s_command_line = command_line;
    Pci::enumerate();
    for (auto const& device : Pci::devices()) {
        auto type = Virtio::device_type_of(device);
        if (!type.has_value())
            continue;
        if (*type == Virtio::DeviceType::Block && !s_block) {
            auto block = Virtio::VirtioBlock::create(device);
            if (block.is_error())
                logln("virtio-blk: {}", block.error());
            else
                s_block = block.release_value().leak_ptr();
        } else if (*type == Virtio::DeviceType::Console && !s_console) {
            auto console = Virtio::VirtioConsole::create(device);
            if (console.is_error())
                logln("virtio-console: {}", console.error());
            else
                s_console = console.release_value().leak_ptr();
        }
    }
    s_log_channel = new (std::nothrow) LogChannel;
    VERIFY(s_log_channel);
    auto* com2 = new (std::nothrow)
        SerialChannel("com2"sv, SerialChannel::com2_io_base, SerialChannel::com2_isa_irq);
    VERIFY(com2);
    if (com2->initialize().is_error()) {
        logln("com2: no UART at {:#x}", SerialChannel::com2_io_base);
        delete com2;
    } else {
        s_com2 = com2;
    }
}

} // namespace Kernel

namespace Hal {

ErrorOr<BlockDevice*> system_block_device()
{
    if (!Kernel::s_block)
        return Error::from_string_literal("no disk: the machine has no virtio-blk device");
    return static_cast<BlockDevice*>(Kernel::s_block);
}

ErrorOr<Channel*> open_channel(StringView name)
{
    if (name == "log"sv && Kernel::s_log_channel)
        return static_cast<Channel*>(Kernel::s_log_channel);
    if (name == "com2"sv && Kernel::s_com2)
        return static_cast<Channel*>(Kernel::s_com2);
    if (Kernel::s_console) {
        if (auto* port = Kernel::s_console->find_port(name))
            return static_cast<Channel*>(port);
    }
    return Error::from_code(ErrorCode::NotFound);
}

} // namespace Hal
