/*
 * tests/vm/HeapTest.cpp: unit tests of the VM heap (vm/Heap.h): formatting and allocation,
 * free-list reuse and large objects, the root table, attaching an image copied to a new
 * mapping at the same address, out-of-memory as an error, and rejection of bad images.
 * CTest: vm.heap.
 */
#include "HeapTestSupport.h"
#include <QRandomGenerator>
#include <QtTest>
#include <vm/Heap.h>

using namespace VM;
using namespace HeapTestSupport;

class HeapTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void allocateInitialisesObjects();
    void valuesEncodeIntegersAndReferences();
    void freedMemoryIsReused();
    void largeObjectsComeAndGo();
    void rootTableKeepsObjects();
    void attachToCopiedImage();
    void attachContinuesInterruptedCycle();
    void outOfMemoryIsAnError();
    void badImagesAreRejected();
    void referencesAreReplaced();
    void mixedSizesChurn();
};

static constexpr size_t heap_size = 8 * 1024 * 1024;

void HeapTest::allocateInitialisesObjects()
{
    Mapping mapping(heap_size);
    QVERIFY(mapping.base());
    // Dirty memory must not leak into new objects.
    std::memset(mapping.base(), 0xab, mapping.size());
    auto heap_or_error = Heap::create(mapping.base(), mapping.size());
    QVERIFY(!heap_or_error.is_error());
    auto heap = heap_or_error.release_value();

    auto* klass = MUST(heap->allocate(Value::nil(), ObjectKind::Class, 0, 0));
    auto* object = MUST(heap->allocate(Value::object(klass), ObjectKind::Instance, 5, 13));
    QCOMPARE(object->slot_count, 5u);
    QCOMPARE(object->byte_count, 13u);
    QCOMPARE(object->kind, ObjectKind::Instance);
    QCOMPARE(object->klass, Value::object(klass));
    QCOMPARE(object->flags, u16(0));
    for (u32 slot = 0; slot < 5; ++slot)
        QVERIFY(object->slot(slot).is_nil());
    for (u32 byte = 0; byte < 13; ++byte)
        QCOMPARE(object->bytes()[byte], u8(0));
    QCOMPARE(quintptr(object) % 8, quintptr(0));
    QVERIFY(heap->contains(object));
    QVERIFY(!heap->contains(&mapping));

    heap->write(object, 2, Value::integer(-42));
    heap->write(object, 3, Value::object(klass));
    QCOMPARE(object->slot(2).as_integer(), i64(-42));
    QCOMPARE(object->slot(3).as_object(), klass);

    auto statistics = heap->statistics();
    QCOMPARE(statistics.object_count, u64(2));
    QCOMPARE(statistics.allocations, u64(2));
    QVERIFY(statistics.bytes_in_use >= object_size_in_bytes(5, 13) + object_size_in_bytes(0, 0));
    QVERIFY(!heap->verify().is_error());
}

void HeapTest::valuesEncodeIntegersAndReferences()
{
    QVERIFY(Value::nil().is_nil());
    QVERIFY(!Value::nil().is_object());
    QVERIFY(!Value::nil().is_integer());
    for (i64 number : {i64(0), i64(1), i64(-1), Value::max_integer, Value::min_integer, i64(123456789)}) {
        auto value = Value::integer(number);
        QVERIFY(value.is_integer());
        QVERIFY(!value.is_object());
        QCOMPARE(value.as_integer(), number);
    }
    QVERIFY(Value::fits_integer(Value::max_integer));
    QVERIFY(!Value::fits_integer(Value::max_integer + 1));
    QVERIFY(!Value::fits_integer(Value::min_integer - 1));
    alignas(8) static ObjectHeader header {};
    auto reference = Value::object(&header);
    QVERIFY(reference.is_object());
    QCOMPARE(reference.as_object(), &header);
}

