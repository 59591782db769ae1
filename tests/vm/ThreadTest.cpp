/*
 * tests/vm/ThreadTest.cpp: VM threads on the green-thread scheduler: spawn and join with
 * results, a mutex that prevents lost updates (and the lost updates without it), a condition
 * variable between a producer and a consumer, sleeping, time slicing at back-branches,
 * deadlock detection, and interrupt_thread on a busy and a sleeping thread. Every check is
 * about order or values, never about elapsed time.
 */
#include "Assembler.h"

using namespace CoreTest;

class ThreadTest : public QObject {
    Q_OBJECT

private:
    static void println(Assembler& a) { a.call_static("Console", "println", 1).op(Opcode::Pop); }

    // for (i = 0; i < count; i++) { [lock] v = counter; Thread.yield(); counter = v + 1 [unlock] }
    static VM::MethodImage incrementer(bool locked, i16 count)
    {
        Assembler a;
        a.push_int(0).store_local(1);
        u32 top = a.offset();
        a.load_local(1).push_int(count).op(Opcode::Less);
        auto done = a.jump(Opcode::JumpIfFalse);
        if (locked)
            a.global(Opcode::LoadGlobal, "lock").send("lock", 0).op(Opcode::Pop);
        a.global(Opcode::LoadGlobal, "counter").store_local(2);
        a.call_static("Thread", "yield", 0).op(Opcode::Pop);
        a.load_local(2).push_int(1).op(Opcode::Add).global(Opcode::StoreGlobal, "counter");
        if (locked)
            a.global(Opcode::LoadGlobal, "lock").send("unlock", 0).op(Opcode::Pop);
        a.load_local(1).push_int(1).op(Opcode::Add).store_local(1);
        a.jump_to(Opcode::Jump, top);
        a.here(done);
        a.global(Opcode::LoadGlobal, "counter").op(Opcode::Return);
        return a.locals(3).finish("<worker>", MethodKind::Function, 0);
    }

    // counter = 0; lock = new Mutex(); t1 = spawn(f); t2 = spawn(f); t1.join(); t2.join(); return counter
    static VM::MethodImage race(char const* name, u32 function)
    {
        Assembler a;
        a.push_int(0).global(Opcode::StoreGlobal, "counter");
        a.new_object("Mutex", 0).global(Opcode::StoreGlobal, "lock");
        a.closure(function).call_static("Thread", "spawn", 1).store_local(1);
        a.closure(function).call_static("Thread", "spawn", 1).store_local(2);
        a.load_local(1).send("join", 0).op(Opcode::Pop);
        a.load_local(2).send("join", 0).op(Opcode::Pop);
        a.global(Opcode::LoadGlobal, "counter").op(Opcode::Return);
        return a.locals(3).finish(name, MethodKind::Static, 0);
    }

    static i64 integer(Machine& machine, char const* method)
    {
        auto result = machine.vm->call_static("Main"sv, StringView(method));
        if (result.is_error() || !result.value().is_integer())
            qFatal("%s failed: %s", method, qPrintable(machine.host.errors));
        return result.value().as_integer();
    }

private Q_SLOTS:
    void mutexPreventsLostUpdates()
    {
        auto image = make_class("Main");
        image.functions.append(incrementer(true, 200));
        image.functions.append(incrementer(false, 200));
        image.methods.append(race("locked", 0));
        image.methods.append(race("unlocked", 1));
        Machine machine;
        QCOMPARE(machine.load(program_of(move(image))), QString());
        QCOMPARE(integer(machine, "locked"), 400);
        // Without the mutex both threads read the same value before either writes it back.
        QCOMPARE(integer(machine, "unlocked"), 200);
        QCOMPARE(machine.host.errors, QString());
    }

    void joinReturnsResultAndSleepOrders()
    {
        auto image = make_class("Main");
        Assembler sleeper;
        sleeper.push_int(30).call_static("Thread", "sleep", 1).op(Opcode::Pop).push_string("slept");
        println(sleeper);
        sleeper.push_int(7).op(Opcode::Return);
        image.functions.append(sleeper.finish("<sleeper>", MethodKind::Function, 0));
        Assembler quick;
        quick.push_string("quick");
        println(quick);
        quick.push_int(5).op(Opcode::Return);
        image.functions.append(quick.finish("<quick>", MethodKind::Function, 0));
        Assembler main;
        main.closure(0).call_static("Thread", "spawn", 1).store_local(1);
        main.closure(1).call_static("Thread", "spawn", 1).store_local(2);
        main.load_local(1).send("join", 0).push_int(10).op(Opcode::Multiply);
        main.load_local(2).send("join", 0).op(Opcode::Add).op(Opcode::Return);
        image.methods.append(main.locals(3).finish("main", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program_of(move(image))), QString());
        QCOMPARE(integer(machine, "main"), 75);
        QCOMPARE(machine.host.output, QString("quick\nslept\n"));
    }

