// phantom-bench-paint: windowing's Painter against Cairo (the reference renderer) on the host,
// drawing the same desktop-like scene into a 1024x768 ARGB32 buffer. Prints one table; never
// passes or fails on a time:
//   - a plain opaque and a translucent full-screen fill
//   - a full repaint: wallpaper gradient, 4 windows (shadow, rounded frame, gradient title bar
//     with bold title and buttons, body text), a task bar
//   - a damaged-rectangle repaint: the same scene clipped to 200x150 (what the compositor does
//     for a small change)
//   - the Compositor (windowing/Compositor.h) over the same 4 windows: a full recomposition and
//     one step of a window drag (8 pixels, damaged rects only), in a second table
// Cairo has no blur, so its windows get the usual stand-in for a soft shadow: 8 stacked
// translucent rounded rects; everything else is the same operation on both sides.
#include <tools/fontbake/CairoFont.h>
#include <windowing/Compositor.h>
#include <windowing/EmbeddedFonts.h>
#include <windowing/Painter.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace Windowing;

namespace {

constexpr int screen_width = 1024;
constexpr int screen_height = 768;

struct WindowSpec {
    Rect frame;
    char const* title;
};

WindowSpec const windows[] = {
    {{60, 50, 460, 320}, "Notepad — заметки.txt"},
    {{380, 140, 520, 360}, "Object browser"},
    {{120, 360, 400, 300}, "Calculator"},
    {{560, 420, 420, 260}, "Threads"},
};

char const* const body_lines[] = {
    "Phantom keeps every window and every object alive across power cuts.",
    "Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "root.apps.notepad.text = \"hello, persistent world\"",
    "Generation 1042, snapshot age 0.8 s, last pause 1.2 ms",
    "The quick brown fox jumps over the lazy dog 0123456789",
    "Déjà vu: façade, naïve, Straße, smørrebrød",
    "thread 7: Notepad.on_key (running)",
    "thread 9: Clock.tick (sleeping 1000 ms)",
};

Color const wallpaper_top = Color::from_rgb(0x1d3557);
Color const wallpaper_bottom = Color::from_rgb(0x457b9d);
Color const frame_color = Color::from_rgb(0xf4f4f2);
Color const title_top = Color::from_rgb(0x4a78b0);
Color const title_bottom = Color::from_rgb(0x2a4f7c);
Color const shadow_color = Color::from_argb(0x70000000);
Color const text_color = Color::from_rgb(0x202020);
Color const button_colors[3]
    = {Color::from_rgb(0xe0524a), Color::from_rgb(0xe8b030), Color::from_rgb(0x50b050)};
Color const taskbar_color = Color::from_argb(0xd0101820);

struct Fonts {
    Font title;
    Font body;
};

void draw_scene_ours(Painter& painter, Fonts const& fonts)
{
    painter.fill_rect_with_gradient(
        {0, 0, screen_width, screen_height}, wallpaper_top, wallpaper_bottom, Orientation::Vertical);
    for (auto const& window : windows) {
        Rect frame = window.frame;
        painter.draw_shadow(frame.translated(0, 6), 20, shadow_color, frame);
        painter.fill_rounded_rect(frame, 6, frame_color);
        painter.fill_rounded_rect_with_gradient(
            {frame.x, frame.y, frame.width, 28}, 6, title_top, title_bottom, Corners::Top);
        painter.draw_text(
            {frame.x + 12, frame.y + 19}, StringView(window.title), fonts.title, Color::from_rgb(0xffffff));
        for (int i = 0; i < 3; ++i)
            painter.fill_rounded_rect(
                {frame.right() - 24 - 20 * i, frame.y + 8, 12, 12}, 6, button_colors[i]);
        painter.save();
        painter.add_clip_rect({frame.x + 8, frame.y + 32, frame.width - 16, frame.height - 40});
        int baseline = frame.y + 50;
        for (char const* line : body_lines) {
            painter.draw_text({frame.x + 10, baseline}, StringView(line), fonts.body, text_color);
            baseline += fonts.body.line_height();
        }
        painter.restore();
        painter.stroke_rect(frame, Color::from_argb(0x40000000));
    }
    painter.fill_rect({0, screen_height - 32, screen_width, 32}, taskbar_color);
    painter.draw_text({12, screen_height - 11}, "Phantom   Notepad   Object browser   Calculator   Threads"sv,
        fonts.body, Color::from_rgb(0xffffff));
}

void set_source(cairo_t* cr, Color color)
{
    cairo_set_source_rgba(
        cr, color.red() / 255.0, color.green() / 255.0, color.blue() / 255.0, color.alpha() / 255.0);
}

void rounded_path(cairo_t* cr, double x, double y, double w, double h, double r)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
    cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
    cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
    cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
}

