/*
 * tests/vm/GcTest.cpp: unit tests of the garbage collector: cycles are reclaimed, random
 * object graphs mutated under the stress allocator and under tiny incremental steps are
 * checked against a model (no live object freed, every dead one reclaimed), handles and root
 * scanners keep values alive, Stack objects written without the barrier are rescanned, weak
 * references are cleared, and the statistics count collections and pauses. CTest: vm.gc.
 */
#include "HeapTestSupport.h"
#include <QRandomGenerator>
#include <QtTest>
#include <map>
#include <set>
#include <vector>
#include <vm/Heap.h>

using namespace VM;
using namespace HeapTestSupport;

class GcTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cyclesAreReclaimed();
    void randomGraphsUnderStress();
    void randomGraphsIncremental();
    void randomGraphsIncrementalSmallWorkList();
    void handlesKeepValues();
    void rootScannersKeepValues();
    void stacksAreRescanned();
    void weakReferencesAreCleared();
    void incrementalCyclesHaveManyPauses();
};

static constexpr size_t heap_size = 16 * 1024 * 1024;

void GcTest::cyclesAreReclaimed()
{
    Mapping mapping(heap_size);
    auto heap = MUST(Heap::create(mapping.base(), mapping.size()));
    auto* klass = MUST(heap->allocate(Value::nil(), ObjectKind::Class, 0, 0));
    heap->set_root(0, Value::object(klass));
    heap->collect();
    auto baseline = heap->statistics();
    QCOMPARE(baseline.object_count, u64(1));

    // A ring of 1000 nodes, each also pointing to itself, plus a two-node cycle.
    {
        Handle first(*heap, Value::object(MUST(heap->allocate(heap->root(0), ObjectKind::Instance, 2, 0))));
        Handle previous(*heap, first.value());
        for (int index = 1; index < 1000; ++index) {
            auto* node = MUST(heap->allocate(heap->root(0), ObjectKind::Instance, 2, 0));
            heap->write(node, 1, Value::object(node));
            heap->write(previous.object(), 0, Value::object(node));
            previous.set(Value::object(node));
        }
        heap->write(previous.object(), 0, first.value());
        auto* a = MUST(heap->allocate(heap->root(0), ObjectKind::Instance, 1, 0));
        heap->write(first.object(), 1, Value::object(a));
        auto* b = MUST(heap->allocate(heap->root(0), ObjectKind::Instance, 1, 0));
        heap->write(a, 0, Value::object(b));
        heap->write(b, 0, Value::object(a));
        heap->set_root(1, first.value());
    }
    heap->collect();
    QCOMPARE(heap->statistics().object_count, u64(1003));
    heap->set_root(1, Value::nil());
    heap->collect();
    auto after = heap->statistics();
    QCOMPARE(after.object_count, baseline.object_count);
    QCOMPARE(after.bytes_in_use, baseline.bytes_in_use);
    QVERIFY(!heap->verify().is_error());
}

// A model of a random object graph: nodes with four reference slots and an identity tag,
// reachable from the slots of a "roots" object (root table entry 0) and of a Stack object
// (root table entry 2) whose slots are stored without the write barrier, as the interpreter
// does. Each node is checked against the model after every phase of mutation.
class GraphModel {
public:
    static constexpr u32 root_slots = 16;
    static constexpr u32 node_slots = 4;

    GraphModel(Heap& heap, quint32 seed)
        : m_heap(heap)
        , m_random(seed)
    {
        auto* klass = MUST(heap.allocate(Value::nil(), ObjectKind::Class, 0, 0));
        heap.set_root(1, Value::object(klass));
        auto* roots = MUST(heap.allocate(heap.root(1), ObjectKind::Raw, root_slots, 0));
        heap.set_root(0, Value::object(roots));
        auto* stack = MUST(heap.allocate(heap.root(1), ObjectKind::Stack, root_slots, 0));
        heap.set_root(2, Value::object(stack));
        m_roots.assign(root_slots * 2, 0);
    }