    void conditionHandsOffValues()
    {
        auto image = make_class("Main");
        // consumer: lock; while (queue is empty) ready.wait(lock); take; ... three times; sum
        Assembler consumer;
        consumer.push_int(0).store_local(1).push_int(0).store_local(2);
        u32 outer = consumer.offset();
        consumer.load_local(2).push_int(3).op(Opcode::Less);
        auto finished = consumer.jump(Opcode::JumpIfFalse);
        consumer.global(Opcode::LoadGlobal, "lock").send("lock", 0).op(Opcode::Pop);
        u32 check = consumer.offset();
        consumer.global(Opcode::LoadGlobal, "queue").send("isEmpty", 0);
        auto have = consumer.jump(Opcode::JumpIfFalse);
        consumer.global(Opcode::LoadGlobal, "ready")
            .global(Opcode::LoadGlobal, "lock")
            .send("wait", 1)
            .op(Opcode::Pop);
        consumer.jump_to(Opcode::Jump, check);
        consumer.here(have);
        consumer.load_local(1)
            .global(Opcode::LoadGlobal, "queue")
            .push_int(0)
            .send("removeAt", 1)
            .op(Opcode::Add)
            .store_local(1);
        consumer.global(Opcode::LoadGlobal, "lock").send("unlock", 0).op(Opcode::Pop);
        consumer.load_local(2).push_int(1).op(Opcode::Add).store_local(2);
        consumer.jump_to(Opcode::Jump, outer);
        consumer.here(finished);
        consumer.load_local(1).op(Opcode::Return);
        image.functions.append(consumer.locals(3).finish("<consumer>", MethodKind::Function, 0));
        // main: start the consumer, then produce 1, 20, 300 with a yield between them.
        Assembler main;
        main.op(Opcode::MakeArray, 0).global(Opcode::StoreGlobal, "queue");
        main.new_object("Mutex", 0).global(Opcode::StoreGlobal, "lock");
        main.new_object("Condition", 0).global(Opcode::StoreGlobal, "ready");
        main.closure(0).call_static("Thread", "spawn", 1).store_local(1);
        for (i16 value : {1, 20, 300}) {
            main.call_static("Thread", "yield", 0).op(Opcode::Pop);
            main.global(Opcode::LoadGlobal, "lock").send("lock", 0).op(Opcode::Pop);
            main.global(Opcode::LoadGlobal, "queue").push_int(value).send("push", 1).op(Opcode::Pop);
            main.global(Opcode::LoadGlobal, "ready").send("notify", 0).op(Opcode::Pop);
            main.global(Opcode::LoadGlobal, "lock").send("unlock", 0).op(Opcode::Pop);
        }
        main.load_local(1).send("join", 0).op(Opcode::Return);
        image.methods.append(main.locals(2).finish("main", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program_of(move(image))), QString());
        QCOMPARE(integer(machine, "main"), 321);
        QCOMPARE(machine.host.errors, QString());
    }

    void timeSlicesInterleaveBusyThreads()
    {
        auto image = make_class("Main");
        // busy: count to 100000 (back-branches are safepoints), then print "busy done"
        Assembler busy;
        busy.push_int(0).store_local(1);
        u32 top = busy.offset();
        busy.load_local(1).push_integer(100000).op(Opcode::Less);
        auto done = busy.jump(Opcode::JumpIfFalse);
        busy.load_local(1).push_int(1).op(Opcode::Add).store_local(1);
        busy.jump_to(Opcode::Jump, top);
        busy.here(done);
        busy.push_string("busy done");
        println(busy);
        busy.op(Opcode::ReturnNil);
        image.functions.append(busy.locals(2).finish("<busy>", MethodKind::Function, 0));
        Assembler chatty;
        chatty.push_string("chatty");
        println(chatty);
        chatty.op(Opcode::ReturnNil);
        image.functions.append(chatty.finish("<chatty>", MethodKind::Function, 0));
        Assembler main;
        main.closure(0).call_static("Thread", "spawn", 1).store_local(1);
        main.closure(1).call_static("Thread", "spawn", 1).store_local(2);
        main.load_local(1).send("join", 0).op(Opcode::Pop).load_local(2).send("join", 0).op(Opcode::Pop);
        main.push_int(0).op(Opcode::Return);
        image.methods.append(main.locals(3).finish("main", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program_of(move(image))), QString());
        QCOMPARE(integer(machine, "main"), 0);
        QCOMPARE(machine.host.output, QString("chatty\nbusy done\n"));
    }

