/*
 * tests/unit/BaseTestSupport.h: shared helpers of the base/ unit tests.
 *  - PHANTOM_BASE_TEST(Class, "area") registers a Qt Test class under an area name that
 *    BaseTestMain.cpp runs (one CTest test per area).
 *  - Counted: an element type that counts constructions, moves and destructions, so a test
 *    can prove a container neither leaks nor destroys twice.
 *  - AllocationFailureScope: makes base/'s nothrow allocations fail on demand (this test
 *    executable replaces the global operator new), to test the OutOfMemory paths for real.
 *  - run_in_child(): runs a function in a forked child and reports how it ended (for
 *    VERIFY/MUST failures, which abort by design).
 *  - capture_stderr(): what a function wrote to stderr (logln output on the host).
 */
#pragma once

#include <QObject>
#include <QString>
#include <functional>

namespace BaseTests {

using TestFactory = QObject* (*)();

struct Registration {
    Registration(char const* area, TestFactory factory);
};

#define PHANTOM_BASE_TEST(Class, area)                                                                       \
    static QObject* make_##Class() { return new Class; }                                                     \
    static BaseTests::Registration s_registration_##Class(area, &make_##Class)

struct Counters {
    int constructed {0};
    int copied {0};
    int moved {0};
    int destroyed {0};
    int alive() const { return constructed + copied + moved - destroyed; }
};

class Counted {
public:
    Counted(Counters& counters, int value)
        : m_counters(&counters)
        , m_value(value)
    {
        ++m_counters->constructed;
    }
    Counted(Counted const& other)
        : m_counters(other.m_counters)
        , m_value(other.m_value)
    {
        ++m_counters->copied;
    }
    Counted(Counted&& other)
        : m_counters(other.m_counters)
        , m_value(other.m_value)
    {
        other.m_value = -1;
        ++m_counters->moved;
    }
    Counted& operator=(Counted const& other)
    {
        m_counters = other.m_counters;
        m_value = other.m_value;
        return *this;
    }
    Counted& operator=(Counted&& other)
    {
        m_counters = other.m_counters;
        m_value = other.m_value;
        other.m_value = -1;
        return *this;
    }
    ~Counted()
    {
        // A second destruction of the same object shows up as a negative alive() count.
        ++m_counters->destroyed;
    }

    int value() const { return m_value; }
    bool operator==(Counted const& other) const { return m_value == other.m_value; }

private:
    Counters* m_counters;
    int m_value;
};

// While alive, the nothrow operator new (the only one base/ uses) succeeds
// `successes_before_failure` more times and then returns null until the scope ends.
class AllocationFailureScope {
public:
    explicit AllocationFailureScope(long successes_before_failure);
    ~AllocationFailureScope();
    AllocationFailureScope(AllocationFailureScope const&) = delete;
    AllocationFailureScope& operator=(AllocationFailureScope const&) = delete;

    // How many nothrow allocations were refused so far.
    long failures() const;
};

// How many nothrow allocations happened since the process started.
long nothrow_allocation_count();

struct ChildResult {
    bool exited_normally {false};
    int exit_code {0};
    int signal {0};
    QString standard_error;
};

// Forks; the child runs `body` and exits with status 0 if it returns.
ChildResult run_in_child(std::function<void()> const& body);

QString capture_stderr(std::function<void()> const& body);

} // namespace BaseTests
