/*
 * kernel/pc/drivers/BochsDisplay.cpp: the Bochs VBE display (see BochsDisplay.h) and the
 * pc implementation of kernel/hal/Screen.h.
 *
 * The DISPI interface: a register index and a 16-bit value. The mode is set with the
 * display disabled, then enabled with the linear framebuffer on; QEMU then also switches
 * the legacy VGA window to graphics, so the text console's writes to 0xB8000 no longer
 * reach display memory (the log stays on COM1).
 */
#include <base/Log.h>
#include <kernel/pc/boot/BootInformation.h>
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/drivers/BochsDisplay.h>
#include <kernel/pc/pci/Pci.h>

namespace Kernel {

namespace {

    inline void out16(u16 port, u16 value) { asm volatile("outw %0, %1" : : "a"(value), "Nd"(port)); }
    inline u16 in16(u16 port)
    {
        u16 value;
        asm volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
        return value;
    }

    constexpr u16 bochs_vendor = 0x1234;
    constexpr u16 bochs_device = 0x1111;

    // DISPI registers.
    enum class DispiRegister : u16 {
        Id = 0,
        XResolution = 1,
        YResolution = 2,
        BitsPerPixel = 3,
        Enable = 4,
        Bank = 5,
        VirtualWidth = 6,
        VirtualHeight = 7,
        XOffset = 8,
        YOffset = 9,
        VideoMemory64KiB = 10,
    };
    constexpr u16 dispi_enabled = 0x01;
    constexpr u16 dispi_get_capabilities = 0x02;
    constexpr u16 dispi_linear_framebuffer = 0x40;
    constexpr u16 dispi_id_first = 0xB0C0;
    constexpr u16 dispi_id_last = 0xB0CF;
    constexpr u16 dispi_index_port = 0x1CE;
    constexpr u16 dispi_data_port = 0x1CF;
    constexpr usize dispi_mmio_offset = 0x500;

    constexpr usize dispi_register_count = 16;

    class Dispi {
    public:
        void use_ports() { m_registers = nullptr; }
        void use_mmio(u8 volatile* registers) { m_registers = reinterpret_cast<u16 volatile*>(registers); }
        bool uses_mmio() const { return m_registers != nullptr; }

        u16 read(DispiRegister index) const
        {
            if (m_registers)
                return m_registers[static_cast<u16>(index)];
            out16(dispi_index_port, static_cast<u16>(index));
            return in16(dispi_data_port);
        }
        void write(DispiRegister index, u16 value) const
        {
            if (m_registers) {
                m_registers[static_cast<u16>(index)] = value;
                return;
            }
            out16(dispi_index_port, static_cast<u16>(index));
            out16(dispi_data_port, value);
        }

    private:
        u16 volatile* m_registers {nullptr};
    };

    struct Display {
        bool found {false};
        Dispi dispi;
        u64 framebuffer_physical {0};
        u64 video_memory_bytes {0};
        Hal::ScreenSize maximum;
        // The size from the command line, set by the first Hal::framebuffer() call.
        Hal::ScreenSize initial_size;
        bool mode_set {false};
        Optional<Hal::Framebuffer> framebuffer;
    };
    Display s_display; // constructed by kernel_main() before initialize_screen()

    ErrorOr<void> find_display()
    {
        Pci::enumerate();
        for (auto const& device : Pci::devices()) {
            if (device.vendor_id != bochs_vendor || device.device_id != bochs_device)
                continue;
            // The framebuffer is reached through the boot identity map of 0..4 GiB, like
            // every BAR (kernel/pc/pci/Pci.h).
            // Mapped uncached; write-combining would make large repaints cheaper once the memory
            // manager can map it that way.
            auto framebuffer = TRY(Pci::memory_bar(device.address, 0));
            Pci::enable_bus_mastering(device.address); // memory decoding on
            s_display.framebuffer_physical = framebuffer.physical_address;
            // -device bochs-display has only the MMIO registers; -vga std has both.
            auto registers = Pci::map_memory_bar(
                device.address, 2, dispi_mmio_offset, dispi_register_count * sizeof(u16));
            if (registers.is_error())
                s_display.dispi.use_ports();
            else
                s_display.dispi.use_mmio(registers.value());
            u16 id = s_display.dispi.read(DispiRegister::Id);
            if (id < dispi_id_first || id > dispi_id_last)
                return Error::from_string_literal(
                    "the Bochs display does not answer with a DISPI identifier");
            s_display.video_memory_bytes
                = u64(s_display.dispi.read(DispiRegister::VideoMemory64KiB)) * 64 * 1024;
            s_display.video_memory_bytes = min(s_display.video_memory_bytes, framebuffer.size);
            // With the capabilities bit set, the resolution registers read as the maxima.
            u16 enable = s_display.dispi.read(DispiRegister::Enable);
            s_display.dispi.write(DispiRegister::Enable, enable | dispi_get_capabilities);
            s_display.maximum.width = s_display.dispi.read(DispiRegister::XResolution);
            s_display.maximum.height = s_display.dispi.read(DispiRegister::YResolution);
            s_display.dispi.write(DispiRegister::Enable, enable);
            s_display.found = true;
            logln("screen: Bochs display at pci {:02x}:{:02x}.{}, framebuffer {:#x} ({} KiB), registers "
                  "through {}",
                device.address.bus, device.address.device, device.address.function,
                framebuffer.physical_address, s_display.video_memory_bytes >> 10,
                s_display.dispi.uses_mmio() ? "mmio"sv : "i/o ports"sv);
            return {};
        }
        return Error::from_string_literal(
            "no Bochs VBE display (PCI 1234:1111): run QEMU with -vga std or -device bochs-display");
    }

