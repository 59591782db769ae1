/*
 * kernel/pc/virtio/VirtioInput.cpp: the virtio-input driver (see VirtioInput.h).
 *
 * Queue 0 (eventq) holds device-writable 8-byte event buffers, each returned to the queue
 * as soon as it is read; queue 1 (statusq, LEDs back to the device) is not used. The
 * configuration space is a window selected by (select, subsel) at offsets 0 and 1: the
 * driver reads the name, which event types the device sends, and the range of the
 * absolute axes.
 */
#include <base/Log.h>
#include <kernel/pc/drivers/BochsDisplay.h>
#include <kernel/pc/input/InputQueue.h>
#include <kernel/pc/input/Keyboard.h>
#include <kernel/pc/virtio/VirtioDevice.h>
#include <kernel/pc/virtio/VirtioInput.h>

namespace Kernel {

using namespace Virtio;

namespace {

    // Configuration space (virtio spec 5.8.4).
    constexpr u32 config_select = 0;
    constexpr u32 config_subselect = 1;
    constexpr u32 config_size = 2;
    constexpr u32 config_data = 8;
    constexpr u8 select_name = 0x01;
    constexpr u8 select_event_bits = 0x11;
    constexpr u8 select_absolute_information = 0x12;

    // Linux evdev event types and codes.
    constexpr u16 event_synchronize = 0x00;
    constexpr u16 event_key = 0x01;
    constexpr u16 event_relative = 0x02;
    constexpr u16 event_absolute = 0x03;
    constexpr u16 synchronize_report = 0;
    constexpr u16 relative_x = 0x00;
    constexpr u16 relative_y = 0x01;
    constexpr u16 relative_horizontal_wheel = 0x06;
    constexpr u16 relative_wheel = 0x08;
    constexpr u16 absolute_x = 0x00;
    constexpr u16 absolute_y = 0x01;
    constexpr u16 button_left = 0x110;
    constexpr u16 button_right = 0x111;
    constexpr u16 button_middle = 0x112;
    constexpr u16 button_side = 0x113;
    constexpr u16 button_extra = 0x114;
    constexpr u16 button_gear_down = 0x150; // older QEMUs report the wheel as these buttons
    constexpr u16 button_gear_up = 0x151;
    constexpr u16 first_button = 0x100;

    struct [[gnu::packed]] WireEvent {
        u16 type;
        u16 code;
        u32 value;
    };
    static_assert(sizeof(WireEvent) == 8);

    constexpr u16 event_buffer_count = 64;
    constexpr usize maximum_devices = 4;

    struct AxisRange {
        i32 minimum {0};
        i32 maximum {0x7FFF};
    };

    class InputDevice {
    public:
        ErrorOr<void> start(Pci::Device const& pci_device)
        {
            m_device = TRY(VirtioDevice::create(pci_device));
            auto& virtio = *m_device.ptr();
            TRY(virtio.negotiate_features(0));
            read_name();
            m_absolute[0] = read_axis(absolute_x);
            m_absolute[1] = read_axis(absolute_y);
            m_uses_interrupts = !virtio.use_interrupts(handle_interrupt, this).is_error();
            m_events = TRY(virtio.setup_queue(0, event_buffer_count));
            for (u16 i = 0; i < event_buffer_count && i < m_events->size(); ++i)
                TRY(give_buffer(&m_buffers[i]));
            m_events->notify();
            virtio.driver_ok();
            logln("virtio-input: \"{}\" at pci {:02x}:{:02x}.{}, {}", StringView(m_name, m_name_length),
                pci_device.address.bus, pci_device.address.device, pci_device.address.function,
                m_uses_interrupts ? "msi-x"sv : "polled"sv);
            return {};
        }

        // Takes every event the device finished; interrupts off.
        void drain()
        {
            if (!m_events)
                return;
            bool returned = false;
            while (auto used = m_events->take_used()) {
                auto* buffer = static_cast<WireEvent*>(used->token);
                if (used->written_bytes >= sizeof(WireEvent))
                    handle(*buffer);
                MUST(give_buffer(buffer));
                returned = true;
            }
            if (returned)
                m_events->notify();
        }

    private:
        static void handle_interrupt(void* context) { static_cast<InputDevice*>(context)->drain(); }

        ErrorOr<void> give_buffer(WireEvent* buffer)
        {
            Buffer piece {buffer, sizeof(WireEvent), BufferDirection::DeviceWrites};
            return m_events->submit(Span<Buffer const>(&piece, 1), buffer);
        }

        void select(u8 selector, u8 subselector)
        {
            auto& virtio = *m_device.ptr();
            virtio.write_config8(config_select, selector);
            virtio.write_config8(config_subselect, subselector);
        }

        void read_name()
        {
            select(select_name, 0);
            auto& virtio = *m_device.ptr();
            m_name_length = min<usize>(virtio.read_config8(config_size), sizeof(m_name));
            for (usize i = 0; i < m_name_length; ++i)
                m_name[i] = static_cast<char>(virtio.read_config8(config_data + i));
            // QEMU counts the terminating NUL in the size.
            while (m_name_length > 0 && m_name[m_name_length - 1] == '\0')
                --m_name_length;
        }

        AxisRange read_axis(u16 axis)
        {
            select(select_absolute_information, static_cast<u8>(axis));
            auto& virtio = *m_device.ptr();
            if (virtio.read_config8(config_size) < 8)
                return {};
            AxisRange range;
            range.minimum = static_cast<i32>(virtio.read_config32(config_data));
            range.maximum = static_cast<i32>(virtio.read_config32(config_data + 4));
            if (range.maximum <= range.minimum)
                return {};
            return range;
        }

