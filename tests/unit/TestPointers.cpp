/*
 * tests/unit/TestPointers.cpp: OwnPtr/NonnullOwnPtr and RefCounted/RefPtr/NonnullRefPtr
 * lifetimes, conversions and allocation failure.
 */

#include "BaseTestSupport.h"

#include <QTest>
#include <base/OwnPtr.h>
#include <base/RefPtr.h>

using BaseTests::AllocationFailureScope;

namespace {

struct Lifetimes {
    int alive {0};
    int destroyed {0};
};

class Shape {
public:
    explicit Shape(Lifetimes& lifetimes)
        : m_lifetimes(lifetimes)
    {
        ++m_lifetimes.alive;
    }
    virtual ~Shape()
    {
        --m_lifetimes.alive;
        ++m_lifetimes.destroyed;
    }
    virtual int corners() const { return 0; }

private:
    Lifetimes& m_lifetimes;
};

class Square final : public Shape {
public:
    Square(Lifetimes& lifetimes, int side)
        : Shape(lifetimes)
        , m_side(side)
    { }
    int corners() const override { return 4; }
    int side() const { return m_side; }

private:
    int m_side;
};

class Node : public RefCounted<Node> {
public:
    Node(Lifetimes& lifetimes, int value)
        : m_lifetimes(lifetimes)
        , m_value(value)
    {
        ++m_lifetimes.alive;
    }
    ~Node()
    {
        --m_lifetimes.alive;
        ++m_lifetimes.destroyed;
    }
    int value() const { return m_value; }
    RefPtr<Node> next;

private:
    Lifetimes& m_lifetimes;
    int m_value;
};

class Base1 : public RefCounted<Base1> {
public:
    virtual ~Base1() = default;
    virtual int kind() const { return 1; }
};
class Derived1 : public Base1 {
public:
    int kind() const override { return 2; }
};

} // namespace

class PointersTest : public QObject {
    Q_OBJECT

private slots:
    void own_ptr_deletes_its_object()
    {
        Lifetimes lifetimes;
        {
            NonnullOwnPtr<Shape> shape = MUST(try_make<Shape>(lifetimes));
            QCOMPARE(lifetimes.alive, 1);
            QCOMPARE(shape->corners(), 0);
        }
        QCOMPARE(lifetimes.alive, 0);
        QCOMPARE(lifetimes.destroyed, 1);
    }

    void ownership_moves()
    {
        Lifetimes lifetimes;
        {
            NonnullOwnPtr<Square> square = MUST(try_make<Square>(lifetimes, 3));
            Square* raw = square.ptr();
            NonnullOwnPtr<Shape> shape = move(square); // derived to base
            QCOMPARE(shape.ptr(), static_cast<Shape*>(raw));
            QCOMPARE(shape->corners(), 4);
            OwnPtr<Shape> maybe = move(shape);
            QVERIFY(!maybe.is_null());
            QVERIFY(maybe);
            OwnPtr<Shape> other;
            QVERIFY(other == nullptr);
            other = move(maybe);
            QVERIFY(maybe.is_null());
            QCOMPARE(lifetimes.alive, 1);
            NonnullOwnPtr<Shape> back = other.release_nonnull();
            QVERIFY(other.is_null());
            QCOMPARE(back->corners(), 4);
            // Assigning over an owner deletes the old object.
            back = MUST(try_make<Shape>(lifetimes));
            QCOMPARE(lifetimes.destroyed, 1);
            QCOMPARE(lifetimes.alive, 1);
        }
        QCOMPARE(lifetimes.alive, 0);
        QCOMPARE(lifetimes.destroyed, 2);
    }

    void own_ptr_clear_and_leak()
    {
        Lifetimes lifetimes;
        OwnPtr<Shape> shape = MUST(try_make<Shape>(lifetimes));
        shape = nullptr;
        QCOMPARE(lifetimes.alive, 0);
        shape = MUST(try_make<Shape>(lifetimes));
        Shape* leaked = shape.leak_ptr();
        QVERIFY(shape.is_null());
        QCOMPARE(lifetimes.alive, 1);
        OwnPtr<Shape> adopted = OwnPtr<Shape>::adopt(leaked);
        adopted.clear();
        QCOMPARE(lifetimes.alive, 0);
        NonnullOwnPtr<Shape> from_raw = adopt_own(*new Shape(lifetimes));
        QCOMPARE(lifetimes.alive, 1);
        delete from_raw.leak_ptr();
        QCOMPARE(lifetimes.alive, 0);
    }

    void try_make_reports_out_of_memory()
    {
        Lifetimes lifetimes;
        AllocationFailureScope no_memory(0);
        auto owned = try_make<Shape>(lifetimes);
        QVERIFY(owned.is_error());
        QCOMPARE(owned.error().code(), ErrorCode::OutOfMemory);
        auto shared = try_make_ref_counted<Node>(lifetimes, 1);
        QVERIFY(shared.is_error());
        QCOMPARE(lifetimes.alive, 0); // no constructor ran
    }

    void reference_counts()
    {
        Lifetimes lifetimes;
        {
            NonnullRefPtr<Node> node = MUST(try_make_ref_counted<Node>(lifetimes, 7));
            QCOMPARE(node->reference_count(), 1u);
            {
                NonnullRefPtr<Node> second = node;
                RefPtr<Node> third = node;
                RefPtr<Node> fourth = third;
                QCOMPARE(node->reference_count(), 4u);
                fourth = nullptr;
                QCOMPARE(node->reference_count(), 3u);
                RefPtr<Node> moved = move(third);
                QVERIFY(third.is_null());
                QCOMPARE(node->reference_count(), 3u);
            }
            QCOMPARE(node->reference_count(), 1u);
            QCOMPARE(lifetimes.alive, 1);
        }
        QCOMPARE(lifetimes.alive, 0);
        QCOMPARE(lifetimes.destroyed, 1);
    }

    void chains_free_in_order()
    {
        Lifetimes lifetimes;
        {
            RefPtr<Node> head;
            for (int i = 0; i < 100; ++i) {
                NonnullRefPtr<Node> node = MUST(try_make_ref_counted<Node>(lifetimes, i));
                node->next = head;
                head = node;
            }
            QCOMPARE(lifetimes.alive, 100);
            QCOMPARE(head->value(), 99);
            QCOMPARE(head->next->value(), 98);
            head = head->next; // drops node 99 only
            QCOMPARE(lifetimes.alive, 99);
        }
        QCOMPARE(lifetimes.alive, 0);
    }

    void conversions_and_release()
    {
        NonnullRefPtr<Derived1> derived = MUST(try_make_ref_counted<Derived1>());
        NonnullRefPtr<Base1> base = derived;
        QCOMPARE(base->kind(), 2);
        QCOMPARE(derived->reference_count(), 2u);
        RefPtr<Base1> maybe = base;
        NonnullRefPtr<Base1> again = maybe.release_nonnull();
        QVERIFY(maybe.is_null());
        QCOMPARE(again->reference_count(), 3u);
        RefPtr<Base1> from_raw(&*again);
        QCOMPARE(again->reference_count(), 4u);
        Base1* leaked = from_raw.leak_ref();
        QCOMPARE(again->reference_count(), 4u);
        leaked->unref();
        QCOMPARE(again->reference_count(), 3u);
        QVERIFY(base == again);
    }
};

PHANTOM_BASE_TEST(PointersTest, "pointers");
#include "TestPointers.moc"