void HeapTest::freedMemoryIsReused()
{
    Mapping mapping(heap_size);
    auto heap = MUST(Heap::create(mapping.base(), mapping.size()));
    // Fill a quarter of the heap with garbage of mixed sizes, collect, and repeat: the space
    // must be reused rather than taken from never-used memory each time.
    auto fill = [&] {
        for (int index = 0; index < 20000; ++index)
            MUST(heap->allocate(Value::nil(), ObjectKind::Raw, u32(index % 7), u32(index % 50)));
    };
    fill();
    heap->collect();
    QCOMPARE(heap->statistics().object_count, u64(0));
    QCOMPARE(heap->statistics().bytes_in_use, u64(0));
    for (int round = 0; round < 5; ++round) {
        fill();
        heap->collect();
    }
    auto statistics = heap->statistics();
    QCOMPARE(statistics.object_count, u64(0));
    QVERIFY(statistics.collections >= 6);
    QVERIFY(!heap->verify().is_error());
}

void HeapTest::largeObjectsComeAndGo()
{
    Mapping mapping(heap_size);
    auto heap = MUST(Heap::create(mapping.base(), mapping.size()));
    // 40 objects of 1 MiB would need 40 MiB; an 8 MiB heap only works if they are reclaimed.
    for (int index = 0; index < 40; ++index) {
        auto object_or_error = heap->allocate(Value::nil(), ObjectKind::Raw, 0, 1024 * 1024);
        QVERIFY2(!object_or_error.is_error(), qPrintable(QString("allocation %1").arg(index)));
        auto* object = object_or_error.release_value();
        object->bytes()[1024 * 1024 - 1] = 7;
        QCOMPARE(object->bytes()[0], u8(0));
    }
    // A rooted large object survives, its neighbours do not.
    auto* kept = MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 2, 300000));
    set_tag(kept, 0xfeedface);
    heap->set_root(3, Value::object(kept));
    for (int index = 0; index < 20; ++index)
        MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 0, 500000));
    heap->collect();
    QCOMPARE(heap->statistics().object_count, u64(1));
    QCOMPARE(tag_of(kept), quint64(0xfeedface));
    QVERIFY(!heap->verify().is_error());
}

void HeapTest::rootTableKeepsObjects()
{
    Mapping mapping(heap_size);
    auto heap = MUST(Heap::create(mapping.base(), mapping.size()));
    for (u32 index = 0; index < Heap::root_count; ++index)
        QVERIFY(heap->root(index).is_nil());
    auto* object = MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 0, 8));
    set_tag(object, 99);
    heap->set_root(Heap::root_count - 1, Value::object(object));
    heap->set_root(0, Value::integer(5));
    heap->collect();
    QCOMPARE(heap->statistics().object_count, u64(1));
    QCOMPARE(heap->root(0).as_integer(), i64(5));
    QCOMPARE(tag_of(heap->root(Heap::root_count - 1).as_object()), quint64(99));
    heap->set_root(Heap::root_count - 1, Value::nil());
    heap->collect();
    QCOMPARE(heap->statistics().object_count, u64(0));
}

// Builds a list of tagged nodes from root 0 and returns the number of nodes.
static int build_list(Heap& heap, int length)
{
    auto* klass = MUST(heap.allocate(Value::nil(), ObjectKind::Class, 0, 0));
    heap.set_root(1, Value::object(klass));
    Value next = Value::nil();
    for (int index = 0; index < length; ++index) {
        Handle keep(heap, next);
        auto* node = MUST(heap.allocate(heap.root(1), ObjectKind::Instance, 2, 8));
        set_tag(node, quint64(index));
        heap.write(node, 0, keep.value());
        heap.write(node, 1, Value::integer(index * 3));
        next = Value::object(node);
        // Garbage between the nodes, so the image has free chunks and mixed sizes.
        MUST(heap.allocate(Value::nil(), ObjectKind::Raw, u32(index % 5), u32(index % 40)));
    }
    heap.set_root(0, next);
    return length;
}

