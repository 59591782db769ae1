/*
 * windowing/ImageNatives.cpp: the painting natives of Image (and so of Window): fills,
 * rounded rects, gradients, lines, text with a face and size, text measuring, blits,
 * shadows and a clip rect, drawn with the Painter straight into the object's pixels (a Raw
 * object in the heap). Drawing into an open window tells the compositor which content rect
 * changed. Coordinates are integers (floats for lines); colours 0xRRGGBB or 0xAARRGGBB.
 */
#include <windowing/DesktopNativeSupport.h>
#include <windowing/DesktopRuntime.h>
#include <windowing/Font.h>
#include <windowing/Painter.h>

namespace Windowing {

using VM::BuiltinClass;
using VM::NativeKind;
using VM::NativeMethod;
using VM::NativeResult;
using VM::Value;
using VM::VirtualMachine;

namespace {

    constexpr StringView default_face = "sans"sv;
    constexpr int default_font_size = 13;

    NativeResult bad_image(VirtualMachine& vm)
    {
        return vm.throw_error(BuiltinClass::Error, "this image has no valid pixels"sv);
    }

    NativeResult nothing() { return VM::returning(Value::nil()); }

    // Numbers from arguments[first..first+count-1]; false when one is not an integer.
    bool integers(VirtualMachine& vm, Value* arguments, u32 first, u32 count, int* out)
    {
        for (u32 i = 0; i < count; ++i) {
            auto value = integer_argument(vm, arguments[first + i]);
            if (!value.has_value() || *value < -1000000 || *value > 1000000)
                return false;
            out[i] = static_cast<int>(*value);
        }
        return true;
    }

    Rect clip_of(Value image)
    {
        auto const* slots = image.as_object()->slots();
        if (!slots[ImageSlot::clip_x].is_integer())
            return {0, 0, 1 << 20, 1 << 20};
        return {int(slots[ImageSlot::clip_x].as_integer()), int(slots[ImageSlot::clip_y].as_integer()),
            int(slots[ImageSlot::clip_width].as_integer()), int(slots[ImageSlot::clip_height].as_integer())};
    }

    // A painter over the image with its clip, and the content change reported afterwards.
    struct Canvas {
        VirtualMachine& vm;
        Value image;
        Bitmap bitmap;
        Painter painter;

        Canvas(VirtualMachine& machine, Value target, Bitmap pixels)
            : vm(machine)
            , image(target)
            , bitmap(pixels)
            , painter(pixels)
        {
            painter.add_clip_rect(clip_of(target));
        }

        void changed(Rect rect)
        {
            rect = rect.intersected(painter.clip_rect());
            if (rect.is_empty())
                return;
            if (auto* context = vm.native_context(DesktopRuntime::context_key))
                static_cast<DesktopRuntime*>(context)->content_changed(image, rect);
        }
    };

    ErrorOr<Font const*> font_from(VirtualMachine& vm, Value* arguments, u32 count, u32 first)
    {
        StringView face = default_face;
        int size = default_font_size;
        if (count >= first) {
            auto text = string_argument(arguments[first]);
            if (!text.has_value())
                return Error::with_message(ErrorCode::InvalidArgument, "a font face is a string"sv);
            face = *text;
        }
        if (count >= first + 1) {
            auto pixels = integer_argument(vm, arguments[first + 1]);
            if (!pixels.has_value() || *pixels < 6 || *pixels > 96)
                return Error::with_message(ErrorCode::InvalidArgument, "a font size is 6 to 96 pixels"sv);
            size = int(*pixels);
        }
        auto* runtime = TRY(DesktopRuntime::ensure(vm));
        return runtime->font(face, size);
    }

    NativeResult font_error(VirtualMachine& vm, Error const& error)
    {
        return vm.throw_error(BuiltinClass::ArgumentError, error.message());
    }

    NativeResult image_init(VirtualMachine& vm, Value* arguments, u32)
    {
        int size[2];
        if (!integers(vm, arguments, 1, 2, size) || size[0] < 0 || size[1] < 0 || size[0] > 8192
            || size[1] > 8192)
            return vm.throw_error(
                BuiltinClass::ArgumentError, "an image is 0 to 8192 pixels wide and high"sv);
        auto pixels = vm.heap().allocate(
            vm.builtin_class(BuiltinClass::Raw), VM::ObjectKind::Raw, 0, u32(size[0]) * u32(size[1]) * 4);
        if (pixels.is_error())
            return vm.throw_error(BuiltinClass::Error, "there is no memory for this image"sv);
        auto* object = arguments[0].as_object();
        vm.heap().write(object, ImageSlot::pixels, pixels.value()->as_value());
        object->slots()[ImageSlot::width] = Value::integer(size[0]);
        object->slots()[ImageSlot::height] = Value::integer(size[1]);
        return nothing();
    }