    void mutate(int operations)
    {
        for (int operation = 0; operation < operations; ++operation) {
            int choice = int(m_random.bounded(100));
            if (choice < 35 || random_node() == 0)
                allocate_node();
            else if (choice < 75)
                link();
            else if (choice < 85)
                set_root(nullptr_id());
            else if (choice < 95)
                set_root(random_node());
            else
                allocate_garbage();
        }
    }

    // Checks every node the model can reach and drops the ones it cannot (they may be freed).
    void check_and_forget_garbage()
    {
        std::set<quint64> reachable;
        std::vector<quint64> pending;
        for (auto id : m_roots) {
            if (id)
                pending.push_back(id);
        }
        while (!pending.empty()) {
            quint64 id = pending.back();
            pending.pop_back();
            if (!reachable.insert(id).second)
                continue;
            for (auto child : m_nodes.at(id).edges) {
                if (child)
                    pending.push_back(child);
            }
        }
        for (auto id : reachable) {
            auto const& node = m_nodes.at(id);
            auto* object = node.object;
            QVERIFY(object->kind == ObjectKind::Instance);
            QCOMPARE(object->klass, m_heap.root(1));
            QCOMPARE(tag_of(object), id);
            for (u32 slot = 0; slot < node_slots; ++slot) {
                Value value = object->slot(slot);
                if (!node.edges[slot]) {
                    QVERIFY(value.is_nil());
                } else {
                    QVERIFY(value.is_object());
                    QCOMPARE(tag_of(value.as_object()), node.edges[slot]);
                }
            }
        }
        for (auto it = m_nodes.begin(); it != m_nodes.end();) {
            if (reachable.count(it->first))
                ++it;
            else
                it = m_nodes.erase(it);
        }
    }

    // After a full collection the heap holds exactly the model's nodes and the fixed objects.
    u64 expected_object_count() const { return m_nodes.size() + 3; }

private:
    struct Node {
        ObjectHeader* object;
        quint64 edges[node_slots];
    };
    static quint64 nullptr_id() { return 0; }

    // A node the model can reach: a random root followed by a short random walk. Nodes the
    // model can no longer reach may already be freed, so they are never touched.
    quint64 random_node()
    {
        std::vector<quint64> rooted;
        for (auto id : m_roots) {
            if (id)
                rooted.push_back(id);
        }
        if (rooted.empty())
            return 0;
        quint64 id = rooted[m_random.bounded(int(rooted.size()))];
        for (int steps = int(m_random.bounded(5)); steps > 0; --steps) {
            quint64 next = m_nodes.at(id).edges[m_random.bounded(node_slots)];
            if (next)
                id = next;
        }
        return id;
    }

    void store_root(u32 index, ObjectHeader* object, quint64 id)
    {
        Value value = object ? Value::object(object) : Value::nil();
        if (index < root_slots)
            m_heap.write(m_heap.root(0).as_object(), index, value);
        else
            m_heap.root(2).as_object()->slots()[index - root_slots] = value;
        m_roots[index] = id;
    }

    void set_root(quint64 id)
    {
        u32 index = m_random.bounded(root_slots * 2);
        store_root(index, id ? m_nodes.at(id).object : nullptr, id);
    }

    void allocate_node()
    {
        // Half of the new nodes are held only by a handle while another allocation runs.
        Handle first(m_heap,
            Value::object(MUST(m_heap.allocate(m_heap.root(1), ObjectKind::Instance, node_slots, 8))));
        quint64 id = ++m_next_id;
        set_tag(first.object(), id);
        m_nodes[id] = Node {first.object(), {0, 0, 0, 0}};
        if (m_random.bounded(2)) {
            auto* second = MUST(m_heap.allocate(m_heap.root(1), ObjectKind::Instance, node_slots, 8));
            quint64 second_id = ++m_next_id;
            set_tag(second, second_id);
            m_nodes[second_id] = Node {second, {0, 0, 0, 0}};
            m_heap.write(first.object(), 0, Value::object(second));
            m_nodes[id].edges[0] = second_id;
        }
        store_root(m_random.bounded(root_slots * 2), first.object(), id);
    }

