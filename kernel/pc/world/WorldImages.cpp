/*
 * kernel/pc/world/WorldImages.cpp: the table the generated world-images.S defines
 * (WorldImages.h): name, start and size of each embedded class image, ended by a null name.
 */
#include <kernel/pc/world/WorldImages.h>

namespace {

struct EmbeddedWorldImage {
    char const* name;
    u8 const* data;
    u64 size;
};

} // namespace

extern "C" EmbeddedWorldImage const kernel_world_images[];

namespace Kernel {

Optional<ReadonlyBytes> find_world_image(StringView name)
{
    for (auto const* image = kernel_world_images; image->name; ++image) {
        if (StringView(image->name, __builtin_strlen(image->name)) == name)
            return ReadonlyBytes(image->data, static_cast<usize>(image->size));
    }
    return {};
}

void append_world_image_names(StringBuilder& builder)
{
    for (auto const* image = kernel_world_images; image->name; ++image) {
        if (image != kernel_world_images)
            (void)builder.try_append(' ');
        (void)builder.try_append(StringView(image->name, __builtin_strlen(image->name)));
    }
}

} // namespace Kernel
