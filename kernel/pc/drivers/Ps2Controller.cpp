/*
 * kernel/pc/drivers/Ps2Controller.cpp: the i8042 and its two devices (see Ps2Controller.h).
 *
 * Bytes of both devices arrive through one data port; status bit 5 says which device sent
 * a byte. Keyboard bytes feed a small set-1 decoder (0xE0 prefix, the 0xE1 Pause sequence,
 * the fake shifts QEMU and real keyboards wrap around some extended keys); mouse bytes are
 * gathered into 3- or 4-byte packets, resynchronized on the always-one bit 3 of the first.
 */
#include <base/Log.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/drivers/Ps2Controller.h>
#include <kernel/pc/input/InputQueue.h>
#include <kernel/pc/input/Keyboard.h>

namespace Kernel {

namespace {

    constexpr u16 data_port = 0x60;
    constexpr u16 status_port = 0x64;  // read
    constexpr u16 command_port = 0x64; // write

    constexpr u8 status_output_full = 1 << 0;
    constexpr u8 status_input_full = 1 << 1;
    constexpr u8 status_from_mouse = 1 << 5;

    constexpr u8 command_read_configuration = 0x20;
    constexpr u8 command_write_configuration = 0x60;
    constexpr u8 command_disable_mouse_port = 0xA7;
    constexpr u8 command_enable_mouse_port = 0xA8;
    constexpr u8 command_disable_keyboard_port = 0xAD;
    constexpr u8 command_enable_keyboard_port = 0xAE;
    constexpr u8 command_write_to_mouse = 0xD4;

    constexpr u8 configuration_keyboard_interrupt = 1 << 0;
    constexpr u8 configuration_mouse_interrupt = 1 << 1;
    constexpr u8 configuration_keyboard_clock_off = 1 << 4;
    constexpr u8 configuration_mouse_clock_off = 1 << 5;
    constexpr u8 configuration_translation = 1 << 6;

    constexpr u8 device_acknowledge = 0xFA;
    constexpr u8 device_set_scancode_set = 0xF0;
    constexpr u8 device_get_id = 0xF2;
    constexpr u8 device_set_sample_rate = 0xF3;
    constexpr u8 device_enable_reporting = 0xF4;
    constexpr u8 device_set_defaults = 0xF6;

    // Polls are bounded: a missing controller or device must not hang the boot.
    constexpr u32 poll_limit = 100'000;

    bool wait_for_input_space()
    {
        for (u32 i = 0; i < poll_limit; ++i) {
            if (!(Cpu::in8(status_port) & status_input_full))
                return true;
            Cpu::pause();
        }
        return false;
    }

    Optional<u8> read_response()
    {
        for (u32 i = 0; i < poll_limit; ++i) {
            if (Cpu::in8(status_port) & status_output_full)
                return Cpu::in8(data_port);
            Cpu::pause();
        }
        return {};
    }

    void write_command(u8 command)
    {
        if (wait_for_input_space())
            Cpu::out8(command_port, command);
    }

    void write_data(u8 value)
    {
        if (wait_for_input_space())
            Cpu::out8(data_port, value);
    }

    enum class Port : u8 {
        Keyboard,
        Mouse,
    };

    // Sends one byte to a device and waits for its acknowledgement.
    bool send_to_device(Port port, u8 value)
    {
        if (port == Port::Mouse)
            write_command(command_write_to_mouse);
        write_data(value);
        auto response = read_response();
        return response.has_value() && *response == device_acknowledge;
    }

    struct KeyboardDecoder {
        KeyboardState state;
        bool extended {false};
        u8 pause_bytes_left {0};

        void feed(u8 byte)
        {
            if (pause_bytes_left > 0) {
                // E1 1D 45 E1 9D C5: Pause has no break code; report press and release at the end.
                if (--pause_bytes_left == 0) {
                    queue_input_event(state.key_event(Hal::KeyCode::Pause, Hal::KeyState::Pressed));
                    queue_input_event(state.key_event(Hal::KeyCode::Pause, Hal::KeyState::Released));
                }
                return;
            }
            if (byte == 0xE0) {
                extended = true;
                return;
            }
            if (byte == 0xE1) {
                pause_bytes_left = 5;
                return;
            }
            bool was_extended = exchange(extended, false);
            if (byte == 0x00 || byte == 0xFF || byte == 0xFA || byte == 0xFE)
                return; // errors and stray acknowledgements
            u8 make_code = byte & 0x7F;
            // The fake shifts around extended keys (E0 2A, E0 AA, E0 36, E0 B6).
            if (was_extended && (make_code == 0x2A || make_code == 0x36))
                return;
            auto key = key_for_set1_scancode(make_code, was_extended);
            if (key == Hal::KeyCode::Unknown)
                return;
            auto key_state = (byte & 0x80) ? Hal::KeyState::Released : Hal::KeyState::Pressed;
            queue_input_event(state.key_event(key, key_state));
        }
    };

    struct MouseDecoder {
        u8 packet[4] {};
        u8 received {0};
        u8 packet_size {3};
        u8 buttons {0};

        void feed(u8 byte)
        {
            if (received == 0 && !(byte & 0x08))
                return; // out of step: the first byte always has bit 3 set
            packet[received++] = byte;
            if (received < packet_size)
                return;
            received = 0;
            decode();
        }