// Fills `rect`, or with path_ready the current path, with a vertical gradient over `rect`.
void vertical_gradient(cairo_t* cr, Rect rect, Color top, Color bottom, bool path_ready = false)
{
    cairo_pattern_t* pattern = cairo_pattern_create_linear(0, rect.y, 0, rect.bottom());
    cairo_pattern_add_color_stop_rgb(pattern, 0, top.red() / 255.0, top.green() / 255.0, top.blue() / 255.0);
    cairo_pattern_add_color_stop_rgb(
        pattern, 1, bottom.red() / 255.0, bottom.green() / 255.0, bottom.blue() / 255.0);
    cairo_set_source(cr, pattern);
    if (!path_ready)
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height);
    cairo_fill(cr);
    cairo_pattern_destroy(pattern);
}

void draw_scene_cairo(
    cairo_t* cr, cairo_scaled_font_t* title_font, cairo_scaled_font_t* body_font, int line_height)
{
    vertical_gradient(cr, {0, 0, screen_width, screen_height}, wallpaper_top, wallpaper_bottom);
    for (auto const& window : windows) {
        Rect frame = window.frame;
        // The stand-in soft shadow.
        for (int i = 8; i >= 1; --i) {
            cairo_set_source_rgba(cr, 0, 0, 0, 0.055);
            rounded_path(cr, frame.x - i * 2, frame.y + 6 - i * 2, frame.width + i * 4, frame.height + i * 4,
                2 + i * 2);
            cairo_fill(cr);
        }
        set_source(cr, frame_color);
        rounded_path(cr, frame.x, frame.y, frame.width, frame.height, 6);
        cairo_fill(cr);
        // The title bar: round top corners, square bottom ones.
        cairo_new_sub_path(cr);
        cairo_arc(cr, frame.right() - 6, frame.y + 6, 6, -M_PI / 2, 0);
        cairo_line_to(cr, frame.right(), frame.y + 28);
        cairo_line_to(cr, frame.x, frame.y + 28);
        cairo_arc(cr, frame.x + 6, frame.y + 6, 6, M_PI, 3 * M_PI / 2);
        cairo_close_path(cr);
        vertical_gradient(cr, {frame.x, frame.y, frame.width, 28}, title_top, title_bottom, false);
        cairo_set_scaled_font(cr, title_font);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_move_to(cr, frame.x + 12, frame.y + 19);
        cairo_show_text(cr, window.title);
        for (int i = 0; i < 3; ++i) {
            set_source(cr, button_colors[i]);
            cairo_arc(cr, frame.right() - 24 - 20 * i + 6, frame.y + 14, 6, 0, 2 * M_PI);
            cairo_fill(cr);
        }
        cairo_save(cr);
        cairo_rectangle(cr, frame.x + 8, frame.y + 32, frame.width - 16, frame.height - 40);
        cairo_clip(cr);
        cairo_set_scaled_font(cr, body_font);
        set_source(cr, text_color);
        int baseline = frame.y + 50;
        for (char const* line : body_lines) {
            cairo_move_to(cr, frame.x + 10, baseline);
            cairo_show_text(cr, line);
            baseline += line_height;
        }
        cairo_restore(cr);
        cairo_set_source_rgba(cr, 0, 0, 0, 0x40 / 255.0);
        cairo_set_line_width(cr, 1);
        cairo_rectangle(cr, frame.x + 0.5, frame.y + 0.5, frame.width - 1, frame.height - 1);
        cairo_stroke(cr);
    }
    set_source(cr, taskbar_color);
    cairo_rectangle(cr, 0, screen_height - 32, screen_width, 32);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_move_to(cr, 12, screen_height - 11);
    cairo_show_text(cr, "Phantom   Notepad   Object browser   Calculator   Threads");
}

