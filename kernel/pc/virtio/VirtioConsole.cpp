/*
 * kernel/pc/virtio/VirtioConsole.cpp: virtio-console (virtio 1.1 section 5.3) with the
 * MULTIPORT feature. Queue numbering: 0/1 receive/transmit of port 0, 2/3 the control
 * queues, then 2n+2/2n+3 for port n >= 1.
 */
#include <base/Log.h>
#include <kernel/pc/BootClock.h>
#include <kernel/pc/KernelHeap.h>
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/virtio/VirtioConsole.h>
#include <new>

namespace Kernel::Virtio {

namespace {

    constexpr u64 feature_multiport = 1ull << 1;
    constexpr u32 config_maximum_ports = 4;

    enum ControlEvent : u16 {
        DeviceReady = 0,
        DeviceAdd = 1,
        DeviceRemove = 2,
        PortReady = 3,
        ConsolePort = 4,
        Resize = 5,
        PortOpen = 6,
        PortName = 7,
    };

    struct ControlMessage {
        u32 id;
        u16 event;
        u16 value;
    };

    constexpr usize page_size = 4096;

    u8* allocate_page()
    {
        auto* page = static_cast<u8*>(KernelHeap::allocate_aligned(page_size, page_size));
        if (page)
            __builtin_memset(page, 0, page_size);
        return page;
    }

