// phantom-bench-vm: the Phantom VM against Lua 5.4 and CPython on the same small programs,
// side by side in one run: fib(32), a method-call loop, binary-trees depth 16, string
// building and a map workload (tests/bench/vm/<name>.ph, .lua, .py do the same work and
// print the same lines). Each runtime runs each program --runs times (after one unmeasured
// warm-up run); the table shows the median wall time in milliseconds, the ratio to Lua, and
// whether the output matched Lua's. It never passes or fails on a time.
//
//   phantom-bench-vm [--runs N] [--programs DIR] [--phantom-vm PATH] [--only NAME]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vector>

namespace {

struct Runtime {
    char const* label;
    std::string program; // executable; empty when not found
    char const* extension;
};

struct Measurement {
    double milliseconds {-1};
    bool ran {false};
    std::string output;
    std::string error;
};

double now_ms()
{
    timespec time {};
    clock_gettime(CLOCK_MONOTONIC, &time);
    return static_cast<double>(time.tv_sec) * 1e3 + static_cast<double>(time.tv_nsec) / 1e6;
}

bool executable(std::string const& path) { return !path.empty() && access(path.c_str(), X_OK) == 0; }

// The distribution's interpreter first (a version manager's shim on PATH would add its own
// start-up time to every run), then PATH.
std::string find_in_path(char const* name)
{
    std::string system = std::string("/usr/bin/") + name;
    if (executable(system))
        return system;
    char const* path = std::getenv("PATH");
    if (!path)
        return {};
    std::string directories = path;
    size_t start = 0;
    while (start <= directories.size()) {
        size_t end = directories.find(':', start);
        if (end == std::string::npos)
            end = directories.size();
        std::string candidate = directories.substr(start, end - start) + "/" + name;
        if (executable(candidate))
            return candidate;
        start = end + 1;
    }
    return {};
}

std::string read_all(int descriptor)
{
    std::string text;
    char buffer[4096];
    ssize_t count;
    while ((count = read(descriptor, buffer, sizeof buffer)) > 0)
        text.append(buffer, static_cast<size_t>(count));
    return text;
}

// Runs `program script`, returning its stdout and the wall time from fork to exit.
Measurement run_once(std::string const& program, std::string const& script)
{
    Measurement measurement;
    int output_pipe[2];
    if (pipe(output_pipe) != 0)
        return measurement;
    char error_template[] = "/tmp/phantom-bench-vm-XXXXXX";
    int error_file = mkstemp(error_template);
    double started = now_ms();
    pid_t child = fork();
    if (child == 0) {
        dup2(output_pipe[1], 1);
        if (error_file >= 0)
            dup2(error_file, 2);
        close(output_pipe[0]);
        close(output_pipe[1]);
        execl(program.c_str(), program.c_str(), script.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(output_pipe[1]);
    measurement.output = read_all(output_pipe[0]);
    close(output_pipe[0]);
    int status = 0;
    waitpid(child, &status, 0);
    measurement.milliseconds = now_ms() - started;
    measurement.ran = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (error_file >= 0) {
        lseek(error_file, 0, SEEK_SET);
        measurement.error = read_all(error_file);
        close(error_file);
        unlink(error_template);
    }
    return measurement;
}

std::string first_line(std::string const& text)
{
    auto end = text.find('\n');
    return text.substr(0, std::min<size_t>(end, 100));
}

} // namespace

int main(int argc, char** argv)
{
    int runs = 3;
    std::string programs = PHANTOM_BENCH_VM_PROGRAMS;
    std::string phantom_vm = PHANTOM_BENCH_VM_TOOL;
    std::string only;
    for (int index = 1; index < argc; ++index) {
        std::string argument = argv[index];
        auto value = [&]() -> std::string {
            if (index + 1 >= argc) {
                std::fprintf(stderr, "phantom-bench-vm: %s needs a value\n", argument.c_str());
                std::exit(2);
            }
            return argv[++index];
        };
        if (argument == "--runs")
            runs = std::max(1, std::atoi(value().c_str()));
        else if (argument == "--programs")
            programs = value();
        else if (argument == "--phantom-vm")
            phantom_vm = value();
        else if (argument == "--only")
            only = value();
        else {
            std::fprintf(stderr,
                "usage: phantom-bench-vm [--runs N] [--programs DIR] [--phantom-vm PATH] [--only NAME]\n");
            return 2;
        }
    }

    std::vector<Runtime> runtimes = {
        {"phantom", executable(phantom_vm) ? phantom_vm : std::string(), "ph"},
        {"lua5.4", find_in_path("lua5.4"), "lua"},
        {"python3", find_in_path("python3"), "py"},
    };
    char const* benchmarks[] = {"fib", "method_calls", "binary_trees", "string_building", "map_workload"};

    double load[3] = {};
    if (FILE* file = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(file, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
            load[0] = -1;
        std::fclose(file);
    }
    std::printf("Phantom VM vs Lua 5.4 vs CPython: median wall time of %d runs (ms), load average %.2f\n",
        runs, load[0]);
    for (auto const& runtime : runtimes)
        std::printf("  %-8s %s\n", runtime.label,
            runtime.program.empty() ? "(not found: skipped)" : runtime.program.c_str());
    std::printf("\n%-16s %10s %10s %10s %14s %14s  %s\n", "benchmark", "phantom", "lua5.4", "python3",
        "phantom/lua", "python/lua", "output");

    std::vector<std::string> problems;
    for (char const* benchmark : benchmarks) {
        if (!only.empty() && only != benchmark)
            continue;
        double medians[3] = {-1, -1, -1};
        std::string outputs[3];
        bool ok[3] = {};
        for (size_t which = 0; which < runtimes.size(); ++which) {
            auto const& runtime = runtimes[which];
            if (runtime.program.empty())
                continue;
            std::string script = programs + "/" + benchmark + "." + runtime.extension;
            auto warm_up = run_once(runtime.program, script);
            if (!warm_up.ran) {
                problems.push_back(std::string(runtime.label) + " " + benchmark
                    + ": failed: " + first_line(warm_up.error.empty() ? warm_up.output : warm_up.error));
                continue;
            }
            outputs[which] = warm_up.output;
            std::vector<double> times;
            for (int run = 0; run < runs; ++run) {
                auto measurement = run_once(runtime.program, script);
                if (measurement.ran)
                    times.push_back(measurement.milliseconds);
            }
            if (times.empty())
                continue;
            std::sort(times.begin(), times.end());
            medians[which] = times[times.size() / 2];
            ok[which] = true;
        }
        auto cell = [](double value) {
            char text[32];
            if (value < 0)
                std::snprintf(text, sizeof text, "-");
            else
                std::snprintf(text, sizeof text, "%.0f", value);
            return std::string(text);
        };
        auto ratio = [](double value, double reference) {
            char text[32];
            if (value < 0 || reference <= 0)
                std::snprintf(text, sizeof text, "-");
            else
                std::snprintf(text, sizeof text, "%.2fx", value / reference);
            return std::string(text);
        };
        std::string agreement;
        if (ok[1]) {
            for (size_t which : {size_t(0), size_t(2)}) {
                if (!ok[which])
                    continue;
                bool same = outputs[which] == outputs[1];
                agreement += std::string(runtimes[which].label) + (same ? " same " : " DIFFERS ");
                if (!same)
                    problems.push_back(std::string(runtimes[which].label) + " " + benchmark + ": printed '"
                        + first_line(outputs[which]) + "', Lua printed '" + first_line(outputs[1]) + "'");
            }
        }
        std::printf("%-16s %10s %10s %10s %14s %14s  %s\n", benchmark, cell(medians[0]).c_str(),
            cell(medians[1]).c_str(), cell(medians[2]).c_str(), ratio(medians[0], medians[1]).c_str(),
            ratio(medians[2], medians[1]).c_str(), agreement.c_str());
        std::fflush(stdout);
    }
    if (!problems.empty()) {
        std::printf("\nNotes:\n");
        for (auto const& problem : problems)
            std::printf("  %s\n", problem.c_str());
    }
    std::printf("\nTarget (DESIGN.md section 11): phantom/lua <= 1.00x on each row.\n");
    return 0;
}
