/*
 * kernel/hosted/HostedDevices.cpp: Hal::system_block_device() and Hal::open_channel() for
 * the hosted port. Devices are opened on first use and live until the process ends.
 */
#include <base/Format.h>
#include <kernel/hosted/FileBlockDevice.h>
#include <kernel/hosted/HostedDevices.h>
#include <kernel/hosted/UnixSocketChannel.h>

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

namespace Hosted {

namespace {

    constexpr usize maximum_channels = 8;
    constexpr usize maximum_text = 256;

    struct Setting {
        char key[64] {};
        char value[maximum_text] {};
    };

    pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
    Setting s_settings[maximum_channels + 1];
    usize s_setting_count = 0;
    Hal::BlockDevice* s_disk = nullptr;
    Hal::Channel* s_channels[maximum_channels] {};
    usize s_channel_count = 0;

    // "log": stderr, write only.
    class StandardErrorChannel final : public Hal::Channel {
    public:
        StringView name() const override { return "log"sv; }
        ErrorOr<usize> read(Bytes) override { return 0; }
        ErrorOr<usize> write(ReadonlyBytes bytes) override
        {
            usize done = 0;
            while (done < bytes.size()) {
                ssize_t written = ::write(2, bytes.data() + done, bytes.size() - done);
                if (written <= 0)
                    return Error::from_code(ErrorCode::IoFailure);
                done += usize(written);
            }
            return done;
        }
        bool wait(Hal::ChannelCondition condition, u64) override
        {
            return condition == Hal::ChannelCondition::Writable;
        }
        usize pending_output() const override { return 0; }
    };
    StandardErrorChannel s_log;

    Optional<StringView> setting(StringView key)
    {
        for (usize i = 0; i < s_setting_count; ++i) {
            if (StringView(s_settings[i].key, __builtin_strlen(s_settings[i].key)) == key)
                return StringView(s_settings[i].value, __builtin_strlen(s_settings[i].value));
        }
        return {};
    }

    Optional<StringView> environment(char const* variable)
    {
        char const* value = getenv(variable);
        if (!value || !*value)
            return {};
        return StringView(value, __builtin_strlen(value));
    }

    class Locker {
    public:
        Locker() { pthread_mutex_lock(&s_lock); }
        ~Locker() { pthread_mutex_unlock(&s_lock); }
    };

} // namespace

bool configure_device_argument(StringView argument)
{
    auto equals = argument.find('=');
    if (!equals.has_value())
        return false;
    auto key = argument.substring_view(0, *equals);
    auto value = argument.substring_view(*equals + 1, argument.length() - *equals - 1);
    if (key != "disk"sv && !key.starts_with("channel."sv))
        return false;
    Locker locker;
    if (s_setting_count == array_size(s_settings) || key.length() >= 64 || value.length() >= maximum_text)
        return false;
    auto& entry = s_settings[s_setting_count++];
    __builtin_memcpy(entry.key, key.characters_without_null_termination(), key.length());
    __builtin_memcpy(entry.value, value.characters_without_null_termination(), value.length());
    return true;
}

} // namespace Hosted

namespace Hal {

using namespace Hosted;

ErrorOr<BlockDevice*> system_block_device()
{
    Locker locker;
    if (s_disk)
        return s_disk;
    auto path = setting("disk"sv);
    if (!path.has_value())
        path = environment("PHANTOM_DISK");
    if (!path.has_value())
        return Error::from_string_literal("no disk: give disk=PATH or PHANTOM_DISK");
    auto device = TRY(FileBlockDevice::open(*path));
    s_disk = device.leak_ptr();
    return s_disk;
}

ErrorOr<Channel*> open_channel(StringView name)
{
    if (name == "log"sv)
        return static_cast<Channel*>(&s_log);
    Locker locker;
    for (usize i = 0; i < s_channel_count; ++i) {
        if (s_channels[i]->name() == name)
            return s_channels[i];
    }
    FixedStringBuilder<96> key;
    key.appendff("channel.{}", name);
    auto path = setting(key.string_view());
    FixedStringBuilder<96> variable;
    if (!path.has_value()) {
        variable.appendff("PHANTOM_CHANNEL_");
        for (usize i = 0; i < name.length(); ++i) {
            char c = name[i];
            if (c >= 'a' && c <= 'z')
                c = char(c - 'a' + 'A');
            else if (c == '.' || c == '-')
                c = '_';
            variable.appendff("{:c}", c);
        }
        // FixedStringBuilder keeps its text NUL-terminated.
        path = environment(variable.string_view().characters_without_null_termination());
    }
    if (!path.has_value())
        return Error::from_code(ErrorCode::NotFound);
    if (s_channel_count == maximum_channels)
        return Error::from_code(ErrorCode::NoSpace);
    auto channel = TRY(UnixSocketChannel::listen(name, *path));
    s_channels[s_channel_count] = channel.leak_ptr();
    return s_channels[s_channel_count++];
}

} // namespace Hal
