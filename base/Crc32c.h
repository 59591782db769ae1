/*
 * base/Crc32c.h: CRC-32C (Castagnoli, the iSCSI/ext4/Btrfs checksum) in software.
 *
 *     u32 checksum = crc32c(page_bytes);
 *     Crc32c running; running.update(header); running.update(body); running.digest();
 *
 * crc32c(b, crc32c(a)) == crc32c(a followed by b), so checksums can be continued. Every
 * page and metadata block on disk and every wire frame carries one.
 */
#pragma once

#include <base/Span.h>
#include <base/Types.h>

namespace Base {

// The checksum of `data`, continuing from `running` (the checksum of what came before).
[[nodiscard]] u32 crc32c(ReadonlyBytes data, u32 running = 0);

class Crc32c {
public:
    Crc32c() = default;
    void update(ReadonlyBytes data) { m_checksum = crc32c(data, m_checksum); }
    [[nodiscard]] u32 digest() const { return m_checksum; }

private:
    u32 m_checksum {0};
};

} // namespace Base

using Base::crc32c;
using Base::Crc32c;