    void link()
    {
        quint64 from = random_node();
        if (!from)
            return;
        quint64 to = m_random.bounded(4) == 0 ? 0 : random_node();
        u32 slot = m_random.bounded(node_slots);
        m_heap.write(m_nodes.at(from).object, slot, to ? Value::object(m_nodes.at(to).object) : Value::nil());
        m_nodes.at(from).edges[slot] = to;
    }

    void allocate_garbage()
    {
        MUST(m_heap.allocate(Value::nil(), ObjectKind::Raw, m_random.bounded(6), m_random.bounded(300)));
    }

    Heap& m_heap;
    QRandomGenerator m_random;
    std::map<quint64, Node> m_nodes;
    std::vector<quint64> m_roots;
    quint64 m_next_id {0};
};

static void run_graph(Heap& heap, quint32 seed, int rounds, int operations)
{
    GraphModel model(heap, seed);
    for (int round = 0; round < rounds; ++round) {
        model.mutate(operations);
        model.check_and_forget_garbage();
        if (QTest::currentTestFailed())
            return;
        // Often in the middle of a cycle: the colour invariants hold at every safepoint.
        auto checked = heap.verify();
        QVERIFY2(!checked.is_error(), checked.is_error() ? qPrintable(error_text(checked.error())) : "");
        if (round % 4 == 3) {
            heap.collect();
            model.check_and_forget_garbage();
            QCOMPARE(heap.statistics().object_count, model.expected_object_count());
            auto verified = heap.verify();
            QVERIFY2(
                !verified.is_error(), verified.is_error() ? qPrintable(error_text(verified.error())) : "");
        }
    }
}

void GcTest::randomGraphsUnderStress()
{
    Mapping mapping(2 * 1024 * 1024);
    HeapOptions options;
    options.stress = GcStress::Yes;
    auto heap = MUST(Heap::create(mapping.base(), mapping.size(), options));
    for (quint32 seed = 1; seed <= 3; ++seed) {
        heap->set_stress(GcStress::Yes);
        run_graph(*heap, seed, 8, 150);
        if (QTest::currentTestFailed())
            return;
    }
    QVERIFY(heap->statistics().collections > 1000);
}

void GcTest::randomGraphsIncremental()
{
    Mapping mapping(heap_size);
    HeapOptions options;
    options.minimum_trigger_bytes = 16 * 1024;
    options.step_work_bytes = 256;
    options.work_per_allocated_byte = 2;
    auto heap = MUST(Heap::create(mapping.base(), mapping.size(), options));
    for (quint32 seed = 10; seed <= 14; ++seed) {
        run_graph(*heap, seed, 40, 2000);
        if (QTest::currentTestFailed())
            return;
    }
    QVERIFY(heap->statistics().collections > 20);
}

void GcTest::randomGraphsIncrementalSmallWorkList()
{
    // The smallest heap has a one-page work list: long chains overflow the grey stack, and
    // the overflow recovery (a heap walk) must still find every object.
    Mapping mapping(Heap::minimum_size * 16);
    HeapOptions options;
    options.minimum_trigger_bytes = 8 * 1024;
    options.step_work_bytes = 128;
    auto heap = MUST(Heap::create(mapping.base(), mapping.size(), options));
    GraphModel model(*heap, 99);
    // One long list (depth first pushes many greys) from a root slot.
    {
        Handle head(*heap);
        for (int index = 0; index < 3000; ++index) {
            auto* node = MUST(heap->allocate(heap->root(1), ObjectKind::Raw, 1, 0));
            heap->write(node, 0, head.value());
            head.set(Value::object(node));
        }
        auto* wide = MUST(heap->allocate(heap->root(1), ObjectKind::Raw, 3000, 0));
        for (u32 index = 0; index < 3000; ++index) {
            auto* leaf = MUST(heap->allocate(heap->root(1), ObjectKind::Raw, 0, 8));
            heap->write(wide, index, Value::object(leaf));
        }
        heap->set_root(5, Value::object(wide));
        heap->set_root(6, head.value());
    }
    for (int round = 0; round < 10; ++round) {
        model.mutate(1500);
        model.check_and_forget_garbage();
        if (QTest::currentTestFailed())
            return;
    }
    heap->collect();
    model.check_and_forget_garbage();
    QCOMPARE(heap->statistics().object_count, model.expected_object_count() + 3000 + 3001);
    QVERIFY(!heap->verify().is_error());
}