static void check_list(Heap& heap, int length)
{
    Value cursor = heap.root(0);
    for (int index = length - 1; index >= 0; --index) {
        QVERIFY(cursor.is_object());
        auto* node = cursor.as_object();
        QCOMPARE(node->kind, ObjectKind::Instance);
        QCOMPARE(node->klass, heap.root(1));
        QCOMPARE(tag_of(node), quint64(index));
        QCOMPARE(node->slot(1).as_integer(), i64(index * 3));
        cursor = node->slot(0);
    }
    QVERIFY(cursor.is_nil());
}

void HeapTest::attachToCopiedImage()
{
    Mapping mapping(heap_size);
    QVERIFY(mapping.base());
    void* address = mapping.base();
    QByteArray image;
    HeapStatistics before;
    {
        auto heap = MUST(Heap::create(address, mapping.size()));
        build_list(*heap, 3000);
        heap->collect();
        before = heap->statistics();
        image = mapping.bytes();
    }
    // A restart: the range goes away and comes back at the same address with the same bytes.
    mapping.unmap();
    Mapping again(heap_size, address);
    QCOMPARE(again.base(), address);
    std::memcpy(again.base(), image.constData(), size_t(image.size()));
    auto heap_or_error = Heap::attach(again.base(), again.size());
    QVERIFY2(!heap_or_error.is_error(),
        heap_or_error.is_error() ? qPrintable(error_text(heap_or_error.error())) : "");
    auto heap = heap_or_error.release_value();
    QVERIFY(!heap->verify().is_error());
    check_list(*heap, 3000);
    QCOMPARE(heap->statistics().object_count, before.object_count);
    QCOMPARE(heap->statistics().collections, before.collections);
    // The attached heap keeps working: allocation, collection, the same objects.
    build_list(*heap, 100);
    heap->collect();
    check_list(*heap, 100);
    QCOMPARE(heap->statistics().object_count, u64(101));
}

void HeapTest::attachContinuesInterruptedCycle()
{
    Mapping mapping(heap_size);
    void* address = mapping.base();
    QByteArray image;
    {
        HeapOptions options;
        options.minimum_trigger_bytes = 4096;
        options.step_work_bytes = 512;
        auto heap = MUST(Heap::create(address, mapping.size(), options));
        build_list(*heap, 2000);
        // Stop in the middle of a cycle, as a snapshot at a safepoint may.
        heap->step(2048);
        QVERIFY(heap->statistics().phase != GcPhase::Idle);
        image = mapping.bytes();
    }
    mapping.unmap();
    Mapping again(heap_size, address);
    std::memcpy(again.base(), image.constData(), size_t(image.size()));
    auto heap = MUST(Heap::attach(again.base(), again.size()));
    QVERIFY(heap->statistics().phase != GcPhase::Idle);
    heap->finish_cycle();
    check_list(*heap, 2000);
    heap->collect();
    check_list(*heap, 2000);
    QCOMPARE(heap->statistics().object_count, u64(2001));
    QVERIFY(!heap->verify().is_error());
}

