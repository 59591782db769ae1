/*
 * tools/phantom-disk/ReadOnlyBlockDevice.h: a Hal::BlockDevice that forwards reads and
 * flushes to another device and refuses every write, so inspecting an image can never
 * change it, whatever the store would try.
 */
#pragma once

#include <kernel/hal/Block.h>

namespace PhantomDisk {

class ReadOnlyBlockDevice final : public Hal::BlockDevice {
public:
    explicit ReadOnlyBlockDevice(Hal::BlockDevice& device)
        : m_device(device)
    { }

    StringView name() const override { return m_device.name(); }
    u64 block_count() const override { return m_device.block_count(); }
    u32 maximum_blocks_per_request() const override { return m_device.maximum_blocks_per_request(); }
    ErrorOr<void> submit(Hal::BlockRequest& request) override
    {
        if (request.operation == Hal::BlockOperation::Write)
            return Error::with_message(ErrorCode::Unsupported, "phantom-disk opens images read-only."sv);
        return m_device.submit(request);
    }
    ErrorOr<void> wait(Hal::BlockRequest& request) override { return m_device.wait(request); }

private:
    Hal::BlockDevice& m_device;
};

} // namespace PhantomDisk