    template<typename Draw> NativeResult paint(VirtualMachine& vm, Value* arguments, Draw draw)
    {
        auto bitmap = bitmap_of(arguments[0]);
        if (!bitmap.has_value())
            return bad_image(vm);
        Canvas canvas(vm, arguments[0], *bitmap);
        return draw(canvas);
    }

    NativeResult argument_error(VirtualMachine& vm, StringView usage)
    {
        return vm.throw_formatted(BuiltinClass::ArgumentError, "usage: {}", usage);
    }

    // clear([color]): every pixel (in the clip) becomes the colour, or transparent without one.
    NativeResult image_clear(VirtualMachine& vm, Value* arguments, u32 count)
    {
        auto color = count == 0 ? Optional<Color>(Color()) : color_argument(arguments[1]);
        if (count > 1 || !color.has_value())
            return argument_error(vm, "clear([color])"sv);
        return paint(vm, arguments, [&](Canvas& canvas) {
            canvas.painter.clear_rect(canvas.bitmap.rect(), *color);
            canvas.changed(canvas.bitmap.rect());
            return nothing();
        });
    }

    NativeResult image_fill_rect(VirtualMachine& vm, Value* arguments, u32)
    {
        int box[4];
        auto color = color_argument(arguments[5]);
        if (!integers(vm, arguments, 1, 4, box) || !color.has_value())
            return argument_error(vm, "fillRect(x, y, width, height, color)"sv);
        return paint(vm, arguments, [&](Canvas& canvas) {
            Rect rect {box[0], box[1], box[2], box[3]};
            canvas.painter.fill_rect(rect, *color);
            canvas.changed(rect);
            return nothing();
        });
    }

    NativeResult image_stroke_rect(VirtualMachine& vm, Value* arguments, u32 count)
    {
        int box[4];
        int thickness = 1;
        auto color = color_argument(count >= 5 ? arguments[5] : Value::nil());
        if (count < 5 || !integers(vm, arguments, 1, 4, box) || !color.has_value() || count > 6
            || (count == 6 && (!integers(vm, arguments, 6, 1, &thickness) || thickness < 1)))
            return argument_error(vm, "strokeRect(x, y, width, height, color[, thickness])"sv);
        return paint(vm, arguments, [&](Canvas& canvas) {
            Rect rect {box[0], box[1], box[2], box[3]};
            canvas.painter.stroke_rect(rect, *color, thickness);
            canvas.changed(rect);
            return nothing();
        });
    }

    NativeResult image_fill_rounded_rect(VirtualMachine& vm, Value* arguments, u32)
    {
        int box[5];
        auto color = color_argument(arguments[6]);
        if (!integers(vm, arguments, 1, 5, box) || !color.has_value() || box[4] < 0)
            return argument_error(vm, "fillRoundedRect(x, y, width, height, radius, color)"sv);
        return paint(vm, arguments, [&](Canvas& canvas) {
            Rect rect {box[0], box[1], box[2], box[3]};
            canvas.painter.fill_rounded_rect(rect, box[4], *color);
            canvas.changed(rect);
            return nothing();
        });
    }

    NativeResult image_fill_gradient(VirtualMachine& vm, Value* arguments, u32 count)
    {
        int box[4];
        if (count < 6)
            return argument_error(vm, "fillGradient(x, y, width, height, top, bottom[, horizontal])"sv);
        auto from = color_argument(arguments[5]);
        auto to = color_argument(arguments[6]);
        if (!integers(vm, arguments, 1, 4, box) || !from.has_value() || !to.has_value() || count > 7)
            return argument_error(vm, "fillGradient(x, y, width, height, top, bottom[, horizontal])"sv);
        bool horizontal = count == 7 && vm.is_truthy(arguments[7]);
        return paint(vm, arguments, [&](Canvas& canvas) {
            Rect rect {box[0], box[1], box[2], box[3]};
            canvas.painter.fill_rect_with_gradient(
                rect, *from, *to, horizontal ? Orientation::Horizontal : Orientation::Vertical);
            canvas.changed(rect);
            return nothing();
        });
    }

    NativeResult image_fill_rounded_gradient(VirtualMachine& vm, Value* arguments, u32)
    {
        int box[5];
        auto top = color_argument(arguments[6]);
        auto bottom = color_argument(arguments[7]);
        if (!integers(vm, arguments, 1, 5, box) || !top.has_value() || !bottom.has_value() || box[4] < 0)
            return argument_error(vm, "fillRoundedGradient(x, y, width, height, radius, top, bottom)"sv);
        return paint(vm, arguments, [&](Canvas& canvas) {
            Rect rect {box[0], box[1], box[2], box[3]};
            canvas.painter.fill_rounded_rect_with_gradient(rect, box[4], *top, *bottom);
            canvas.changed(rect);
            return nothing();
        });
    }

