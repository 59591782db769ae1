/*
 * tests/unit/BaseTestMain.cpp: runs the registered base/ test classes.
 *   phantom-base-tests            runs every area
 *   phantom-base-tests vector     runs one area (what each CTest test does)
 *   phantom-base-tests --list     prints the area names
 * Arguments after the area go to Qt Test (e.g. a test function name, -v2).
 */

#include "BaseTestSupport.h"

#include <QCoreApplication>
#include <QTest>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

namespace BaseTests {
std::vector<std::pair<char const*, TestFactory>>& registry();
}

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    auto& tests = BaseTests::registry();
    if (argc > 1 && std::strcmp(argv[1], "--list") == 0) {
        for (auto& [area, factory] : tests)
            std::printf("%s\n", area);
        return 0;
    }
    char const* selected = argc > 1 && argv[1][0] != '-' ? argv[1] : nullptr;
    // Qt Test sees the program name plus whatever follows the area.
    std::vector<char*> qt_arguments {argv[0]};
    for (int i = selected ? 2 : 1; i < argc; ++i)
        qt_arguments.push_back(argv[i]);

    int failures = 0;
    bool found = false;
    for (auto& [area, factory] : tests) {
        if (selected && std::strcmp(selected, area) != 0)
            continue;
        found = true;
        std::unique_ptr<QObject> test(factory());
        failures += QTest::qExec(test.get(), static_cast<int>(qt_arguments.size()), qt_arguments.data());
    }
    if (!found) {
        std::fprintf(stderr, "no test area named '%s' (try --list)\n", selected);
        return 2;
    }
    return failures == 0 ? 0 : 1;
}
