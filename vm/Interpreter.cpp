/*
 * vm/Interpreter.cpp: the bytecode interpreter, VirtualMachine::run_thread. One loop per
 * running thread, computed-goto dispatch generated from vm/Opcodes.h, frames in the thread's
 * Stack object (a Phantom call never recurses on the C++ stack), inline caches at sends,
 * field accesses and globals, integer fast paths, and table-driven exception handling.
 *
 * Registers (host pointers into the Stack object and the running method) exist only while a
 * thread runs; when it yields they are saved into the Thread object as integers.
 */
#include <vm/Collections.h>
#include <vm/InterpreterMacros.h>
#include <vm/VirtualMachine.h>

namespace VM {

ErrorOr<void> VirtualMachine::run_thread(Value thread_value)
{
    m_current_thread = thread_value;
    auto* thread = thread_value.as_object();
    auto* stack_object = thread->slots()[ThreadSlot::stack].as_object();
    Value* const base = stack_object->slots();
    Value* const stack_end = base + stack_object->slot_count;
    Value* frame = base + thread->slots()[ThreadSlot::frame].as_integer();
    Value* sp = base + thread->slots()[ThreadSlot::top].as_integer();
    ObjectHeader* method = nullptr;
    Value* locals = nullptr;
    u8* code = nullptr;
    Value* constants = nullptr;
    ObjectHeader* caches_object = nullptr;
    Value* caches = nullptr;
    i32 budget = static_cast<i32>(m_options.time_slice);

    Value const int_class = builtin_class(BuiltinClass::Int);
    Value const nil_class = builtin_class(BuiltinClass::Nil);
    Value const float_class = builtin_class(BuiltinClass::Float);
    Value const true_value = m_true;
    Value const false_value = m_false;

    // Variables of the shared call and throw paths.
    Value exception;
    u32 throw_pc = 0;
    Value send_selector;
    u32 send_argc = 0;
    i32 send_cache = -1;
    u8* return_ip = nullptr;
    Value callee;
    Value* call_args = nullptr;
    Value call_closure;
    i64 call_flags = 0;
    NativeResult native_result;
    Value return_value;

    LOAD_FRAME();
    u8* ip = code + thread->slots()[ThreadSlot::pc].as_integer();

    static void* const dispatch_table[] = {PHANTOM_ENUMERATE_OPCODES(PHANTOM_OPCODE_LABEL)
#undef PHANTOM_OPCODE_LABEL
    };
    static_assert(sizeof(dispatch_table) / sizeof(dispatch_table[0]) == opcode_count);

    DISPATCH();

op_Nop:
    NEXT(Nop);
op_PushNil:
    *sp++ = Value::nil();
    NEXT(PushNil);
op_PushTrue:
    *sp++ = true_value;
    NEXT(PushTrue);
op_PushFalse:
    *sp++ = false_value;
    NEXT(PushFalse);
op_PushSelf:
    *sp++ = locals[0];
    NEXT(PushSelf);
op_PushInt:
    *sp++ = Value::integer(read_i16(ip + 1));
    NEXT(PushInt);
op_PushConstant:
    *sp++ = constants[read_u16(ip + 1)];
    NEXT(PushConstant);
op_Pop:
    --sp;
    NEXT(Pop);
op_Dup:
    sp[0] = sp[-1];
    ++sp;
    NEXT(Dup);
op_Dup2:
    sp[0] = sp[-2];
    sp[1] = sp[-1];
    sp += 2;
    NEXT(Dup2);
op_Swap : {
    Value top = sp[-1];
    sp[-1] = sp[-2];
    sp[-2] = top;
    NEXT(Swap);
}
op_LoadLocal:
    *sp++ = locals[read_u16(ip + 1)];
    NEXT(LoadLocal);
op_StoreLocal:
    locals[read_u16(ip + 1)] = *--sp;
    NEXT(StoreLocal);
op_MakeBox : {
    u16 index = read_u16(ip + 1);
    if (!is_kind(locals[index], ObjectKind::Box)) {
        SAVE_REGISTERS(ip);
        auto box = TRY(make_box(locals[index]));
        locals[index] = box;
    }
    NEXT(MakeBox);
}
op_LoadBox : {
    Value slot = locals[read_u16(ip + 1)];
    *sp++ = is_kind(slot, ObjectKind::Box) ? slot.as_object()->slots()[0] : slot;
    NEXT(LoadBox);
}
op_StoreBox : {
    Value& slot = locals[read_u16(ip + 1)];
    Value value = *--sp;
    if (is_kind(slot, ObjectKind::Box))
        m_heap.write(slot.as_object(), 0, value);
    else
        slot = value;
    NEXT(StoreBox);
}
op_LoadCaptured : {
    Value box = frame[FrameSlot::closure].as_object()->slots()[ClosureSlot::first_capture + read_u16(ip + 1)];
    *sp++ = box.as_object()->slots()[0];
    NEXT(LoadCaptured);
}
op_StoreCaptured : {
    Value box = frame[FrameSlot::closure].as_object()->slots()[ClosureSlot::first_capture + read_u16(ip + 1)];
    m_heap.write(box.as_object(), 0, *--sp);
    NEXT(StoreCaptured);
}

op_LoadField : {
    Value object = sp[-1];
    u32 slot;
    FIELD_SLOT(object, slot);
    sp[-1] = object.as_object()->slots()[slot >> 1];
    NEXT(LoadField);
}
op_StoreField : {
    Value object = sp[-2];
    u32 slot;
    FIELD_SLOT(object, slot);
    CHECKED_FIELD_STORE(object, slot, sp[-1]);
    sp -= 2;
    NEXT(StoreField);
}
op_LoadSelfField : {
    Value object = locals[0];
    u32 slot;
    FIELD_SLOT(object, slot);
    *sp++ = object.as_object()->slots()[slot >> 1];
    NEXT(LoadSelfField);
}
op_StoreSelfField : {
    Value object = locals[0];
    u32 slot;
    FIELD_SLOT(object, slot);
    CHECKED_FIELD_STORE(object, slot, sp[-1]);
    --sp;
    NEXT(StoreSelfField);
}

op_LoadGlobal : {
    Value box;
    GLOBAL_BOX(box, false);
    *sp++ = box.as_object()->slots()[0];
    NEXT(LoadGlobal);
}
op_StoreGlobal : {
    Value box;
    GLOBAL_BOX(box, true);
    m_heap.write(box.as_object(), 0, sp[-1]);
    --sp;
    NEXT(StoreGlobal);
}

op_Add : {
    Value left = sp[-2], right = sp[-1];
    if (left.is_integer() && right.is_integer()) [[likely]] {
        i64 result;
        if (__builtin_add_overflow(
                static_cast<i64>(left.bits()), static_cast<i64>(right.bits() - 1), &result))
            THROW_ERROR(
                ArithmeticError, "integer overflow in {} + {}", left.as_integer(), right.as_integer());
        sp[-2] = Value::from_bits(static_cast<u64>(result));
        --sp;
        NEXT(Add);
    }
    if (is_kind(left, ObjectKind::String) && is_kind(right, ObjectKind::String)) {
        SAVE_REGISTERS(ip);
        auto joined = TRY(concatenate(*this, left, right));
        sp[-2] = joined;
        --sp;
        NEXT(Add);
    }
    FLOAT_OPERANDS(a, b, numeric);
    if (numeric) {
        PUSH_FLOAT_RESULT(a + b);
        NEXT(Add);
    }
    BINARY_SEND(add, Add);
}
op_Subtract : {
    Value left = sp[-2], right = sp[-1];
    if (left.is_integer() && right.is_integer()) [[likely]] {
        i64 result;
        if (__builtin_sub_overflow(
                static_cast<i64>(left.bits()), static_cast<i64>(right.bits() - 1), &result))
            THROW_ERROR(
                ArithmeticError, "integer overflow in {} - {}", left.as_integer(), right.as_integer());
        sp[-2] = Value::from_bits(static_cast<u64>(result));
        --sp;
        NEXT(Subtract);
    }
    FLOAT_OPERANDS(a, b, numeric);
    if (numeric) {
        PUSH_FLOAT_RESULT(a - b);
        NEXT(Subtract);
    }
    BINARY_SEND(subtract, Subtract);
}
op_Multiply : {
    Value left = sp[-2], right = sp[-1];
    if (left.is_integer() && right.is_integer()) [[likely]] {
        i64 result;
        if (__builtin_mul_overflow(left.as_integer(), right.as_integer(), &result) || !fits(result))
            THROW_ERROR(
                ArithmeticError, "integer overflow in {} * {}", left.as_integer(), right.as_integer());
        sp[-2] = Value::integer(result);
        --sp;
        NEXT(Multiply);
    }
    FLOAT_OPERANDS(a, b, numeric);
    if (numeric) {
        PUSH_FLOAT_RESULT(a * b);
        NEXT(Multiply);
    }
    BINARY_SEND(multiply, Multiply);
}
op_Divide : {
    Value left = sp[-2], right = sp[-1];
    if (left.is_integer() && right.is_integer()) [[likely]] {
        if (right.as_integer() == 0)
            THROW_ERROR(ArithmeticError, "division by zero");
        i64 result = left.as_integer() / right.as_integer();
        if (!fits(result))
            THROW_ERROR(
                ArithmeticError, "integer overflow in {} / {}", left.as_integer(), right.as_integer());
        sp[-2] = Value::integer(result);
        --sp;
        NEXT(Divide);
    }
    FLOAT_OPERANDS(a, b, numeric);
    if (numeric) {
        PUSH_FLOAT_RESULT(a / b);
        NEXT(Divide);
    }
    BINARY_SEND(divide, Divide);
}
op_Modulo : {
    Value left = sp[-2], right = sp[-1];
    if (left.is_integer() && right.is_integer()) [[likely]] {
        if (right.as_integer() == 0)
            THROW_ERROR(ArithmeticError, "modulo by zero");
        sp[-2] = Value::integer(left.as_integer() % right.as_integer());
        --sp;
        NEXT(Modulo);
    }
    FLOAT_OPERANDS(a, b, numeric);
    if (numeric) {
        PUSH_FLOAT_RESULT(__builtin_fmod(a, b));
        NEXT(Modulo);
    }
    BINARY_SEND(modulo, Modulo);
}
op_Negate : {
    Value operand = sp[-1];
    if (operand.is_integer()) {
        if (!fits(-operand.as_integer()))
            THROW_ERROR(ArithmeticError, "integer overflow in -{}", operand.as_integer());
        sp[-1] = Value::integer(-operand.as_integer());
        NEXT(Negate);
    }
    if (operand.is_object() && operand.as_object()->klass == float_class) {
        SAVE_REGISTERS(ip);
        auto boxed = TRY(make_float(-float_of(operand)));
        sp[-1] = boxed;
        NEXT(Negate);
    }
    send_selector = m_selectors.negate;
    send_argc = 0;
    send_cache = -1;
    return_ip = ip + instruction_size(Opcode::Negate);
    call_flags = FrameFlags::none;
    goto do_send;
}

    INTEGER_BITWISE(BitAnd, bit_and, {
        sp[-2] = Value::integer(a & b);
        --sp;
        NEXT(BitAnd);
    })
    INTEGER_BITWISE(BitOr, bit_or, {
        sp[-2] = Value::integer(a | b);
        --sp;
        NEXT(BitOr);
    })
    INTEGER_BITWISE(BitXor, bit_xor, {
        sp[-2] = Value::integer(a ^ b);
        --sp;
        NEXT(BitXor);
    })
    INTEGER_BITWISE(ShiftLeft, shift_left, {
        if (b < 0 || b > 62)
            THROW_ERROR(ArithmeticError, "shift count {} is outside 0..62", b);
        i64 result = static_cast<i64>(static_cast<u64>(a) << b);
        if ((result >> b) != a || !fits(result))
            THROW_ERROR(ArithmeticError, "integer overflow in {} << {}", a, b);
        sp[-2] = Value::integer(result);
        --sp;
        NEXT(ShiftLeft);
    })
    INTEGER_BITWISE(ShiftRight, shift_right, {
        if (b < 0)
            THROW_ERROR(ArithmeticError, "shift count {} is negative", b);
        sp[-2] = Value::integer(a >> (b > 62 ? 62 : b));
        --sp;
        NEXT(ShiftRight);
    })

    COMPARISON(Less, less, <)
    COMPARISON(LessEqual, less_equal, <=)
    COMPARISON(Greater, greater, >)
    COMPARISON(GreaterEqual, greater_equal, >=)
    TEST_COMPARISON(TestLess, Less, <)
    TEST_COMPARISON(TestLessEqual, LessEqual, <=)
    TEST_COMPARISON(TestGreater, Greater, >)
    TEST_COMPARISON(TestGreaterEqual, GreaterEqual, >=)
    TEST_EQUALITY(TestEqual, false)
    TEST_EQUALITY(TestNotEqual, true)
    IMMEDIATE_ARITHMETIC(AddInt, __builtin_add_overflow, +, add)
    IMMEDIATE_ARITHMETIC(SubtractInt, __builtin_sub_overflow, -, subtract)

op_Equal:
op_NotEqual : {
    bool negate
        = static_cast<Opcode>(*ip) == Opcode::NotEqual || static_cast<Opcode>(*ip) == Opcode::TestNotEqual;
    int verdict = quick_equality(*this, sp[-2], sp[-1]);
    if (verdict < 0) {
        // A class's own == decides; != is its negation.
        send_selector = m_selectors.equal;
        send_argc = 1;
        send_cache = -1;
        return_ip = ip + instruction_size(Opcode::Equal);
        call_flags = negate ? FrameFlags::negate_result : FrameFlags::none;
        goto do_send;
    }
    sp[-2] = ((verdict == 1) != negate) ? true_value : false_value;
    --sp;
    NEXT(Equal);
}
op_Not:
    sp[-1] = TRUTHY(sp[-1]) ? false_value : true_value;
    NEXT(Not);
op_Identical:
    sp[-2] = sp[-2] == sp[-1] ? true_value : false_value;
    --sp;
    NEXT(Identical);
op_InstanceOf:
op_CheckType : {
    Value name = constants[read_u16(ip + 1)];
    Value klass = global(name);
    bool check = static_cast<Opcode>(*ip) == Opcode::CheckType;
    if (!is_kind(klass, ObjectKind::Class))
        THROW_ERROR(NameError, "class {} is not defined", text_of(name));
    bool matches = is_instance_of(sp[-1], klass);
    if (check) {
        if (!matches && !sp[-1].is_nil())
            THROW_ERROR(TypeError, "expected {}, got {}", text_of(name), class_name_of(sp[-1]));
    } else {
        sp[-1] = matches ? true_value : false_value;
    }
    NEXT(CheckType);
}

op_Jump : {
    i32 offset = read_i32(ip + 1);
    ip += 5 + offset;
    if (offset < 0)
        SAFEPOINT(ip);
    DISPATCH();
}
    CONDITIONAL_JUMP(JumpIfFalse, !TRUTHY(condition))
    CONDITIONAL_JUMP(JumpIfTrue, TRUTHY(condition))
    CONDITIONAL_JUMP(JumpIfNil, condition.is_nil())
op_AndJump:
    if (!TRUTHY(sp[-1])) {
        ip = JUMP_TARGET();
        DISPATCH();
    }
    --sp;
    NEXT(AndJump);
op_OrJump:
    if (TRUTHY(sp[-1])) {
        ip = JUMP_TARGET();
        DISPATCH();
    }
    --sp;
    NEXT(OrJump);
op_Send : {
    u32 argc = ip[1 + OperandOffset::send_argc];
    Value* args = sp - argc - 1;
    Value* entry = caches + cache_slots_per_site * read_u16(ip + 1 + OperandOffset::send_cache);
    if (entry[0] == CLASS_OF(args[0])) [[likely]] {
        auto* target = entry[1].as_object();
        auto const& target_header = method_header(target);
        if (target_header.native_index < 0 && target_header.parameter_count == argc) [[likely]]
            ENTER_FRAME(entry[1], target, args, argc, ip + instruction_size(Opcode::Send), Value::nil(),
                FrameFlags::none);
    }
}
    send_selector = constants[read_u16(ip + 1)];
    send_argc = ip[1 + OperandOffset::send_argc];
    send_cache = static_cast<i32>(read_u16(ip + 1 + OperandOffset::send_cache));
    return_ip = ip + instruction_size(Opcode::Send);
    call_flags = FrameFlags::none;
    goto do_send;

op_SuperSend : {
    Value selector = constants[read_u16(ip + 1)];
    u32 argc = ip[1 + OperandOffset::send_argc];
    Value* entry = caches + cache_slots_per_site * read_u16(ip + 1 + OperandOffset::send_cache);
    if (entry[1].is_nil()) {
        Value owner = method->slots()[MethodSlot::owner];
        Value superclass = owner.as_object()->slots()[ClassSlot::superclass];
        Value found = superclass.is_nil() ? Value::nil() : lookup_method(superclass, selector);
        if (found.is_nil())
            THROW_ERROR(NoSuchMethod, "the superclass of {} has no method {}",
                text_of(owner.as_object()->slots()[ClassSlot::name]), text_of(selector));
        u32 cache_index = cache_slots_per_site * read_u16(ip + 1 + OperandOffset::send_cache);
        m_heap.write(caches_object, cache_index + 1, found);
    }
    callee = entry[1];
    call_args = sp - argc - 1;
    send_argc = argc;
    return_ip = ip + instruction_size(Opcode::SuperSend);
    call_closure = Value::nil();
    call_flags = FrameFlags::none;
    goto invoke;
}

op_CallStatic : {
    u32 argc = ip[1 + OperandOffset::static_argc];
    Value* entry = caches + cache_slots_per_site * read_u16(ip + 1 + OperandOffset::static_cache);
    if (entry[0].is_nil()) [[unlikely]] {
        Value class_name = constants[read_u16(ip + 1 + OperandOffset::static_class)];
        Value selector = constants[read_u16(ip + 1 + OperandOffset::static_method)];
        Value klass = global(class_name);
        if (!is_kind(klass, ObjectKind::Class))
            THROW_ERROR(NameError, "class {} is not defined", text_of(class_name));
        Value found = lookup_static_method(klass, selector);
        if (found.is_nil())
            THROW_ERROR(NoSuchMethod, "{} has no static method {}", text_of(class_name), text_of(selector));
        u32 cache_index = cache_slots_per_site * read_u16(ip + 1 + OperandOffset::static_cache);
        m_heap.write(caches_object, cache_index, klass);
        m_heap.write(caches_object, cache_index + 1, found);
    }
    // The receiver (the class) goes below the arguments.
    if (sp + 1 >= stack_end) [[unlikely]]
        THROW_ERROR(StackOverflow, "stack overflow");
    shift_up(sp, argc);
    ++sp;
    {
        Value* args = sp - argc - 1;
        args[0] = entry[0];
        auto* target = entry[1].as_object();
        auto const& target_header = method_header(target);
        if (target_header.native_index < 0 && target_header.parameter_count == argc) [[likely]]
            ENTER_FRAME(entry[1], target, args, argc, ip + instruction_size(Opcode::CallStatic), Value::nil(),
                FrameFlags::none);
    }
    call_args = sp - argc - 1;
    send_argc = argc;
    return_ip = ip + instruction_size(Opcode::CallStatic);
    call_closure = Value::nil();
    call_flags = FrameFlags::none;
    callee = entry[1];
    goto invoke;
}

op_New : {
    Value class_name = constants[read_u16(ip + 1 + OperandOffset::static_class)];
    u32 argc = ip[1 + OperandOffset::static_argc];
    u32 cache_index = cache_slots_per_site * read_u16(ip + 1 + OperandOffset::static_cache);
    Value* entry = caches + cache_index;
    if (entry[0].is_nil()) {
        Value selector = constants[read_u16(ip + 1 + OperandOffset::static_method)];
        Value klass = global(class_name);
        if (!is_kind(klass, ObjectKind::Class))
            THROW_ERROR(NameError, "class {} is not defined", text_of(class_name));
        Value found = lookup_method(klass, selector);
        if (found.is_nil() && argc != 0)
            THROW_ERROR(NoSuchMethod, "{} has no constructor {}", text_of(class_name), text_of(selector));
        m_heap.write(caches_object, cache_index, klass);
        m_heap.write(caches_object, cache_index + 1, found.is_nil() ? Value::integer(0) : found);
    }
    if (sp + 1 >= stack_end)
        THROW_ERROR(StackOverflow, "stack overflow");
    // The new instance goes below the arguments and is the constructor's receiver.
    shift_up(sp, argc);
    ++sp;
    call_args = sp - argc - 1;
    call_args[0] = Value::nil();
    send_argc = argc;
    return_ip = ip + instruction_size(Opcode::New);
    call_closure = Value::nil();
    SAVE_REGISTERS(ip);
    {
        // Scoped: a computed goto must not leave the scope of an object with a destructor.
        auto instance = make_instance(entry[0]);
        call_args[0] = instance.is_error() ? Value::nil() : instance.value();
    }
    if (call_args[0].is_nil())
        THROW_ERROR(TypeError, "cannot make an instance of {} with new", text_of(class_name));
    if (entry[1].is_integer()) {
        // No constructor: the instance is the result.
        ip = return_ip;
        DISPATCH();
    }
    call_flags = FrameFlags::constructor;
    callee = entry[1];
    goto invoke;
}

op_Call : {
    u32 argc = ip[1];
    Value* args = sp - argc - 1;
    if (is_kind(args[0], ObjectKind::Closure)) {
        call_closure = args[0];
        callee = call_closure.as_object()->slots()[ClosureSlot::function];
        args[0] = call_closure.as_object()->slots()[ClosureSlot::receiver];
        call_args = args;
        send_argc = argc;
        return_ip = ip + instruction_size(Opcode::Call);
        call_flags = FrameFlags::none;
        goto invoke;
    }
    send_selector = m_selectors.call;
    send_argc = argc;
    send_cache = -1;
    return_ip = ip + instruction_size(Opcode::Call);
    call_flags = FrameFlags::none;
    goto do_send;
}

op_ReturnNil:
    return_value = Value::nil();
    goto do_return;
op_Return:
    return_value = sp[-1];
do_return : {
    Value result = return_value;
    i64 caller = frame[FrameSlot::caller_frame].as_integer();
    i64 flags = frame[FrameSlot::flags].as_integer();
    u32 caller_pc = static_cast<u32>(frame[FrameSlot::caller_pc].as_integer());
    Value* result_slot = locals;
    if (flags == FrameFlags::none && caller >= 0) [[likely]] {
        // A plain call returning into bytecode: no flags to apply.
        frame = base + caller;
        LOAD_FRAME();
        ip = code + caller_pc;
        sp = result_slot;
        *sp++ = result;
        DISPATCH();
    }
    if (flags & FrameFlags::constructor)
        result = locals[0];
    else if (flags & FrameFlags::negate_result)
        result = TRUTHY(result) ? false_value : true_value;
    if (caller < 0) {
        sp = result_slot;
        SAVE_REGISTERS(ip);
        TRY(finish_thread(thread_value, ThreadState::Finished, result));
        return {};
    }
    frame = base + caller;
    LOAD_FRAME();
    ip = code + caller_pc;
    sp = result_slot;
    if (flags & FrameFlags::continuation) {
        auto continuation_index = static_cast<i32>((flags >> 8) & 0xffffff);
        auto native_argc = static_cast<u32>(flags >> 32);
        call_args = result_slot - native_argc - 1;
        send_argc = native_argc;
        m_registers = Registers {base, stack_end, frame, sp, caller_pc, native_argc};
        native_result
            = m_continuations[static_cast<usize>(continuation_index)](*this, call_args, native_argc, result);
        return_ip = ip;
        call_flags = FrameFlags::none;
        goto native_outcome;
    }
    if (!(flags & FrameFlags::discard_result))
        *sp++ = result;
    DISPATCH();
}
op_MakeArray : {
    u32 count = read_u16(ip + 1);
    SAVE_REGISTERS(ip);
    auto array = TRY(array_from_stack(*this, sp - count, count));
    sp -= count;
    *sp++ = array;
    NEXT(MakeArray);
}
op_MakeMap : {
    u32 count = read_u16(ip + 1);
    SAVE_REGISTERS(ip);
    // The pairs stay on the stack (alive) until the map holds them.
    auto map = TRY(map_from_stack(*this, sp - 2 * count, count));
    sp -= 2 * count;
    *sp++ = map;
    NEXT(MakeMap);
}
op_MakeClosure:
    SAVE_REGISTERS(ip);
    TRY(push_closure(*this, constants[read_u16(ip + 1)], locals, frame, sp));
    ++sp;
    NEXT(MakeClosure);
    GET_INDEX_INSTRUCTION()
    SET_INDEX_INSTRUCTION()
op_Throw:
    exception = sp[-1];
    throw_pc = static_cast<u32>(ip - code);
    SAVE_REGISTERS(ip);
    goto throw_value;

    // The shared send path: look up send_selector in the receiver's class (through the inline
    // cache when send_cache >= 0) and invoke it.
do_send : {
    call_args = sp - send_argc - 1;
    Value receiver = call_args[0];
    Value klass = CLASS_OF(receiver);
    call_closure = Value::nil();
    if (send_cache >= 0) {
        Value* entry = caches + cache_slots_per_site * send_cache;
        if (entry[0] == klass) [[likely]] {
            callee = entry[1];
            goto invoke;
        }
    }
    callee = lookup_method(klass, send_selector);
    if (callee.is_nil()) {
        if (is_kind(receiver, ObjectKind::Closure) && send_selector == m_selectors.call) {
            call_closure = receiver;
            callee = receiver.as_object()->slots()[ClosureSlot::function];
            call_args[0] = receiver.as_object()->slots()[ClosureSlot::receiver];
            goto invoke;
        }
        THROW_ERROR(NoSuchMethod, "{} has no method {}", class_name_of(receiver), text_of(send_selector));
    }
    if (send_cache >= 0) {
        m_heap.write(caches_object, cache_slots_per_site * send_cache, klass);
        m_heap.write(caches_object, cache_slots_per_site * send_cache + 1, callee);
    }
    goto invoke;
}

    // Calls `callee` (a Method) with the receiver and arguments at call_args.
invoke : {
    auto* callee_object = callee.as_object();
    auto const& header = method_header(callee_object);
    if (header.native_index >= 0) {
        if (header.parameter_count != 0xffff && header.parameter_count != send_argc)
            THROW_ERROR(ArgumentError, "{}.{} takes {} arguments, {} given",
                text_of(callee_object->slots()[MethodSlot::owner].as_object()->slots()[ClassSlot::name]),
                text_of(callee_object->slots()[MethodSlot::name]), header.parameter_count, send_argc);
        SAVE_REGISTERS(ip);
        m_registers = Registers {
            base, stack_end, frame, sp, static_cast<u32>(return_ip - code), send_argc, callee, call_flags};
        native_result
            = m_natives[static_cast<usize>(header.native_index)].function(*this, call_args, send_argc);
        goto native_outcome;
    }
    if (header.parameter_count != send_argc)
        THROW_ERROR(ArgumentError, "{}.{} takes {} arguments, {} given",
            text_of(callee_object->slots()[MethodSlot::owner].as_object()->slots()[ClassSlot::name]),
            text_of(callee_object->slots()[MethodSlot::name]), header.parameter_count, send_argc);
    ENTER_FRAME(callee, callee_object, call_args, send_argc, return_ip, call_closure, call_flags);
}

native_outcome:
    switch (native_result.outcome) {
    case NativeOutcome::Return:
        if (call_flags & FrameFlags::constructor)
            native_result.value = call_args[0];
        else if (call_flags & FrameFlags::negate_result)
            native_result.value = TRUTHY(native_result.value) ? false_value : true_value;
        sp = call_args;
        if (!(call_flags & FrameFlags::discard_result))
            *sp++ = native_result.value;
        ip = return_ip;
        DISPATCH();
    case NativeOutcome::Throw:
        exception = native_result.value;
        // The throwing instruction is the one before return_ip.
        throw_pc = static_cast<u32>(return_ip - code) - 1;
        sp = call_args + send_argc + 1;
        SAVE_REGISTERS(return_ip);
        if (exception.is_nil()) {
            // The native could not even allocate its exception.
            return Error(ErrorCode::OutOfMemory);
        }
        goto throw_value;
    case NativeOutcome::Block:
        // block_current_thread left the call (or, for a yield, a nil result) on the stack.
        sp = m_registers.sp;
        SAVE_REGISTERS(return_ip);
        return {};
    case NativeOutcome::Invoke:
        frame = m_registers.frame;
        sp = m_registers.sp;
        LOAD_FRAME();
        ip = code;
        SAFEPOINT(ip);
        DISPATCH();
    }
    VERIFY_NOT_REACHED();

throw_value : {
    // The Handle must be gone before dispatching: a computed goto runs no destructors.
    bool handled;
    {
        Handle keep_exception(m_heap, exception);
        m_registers = Registers {base, stack_end, frame, sp, throw_pc, 0};
        u32 pc = throw_pc;
        // Copies: taking the registers' addresses would keep them in memory everywhere.
        Value* handler_frame = frame;
        Value* handler_sp = sp;
        handled = TRY(unwind(exception, handler_frame, handler_sp, pc));
        frame = handler_frame;
        sp = handler_sp;
        if (!handled) {
            TRY(finish_thread(thread_value, ThreadState::Failed, keep_exception.value()));
            return {};
        }
        throw_pc = pc;
    }
    LOAD_FRAME();
    ip = code + throw_pc;
    DISPATCH();
}
}

} // namespace VM