void GcTest::handlesKeepValues()
{
    Mapping mapping(heap_size);
    HeapOptions options;
    options.stress = GcStress::Yes;
    auto heap = MUST(Heap::create(mapping.base(), mapping.size(), options));
    {
        Handle outer(*heap, Value::object(MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 1, 8))));
        set_tag(outer.object(), 1);
        {
            Handle inner(*heap, Value::object(MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 0, 8))));
            set_tag(inner.object(), 2);
            heap->write(outer.object(), 0, inner.value());
            MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 0, 64));
            QCOMPARE(heap->statistics().object_count, u64(3));
        }
        heap->collect();
        // inner's object is still referenced by outer.
        QCOMPARE(heap->statistics().object_count, u64(2));
        QCOMPARE(tag_of(outer.object()->slot(0).as_object()), quint64(2));
        heap->write(outer.object(), 0, Value::nil());
        heap->collect();
        QCOMPARE(heap->statistics().object_count, u64(1));
        QCOMPARE(tag_of(outer.object()), quint64(1));
    }
    heap->collect();
    QCOMPARE(heap->statistics().object_count, u64(0));

    // The class passed to allocate() is protected while the allocation collects.
    {
        Value klass = Value::object(MUST(heap->allocate(Value::nil(), ObjectKind::Class, 0, 8)));
        set_tag(klass.as_object(), 77);
        auto* instance = MUST(heap->allocate(klass, ObjectKind::Instance, 0, 0));
        QCOMPARE(instance->klass, klass);
        QCOMPARE(tag_of(instance->klass.as_object()), quint64(77));
    }
}

namespace {
class VectorScanner final : public RootScanner {
public:
    void scan_roots(RootVisitor& visitor) override
    {
        for (auto& value : values)
            visitor.visit(value);
    }
    std::vector<Value> values;
};
} // namespace

void GcTest::rootScannersKeepValues()
{
    Mapping mapping(heap_size);
    auto heap = MUST(Heap::create(mapping.base(), mapping.size()));
    VectorScanner scanner;
    MUST(heap->add_root_scanner(scanner));
    for (int index = 0; index < 100; ++index) {
        auto* object = MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 0, 8));
        set_tag(object, quint64(index));
        scanner.values.push_back(Value::object(object));
        MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 0, 8));
    }
    heap->collect();
    QCOMPARE(heap->statistics().object_count, u64(100));
    for (int index = 0; index < 100; ++index)
        QCOMPARE(tag_of(scanner.values[size_t(index)].as_object()), quint64(index));
    scanner.values.resize(10);
    heap->collect();
    QCOMPARE(heap->statistics().object_count, u64(10));
    heap->remove_root_scanner(scanner);
    heap->collect();
    QCOMPARE(heap->statistics().object_count, u64(0));
}

void GcTest::stacksAreRescanned()
{
    Mapping mapping(heap_size);
    HeapOptions options;
    options.minimum_trigger_bytes = 4096;
    options.step_work_bytes = 64;
    options.work_per_allocated_byte = 1;
    auto heap = MUST(Heap::create(mapping.base(), mapping.size(), options));
    // A long chain keeps the cycle busy while the test writes into the stack.
    {
        Handle chain(*heap);
        for (int index = 0; index < 20000; ++index) {
            auto* node = MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 1, 0));
            heap->write(node, 0, chain.value());
            chain.set(Value::object(node));
        }
        heap->set_root(0, chain.value());
    }
    heap->finish_cycle();
    auto* stack = MUST(heap->allocate(Value::nil(), ObjectKind::Stack, 64, 0));
    heap->set_root(1, Value::object(stack));
    // Start a cycle whose first step scans the (empty) stack; then store new objects straight
    // into the stack, without the barrier, while the cycle continues.
    heap->step(1);
    QCOMPARE(heap->statistics().phase, GcPhase::Mark);
    for (u32 index = 0; index < 64; ++index) {
        auto* object = MUST(heap->allocate(Value::nil(), ObjectKind::Weak, 1, 8));
        set_tag(object, index);
        stack->slots()[index] = Value::object(object);
        for (int garbage = 0; garbage < 20; ++garbage)
            MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 2, 16));
    }
    QCOMPARE(heap->statistics().phase, GcPhase::Mark);
    heap->finish_cycle();
    for (u32 index = 0; index < 64; ++index) {
        auto* object = stack->slots()[index].as_object();
        QCOMPARE(object->kind, ObjectKind::Weak);
        QCOMPARE(tag_of(object), quint64(index));
    }
    heap->collect();
    QCOMPARE(heap->statistics().object_count, u64(20065));
    QVERIFY(!heap->verify().is_error());
}

