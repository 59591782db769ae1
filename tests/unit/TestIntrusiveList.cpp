/*
 * tests/unit/TestIntrusiveList.cpp: IntrusiveList ordering, removal (also during
 * iteration), self-unlinking nodes, and one object in two lists.
 */

#include "BaseTestSupport.h"

#include <QTest>
#include <base/IntrusiveList.h>
#include <base/OwnPtr.h>

namespace {

struct Task {
    explicit Task(int id)
        : id(id)
    { }
    int id;
    // Nodes are deliberately not the first member, so the member offset matters.
    IntrusiveListNode run_queue_node;
    IntrusiveListNode all_tasks_node;
};

using RunQueue = IntrusiveList<Task, &Task::run_queue_node>;
using AllTasks = IntrusiveList<Task, &Task::all_tasks_node>;

template<typename List> QString ids(List const& list)
{
    QStringList values;
    for (auto& task : list)
        values << QString::number(task.id);
    return values.join(',');
}

// A polymorphic element, which is where offset tricks on fake objects go wrong.
class Timer {
public:
    explicit Timer(int deadline)
        : deadline(deadline)
    { }
    virtual ~Timer() = default;
    virtual int kind() const { return 0; }
    int deadline;
    IntrusiveListNode node;
};

} // namespace

class IntrusiveListTest : public QObject {
    Q_OBJECT

private slots:
    void append_prepend_insert()
    {
        Task a(1), b(2), c(3), d(4);
        RunQueue queue;
        QVERIFY(queue.is_empty());
        QVERIFY(queue.first() == nullptr);
        queue.append(b);
        queue.append(d);
        queue.prepend(a);
        queue.insert_before(d, c);
        QCOMPARE(ids(queue), QString("1,2,3,4"));
        QCOMPARE(queue.size_slow(), 4u);
        QCOMPARE(queue.first(), &a);
        QCOMPARE(queue.last(), &d);
        QVERIFY(queue.contains(c));
        QVERIFY(b.run_queue_node.is_in_list());
    }

    void remove_and_take()
    {
        Task a(1), b(2), c(3);
        RunQueue queue;
        queue.append(a);
        queue.append(b);
        queue.append(c);
        queue.remove(b);
        QVERIFY(!b.run_queue_node.is_in_list());
        QVERIFY(!queue.contains(b));
        QCOMPARE(ids(queue), QString("1,3"));
        QCOMPARE(queue.take_last(), &c);
        QCOMPARE(queue.take_first(), &a);
        QVERIFY(queue.is_empty());
        QVERIFY(queue.take_first() == nullptr);
        // A removed node can join again.
        queue.append(b);
        QCOMPARE(ids(queue), QString("2"));
    }

    void removing_during_iteration()
    {
        Task tasks[] = {Task(0), Task(1), Task(2), Task(3), Task(4), Task(5)};
        RunQueue queue;
        for (auto& task : tasks)
            queue.append(task);
        for (auto& task : queue) {
            if (task.id % 2 == 0)
                queue.remove(task);
        }
        QCOMPARE(ids(queue), QString("1,3,5"));
        for (auto& task : queue)
            task.run_queue_node.remove();
        QVERIFY(queue.is_empty());
    }

    void destroyed_elements_unlink_themselves()
    {
        RunQueue queue;
        Task first(1);
        queue.append(first);
        {
            Task temporary(2);
            queue.append(temporary);
            QCOMPARE(queue.size_slow(), 2u);
        }
        QCOMPARE(ids(queue), QString("1"));
        // Heap elements destroyed while iterating are fine too (the next node was saved).
        for (int i = 0; i < 5; ++i)
            queue.append(*new Task(10 + i));
        for (auto& task : queue) {
            if (task.id >= 10)
                delete &task;
        }
        QCOMPARE(ids(queue), QString("1"));
    }

    void one_element_in_two_lists()
    {
        Task a(1), b(2);
        RunQueue queue;
        AllTasks all;
        all.append(a);
        all.append(b);
        queue.append(b);
        QCOMPARE(ids(all), QString("1,2"));
        QCOMPARE(ids(queue), QString("2"));
        queue.remove(b);
        QCOMPARE(ids(all), QString("1,2"));
        all.clear();
        QVERIFY(!a.all_tasks_node.is_in_list());
    }

    void list_destruction_unlinks_elements()
    {
        Task a(1);
        {
            RunQueue queue;
            queue.append(a);
        }
        QVERIFY(!a.run_queue_node.is_in_list());
    }

    void polymorphic_elements()
    {
        Timer early(5), late(9);
        IntrusiveList<Timer, &Timer::node> timers;
        timers.append(late);
        timers.prepend(early);
        int total = 0;
        for (auto& timer : timers)
            total = total * 10 + timer.deadline;
        QCOMPARE(total, 59);
        QCOMPARE(timers.first()->kind(), 0);
    }
};

PHANTOM_BASE_TEST(IntrusiveListTest, "intrusive_list");
#include "TestIntrusiveList.moc"
