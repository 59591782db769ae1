/*
 * tests/unit/TestOptional.cpp: Optional<T> and Optional<T&>.
 */

#include "BaseTestSupport.h"

#include <QTest>
#include <base/Optional.h>
#include <base/OwnPtr.h>

using BaseTests::Counted;
using BaseTests::Counters;

class OptionalTest : public QObject {
    Q_OBJECT

private slots:
    void empty_and_full()
    {
        Optional<int> empty;
        QVERIFY(!empty.has_value());
        QVERIFY(!empty);
        QCOMPARE(empty.value_or(5), 5);
        QVERIFY(empty == null_optional);
        Optional<int> full = 3;
        QVERIFY(full.has_value());
        QCOMPARE(*full, 3);
        QCOMPARE(full.value_or(5), 3);
        QVERIFY(full == 3);
        QVERIFY(!(full == 4));
        QVERIFY(!(empty == 3));
        QVERIFY(full != empty);
        full.clear();
        QVERIFY(full == empty);
    }

    void lifetimes_are_balanced()
    {
        Counters counters;
        {
            Optional<Counted> value;
            value.emplace(counters, 1);
            Optional<Counted> copy = value;
            Optional<Counted> moved = move(value);
            QVERIFY(!value.has_value());
            QCOMPARE(moved->value(), 1);
            copy = moved;
            moved = Optional<Counted>();
            QVERIFY(!moved.has_value());
            Counted released = copy.release_value();
            QCOMPARE(released.value(), 1);
            QVERIFY(!copy.has_value());
            value.emplace(counters, 2);
            value.emplace(counters, 3); // replaces, destroying the 2
            QCOMPARE(value->value(), 3);
        }
        QCOMPARE(counters.alive(), 0);
    }

    void move_only_contents()
    {
        Optional<NonnullOwnPtr<int>> boxed = MUST(try_make<int>(9));
        QCOMPARE(**boxed, 9);
        Optional<NonnullOwnPtr<int>> other = move(boxed);
        QVERIFY(!boxed.has_value());
        QCOMPARE(*other.release_value(), 9);
    }

    void references()
    {
        int target = 4;
        Optional<int&> reference = target;
        QVERIFY(reference.has_value());
        *reference = 5;
        QCOMPARE(target, 5);
        QVERIFY(reference == 5);
        Optional<int const&> constant = reference;
        QCOMPARE(*constant, 5);
        Optional<int&> nothing;
        QVERIFY(!nothing.has_value());
        QCOMPARE(nothing.value_or(8), 8);
        QVERIFY(!(nothing == 5));
    }
};

PHANTOM_BASE_TEST(OptionalTest, "optional");
#include "TestOptional.moc"