    NativeResult image_draw_line(VirtualMachine& vm, Value* arguments, u32 count)
    {
        float points[4];
        if (count < 5)
            return argument_error(vm, "drawLine(x1, y1, x2, y2, color[, width])"sv);
        for (u32 i = 0; i < 4; ++i) {
            auto value = float_argument(vm, arguments[1 + i]);
            if (!value.has_value())
                return argument_error(vm, "drawLine(x1, y1, x2, y2, color[, width])"sv);
            points[i] = *value;
        }
        auto color = color_argument(arguments[5]);
        float width = 1;
        if (count == 6) {
            auto value = float_argument(vm, arguments[6]);
            if (!value.has_value() || *value <= 0 || *value > 200)
                return argument_error(vm, "drawLine(x1, y1, x2, y2, color[, width])"sv);
            width = *value;
        }
        if (!color.has_value() || count > 6)
            return argument_error(vm, "drawLine(x1, y1, x2, y2, color[, width])"sv);
        return paint(vm, arguments, [&](Canvas& canvas) {
            // Integer coordinates name pixels: the line runs through their centres.
            FloatPoint from {points[0] + 0.5f, points[1] + 0.5f};
            FloatPoint to {points[2] + 0.5f, points[3] + 0.5f};
            canvas.painter.draw_line(from, to, *color, width);
            int margin = int(width) + 2;
            int left = int(Base::min(points[0], points[2])) - margin;
            int top = int(Base::min(points[1], points[3])) - margin;
            int right = int(Base::max(points[0], points[2])) + margin + 1;
            int bottom = int(Base::max(points[1], points[3])) + margin + 1;
            canvas.changed(Rect::from_edges(left, top, right, bottom));
            return nothing();
        });
    }

    // drawText(x, y, text, color[, face[, size]]): y is the top of the line; returns the x after it.
    NativeResult image_draw_text(VirtualMachine& vm, Value* arguments, u32 count)
    {
        int at[2];
        if (count < 4)
            return argument_error(vm, "drawText(x, y, text, color[, face[, size]])"sv);
        auto text = string_argument(arguments[3]);
        auto color = color_argument(arguments[4]);
        if (!integers(vm, arguments, 1, 2, at) || !text.has_value() || !color.has_value() || count > 6)
            return argument_error(vm, "drawText(x, y, text, color[, face[, size]])"sv);
        auto font = font_from(vm, arguments, count, 5);
        if (font.is_error())
            return font_error(vm, font.error());
        Font const& chosen = *font.value();
        return paint(vm, arguments, [&](Canvas& canvas) {
            Point end = canvas.painter.draw_text({at[0], at[1] + chosen.ascent()}, *text, chosen, *color);
            // Glyphs may reach a little left of the pen and past the advance.
            canvas.changed(Rect::from_edges(at[0] - 2, at[1], end.x + 3, at[1] + chosen.line_height() + 2));
            return VM::returning(Value::integer(end.x));
        });
    }

    NativeResult image_text_width(VirtualMachine& vm, Value* arguments, u32 count)
    {
        auto text = string_argument(count >= 1 ? arguments[1] : Value::nil());
        if (!text.has_value() || count > 3)
            return argument_error(vm, "Image.textWidth(text[, face[, size]])"sv);
        auto font = font_from(vm, arguments, count, 2);
        if (font.is_error())
            return font_error(vm, font.error());
        return VM::returning(Value::integer(font.value()->width(*text)));
    }

    NativeResult image_line_height(VirtualMachine& vm, Value* arguments, u32 count)
    {
        if (count > 2)
            return argument_error(vm, "Image.lineHeight([face[, size]])"sv);
        auto font = font_from(vm, arguments, count, 1);
        if (font.is_error())
            return font_error(vm, font.error());
        return VM::returning(Value::integer(font.value()->line_height()));
    }

    NativeResult image_draw_shadow(VirtualMachine& vm, Value* arguments, u32)
    {
        int box[5];
        auto color = color_argument(arguments[6]);
        if (!integers(vm, arguments, 1, 5, box) || !color.has_value() || box[4] < 0)
            return argument_error(vm, "drawShadow(x, y, width, height, radius, color)"sv);
        return paint(vm, arguments, [&](Canvas& canvas) {
            Rect rect {box[0], box[1], box[2], box[3]};
            canvas.painter.draw_shadow(rect, box[4], *color);
            canvas.changed(rect.inflated(box[4] + 1));
            return nothing();
        });
    }