        // A device coordinate on `axis` as a pixel of a screen `extent` pixels wide, rounded
        // to the nearest pixel so that the host's scaling (pixel * maximum / (extent - 1))
        // comes back exactly.
        i32 to_pixel(usize axis, i32 value, u32 extent) const
        {
            auto const& range = m_absolute[axis];
            i64 span = i64(range.maximum) - range.minimum;
            i64 offset = clamp<i64>(i64(value) - range.minimum, 0, span);
            return static_cast<i32>((offset * (extent - 1) + span / 2) / span);
        }

        void handle(WireEvent const& event)
        {
            switch (event.type) {
            case event_key:
                handle_key(event.code, event.value);
                return;
            case event_relative:
                if (event.code == relative_x)
                    m_relative_x += static_cast<i32>(event.value);
                else if (event.code == relative_y)
                    m_relative_y += static_cast<i32>(event.value);
                else if (event.code == relative_wheel)
                    m_wheel_y += static_cast<i32>(event.value);
                else if (event.code == relative_horizontal_wheel)
                    m_wheel_x += static_cast<i32>(event.value);
                return;
            case event_absolute:
                if (event.code == absolute_x) {
                    m_absolute_value[0] = static_cast<i32>(event.value);
                    m_absolute_changed = true;
                } else if (event.code == absolute_y) {
                    m_absolute_value[1] = static_cast<i32>(event.value);
                    m_absolute_changed = true;
                }
                return;
            case event_synchronize:
                if (event.code == synchronize_report)
                    flush_report();
                return;
            default:
                return;
            }
        }

        void handle_key(u16 code, u32 value)
        {
            // value: 0 released, 1 pressed, 2 auto-repeat (reported as another press).
            auto state = value ? Hal::KeyState::Pressed : Hal::KeyState::Released;
            if (code == button_gear_up || code == button_gear_down) {
                if (value)
                    m_wheel_y += code == button_gear_up ? 1 : -1;
                return;
            }
            if (code >= first_button) {
                Hal::InputEvent event;
                event.type = Hal::InputEventType::Button;
                event.key_state = state;
                switch (code) {
                case button_left:
                    event.button = Hal::PointerButton::Left;
                    break;
                case button_right:
                    event.button = Hal::PointerButton::Right;
                    break;
                case button_middle:
                    event.button = Hal::PointerButton::Middle;
                    break;
                case button_side:
                    event.button = Hal::PointerButton::Side;
                    break;
                case button_extra:
                    event.button = Hal::PointerButton::Extra;
                    break;
                default:
                    return;
                }
                // Buttons come after the motion of the same report.
                flush_motion();
                queue_input_event(event);
                return;
            }
            auto key = key_for_evdev_code(code);
            if (key != Hal::KeyCode::Unknown)
                queue_input_event(m_keyboard.key_event(key, state));
        }

        void flush_motion()
        {
            if (m_absolute_changed) {
                m_absolute_changed = false;
                auto size = screen_size();
                Hal::InputEvent event;
                event.type = Hal::InputEventType::PointerAbsolute;
                event.x = to_pixel(0, m_absolute_value[0], size.width);
                event.y = to_pixel(1, m_absolute_value[1], size.height);
                queue_input_event(event);
            }
            if (m_relative_x || m_relative_y) {
                Hal::InputEvent event;
                event.type = Hal::InputEventType::PointerRelative;
                event.x = exchange(m_relative_x, 0);
                event.y = exchange(m_relative_y, 0);
                queue_input_event(event);
            }
        }

        void flush_report()
        {
            flush_motion();
            if (m_wheel_x || m_wheel_y) {
                Hal::InputEvent event;
                event.type = Hal::InputEventType::Wheel;
                event.x = exchange(m_wheel_x, 0);
                event.y = exchange(m_wheel_y, 0);
                queue_input_event(event);
            }
        }

        OwnPtr<VirtioDevice> m_device;
        Virtqueue* m_events {nullptr};
        bool m_uses_interrupts {false};
        // Aligned, so no 8-byte event buffer straddles a page boundary (the heap is mapped page by page).
        alignas(sizeof(WireEvent)) WireEvent m_buffers[event_buffer_count] {};
        char m_name[64] {};
        usize m_name_length {0};
        AxisRange m_absolute[2];
        i32 m_absolute_value[2] {};
        bool m_absolute_changed {false};
        i32 m_relative_x {0};
        i32 m_relative_y {0};
        i32 m_wheel_x {0};
        i32 m_wheel_y {0};
        KeyboardState m_keyboard;
    };

    InputDevice* s_devices[maximum_devices] {};
    usize s_device_count {0};

    void poll()
    {
        Interrupts::InterruptsDisabled disabled;
        for (usize i = 0; i < s_device_count; ++i)
            s_devices[i]->drain();
    }

} // namespace

void initialize_virtio_input()
{
    for (auto const& pci_device : Pci::devices()) {
        auto type = device_type_of(pci_device);
        if (!type.has_value() || *type != DeviceType::Input)
            continue;
        if (s_device_count == maximum_devices) {
            logln("virtio-input: ignoring more than {} devices", maximum_devices);
            break;
        }
        auto* device = new (std::nothrow) InputDevice;
        if (!device) {
            logln("virtio-input: out of memory");
            return;
        }
        Interrupts::InterruptsDisabled disabled;
        if (auto started = device->start(pci_device); started.is_error()) {
            logln("virtio-input: pci {:02x}:{:02x}.{} failed: {}", pci_device.address.bus,
                pci_device.address.device, pci_device.address.function, started.error());
            delete device;
            continue;
        }
        s_devices[s_device_count++] = device;
    }
    if (s_device_count > 0)
        add_input_poller(poll);
}

} // namespace Kernel