void GcTest::weakReferencesAreCleared()
{
    Mapping mapping(heap_size);
    auto heap = MUST(Heap::create(mapping.base(), mapping.size()));
    auto* holder = MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 4, 0));
    heap->set_root(0, Value::object(holder));
    auto* strong_target = MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 0, 8));
    heap->write(holder, 0, Value::object(strong_target));
    auto* weak_to_live = MUST(heap->allocate(Value::nil(), ObjectKind::Weak, 2, 0));
    heap->write(weak_to_live, 0, Value::object(strong_target));
    heap->write(holder, 1, Value::object(weak_to_live));
    auto* dying = MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 0, 8));
    auto* kept_by_weak_slot_one = MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 0, 8));
    auto* weak_to_dead = MUST(heap->allocate(Value::nil(), ObjectKind::Weak, 2, 0));
    heap->write(weak_to_dead, 0, Value::object(dying));
    heap->write(weak_to_dead, 1, Value::object(kept_by_weak_slot_one));
    heap->write(holder, 2, Value::object(weak_to_dead));
    // A weak reference to an integer is just a value.
    auto* weak_to_integer = MUST(heap->allocate(Value::nil(), ObjectKind::Weak, 1, 0));
    heap->write(weak_to_integer, 0, Value::integer(12));
    heap->write(holder, 3, Value::object(weak_to_integer));

    heap->collect();
    QCOMPARE(weak_to_live->slot(0), Value::object(strong_target));
    QVERIFY(weak_to_dead->slot(0).is_nil());
    QCOMPARE(weak_to_dead->slot(1), Value::object(kept_by_weak_slot_one));
    QCOMPARE(weak_to_integer->slot(0).as_integer(), i64(12));
    // holder, strong target, 3 weak objects, the object held by slot 1.
    QCOMPARE(heap->statistics().object_count, u64(6));

    // Once the strong reference goes, the weak one is cleared too.
    heap->write(holder, 0, Value::nil());
    heap->collect();
    QVERIFY(weak_to_live->slot(0).is_nil());
    QCOMPARE(heap->statistics().object_count, u64(5));
}

void GcTest::incrementalCyclesHaveManyPauses()
{
    Mapping mapping(heap_size);
    HeapOptions options;
    options.minimum_trigger_bytes = 64 * 1024;
    options.step_work_bytes = 4096;
    auto heap = MUST(Heap::create(mapping.base(), mapping.size(), options));
    GraphModel model(*heap, 5);
    model.mutate(3000);
    auto before = heap->statistics();
    // Allocation alone drives the collector: no explicit collect() here.
    for (int index = 0; index < 200000; ++index)
        MUST(heap->allocate(Value::nil(), ObjectKind::Raw, 1, 8));
    model.check_and_forget_garbage();
    auto after = heap->statistics();
    QVERIFY(after.collections > before.collections + 3);
    // Each cycle was spread over several pauses rather than one stop-the-world collection.
    QVERIFY(after.pauses - before.pauses > 3 * (after.collections - before.collections));
    QVERIFY(after.longest_pause_nanoseconds > 0);
    QVERIFY(after.total_pause_nanoseconds >= after.longest_pause_nanoseconds);
    QVERIFY(after.bytes_in_use < heap_size / 2);
}

QTEST_GUILESS_MAIN(GcTest)
#include "GcTest.moc"
