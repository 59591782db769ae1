/*
 * tests/fuzz/HeapImageFuzz.cpp: fuzzes attaching to a damaged VM heap image (vm/Heap.h).
 * Heap::attach() checks the metadata in constant time and Heap::verify() walks the image;
 * whatever the bytes, neither may crash, and an image that passes both must then be safe to
 * use: allocating, storing, collecting and verifying again must work (a verify() failure
 * after that means verify() let a broken image through, and the fuzzer traps).
 *
 * Inputs edit one of three valid images built once at a fixed address (between cycles, in
 * the middle of marking, in the middle of sweeping). Input layout:
 *   byte 0: bits 0-1 choose the image (3: the input bytes are the image's start instead)
 *   then 5-byte patches: u24 position (modulo the used part of the image), u8 value,
 *   u8 run length
 */
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <sys/mman.h>
#include <vector>
#include <vm/Heap.h>

using namespace VM;

namespace {

constexpr size_t heap_size = 256 * 1024;

struct Images {
    void* base {nullptr};
    std::vector<uint8_t> images[3];
    size_t used[3] {};
};

// Builds a heap with lists, cycles, weak references and a stack object, then snapshots it.
void build(Images& images, int which)
{
    std::memset(images.base, 0, heap_size);
    HeapOptions options;
    options.minimum_trigger_bytes = 1 << 30;
    auto heap = Heap::create(images.base, heap_size, options).release_value();
    auto* klass = heap->allocate(Value::nil(), ObjectKind::Class, 2, 8).release_value();
    heap->set_root(1, Value::object(klass));
    auto* table = heap->allocate(Value::object(klass), ObjectKind::Raw, 40, 0).release_value();
    heap->set_root(0, Value::object(table));
    for (uint32_t index = 0; index < 200; ++index) {
        auto* node
            = heap->allocate(Value::object(klass), ObjectKind::Instance, 2, index % 24).release_value();
        heap->write(node, 1, Value::integer(index));
        Value previous = table->slots()[index % 40];
        heap->write(node, 0, previous.is_nil() ? Value::object(node) : previous);
        if (index % 3 == 0)
            heap->write(table, index % 40, Value::object(node));
        if (index % 17 == 0) {
            auto* weak = heap->allocate(Value::object(klass), ObjectKind::Weak, 1, 0).release_value();
            heap->write(weak, 0, Value::object(node));
            heap->write(table, 39 - index % 7, Value::object(weak));
        }
    }
    auto* stack = heap->allocate(Value::object(klass), ObjectKind::Stack, 16, 0).release_value();
    stack->slots()[3] = table->slots()[5];
    heap->set_root(2, Value::object(stack));
    heap->collect();
    if (which == 1)
        heap->step(600); // marking, part done
    if (which == 2) {
        while (heap->statistics().phase != GcPhase::Sweep)
            heap->step(64);
        heap->step(64); // sweeping, part done
    }
    auto const* bytes = static_cast<uint8_t const*>(images.base);
    images.images[which].assign(bytes, bytes + heap_size);
    // Everything past the last chunk is zero; patches go where the data is.
    size_t used = heap_size;
    while (used > 0 && bytes[used - 1] == 0)
        --used;
    images.used[which] = used < 4096 ? 4096 : used;
}

Images& images()
{
    static Images* built = [] {
        auto* images = new Images;
        images->base = mmap(nullptr, heap_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (images->base == MAP_FAILED)
            __builtin_trap();
        for (int which = 0; which < 3; ++which)
            build(*images, which);
        return images;
    }();
    return *built;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size)
{
    if (size == 0)
        return 0;
    auto& built = images();
    int which = data[0] & 3;
    ++data;
    --size;
    auto* bytes = static_cast<uint8_t*>(built.base);
    if (which == 3) {
        std::memset(bytes, 0, heap_size);
        std::memcpy(bytes, data, size < heap_size ? size : heap_size);
    } else {
        std::memcpy(bytes, built.images[which].data(), heap_size);
        for (size_t offset = 0; offset + 5 <= size; offset += 5) {
            size_t position = (static_cast<size_t>(data[offset]) | static_cast<size_t>(data[offset + 1]) << 8
                                  | static_cast<size_t>(data[offset + 2]) << 16)
                % built.used[which];
            size_t run = 1 + data[offset + 4] % 8;
            for (size_t index = 0; index < run && position + index < heap_size; ++index)
                bytes[position + index] = data[offset + 3];
        }
    }
    auto attached = Heap::attach(built.base, heap_size);
    if (attached.is_error())
        return 0;
    auto heap = attached.release_value();
    if (heap->verify().is_error())
        return 0;
    // A verified image is safe to use.
    auto object = heap->allocate(heap->root(1), ObjectKind::Raw, 3, 16);
    if (!object.is_error()) {
        heap->write(object.value(), 0, heap->root(0));
        heap->set_root(3, Value::object(object.value()));
    }
    heap->step(256);
    heap->collect();
    for (int index = 0; index < 20; ++index)
        (void)heap->allocate(Value::nil(), ObjectKind::Raw, 1, 100);
    heap->collect();
    if (auto checked = heap->verify(); checked.is_error()) {
        auto message = checked.error().message();
        fprintf(stderr, "verify() passed, then failed after use: %.*s\n", static_cast<int>(message.length()),
            message.characters_without_null_termination());
        __builtin_trap();
    }
    return 0;
}