double now_ms()
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Median over `runs` of the mean time of `repeats` calls (one warm-up call first).
double measure(int runs, int repeats, std::function<void()> const& work)
{
    work();
    std::vector<double> samples;
    for (int run = 0; run < runs; ++run) {
        double start = now_ms();
        for (int i = 0; i < repeats; ++i)
            work();
        samples.push_back((now_ms() - start) / repeats);
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

Font must_font(char const* name, int size)
{
    auto font = load_embedded_font(StringView(name), size);
    if (font.is_error()) {
        std::fprintf(stderr, "phantom-bench-paint: no embedded font %s %d\n", name, size);
        std::exit(1);
    }
    return font.release_value();
}

// Content pixels from malloc, as the tests do (the system uses the persistent heap).
class BenchAllocator final : public PixelAllocator {
public:
    ErrorOr<u32*> allocate_pixels(usize count) override
    {
        auto* pixels = static_cast<u32*>(std::malloc(count * 4));
        if (pixels == nullptr)
            return Error::from_string_literal("out of memory");
        return pixels;
    }
    void free_pixels(u32* pixels, usize) override { std::free(pixels); }
};

// The Compositor composing the benchmark's 4 windows (content: body text on white): a full
// recomposition, and a drag step, which moves the top window by 8 pixels (back and forth)
// and composes only the damage.
void benchmark_compositor(int runs, Bitmap screen, Fonts const& fonts)
{
    BenchAllocator allocator;
    auto store = std::make_unique<WindowStore>();
    i64 presented_pixels = 0;
    Compositor compositor(
        *store, allocator, screen, fonts.title,
        [](void* context, Span<Rect const> rects) {
            for (Rect const& rect : rects)
                *static_cast<i64*>(context) += rect.area();
        },
        &presented_pixels);
    WindowId top = 0;
    for (auto const& window : windows) {
        auto id = compositor.create_window(1, StringView(window.title), window.frame);
        if (id.is_error()) {
            std::fprintf(stderr, "phantom-bench-paint: cannot create a window\n");
            std::exit(1);
        }
        top = id.value();
        WindowRecord& record = *store->find(top);
        Painter painter(record.content());
        painter.clear_rect(record.content().rect(), Color::from_rgb(0xffffff));
        int y = 20;
        for (char const* line : body_lines) {
            painter.draw_text({10, y}, StringView(line), fonts.body, text_color);
            y += fonts.body.line_height();
        }
        compositor.focus(top);
    }
    compositor.rebuild();
    double full = measure(runs, 10, [&] { compositor.compose_everything(); });
    int direction = 8;
    presented_pixels = 0;
    int steps = 0;
    double drag = measure(runs, 50, [&] {
        Rect frame = store->find(top)->frame;
        compositor.move_window(top, {frame.x + direction, frame.y + direction / 2});
        direction = -direction;
        compositor.compose();
        ++steps;
    });
    std::printf("\nCompositor (windowing/Compositor.h), the same 4 windows with shadows, decorations and "
                "content, median of %d runs\n\n",
        runs);
    std::printf("| %-40s | %12s |\n", "operation", "Phantom ms");
    std::printf("|------------------------------------------|--------------|\n");
    std::printf("| %-40s | %12.3f |\n", "full recomposition 1024x768", full);
    char label[64];
    std::snprintf(label, sizeof label, "drag step (8 px, ~%lld px damaged)",
        static_cast<long long>(presented_pixels / (steps > 0 ? steps : 1)));
    std::printf("| %-40s | %12.3f |\n", label, drag);
    for (auto& window : store->windows) {
        if (window.is_used())
            store->destroy_window(allocator, window.id);
    }
}

} // namespace

int main(int argc, char** argv)
{
    int runs = 5;
    std::string save_directory;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else if (std::strcmp(argv[i], "--save") == 0 && i + 1 < argc) {
            save_directory = argv[++i];
        } else {
            std::fprintf(stderr, "usage: %s [--runs N] [--save DIRECTORY]\n", argv[0]);
            return 2;
        }
    }
    std::vector<u32> ours_pixels(usize(screen_width) * screen_height);
    std::vector<u32> cairo_pixels(usize(screen_width) * screen_height);
    Bitmap screen(ours_pixels.data(), screen_width, screen_height, screen_width * 4);
    cairo_surface_t* surface
        = cairo_image_surface_create_for_data(reinterpret_cast<unsigned char*>(cairo_pixels.data()),
            CAIRO_FORMAT_ARGB32, screen_width, screen_height, screen_width * 4);
    cairo_t* cr = cairo_create(surface);

    Fonts fonts {must_font("DejaVu Sans Bold", 13), must_font("DejaVu Sans", 13)};
    std::string directory = "/usr/share/fonts/truetype/dejavu/";
    FontBake::CairoFont cairo_title(directory + "DejaVuSans-Bold.ttf", 13);
    FontBake::CairoFont cairo_body(directory + "DejaVuSans.ttf", 13);
    if (!cairo_title.is_valid() || !cairo_body.is_valid()) {
        std::fprintf(stderr, "phantom-bench-paint: DejaVu is missing (install fonts-dejavu-core)\n");
        return 1;
    }
    Rect damage {430, 300, 200, 150};

    struct Row {
        char const* what;
        double ours;
        double cairo;
    };
    std::vector<Row> rows;
    rows.push_back({"opaque fill 1024x768",
        measure(runs, 50, [&] { Painter(screen).fill_rect(screen.rect(), Color::from_rgb(0x336699)); }),
        measure(runs, 50, [&] {
            cairo_set_source_rgb(cr, 0.2, 0.4, 0.6);
            cairo_paint(cr);
        })});
    rows.push_back({"translucent fill 1024x768",
        measure(runs, 20, [&] { Painter(screen).fill_rect(screen.rect(), Color::from_argb(0x80336699)); }),
        measure(runs, 20, [&] {
            cairo_set_source_rgba(cr, 0.2, 0.4, 0.6, 0.5);
            cairo_paint(cr);
        })});
    rows.push_back({"desktop full repaint 1024x768",
        measure(runs, 10,
            [&] {
                Painter painter(screen);
                draw_scene_ours(painter, fonts);
            }),
        measure(runs, 10, [&] {
            draw_scene_cairo(
                cr, cairo_title.scaled_font(), cairo_body.scaled_font(), fonts.body.line_height());
        })});
    rows.push_back({"desktop damaged repaint 200x150",
        measure(runs, 50,
            [&] {
                Painter painter(screen);
                painter.add_clip_rect(damage);
                draw_scene_ours(painter, fonts);
            }),
        measure(runs, 50, [&] {
            cairo_save(cr);
            cairo_rectangle(cr, damage.x, damage.y, damage.width, damage.height);
            cairo_clip(cr);
            draw_scene_cairo(
                cr, cairo_title.scaled_font(), cairo_body.scaled_font(), fonts.body.line_height());
            cairo_restore(cr);
        })});

    std::printf("Painter (windowing/) vs Cairo %s on the host, ARGB32 1024x768, median of %d runs\n\n",
        cairo_version_string(), runs);
    std::printf("| %-32s | %12s | %12s | %8s |\n", "scene", "Phantom ms", "Cairo ms", "ratio");
    std::printf("|----------------------------------|--------------|--------------|----------|\n");
    for (auto const& row : rows)
        std::printf(
            "| %-32s | %12.3f | %12.3f | %7.2fx |\n", row.what, row.ours, row.cairo, row.cairo / row.ours);
    std::printf(
        "\nratio = Cairo time / Phantom time (above 1: the Painter is faster). Budget (DESIGN.md §11):\n"
        "a full 1024x768 repaint under 4 ms.\n");
    benchmark_compositor(runs, screen, fonts);
    if (!save_directory.empty()) {
        // The last full repaint of each side, to look at (--save DIRECTORY).
        Painter painter(screen);
        draw_scene_ours(painter, fonts);
        draw_scene_cairo(cr, cairo_title.scaled_font(), cairo_body.scaled_font(), fonts.body.line_height());
        cairo_surface_flush(surface);
        cairo_surface_t* ours
            = cairo_image_surface_create_for_data(reinterpret_cast<unsigned char*>(ours_pixels.data()),
                CAIRO_FORMAT_ARGB32, screen_width, screen_height, screen_width * 4);
        std::string ours_path = save_directory + "/desktop-phantom.png";
        std::string cairo_path = save_directory + "/desktop-cairo.png";
        cairo_surface_write_to_png(ours, ours_path.c_str());
        cairo_surface_write_to_png(surface, cairo_path.c_str());
        cairo_surface_destroy(ours);
        std::printf("\nwrote %s and %s\n", ours_path.c_str(), cairo_path.c_str());
    }
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    return 0;
}
