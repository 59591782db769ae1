/*
 * windowing/DesktopNativeSupport.h: what the window system's natives share (private to
 * windowing/): reading numbers, colours and strings from arguments, the Bitmap of an Image
 * object, and the per-file native tables.
 */
#pragma once

#include <base/Optional.h>
#include <vm/Object.h>
#include <vm/VirtualMachine.h>
#include <vm/natives/Natives.h>
#include <windowing/Bitmap.h>
#include <windowing/Color.h>
#include <windowing/DesktopObjects.h>

namespace Windowing {

// An argument as an integer (floats are truncated); nothing when it is not a number.
inline Optional<i64> integer_argument(VM::VirtualMachine& vm, VM::Value value)
{
    if (value.is_integer())
        return value.as_integer();
    if (VM::is_number(vm, value)) {
        double number = VM::float_of(value);
        if (!(number > -1e9 && number < 1e9))
            return {};
        return static_cast<i64>(number);
    }
    return {};
}

inline Optional<float> float_argument(VM::VirtualMachine& vm, VM::Value value)
{
    if (!VM::is_number(vm, value))
        return {};
    double number = VM::number_of(value);
    if (!(number > -1e6 && number < 1e6))
        return {};
    return static_cast<float>(number);
}

// Colours are written 0xRRGGBB (opaque) or 0xAARRGGBB with a non-zero alpha.
inline Optional<Color> color_argument(VM::Value value)
{
    if (!value.is_integer() || value.as_integer() < 0 || value.as_integer() > 0xffffffff)
        return {};
    u32 bits = static_cast<u32>(value.as_integer());
    return bits <= 0xffffff ? Color::from_rgb(bits) : Color::from_argb(bits);
}

inline Optional<StringView> string_argument(VM::Value value)
{
    if (!VM::is_string(value))
        return {};
    return VM::text_of(value);
}

// The pixels of an Image (or Window) object, or nothing when they are missing or malformed.
inline Optional<Bitmap> bitmap_of(VM::Value image)
{
    if (!VM::is_kind(image, VM::ObjectKind::Instance) || image.as_object()->slot_count < ImageSlot::count)
        return {};
    auto const* slots = image.as_object()->slots();
    VM::Value pixels = slots[ImageSlot::pixels];
    if (!slots[ImageSlot::width].is_integer() || !slots[ImageSlot::height].is_integer())
        return {};
    i64 width = slots[ImageSlot::width].as_integer();
    i64 height = slots[ImageSlot::height].as_integer();
    if (width < 0 || height < 0 || width > 16384 || height > 16384)
        return {};
    if (width == 0 || height == 0)
        return Bitmap {};
    if (!VM::is_kind(pixels, VM::ObjectKind::Raw)
        || u64(pixels.as_object()->byte_count) != u64(width * height * 4))
        return {};
    return Bitmap(
        reinterpret_cast<u32*>(pixels.as_object()->bytes()), int(width), int(height), int(width * 4));
}

// Image's painting natives (ImageNatives.cpp), named here so the class table can be constant.
constexpr usize image_method_count = 18;
extern VM::NativeMethod const image_method_table[image_method_count];

} // namespace Windowing