void HeapTest::outOfMemoryIsAnError()
{
    Mapping mapping(256 * 1024);
    auto heap = MUST(Heap::create(mapping.base(), mapping.size()));
    auto* keeper = MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 4096, 0));
    heap->set_root(0, Value::object(keeper));
    u32 kept = 0;
    Error failure = Error(ErrorCode::Custom);
    for (;;) {
        auto object_or_error = heap->allocate(Value::nil(), ObjectKind::Raw, 0, 1000);
        if (object_or_error.is_error()) {
            failure = object_or_error.release_error();
            break;
        }
        QVERIFY(kept < 4096);
        heap->write(keeper, kept++, Value::object(object_or_error.release_value()));
    }
    QCOMPARE(failure.code(), ErrorCode::OutOfMemory);
    QVERIFY(kept > 100);
    // Nothing live was lost and the heap recovers once objects die.
    for (u32 index = 0; index < kept; ++index)
        QCOMPARE(keeper->slot(index).as_object()->byte_count, 1000u);
    QVERIFY(!heap->verify().is_error());
    heap->set_root(0, Value::nil());
    auto again = heap->allocate(Value::nil(), ObjectKind::Raw, 0, 1000);
    QVERIFY(!again.is_error());

    // Requests larger than the heap, or beyond any size, fail the same way.
    auto huge = heap->allocate(Value::nil(), ObjectKind::Raw, 0xffffffffu, 0xffffffffu);
    QVERIFY(huge.is_error());
    QCOMPARE(huge.error().code(), ErrorCode::OutOfMemory);
}

void HeapTest::badImagesAreRejected()
{
    Mapping mapping(heap_size);
    auto rejected = [&](char const* why) {
        auto heap_or_error = Heap::attach(mapping.base(), mapping.size());
        if (!heap_or_error.is_error())
            qWarning("accepted: %s", why);
        return heap_or_error.is_error();
    };
    // Zeroes, then garbage.
    QVERIFY(rejected("zeroes"));
    std::srand(7);
    auto* bytes = static_cast<unsigned char*>(mapping.base());
    for (size_t index = 0; index < 64 * 1024; ++index)
        bytes[index] = static_cast<unsigned char>(std::rand());
    QVERIFY(rejected("random bytes"));
    auto error = Heap::attach(mapping.base(), mapping.size()).release_error();
    QCOMPARE(error.code(), ErrorCode::InvalidFormat);
    QVERIFY(error_text(error).contains("magic"));

    // A valid image at another address.
    {
        auto heap = MUST(Heap::create(mapping.base(), mapping.size()));
        build_list(*heap, 10);
    }
    Mapping elsewhere(heap_size);
    std::memcpy(elsewhere.base(), mapping.base(), mapping.size());
    auto moved = Heap::attach(elsewhere.base(), elsewhere.size());
    QVERIFY(moved.is_error());
    QVERIFY(error_text(moved.error()).contains("address"));

    // A valid image with damaged fields.
    QByteArray good = mapping.bytes();
    auto damage = [&](size_t offset, quint64 value, char const* why) {
        std::memcpy(mapping.base(), good.constData(), size_t(good.size()));
        std::memcpy(static_cast<char*>(mapping.base()) + offset, &value, sizeof(value));
        return rejected(why);
    };
    QVERIFY(!Heap::attach(mapping.base(), mapping.size()).is_error());
    QVERIFY(damage(8, 99, "version"));
    QVERIFY(damage(24, 12345, "size"));
    QVERIFY(damage(64, quint64(quintptr(mapping.base())) + mapping.size() + 4096, "bump past the end"));
    QVERIFY(damage(72, quint64(quintptr(mapping.base())) + 8, "free list head in metadata"));
    // A wrong size given by the caller.
    std::memcpy(mapping.base(), good.constData(), size_t(good.size()));
    QVERIFY(Heap::attach(mapping.base(), mapping.size() / 2).is_error());
    QVERIFY(Heap::attach(nullptr, mapping.size()).is_error());

    // create() rejects ranges it cannot use.
    QVERIFY(Heap::create(static_cast<char*>(mapping.base()) + 8, 1024 * 1024).is_error());
    QVERIFY(Heap::create(mapping.base(), 1024).is_error());
}

namespace {
class OneValueScanner final : public RootScanner {
public:
    void scan_roots(RootVisitor& visitor) override { visitor.visit(value); }
    Value value;
};
} // namespace