    void deadlockIsReported()
    {
        auto image = make_class("Main");
        for (auto order : {std::pair {"a", "b"}, std::pair {"b", "a"}}) {
            Assembler worker;
            worker.global(Opcode::LoadGlobal, order.first).send("lock", 0).op(Opcode::Pop);
            worker.call_static("Thread", "yield", 0).op(Opcode::Pop);
            worker.global(Opcode::LoadGlobal, order.second).send("lock", 0).op(Opcode::Pop);
            worker.op(Opcode::ReturnNil);
            image.functions.append(worker.finish("<worker>", MethodKind::Function, 0));
        }
        Assembler main;
        main.new_object("Mutex", 0).global(Opcode::StoreGlobal, "a");
        main.new_object("Mutex", 0).global(Opcode::StoreGlobal, "b");
        main.closure(0).call_static("Thread", "spawn", 1).store_local(1);
        main.closure(1).call_static("Thread", "spawn", 1).store_local(2);
        main.load_local(1).send("join", 0).op(Opcode::Return);
        image.methods.append(main.locals(3).finish("main", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program_of(move(image))), QString());
        QCOMPARE(MUST(machine.vm->run_main()), 1);
        QVERIFY2(machine.host.errors.contains("Deadlock: every remaining thread is blocked"),
            qPrintable(machine.host.errors));
        QVERIFY(machine.vm->threads().is_empty());
    }

    void safepointRequestStopsAndRunResumes()
    {
        // Two threads print in turns; the host asks for a safepoint at the third line. run()
        // returns with both threads parked mid-loop, and a second run() finishes them.
        auto image = make_class("Main");
        for (char const* word : {"a", "b"}) {
            Assembler printer;
            printer.push_int(0).store_local(1);
            u32 top = printer.offset();
            printer.load_local(1).push_int(3).op(Opcode::Less);
            auto done = printer.jump(Opcode::JumpIfFalse);
            printer.push_string(word);
            println(printer);
            printer.call_static("Thread", "yield", 0).op(Opcode::Pop);
            printer.load_local(1).push_int(1).op(Opcode::Add).store_local(1);
            printer.jump_to(Opcode::Jump, top);
            printer.here(done);
            printer.op(Opcode::ReturnNil);
            image.functions.append(printer.locals(2).finish("<printer>", MethodKind::Function, 0));
        }
        Assembler start;
        start.closure(0).call_static("Thread", "spawn", 1).op(Opcode::Pop);
        start.closure(1).call_static("Thread", "spawn", 1).op(Opcode::Pop).op(Opcode::ReturnNil);
        image.methods.append(start.finish("start", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program_of(move(image))), QString());
        // Only the starting thread runs here: it leaves two new threads that have not run yet.
        auto starter = MUST(machine.vm->spawn_static("Main"sv, "start"sv));
        MUST(machine.vm->run_thread(starter));
        QCOMPARE(machine.vm->threads().size(), 2u);
        // Stop after three lines: a safepoint request from "outside" (as the snapshot engine does).
        class StoppingHost final : public VM::Host {
        public:
            explicit StoppingHost(CaptureHost& inner, VM::VirtualMachine*& vm)
                : m_inner(inner)
                , m_vm(vm)
            { }
            void write_output(StringView text) override
            {
                m_inner.write_output(text);
                if (m_inner.output.count('\n') == 3)
                    m_vm->request_safepoint();
            }
            void write_error(StringView text) override { m_inner.write_error(text); }
            u64 monotonic_nanoseconds() override { return m_inner.monotonic_nanoseconds(); }
            u64 wall_clock_nanoseconds() override { return m_inner.wall_clock_nanoseconds(); }
            void sleep_until(u64 deadline) override { m_inner.sleep_until(deadline); }

        private:
            CaptureHost& m_inner;
            VM::VirtualMachine*& m_vm;
        };
        // The VM's host is fixed at creation, so this test drives the threads through a second
        // VM attached to the same heap, exactly as a restart would.
        delete machine.vm;
        machine.vm = nullptr;
        StoppingHost stopping(machine.host, machine.vm);
        machine.vm = MUST(VM::VirtualMachine::attach(*machine.heap, stopping)).leak_ptr();
        QCOMPARE(machine.vm->threads().size(), 2u);
        MUST(machine.vm->run());
        QCOMPARE(machine.host.output, QString("a\nb\na\n"));
        QCOMPARE(machine.vm->threads().size(), 2u);
        machine.vm->clear_safepoint_request();
        MUST(machine.vm->run());
        QCOMPARE(machine.host.output, QString("a\nb\na\nb\na\nb\n"));
        QVERIFY(machine.vm->threads().is_empty());
    }

