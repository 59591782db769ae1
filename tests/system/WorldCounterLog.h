// tests/system/WorldCounterLog.h: reading what the counter world (worlds/counter.ph) wrote,
// for WorldPowerCutTest.cpp and WorldCrossPortTest.cpp: its count lines, the world's commit
// lines and main's start line, over the runs of one world, on whichever port ran it.
#pragma once

#include <QRegularExpression>
#include <QString>
#include <QStringList>

namespace SystemTest {

// What the runs of one counter world have shown so far.
struct CounterHistory {
    int main_starts {0};
    qint64 last_committed {0}; // the highest count a `world: committed` line followed
    qint64 highest {0};        // the highest count printed
};

// Checks one run's output (serial lines or a process's output) against the history and adds
// it. Returns an empty string when the run is consistent, else what is wrong: a count that is
// not the list's length (a snapshot that mixed two moments), or a resumed run whose first
// count is below the last committed one (a lost commit).
inline QString add_counter_run(CounterHistory& history, QStringList const& lines, bool resumed_run)
{
    static QRegularExpression const count_line(QStringLiteral(R"(world counter: count=(\d+) length=(\d+))"));
    bool first_count = true;
    qint64 previous_count = 0;
    for (auto const& line : lines) {
        if (line.contains(QStringLiteral("world counter: main started")))
            ++history.main_starts;
        auto match = count_line.match(line);
        if (match.hasMatch()) {
            qint64 count = match.captured(1).toLongLong();
            if (count != match.captured(2).toLongLong())
                return QStringLiteral("count and list length differ: %1").arg(line);
            if (first_count && resumed_run && count < history.last_committed)
                return QStringLiteral("first count %1 after a restart is below the last committed %2")
                    .arg(count)
                    .arg(history.last_committed);
            first_count = false;
            previous_count = count;
            history.highest = qMax(history.highest, count);
        } else if (line.contains(QStringLiteral("world: committed gen="))) {
            history.last_committed = qMax(history.last_committed, previous_count);
        }
    }
    return {};
}

} // namespace SystemTest