    Optional<Hal::ScreenSize> parse_screen_size(StringView text)
    {
        auto separator = text.find('x');
        if (!separator.has_value())
            return {};
        auto width = text.substring_view(0, *separator).to_uint<u32>();
        auto height = text.substring_view(*separator + 1).to_uint<u32>();
        if (!width.has_value() || !height.has_value())
            return {};
        return Hal::ScreenSize {*width, *height};
    }

} // namespace

void initialize_screen(StringView command_line)
{
    Hal::ScreenSize size {1024, 768};
    if (auto text = command_line_value(command_line, "screen"sv); text.has_value()) {
        auto requested = parse_screen_size(*text);
        if (requested.has_value())
            size = *requested;
        else
            logln("screen: ignoring 'screen={}': expected WIDTHxHEIGHT such as 800x600", *text);
    }
    if (auto found = find_display(); found.is_error()) {
        logln("screen: none: {}", found.error());
        return;
    }
    s_display.initial_size = size;
    logln("screen: {}x{} (up to {}x{}) when first used; the text console shows the log until then",
        size.width, size.height, s_display.maximum.width, s_display.maximum.height);
}

Hal::ScreenSize screen_size()
{
    if (s_display.framebuffer.has_value())
        return {s_display.framebuffer->width, s_display.framebuffer->height};
    if (s_display.found)
        return s_display.initial_size;
    return {1024, 768};
}

} // namespace Kernel

namespace Hal {

using Kernel::DispiRegister;
using Kernel::s_display;

Optional<Framebuffer> framebuffer()
{
    if (s_display.found && !s_display.mode_set) {
        s_display.mode_set = true;
        auto size = s_display.initial_size;
        if (auto result = set_screen_mode(size); result.is_error())
            logln("screen: cannot show {}x{}: {}", size.width, size.height, result.error());
    }
    return s_display.framebuffer;
}

ErrorOr<Framebuffer> set_screen_mode(ScreenSize size)
{
    if (!s_display.found)
        return Error::from_string_literal("this machine has no screen");
    if (size.width == 0 || size.height == 0 || size.width > s_display.maximum.width
        || size.height > s_display.maximum.height || size.width % 8 != 0)
        return Error::from_string_literal(
            "the display cannot show that size (width a multiple of 8, within its maximum)");
    if (u64(size.width) * size.height * sizeof(Pixel) > s_display.video_memory_bytes)
        return Error::from_string_literal("the display memory is too small for that size");

    auto const& dispi = s_display.dispi;
    s_display.mode_set = true;
    s_display.framebuffer = {};
    dispi.write(DispiRegister::Enable, 0);
    dispi.write(DispiRegister::XResolution, static_cast<u16>(size.width));
    dispi.write(DispiRegister::YResolution, static_cast<u16>(size.height));
    dispi.write(DispiRegister::BitsPerPixel, 32);
    dispi.write(DispiRegister::VirtualWidth, static_cast<u16>(size.width));
    dispi.write(DispiRegister::VirtualHeight, static_cast<u16>(size.height));
    dispi.write(DispiRegister::XOffset, 0);
    dispi.write(DispiRegister::YOffset, 0);
    dispi.write(DispiRegister::Bank, 0);
    dispi.write(DispiRegister::Enable, Kernel::dispi_enabled | Kernel::dispi_linear_framebuffer);

    if (dispi.read(DispiRegister::XResolution) != size.width
        || dispi.read(DispiRegister::YResolution) != size.height
        || dispi.read(DispiRegister::BitsPerPixel) != 32)
        return Error::from_string_literal("the display did not take the mode");

    Framebuffer framebuffer;
    framebuffer.pixels = reinterpret_cast<Pixel*>(s_display.framebuffer_physical);
    framebuffer.width = size.width;
    framebuffer.height = size.height;
    // The display may round the virtual width up; rows are that far apart.
    framebuffer.stride = dispi.read(DispiRegister::VirtualWidth);
    s_display.framebuffer = framebuffer;
    logln(
        "screen: {}x{} 32 bpp, stride {} pixels", framebuffer.width, framebuffer.height, framebuffer.stride);
    return framebuffer;
}

void present(Span<Rect const>)
{
    // The framebuffer is the display memory: everything drawn is already visible. The fence
    // (and compiler barrier) drains write-combining buffers, should the framebuffer ever be
    // mapped write-combining, and keeps the compiler from sinking stores past this call.
    asm volatile("sfence" : : : "memory");
}

} // namespace Hal