void HeapTest::referencesAreReplaced()
{
    Mapping mapping(heap_size);
    auto heap = MUST(Heap::create(mapping.base(), mapping.size()));
    // Three old objects and their replacements; holders reference the old ones everywhere.
    Value old_objects[3];
    Value new_objects[3];
    for (int index = 0; index < 3; ++index) {
        old_objects[index] = Value::object(MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 0, 8)));
        set_tag(old_objects[index].as_object(), quint64(index));
    }
    auto* holder = MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 4, 0));
    heap->set_root(0, Value::object(holder));
    for (int index = 0; index < 3; ++index) {
        new_objects[index] = Value::object(MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 0, 8)));
        set_tag(new_objects[index].as_object(), quint64(100 + index));
        heap->write(holder, u32(index), old_objects[index]);
    }
    heap->write(holder, 3, Value::integer(old_objects[0].bits() >> 1));
    auto* instance = MUST(heap->allocate(old_objects[1], ObjectKind::Instance, 0, 0));
    heap->set_root(1, Value::object(instance));
    heap->set_root(2, old_objects[2]);
    Handle handle(*heap, old_objects[0]);
    OneValueScanner scanner;
    scanner.value = old_objects[1];
    MUST(heap->add_root_scanner(scanner));
    // The old objects were allocated first, so they are in ascending address order.
    QVERIFY(old_objects[0].bits() < old_objects[1].bits() && old_objects[1].bits() < old_objects[2].bits());
    heap->replace_references(Span<Value const>(old_objects, 3), Span<Value const>(new_objects, 3));
    for (int index = 0; index < 3; ++index)
        QCOMPARE(tag_of(holder->slot(u32(index)).as_object()), quint64(100 + index));
    // An integer that happens to look like an address is not a reference.
    QCOMPARE(holder->slot(3), Value::integer(old_objects[0].bits() >> 1));
    QCOMPARE(instance->klass, new_objects[1]);
    QCOMPARE(heap->root(2), new_objects[2]);
    QCOMPARE(handle.value(), new_objects[0]);
    QCOMPARE(scanner.value, new_objects[1]);
    heap->remove_root_scanner(scanner);
    heap->collect();
    // Only the holder, the instance and the three new objects are left.
    QCOMPARE(heap->statistics().object_count, u64(5));
}

void HeapTest::mixedSizesChurn()
{
    // Objects from 24 bytes to 64 KiB come and go at random; the survivors keep their
    // contents, every free-list invariant holds, and the heap never runs out although the
    // total allocated is many times its size.
    Mapping mapping(heap_size);
    HeapOptions options;
    options.minimum_trigger_bytes = 256 * 1024;
    auto heap = MUST(Heap::create(mapping.base(), mapping.size(), options));
    constexpr u32 kept_count = 64;
    auto* table = MUST(heap->allocate(Value::nil(), ObjectKind::Raw, kept_count, 0));
    heap->set_root(0, Value::object(table));
    QRandomGenerator random(17);
    u64 allocated = 0;
    for (int round = 0; round < 20000; ++round) {
        u32 bytes = random.bounded(8) == 0 ? 512 + random.bounded(65536) : random.bounded(600);
        auto* object = MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 0, bytes));
        allocated += bytes;
        if (bytes >= 8)
            set_tag(object, (quint64(bytes) << 32) | quint64(round));
        if (random.bounded(4) == 0)
            heap->write(table, random.bounded(kept_count), Value::object(object));
        if (round % 2000 == 1999) {
            for (u32 slot = 0; slot < kept_count; ++slot) {
                Value kept = table->slot(slot);
                if (kept.is_object() && kept.as_object()->byte_count >= 8)
                    QCOMPARE(tag_of(kept.as_object()) >> 32, quint64(kept.as_object()->byte_count));
            }
            auto verified = heap->verify();
            QVERIFY2(
                !verified.is_error(), verified.is_error() ? qPrintable(error_text(verified.error())) : "");
        }
    }
    QVERIFY(allocated > 4 * heap_size);
}

QTEST_GUILESS_MAIN(HeapTest)
#include "HeapTest.moc"