    u16 receive_queue_of(u32 port) { return port == 0 ? 0 : u16(2 * port + 2); }

} // namespace

// --- VirtioConsolePort ---

VirtioConsolePort::VirtioConsolePort(VirtioConsole& console, u32 id, Virtqueue* receive, Virtqueue* transmit)
    : m_console(console)
    , m_id(id)
    , m_receive_queue(receive)
    , m_transmit_queue(transmit)
{ }

ErrorOr<void> VirtioConsolePort::start()
{
    for (usize i = 0; i < buffer_count; ++i) {
        m_receive_buffers[i] = allocate_page();
        m_transmit_buffers[i] = allocate_page();
        if (!m_receive_buffers[i] || !m_transmit_buffers[i])
            return Error::from_code(ErrorCode::OutOfMemory);
        Buffer buffer {m_receive_buffers[i], buffer_size, BufferDirection::DeviceWrites};
        TRY(m_receive_queue->submit(Span<Buffer const>(&buffer, 1), m_receive_buffers[i]));
    }
    m_receive_queue->notify();
    return {};
}

void VirtioConsolePort::service()
{
    bool repost = false;
    for (;;) {
        if (m_parked_buffer) {
            usize taken = m_receive.push(
                ReadonlyBytes(m_parked_buffer + m_parked_offset, m_parked_length - m_parked_offset));
            m_parked_offset += taken;
            if (m_parked_offset < m_parked_length)
                break; // the ring is full: the device keeps waiting for this buffer
            Buffer buffer {m_parked_buffer, buffer_size, BufferDirection::DeviceWrites};
            MUST(m_receive_queue->submit(Span<Buffer const>(&buffer, 1), m_parked_buffer));
            m_parked_buffer = nullptr;
            repost = true;
        }
        auto used = m_receive_queue->take_used();
        if (!used.has_value())
            break;
        m_parked_buffer = static_cast<u8*>(used->token);
        m_parked_offset = 0;
        m_parked_length = used->written_bytes < buffer_size ? used->written_bytes : buffer_size;
    }
    if (repost)
        m_receive_queue->notify();

    while (auto used = m_transmit_queue->take_used()) {
        for (usize i = 0; i < buffer_count; ++i) {
            if (m_transmit_buffers[i] == used->token) {
                m_transmit_busy[i] = false;
                --m_transmit_in_flight;
            }
        }
    }
    bool sent = false;
    for (usize i = 0; i < buffer_count && !m_transmit.is_empty(); ++i) {
        if (m_transmit_busy[i])
            continue;
        usize length = m_transmit.pop(Bytes(m_transmit_buffers[i], buffer_size));
        Buffer buffer {m_transmit_buffers[i], u32(length), BufferDirection::DeviceReads};
        MUST(m_transmit_queue->submit(Span<Buffer const>(&buffer, 1), m_transmit_buffers[i]));
        m_transmit_busy[i] = true;
        ++m_transmit_in_flight;
        sent = true;
    }
    if (sent)
        m_transmit_queue->notify();
}

ErrorOr<usize> VirtioConsolePort::read(Bytes bytes)
{
    Interrupts::InterruptsDisabled guard;
    m_console.service();
    usize count = m_receive.pop(bytes);
    if (count)
        service();
    return count;
}

ErrorOr<usize> VirtioConsolePort::write(ReadonlyBytes bytes)
{
    Interrupts::InterruptsDisabled guard;
    m_console.service();
    usize count = m_transmit.push(bytes);
    service();
    return count;
}

usize VirtioConsolePort::pending_output() const
{
    return m_transmit.size() + m_transmit_in_flight * buffer_size;
}

bool VirtioConsolePort::wait(Hal::ChannelCondition condition, u64 deadline_ns)
{
    constexpr u64 poll_interval_ns = 10'000'000;
    for (;;) {
        {
            Interrupts::InterruptsDisabled guard;
            m_console.service();
            bool holds = condition == Hal::ChannelCondition::Readable ? !m_receive.is_empty()
                                                                      : !m_transmit.is_full();
            if (holds)
                return true;
        }
        u64 now = Hal::monotonic_nanoseconds();
        if (now >= deadline_ns)
            return false;
        m_console.m_activity.wait(
            deadline_ns - now < poll_interval_ns ? deadline_ns : now + poll_interval_ns);
    }
}

// --- VirtioConsole ---

VirtioConsole::VirtioConsole(NonnullOwnPtr<VirtioDevice> device)
    : m_device(move(device))
{ }

VirtioConsole::~VirtioConsole()
{
    for (auto* port : m_ports)
        delete port;
}

ErrorOr<NonnullOwnPtr<VirtioConsole>> VirtioConsole::create(Pci::Device const& pci_device)
{
    auto device = TRY(VirtioDevice::create(pci_device));
    auto console = TRY(adopt_nonnull_own_or_enomem(new (std::nothrow) VirtioConsole(move(device))));
    auto& virtio = *console->m_device;
    u64 features = TRY(virtio.negotiate_features(feature_multiport));
    if (!(features & feature_multiport))
        return Error::from_string_literal("virtio-console without MULTIPORT has no named ports");
    u32 device_ports = virtio.read_config32(config_maximum_ports);
    console->m_port_limit = device_ports < maximum_ports ? device_ports : maximum_ports;

    auto interrupts = virtio.use_interrupts(handle_interrupt, console.ptr());
    if (interrupts.is_error())
        logln("virtio-console: no MSI-X ({}); polling", interrupts.error());
    for (u32 port = 0; port < console->m_port_limit; ++port) {
        u16 receive = receive_queue_of(port);
        console->m_port_queues[port][0] = TRY(virtio.setup_queue(receive, 64));
        console->m_port_queues[port][1] = TRY(virtio.setup_queue(receive + 1, 64));
    }
    console->m_control_receive = TRY(virtio.setup_queue(2, 64));
    console->m_control_transmit = TRY(virtio.setup_queue(3, 64));
    console->m_control_transmit_page = allocate_page();
    if (!console->m_control_transmit_page)
        return Error::from_code(ErrorCode::OutOfMemory);
    for (auto*& buffer : console->m_control_receive_buffers) {
        buffer = allocate_page();
        if (!buffer)
            return Error::from_code(ErrorCode::OutOfMemory);
        Buffer piece {buffer, control_buffer_size, BufferDirection::DeviceWrites};
        TRY(console->m_control_receive->submit(Span<Buffer const>(&piece, 1), buffer));
    }
    virtio.driver_ok();
    console->m_control_receive->notify();

    Interrupts::InterruptsDisabled guard;
    TRY(console->send_control(0, DeviceReady, 1));
    // The device announces its ports right after DEVICE_READY; give the names a moment
    // (TSC-based, so this works before the HAL clock is up): until every announced port is
    // named, at most 200 ms.
    u64 start = BootClock::ticks_to_microseconds(Cpu::read_tsc());
    for (;;) {
        console->service();
        bool any = false;
        bool all_named = true;
        for (auto* port : console->m_ports) {
            if (!port)
                continue;
            any = true;
            all_named &= port->m_name_length > 0;
        }
        u64 elapsed = BootClock::ticks_to_microseconds(Cpu::read_tsc()) - start;
        if ((any && all_named && elapsed > 20'000) || elapsed > 200'000)
            break;
        Cpu::pause();
    }
    for (auto* port : console->m_ports) {
        if (port)
            logln("virtio-console: port {} \"{}\"{}", port->m_id, port->name(),
                port->m_host_connected ? " (host connected)"sv : ""sv);
    }
    return console;
}

ErrorOr<void> VirtioConsole::send_control(u32 id, u16 event, u16 value)
{
    while (m_control_transmit->take_used().has_value()) { }
    constexpr usize slots = page_size / sizeof(ControlMessage);
    auto* message = reinterpret_cast<ControlMessage*>(m_control_transmit_page) + m_control_transmit_next;
    m_control_transmit_next = (m_control_transmit_next + 1) % slots;
    *message = {id, event, value};
    Buffer buffer {message, sizeof(ControlMessage), BufferDirection::DeviceReads};
    TRY(m_control_transmit->submit(Span<Buffer const>(&buffer, 1), message));
    m_control_transmit->notify();
    return {};
}

void VirtioConsole::handle_control(u8 const* bytes, usize length)
{
    if (length < sizeof(ControlMessage))
        return;
    ControlMessage message;
    __builtin_memcpy(&message, bytes, sizeof(message));
    if (message.id >= m_port_limit) {
        if (message.event == DeviceAdd) {
            logln("virtio-console: port {} beyond the {} this driver handles; refused", message.id,
                m_port_limit);
            (void)send_control(message.id, PortReady, 0);
        }
        return;
    }
    auto*& port = m_ports[message.id];
    switch (message.event) {
    case DeviceAdd: {
        if (port)
            return;
        port = new (std::nothrow)
            VirtioConsolePort(*this, message.id, m_port_queues[message.id][0], m_port_queues[message.id][1]);
        bool ready = port && !port->start().is_error();
        if (!ready) {
            logln("virtio-console: port {} could not be set up", message.id);
            delete port;
            port = nullptr;
        }
        (void)send_control(message.id, PortReady, ready ? 1 : 0);
        break;
    }
    case PortName:
        if (port) {
            usize name_length = length - sizeof(ControlMessage);
            if (name_length > sizeof(port->m_name))
                name_length = sizeof(port->m_name);
            __builtin_memcpy(port->m_name, bytes + sizeof(ControlMessage), name_length);
            // QEMU sends the terminating NUL too.
            while (name_length > 0 && port->m_name[name_length - 1] == '\0')
                --name_length;
            port->m_name_length = name_length;
            // Open our end, so the device passes data both ways.
            (void)send_control(message.id, PortOpen, 1);
        }
        break;
    case ConsolePort:
        if (port)
            (void)send_control(message.id, PortOpen, 1);
        break;
    case PortOpen:
        if (port)
            port->m_host_connected = message.value != 0;
        break;
    case DeviceRemove:
        // FIXME: hot-unplug; the port object stays so pointers handed out remain valid.
        break;
    default:
        break;
    }
}

void VirtioConsole::service()
{
    bool reposted = false;
    while (auto used = m_control_receive->take_used()) {
        auto* buffer = static_cast<u8*>(used->token);
        handle_control(
            buffer, used->written_bytes < control_buffer_size ? used->written_bytes : control_buffer_size);
        Buffer piece {buffer, control_buffer_size, BufferDirection::DeviceWrites};
        MUST(m_control_receive->submit(Span<Buffer const>(&piece, 1), buffer));
        reposted = true;
    }
    if (reposted)
        m_control_receive->notify();
    for (auto* port : m_ports) {
        if (port)
            port->service();
    }
}

void VirtioConsole::handle_interrupt(void* context)
{
    auto* console = static_cast<VirtioConsole*>(context);
    console->service();
    console->m_activity.signal();
}

VirtioConsolePort* VirtioConsole::find_port(StringView name)
{
    Interrupts::InterruptsDisabled guard;
    service();
    for (auto* port : m_ports) {
        if (port && port->name() == name)
            return port;
    }
    return nullptr;
}

} // namespace Kernel::Virtio
