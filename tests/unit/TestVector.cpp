/*
 * tests/unit/TestVector.cpp: Vector growth, inline capacity, insertion and removal, move
 * semantics and allocation failure, all with a counting element type so leaks and double
 * destruction are caught (the sanitized run adds ASan on top).
 */

#include "BaseTestSupport.h"

#include <QTest>
#include <base/OwnPtr.h>
#include <base/Vector.h>

using BaseTests::AllocationFailureScope;
using BaseTests::Counted;
using BaseTests::Counters;

namespace {

template<usize inline_capacity>
void fill(Vector<Counted, inline_capacity>& vector, Counters& counters, int count)
{
    for (int i = 0; i < count; ++i)
        MUST(vector.try_empend(counters, i));
}

template<usize inline_capacity> QString values_of(Vector<Counted, inline_capacity> const& vector)
{
    QStringList values;
    for (auto const& element : vector)
        values << QString::number(element.value());
    return values.join(',');
}

} // namespace

class VectorTest : public QObject {
    Q_OBJECT

private slots:
    void starts_empty()
    {
        Vector<int> vector;
        QVERIFY(vector.is_empty());
        QCOMPARE(vector.size(), 0u);
        QCOMPARE(vector.capacity(), 0u);
        QCOMPARE(vector.begin(), vector.end());
        QVERIFY(vector.span().is_empty());
    }

    void growth_keeps_every_value()
    {
        Counters counters;
        {
            Vector<Counted> vector;
            usize reallocations = 0;
            usize last_capacity = 0;
            for (int i = 0; i < 10000; ++i) {
                MUST(vector.try_append(Counted(counters, i)));
                if (vector.capacity() != last_capacity) {
                    ++reallocations;
                    QVERIFY(vector.capacity() >= vector.size());
                    last_capacity = vector.capacity();
                }
            }
            QCOMPARE(vector.size(), 10000u);
            for (int i = 0; i < 10000; ++i)
                QCOMPARE(vector[i].value(), i);
            // Geometric growth: a few dozen reallocations, not thousands.
            QVERIFY2(reallocations < 40, qPrintable(QString::number(reallocations)));
            QCOMPARE(counters.alive(), 10000);
        }
        QCOMPARE(counters.alive(), 0);
    }

    void inline_capacity_avoids_the_heap()
    {
        Counters counters;
        {
            Vector<Counted, 4> vector;
            QCOMPARE(vector.capacity(), 4u);
            long allocations_before = BaseTests::nothrow_allocation_count();
            fill(vector, counters, 4);
            QVERIFY(vector.is_inline());
            QCOMPARE(BaseTests::nothrow_allocation_count(), allocations_before);
            MUST(vector.try_empend(counters, 4));
            QVERIFY(!vector.is_inline());
            QCOMPARE(BaseTests::nothrow_allocation_count(), allocations_before + 1);
            QCOMPARE(values_of(vector), QString("0,1,2,3,4"));
            vector.clear();
            QVERIFY(vector.is_inline());
            QCOMPARE(vector.capacity(), 4u);
            fill(vector, counters, 2);
            QCOMPARE(values_of(vector), QString("0,1"));
        }
        QCOMPARE(counters.alive(), 0);
    }

    void remove_keeps_order()
    {
        Counters counters;
        {
            Vector<Counted> vector;
            fill(vector, counters, 8);
            vector.remove(0);
            QCOMPARE(values_of(vector), QString("1,2,3,4,5,6,7"));
            vector.remove(6);
            QCOMPARE(values_of(vector), QString("1,2,3,4,5,6"));
            vector.remove(2);
            QCOMPARE(values_of(vector), QString("1,2,4,5,6"));
            vector.remove(1, 3);
            QCOMPARE(values_of(vector), QString("1,6"));
            vector.remove(0, 0);
            QCOMPARE(vector.size(), 2u);
            QCOMPARE(counters.alive(), 2);
            usize removed
                = vector.remove_all_matching([](Counted const& element) { return element.value() == 6; });
            QCOMPARE(removed, 1u);
            QCOMPARE(values_of(vector), QString("1"));
        }
        QCOMPARE(counters.alive(), 0);
    }

    void remove_all_matching_compacts()
    {
        Counters counters;
        {
            Vector<Counted> vector;
            fill(vector, counters, 100);
            usize removed
                = vector.remove_all_matching([](Counted const& element) { return element.value() % 3 != 0; });
            QCOMPARE(removed, 66u);
            QCOMPARE(vector.size(), 34u);
            for (usize i = 0; i < vector.size(); ++i)
                QCOMPARE(vector[i].value(), static_cast<int>(i * 3));
            QCOMPARE(counters.alive(), 34);
        }
        QCOMPARE(counters.alive(), 0);
    }

    void take_and_insert()
    {
        Counters counters;
        {
            Vector<Counted, 2> vector;
            fill(vector, counters, 5);
            QCOMPARE(vector.take_last().value(), 4);
            QCOMPARE(vector.take_first().value(), 0);
            QCOMPARE(vector.take(1).value(), 2);
            QCOMPARE(values_of(vector), QString("1,3"));
            MUST(vector.try_insert(1, Counted(counters, 20)));
            MUST(vector.try_insert(0, Counted(counters, 10)));
            MUST(vector.try_insert(vector.size(), Counted(counters, 30)));
            MUST(vector.try_prepend(Counted(counters, 5)));
            QCOMPARE(values_of(vector), QString("5,10,1,20,3,30"));
            QCOMPARE(vector.first().value(), 5);
            QCOMPARE(vector.last().value(), 30);
            QCOMPARE(counters.alive(), 6);
        }
        QCOMPARE(counters.alive(), 0);
    }