    // blit(x, y, image[, sourceX, sourceY, width, height]): source-over.
    NativeResult image_blit(VirtualMachine& vm, Value* arguments, u32 count)
    {
        int at[2];
        if ((count != 3 && count != 7) || !integers(vm, arguments, 1, 2, at))
            return argument_error(vm, "blit(x, y, image[, sourceX, sourceY, width, height])"sv);
        auto source = bitmap_of(arguments[3]);
        if (!source.has_value())
            return argument_error(vm, "blit(x, y, image[, sourceX, sourceY, width, height])"sv);
        Rect area = source->rect();
        if (count == 7) {
            int box[4];
            if (!integers(vm, arguments, 4, 4, box))
                return argument_error(vm, "blit(x, y, image[, sourceX, sourceY, width, height])"sv);
            area = Rect {box[0], box[1], box[2], box[3]}.intersected(source->rect());
        }
        return paint(vm, arguments, [&](Canvas& canvas) {
            if (source->is_null() || area.is_empty())
                return nothing();
            canvas.painter.blit({at[0], at[1]}, *source, area);
            canvas.changed({at[0], at[1], area.width, area.height});
            return nothing();
        });
    }

    NativeResult image_set_clip(VirtualMachine& vm, Value* arguments, u32)
    {
        int box[4];
        if (!integers(vm, arguments, 1, 4, box) || box[2] < 0 || box[3] < 0)
            return argument_error(vm, "setClip(x, y, width, height)"sv);
        auto* slots = arguments[0].as_object()->slots();
        slots[ImageSlot::clip_x] = Value::integer(box[0]);
        slots[ImageSlot::clip_y] = Value::integer(box[1]);
        slots[ImageSlot::clip_width] = Value::integer(box[2]);
        slots[ImageSlot::clip_height] = Value::integer(box[3]);
        return nothing();
    }

    NativeResult image_clear_clip(VirtualMachine&, Value* arguments, u32)
    {
        auto* slots = arguments[0].as_object()->slots();
        for (u32 slot = ImageSlot::clip_x; slot <= ImageSlot::clip_height; ++slot)
            slots[slot] = Value::nil();
        return nothing();
    }

    // pixel(x, y): 0xAARRGGBB, straight alpha; nil outside the image.
    NativeResult image_pixel(VirtualMachine& vm, Value* arguments, u32)
    {
        int at[2];
        if (!integers(vm, arguments, 1, 2, at))
            return argument_error(vm, "pixel(x, y)"sv);
        auto bitmap = bitmap_of(arguments[0]);
        if (!bitmap.has_value())
            return bad_image(vm);
        if (!bitmap->rect().contains(Point {at[0], at[1]}))
            return nothing();
        return VM::returning(Value::integer(Color::from_premultiplied(bitmap->pixel(at[0], at[1])).argb()));
    }

    NativeResult image_width(VirtualMachine&, Value* arguments, u32)
    {
        return VM::returning(arguments[0].as_object()->slots()[ImageSlot::width]);
    }
    NativeResult image_height(VirtualMachine&, Value* arguments, u32)
    {
        return VM::returning(arguments[0].as_object()->slots()[ImageSlot::height]);
    }

} // namespace

NativeMethod const image_method_table[] = {
    {"init"sv, NativeKind::Constructor, 2, image_init},
    {"width"sv, NativeKind::Instance, 0, image_width},
    {"height"sv, NativeKind::Instance, 0, image_height},
    {"clear"sv, NativeKind::Instance, -1, image_clear},
    {"fillRect"sv, NativeKind::Instance, 5, image_fill_rect},
    {"strokeRect"sv, NativeKind::Instance, -1, image_stroke_rect},
    {"fillRoundedRect"sv, NativeKind::Instance, 6, image_fill_rounded_rect},
    {"fillGradient"sv, NativeKind::Instance, -1, image_fill_gradient},
    {"fillRoundedGradient"sv, NativeKind::Instance, 7, image_fill_rounded_gradient},
    {"drawLine"sv, NativeKind::Instance, -1, image_draw_line},
    {"drawText"sv, NativeKind::Instance, -1, image_draw_text},
    {"drawShadow"sv, NativeKind::Instance, 6, image_draw_shadow},
    {"blit"sv, NativeKind::Instance, -1, image_blit},
    {"setClip"sv, NativeKind::Instance, 4, image_set_clip},
    {"clearClip"sv, NativeKind::Instance, 0, image_clear_clip},
    {"pixel"sv, NativeKind::Instance, 2, image_pixel},
    {"textWidth"sv, NativeKind::Static, -1, image_text_width},
    {"lineHeight"sv, NativeKind::Static, -1, image_line_height},
};
static_assert(array_size(image_method_table) == image_method_count);

} // namespace Windowing
