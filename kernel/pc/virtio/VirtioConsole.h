/*
 * kernel/pc/virtio/VirtioConsole.h: virtio-console with MULTIPORT (QEMU's
 * virtio-serial-pci): each named port (`-device virtserialport,name=org.phantom.ide`) is a
 * Hal::Channel.
 *
 * The control queues announce ports (DEVICE_ADD), their names (PORT_NAME) and whether the
 * host side is connected (PORT_OPEN); the driver answers PORT_READY and opens every port.
 * Each port has a receive queue kept full of 4 KiB buffers and a transmit queue fed from a
 * ring. Received data waits in its buffer while the port's receive ring is full, so the
 * device holds the host back instead of dropping bytes. wait() sleeps on an event the MSI-X
 * handler signals, looking again at least every 10 ms.
 */
#pragma once

#include <base/OwnPtr.h>
#include <kernel/hal/Channel.h>
#include <kernel/hal/Threads.h>
#include <kernel/pc/devices/ByteRing.h>
#include <kernel/pc/virtio/VirtioDevice.h>

namespace Kernel::Virtio {

class VirtioConsole;

class VirtioConsolePort final : public Hal::Channel {
public:
    StringView name() const override { return {m_name, m_name_length}; }
    ErrorOr<usize> read(Bytes) override;
    ErrorOr<usize> write(ReadonlyBytes) override;
    bool wait(Hal::ChannelCondition, u64 deadline_ns) override;
    usize pending_output() const override;

    u32 id() const { return m_id; }
    bool is_host_connected() const { return m_host_connected; }

private:
    friend class VirtioConsole;
    static constexpr usize buffer_count = 4;
    static constexpr usize buffer_size = 4096;

    VirtioConsolePort(VirtioConsole&, u32 id, Virtqueue* receive, Virtqueue* transmit);
    ErrorOr<void> start();
    // Moves data between the queues and the rings; interrupts must be off.
    void service();

    VirtioConsole& m_console;
    u32 m_id;
    Virtqueue* m_receive_queue;
    Virtqueue* m_transmit_queue;
    u8* m_receive_buffers[buffer_count] {};
    u8* m_transmit_buffers[buffer_count] {};
    bool m_transmit_busy[buffer_count] {};
    usize m_transmit_in_flight {0};
    // A received buffer not yet fully copied into m_receive (the ring was full).
    u8* m_parked_buffer {nullptr};
    usize m_parked_offset {0};
    usize m_parked_length {0};
    ByteRing<65536> m_receive;
    ByteRing<65536> m_transmit;
    char m_name[64] {};
    usize m_name_length {0};
    bool m_host_connected {false};
};

class VirtioConsole {
public:
    // Brings the device up and waits briefly for the ports' names.
    static ErrorOr<NonnullOwnPtr<VirtioConsole>> create(Pci::Device const&);
    ~VirtioConsole();

    // The port called `name`, if the device has announced it.
    VirtioConsolePort* find_port(StringView name);
    // Handles control messages and port traffic; interrupts must be off.
    void service();

private:
    friend class VirtioConsolePort;
    static constexpr u32 maximum_ports = 4;
    static constexpr usize control_buffer_count = 8;
    static constexpr usize control_buffer_size = 256;

    explicit VirtioConsole(NonnullOwnPtr<VirtioDevice>);
    static void handle_interrupt(void* context);
    ErrorOr<void> send_control(u32 id, u16 event, u16 value);
    void handle_control(u8 const* message, usize length);

    NonnullOwnPtr<VirtioDevice> m_device;
    Virtqueue* m_control_receive {nullptr};
    Virtqueue* m_control_transmit {nullptr};
    u8* m_control_receive_buffers[control_buffer_count] {};
    u8* m_control_transmit_page {nullptr};
    usize m_control_transmit_next {0};
    u32 m_port_limit {1};
    Virtqueue* m_port_queues[maximum_ports][2] {};
    VirtioConsolePort* m_ports[maximum_ports] {};
    // Signalled by the interrupt handler; the ports' wait() sleeps on it.
    Hal::Event m_activity;
};

} // namespace Kernel::Virtio