    void move_construction_from_heap_steals_the_buffer()
    {
        Counters counters;
        {
            Vector<Counted> source;
            fill(source, counters, 50);
            Counted const* buffer = source.data();
            int moves_before = counters.moved;
            Vector<Counted> destination(move(source));
            QCOMPARE(destination.data(), buffer);
            QCOMPARE(counters.moved, moves_before);
            QVERIFY(source.is_empty());
            QCOMPARE(source.capacity(), 0u);
            QCOMPARE(destination.size(), 50u);
            // The moved-from vector is usable again.
            fill(source, counters, 3);
            QCOMPARE(values_of(source), QString("0,1,2"));
        }
        QCOMPARE(counters.alive(), 0);
    }

    void move_construction_from_inline_moves_elements()
    {
        Counters counters;
        {
            Vector<Counted, 8> source;
            fill(source, counters, 5);
            Vector<Counted, 8> destination(move(source));
            QVERIFY(destination.is_inline());
            QVERIFY(source.is_empty());
            QCOMPARE(values_of(destination), QString("0,1,2,3,4"));
            QCOMPARE(counters.alive(), 5);
            Vector<Counted, 8> assigned;
            fill(assigned, counters, 2);
            assigned = move(destination);
            QCOMPARE(values_of(assigned), QString("0,1,2,3,4"));
            QVERIFY(destination.is_empty());
            QCOMPARE(counters.alive(), 5);
        }
        QCOMPARE(counters.alive(), 0);
    }

    void copies_are_deep()
    {
        Counters counters;
        {
            Vector<Counted, 2> original;
            fill(original, counters, 6);
            Vector<Counted, 2> copy(original);
            QVERIFY(copy == original);
            QVERIFY(copy.data() != original.data());
            copy[0] = Counted(counters, 99);
            QCOMPARE(original[0].value(), 0);
            Vector<Counted, 2> clone = MUST(original.try_clone());
            QCOMPARE(values_of(clone), values_of(original));
            clone = copy;
            QCOMPARE(clone[0].value(), 99);
            QCOMPARE(counters.alive(), 18);
        }
        QCOMPARE(counters.alive(), 0);
    }

    void appending_to_itself()
    {
        Vector<int> vector {1, 2, 3};
        // Forces a reallocation while the source elements are the vector's own.
        MUST(vector.try_extend(vector));
        MUST(vector.try_extend(vector));
        QCOMPARE(vector.size(), 12u);
        QCOMPARE(vector[11], 3);
        QCOMPARE(vector[6], 1);
        vector.clear();
        MUST(vector.try_append(7));
        for (int i = 0; i < 10; ++i)
            MUST(vector.try_append(vector[0]));
        QCOMPARE(vector.size(), 11u);
        QCOMPARE(vector.last(), 7);
    }

    void resize_shrink_and_search()
    {
        Vector<int> vector;
        MUST(vector.try_resize(5));
        QCOMPARE(vector.size(), 5u);
        QCOMPARE(vector[4], 0);
        vector[3] = 42;
        QVERIFY(vector.find_first_index(42) == 3u);
        QVERIFY(!vector.find_first_index(7).has_value());
        QVERIFY(vector.contains_slow(42));
        vector.shrink(3);
        QVERIFY(!vector.contains_slow(42));
        vector.resize(1);
        QCOMPARE(vector.size(), 1u);
        usize capacity = vector.capacity();
        vector.clear_with_capacity();
        QCOMPARE(vector.capacity(), capacity);
        QVERIFY(vector.is_empty());
    }

    void move_only_elements()
    {
        Vector<NonnullOwnPtr<int>> vector;
        for (int i = 0; i < 20; ++i)
            MUST(vector.try_append(MUST(try_make<int>(i))));
        vector.remove(0);
        QCOMPARE(*vector[0], 1);
        NonnullOwnPtr<int> last = vector.take_last();
        QCOMPARE(*last, 19);
        Vector<NonnullOwnPtr<int>> moved = move(vector);
        QCOMPARE(moved.size(), 18u);
    }

    void allocation_failure_leaves_the_vector_intact()
    {
        Counters counters;
        {
            Vector<Counted> vector;
            fill(vector, counters, 4);
            QCOMPARE(vector.capacity(), 4u);
            {
                AllocationFailureScope no_memory(0);
                auto result = vector.try_append(Counted(counters, 4));
                QVERIFY(result.is_error());
                QCOMPARE(result.error().code(), ErrorCode::OutOfMemory);
                QVERIFY(vector.try_ensure_capacity(100).is_error());
                QVERIFY(vector.try_empend(counters, 5).is_error());
                QVERIFY(vector.try_clone().is_error());
                QVERIFY(no_memory.failures() >= 3);
            }
            QCOMPARE(values_of(vector), QString("0,1,2,3"));
            MUST(vector.try_append(Counted(counters, 4)));
            QCOMPARE(vector.size(), 5u);
        }
        QCOMPARE(counters.alive(), 0);
    }

    void size_overflow_is_an_error()
    {
        Vector<u64> vector;
        auto result = vector.try_ensure_capacity(static_cast<usize>(-1) / 4);
        QVERIFY(result.is_error());
        QCOMPARE(result.error().code(), ErrorCode::Overflow);
        QVERIFY(vector.is_empty());
    }

    void initializer_list_and_equality()
    {
        Vector<int> a {1, 2, 3};
        Vector<int, 4> b {1, 2, 3};
        QVERIFY(a == b);
        b.append(4);
        QVERIFY(!(a == b));
        Span<int const> view = a;
        QCOMPARE(view.size(), 3u);
        QCOMPARE(a.at(2), 3);
    }
};

PHANTOM_BASE_TEST(VectorTest, "vector");
#include "TestVector.moc"