    void interruptStopsBusyAndSleepingThreads()
    {
        // Two threads that never end on their own: one counts for ever, one sleeps for days.
        // The host interrupts them between time slices (as the object shell does on Ctrl-C);
        // main, joining both, sees them fail with Interrupted and ends.
        auto image = make_class("Main");
        Assembler busy;
        u32 top = busy.offset();
        busy.push_int(1).op(Opcode::Pop);
        busy.jump_to(Opcode::Jump, top);
        image.functions.append(busy.finish("<busy>", MethodKind::Function, 0));
        Assembler sleeper;
        sleeper.push_integer(1'000'000'000).call_static("Thread", "sleep", 1).op(Opcode::Pop);
        sleeper.push_string("slept out");
        println(sleeper);
        sleeper.op(Opcode::ReturnNil);
        image.functions.append(sleeper.finish("<sleeper>", MethodKind::Function, 0));
        Assembler main;
        main.closure(0).call_static("Thread", "spawn", 1).store_local(1);
        main.closure(1).call_static("Thread", "spawn", 1).store_local(2);
        main.load_local(1).send("join", 0).op(Opcode::Pop).load_local(2).send("join", 0).op(Opcode::Pop);
        main.push_string("main goes on");
        println(main);
        main.push_int(5).op(Opcode::Return);
        image.methods.append(main.locals(3).finish("main", MethodKind::Static, 0));

        class InterruptingHost final : public VM::Host {
        public:
            explicit InterruptingHost(CaptureHost& inner, VM::VirtualMachine*& vm)
                : m_inner(inner)
                , m_vm(vm)
            { }
            void write_output(StringView text) override { m_inner.write_output(text); }
            void write_error(StringView text) override { m_inner.write_error(text); }
            u64 monotonic_nanoseconds() override { return m_inner.monotonic_nanoseconds(); }
            u64 wall_clock_nanoseconds() override { return m_inner.wall_clock_nanoseconds(); }
            void sleep_until(u64 deadline) override { m_inner.sleep_until(deadline); }
            void at_safepoint() override
            {
                // A VM that ignores interrupts would run for ever: end it, and the test fails.
                if (++safepoints > 100'000)
                    return m_vm->request_exit(99);
                for (auto thread : m_vm->threads()) {
                    auto* object = thread.as_object();
                    if (VM::text_of(object->slots()[VM::ThreadSlot::name]) == "main"sv)
                        continue;
                    auto state
                        = static_cast<VM::ThreadState>(object->slots()[VM::ThreadSlot::state].as_integer());
                    bool sleeping = state == VM::ThreadState::Sleeping;
                    if (sleeping || (state == VM::ThreadState::Runnable && safepoints > 10))
                        interrupted += MUST(m_vm->interrupt_thread(thread, "stop"sv)) ? 1 : 0;
                }
            }
            int safepoints {0};
            int interrupted {0};

        private:
            CaptureHost& m_inner;
            VM::VirtualMachine*& m_vm;
        };
        Machine machine;
        QCOMPARE(machine.load(program_of(move(image))), QString());
        // The VM's host is fixed at creation: a second VM over the same heap takes this one.
        delete machine.vm;
        machine.vm = nullptr;
        InterruptingHost host(machine.host, machine.vm);
        machine.vm = MUST(VM::VirtualMachine::attach(*machine.heap, host)).leak_ptr();
        QCOMPARE(MUST(machine.vm->run_main()), 5);
        QCOMPARE(host.interrupted, 2);
        QCOMPARE(machine.host.output, QString("main goes on\n"));
        QCOMPARE(machine.host.errors.count("Uncaught Interrupted: stop"), 2);
        QVERIFY2(machine.host.errors.contains("at Main.<busy>")
                && machine.host.errors.contains("at Main.<sleeper>"),
            qPrintable(machine.host.errors));
        // Nothing is left to interrupt.
        QVERIFY(machine.vm->threads().is_empty());
    }

    void unlockByNonOwnerThrows()
    {
        auto image = make_class("Main");
        Assembler main;
        main.new_object("Mutex", 0).send("unlock", 0).op(Opcode::Return);
        image.methods.append(main.finish("main", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program_of(move(image))), QString());
        QCOMPARE(MUST(machine.vm->run_main()), 1);
        QVERIFY(machine.host.errors.contains("ThreadError: unlock of a mutex this thread does not hold"));
    }
};

QTEST_GUILESS_MAIN(ThreadTest)
#include "ThreadTest.moc"