        void decode()
        {
            u8 flags = packet[0];
            // Overflowed motion is garbage; drop it but keep the buttons.
            bool overflow = flags & 0xC0;
            i32 dx = overflow ? 0 : i32(packet[1]) - ((flags & 0x10) ? 256 : 0);
            i32 dy = overflow ? 0 : i32(packet[2]) - ((flags & 0x20) ? 256 : 0);
            if (dx != 0 || dy != 0) {
                Hal::InputEvent event;
                event.type = Hal::InputEventType::PointerRelative;
                event.x = dx;
                event.y = -dy; // PS/2 counts up; the HAL's y grows downwards
                queue_input_event(event);
            }
            constexpr Hal::PointerButton button_of_bit[]
                = {Hal::PointerButton::Left, Hal::PointerButton::Right, Hal::PointerButton::Middle};
            u8 new_buttons = flags & 0x07;
            for (u8 bit = 0; bit < 3; ++bit) {
                u8 mask = 1 << bit;
                if ((new_buttons ^ buttons) & mask) {
                    Hal::InputEvent event;
                    event.type = Hal::InputEventType::Button;
                    event.button = button_of_bit[bit];
                    event.key_state = (new_buttons & mask) ? Hal::KeyState::Pressed : Hal::KeyState::Released;
                    queue_input_event(event);
                }
            }
            buttons = new_buttons;
            if (packet_size == 4) {
                // IntelliMouse: a signed count, positive towards the user (scrolling down).
                i32 dz = static_cast<i8>(packet[3]);
                if (dz != 0) {
                    Hal::InputEvent event;
                    event.type = Hal::InputEventType::Wheel;
                    event.y = -dz;
                    queue_input_event(event);
                }
            }
        }
    };

    struct Controller {
        bool present {false};
        bool has_mouse {false};
        KeyboardDecoder keyboard;
        MouseDecoder mouse;
    };
    constinit Controller s_controller;

    // Takes every byte the controller holds. Interrupts off (handler, or the poller below).
    void drain()
    {
        for (u32 i = 0; i < 64; ++i) {
            u8 status = Cpu::in8(status_port);
            if (!(status & status_output_full))
                return;
            u8 byte = Cpu::in8(data_port);
            if (status & status_from_mouse)
                s_controller.mouse.feed(byte);
            else
                s_controller.keyboard.feed(byte);
        }
    }

    void poll()
    {
        Interrupts::InterruptsDisabled disabled;
        drain();
    }

    void interrupt_handler(void*) { drain(); }

    void flush_output()
    {
        for (u32 i = 0; i < 32 && (Cpu::in8(status_port) & status_output_full); ++i)
            (void)Cpu::in8(data_port);
    }

    bool initialize_mouse()
    {
        if (!send_to_device(Port::Mouse, device_set_defaults))
            return false;
        // The IntelliMouse knock: sample rates 200, 100, 80 switch on the wheel (ID 3).
        constexpr u8 knock_rates[] = {200, 100, 80};
        for (u8 rate : knock_rates) {
            if (!send_to_device(Port::Mouse, device_set_sample_rate) || !send_to_device(Port::Mouse, rate))
                return false;
        }
        if (!send_to_device(Port::Mouse, device_get_id))
            return false;
        auto id = read_response();
        s_controller.mouse.packet_size = (id.has_value() && *id == 3) ? 4 : 3;
        return send_to_device(Port::Mouse, device_enable_reporting);
    }

} // namespace

void initialize_ps2()
{
    Interrupts::InterruptsDisabled disabled;
    // No controller: the status port floats to 0xFF.
    if (Cpu::in8(status_port) == 0xFF) {
        logln("ps2: no i8042 controller");
        return;
    }
    write_command(command_disable_keyboard_port);
    write_command(command_disable_mouse_port);
    flush_output();

    write_command(command_read_configuration);
    u8 configuration = read_response().value_or(0);
    // The clock bits say whether the ports are on; they were just turned off, and the
    // enable commands below turn them on, so every later write of this byte must keep them clear.
    configuration &= ~(configuration_keyboard_interrupt | configuration_mouse_interrupt
        | configuration_keyboard_clock_off | configuration_mouse_clock_off);
    configuration |= configuration_translation;
    write_command(command_write_configuration);
    write_data(configuration);

    write_command(command_enable_keyboard_port);
    write_command(command_enable_mouse_port);

    bool keyboard = send_to_device(Port::Keyboard, device_set_scancode_set)
        && send_to_device(Port::Keyboard, 2) && send_to_device(Port::Keyboard, device_enable_reporting);
    s_controller.has_mouse = initialize_mouse();
    flush_output();
    s_controller.present = true;

    bool interrupts = !Interrupts::route_isa_irq(1, interrupt_handler, nullptr).is_error();
    if (s_controller.has_mouse)
        interrupts &= !Interrupts::route_isa_irq(12, interrupt_handler, nullptr).is_error();
    if (interrupts) {
        configuration |= configuration_keyboard_interrupt;
        if (s_controller.has_mouse)
            configuration |= configuration_mouse_interrupt;
        write_command(command_write_configuration);
        write_data(configuration);
    }
    add_input_poller(poll);
    logln("ps2: keyboard {}, mouse {}; {}", keyboard ? "ready"sv : "not answering"sv,
        !s_controller.has_mouse                   ? "not answering"sv
            : s_controller.mouse.packet_size == 4 ? "with wheel (IntelliMouse)"sv
                                                  : "without wheel"sv,
        interrupts ? "IRQ 1 and 12"sv : "polled"sv);
}

} // namespace Kernel
