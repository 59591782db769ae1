/*
 * vm/InterpreterMacros.h: private to vm/Interpreter.cpp. The pieces of the interpreter loop
 * that many instructions share (register loads and saves, dispatch, the error, safepoint and
 * frame-entry paths, inline-cache lookups, arithmetic fast paths), written as macros because
 * they jump to labels inside VirtualMachine::run_thread and use its register variables.
 */
#pragma once

#include <vm/Collections.h>
#include <vm/VirtualMachine.h>

namespace VM {

static inline bool fits(i64 value) { return Value::fits_integer(value); }

// A new exception with a formatted message; kept out of line so that the interpreter's
// error paths stay small and its registers stay in registers.
template<typename... Ts>
[[gnu::noinline, gnu::cold]] static ErrorOr<Value> error_value(
    VirtualMachine& vm, BuiltinClass which, CheckedFormatString<Ts...> format, Ts const&... arguments)
{
    StringBuilder builder;
    (void)builder.try_appendff(format, arguments...);
    return vm.make_exception(which, builder.string_view());
}

// Moves the top `count` values up one slot (room for a receiver below them). Argument
// counts are small; a plain loop beats a call to memmove here.
static inline void shift_up(Value* top, u32 count)
{
    switch (count) {
    case 0:
        return;
    case 1:
        top[0] = top[-1];
        return;
    case 2:
        top[0] = top[-1];
        top[-1] = top[-2];
        return;
    default:
        for (Value* slot = top; slot > top - count; --slot)
            *slot = slot[-1];
    }
}

// == without a send: 1 equal, 0 different, -1 when a Phantom == method must decide. Identical
// values are equal (except NaN), numbers compare by value, strings by content.
int equality(VirtualMachine&, Value left, Value right);
// The common cases inline (nil, small integers, identical non-float objects), else equality().
inline int quick_equality(VirtualMachine& vm, Value left, Value right)
{
    if (left.is_nil() || right.is_nil() || (left.is_integer() && right.is_integer()))
        return left == right;
    return equality(vm, left, right);
}

// A TypeError when `value` does not fit the declared type of field `slot` (nil fits every
// type), else nil.
ErrorOr<Value> field_type_error(VirtualMachine&, Value object, u32 slot, Value value);

// The bodies of the literal instructions (vm/InterpreterSupport.cpp); they allocate.
ErrorOr<Value> array_from_stack(VirtualMachine&, Value* elements, u32 count);
ErrorOr<Value> map_from_stack(VirtualMachine&, Value* pairs, u32 count);
// Makes a closure of `function` capturing from the frame at `locals`/`frame` and stores it at
// `top` (the slot the caller then pushes), where it is safe while boxes are made.
ErrorOr<void> push_closure(VirtualMachine&, Value function, Value* locals, Value* frame, Value* top);

} // namespace VM

#define LOAD_FRAME()                                                                                         \
    do {                                                                                                     \
        auto* frame_method_ = frame[FrameSlot::method].as_object();                                          \
        locals = frame - method_header(frame_method_).local_count;                                           \
        SWITCH_METHOD(frame_method_);                                                                        \
    } while (0)

// Makes `next` the running method. Recursion and returns into the same method skip the loads.
#define SWITCH_METHOD(next)                                                                                  \
    do {                                                                                                     \
        if ((next) != method) {                                                                              \
            method = (next);                                                                                 \
            code = method_code(method);                                                                      \
            constants = method->slots()[MethodSlot::constants].as_object()->slots();                         \
            caches_object = method->slots()[MethodSlot::caches].as_object();                                 \
            caches = caches_object->slots();                                                                 \
        }                                                                                                    \
    } while (0)

#define SAVE_REGISTERS(ip_value)                                                                             \
    do {                                                                                                     \
        thread->slots()[ThreadSlot::frame] = Value::integer(frame - base);                                   \
        thread->slots()[ThreadSlot::top] = Value::integer(sp - base);                                        \
        thread->slots()[ThreadSlot::pc] = Value::integer((ip_value)-code);                                   \
    } while (0)

#define CLASS_OF(value)                                                                                      \
    ((value).is_integer() ? int_class : (value).is_nil() ? nil_class : (value).as_object()->klass)

#define TRUTHY(value) (!((value).is_nil() || (value) == false_value))

#define PHANTOM_OPCODE_LABEL(name, mnemonic, layout, effect, pops, pushes) &&op_##name,

#define DISPATCH() goto* dispatch_table[*ip]

#define NEXT(opcode)                                                                                         \
    do {                                                                                                     \
        ip += instruction_size(Opcode::opcode);                                                              \
        DISPATCH();                                                                                          \
    } while (0)

#define THROW_ERROR(which, ...)                                                                              \
    do {                                                                                                     \
        SAVE_REGISTERS(ip);                                                                                  \
        exception = TRY(error_value(*this, BuiltinClass::which, __VA_ARGS__));                               \
        throw_pc = static_cast<u32>(ip - code);                                                              \
        goto throw_value;                                                                                    \
    } while (0)

#define SAFEPOINT(ip_value)                                                                                  \
    do {                                                                                                     \
        if (--budget <= 0 || __atomic_load_n(&m_safepoint_requested, __ATOMIC_RELAXED)) [[unlikely]] {       \
            SAVE_REGISTERS(ip_value);                                                                        \
            return {};                                                                                       \
        }                                                                                                    \
    } while (0)

// Pushes a frame for bytecode method `callee_object` whose receiver and arguments are at
// `args` (the caller checked the argument count), then continues in it.
#define ENTER_FRAME(callee_value, callee_object, args, argc, return_to, closure_value, flags_value)          \
    do {                                                                                                     \
        auto const& header_ = method_header(callee_object);                                                  \
        Value* new_frame_ = (args) + header_.local_count;                                                    \
        if (new_frame_ + FrameSlot::count + header_.max_stack >= stack_end) [[unlikely]]                     \
            THROW_ERROR(StackOverflow, "stack overflow (too deep recursion?)");                              \
        for (Value* slot_ = (args) + (argc) + 1; slot_ < new_frame_; ++slot_)                                \
            *slot_ = Value::nil();                                                                           \
        new_frame_[FrameSlot::method] = (callee_value);                                                      \
        new_frame_[FrameSlot::closure] = (closure_value);                                                    \
        new_frame_[FrameSlot::caller_frame] = Value::integer(frame - base);                                  \
        new_frame_[FrameSlot::caller_pc] = Value::integer((return_to)-code);                                 \
        new_frame_[FrameSlot::flags] = Value::integer(flags_value);                                          \
        frame = new_frame_;                                                                                  \
        locals = (args);                                                                                     \
        SWITCH_METHOD(callee_object);                                                                        \
        ip = code;                                                                                           \
        sp = frame + FrameSlot::count;                                                                       \
        SAFEPOINT(ip);                                                                                       \
        DISPATCH();                                                                                          \
    } while (0)

// Fields: the cache maps the receiver's class to the slot index.
#define FIELD_SLOT(object_value, result_slot)                                                                \
    do {                                                                                                     \
        Value* entry_ = caches + cache_slots_per_site * read_u16(ip + 1 + OperandOffset::name_cache);        \
        Value klass_ = CLASS_OF(object_value);                                                               \
        if (entry_[0] == klass_ && (object_value).is_object()) [[likely]] {                                  \
            result_slot = static_cast<u32>(entry_[1].as_integer());                                          \
        } else {                                                                                             \
            Value name_ = constants[read_u16(ip + 1)];                                                       \
            if (!(object_value).is_object() || (object_value).as_object()->kind != ObjectKind::Instance)     \
                THROW_ERROR(NoSuchField, "{} has no field {}", class_name_of(object_value), text_of(name_)); \
            auto* fields_ = klass_.as_object()->slots()[ClassSlot::fields].as_object();                      \
            u32 found_ = fields_->slot_count;                                                                \
            for (u32 i_ = 0; i_ < fields_->slot_count; ++i_) {                                               \
                if (fields_->slots()[i_] == name_) {                                                         \
                    found_ = i_;                                                                             \
                    break;                                                                                   \
                }                                                                                            \
            }                                                                                                \
            if (found_ == fields_->slot_count || found_ >= (object_value).as_object()->slot_count)           \
                THROW_ERROR(NoSuchField, "{} has no field {}", class_name_of(object_value), text_of(name_)); \
            u32 cache_index_ = cache_slots_per_site * read_u16(ip + 1 + OperandOffset::name_cache);          \
            m_heap.write(caches_object, cache_index_, klass_);                                               \
            bool typed_ = !klass_.as_object()                                                                \
                               ->slots()[ClassSlot::field_types]                                             \
                               .as_object()                                                                  \
                               ->slots()[found_]                                                             \
                               .is_nil();                                                                    \
            m_heap.write(caches_object, cache_index_ + 1, Value::integer(found_ * 2 + typed_));              \
            result_slot = found_ * 2 + typed_;                                                               \
        }                                                                                                    \
    } while (0)

// Stores a field whose slot came from FIELD_SLOT (slot * 2 + 1 when the field has a type).
#define CHECKED_FIELD_STORE(object_value, slot, value)                                                       \
    do {                                                                                                     \
        if ((slot)&1) [[unlikely]] {                                                                         \
            SAVE_REGISTERS(ip);                                                                              \
            exception = TRY(field_type_error(*this, object_value, (slot) >> 1, value));                      \
            if (!exception.is_nil()) {                                                                       \
                throw_pc = static_cast<u32>(ip - code);                                                      \
                goto throw_value;                                                                            \
            }                                                                                                \
        }                                                                                                    \
        m_heap.write((object_value).as_object(), (slot) >> 1, value);                                        \
    } while (0)

// Globals: the cache holds the global's Box (stable for the life of the global).
#define GLOBAL_BOX(result_box, create)                                                                       \
    do {                                                                                                     \
        u32 cache_index_ = cache_slots_per_site * read_u16(ip + 1 + OperandOffset::name_cache);              \
        result_box = caches[cache_index_];                                                                   \
        if (result_box.is_nil()) {                                                                           \
            Value name_ = constants[read_u16(ip + 1)];                                                       \
            result_box = globals_box(name_);                                                                 \
            if (result_box.is_nil()) {                                                                       \
                if (!(create))                                                                               \
                    THROW_ERROR(NameError, "{} is not defined", text_of(name_));                             \
                SAVE_REGISTERS(ip);                                                                          \
                TRY(set_global(name_, Value::nil()));                                                        \
                result_box = globals_box(name_);                                                             \
            }                                                                                                \
            m_heap.write(caches_object, cache_index_, result_box);                                           \
        }                                                                                                    \
    } while (0)

// Arithmetic. Integer fast paths work on the tagged bits: (2a+1) + (2b+1) - 1 = 2(a+b)+1.
#define FLOAT_OPERANDS(left_double, right_double, ok)                                                        \
    double left_double = 0, right_double = 0;                                                                \
    bool ok = true;                                                                                          \
    do {                                                                                                     \
        Value l_ = sp[-2], r_ = sp[-1];                                                                      \
        if (l_.is_integer())                                                                                 \
            left_double = static_cast<double>(l_.as_integer());                                              \
        else if (l_.is_object() && l_.as_object()->klass == float_class)                                     \
            left_double = float_of(l_);                                                                      \
        else                                                                                                 \
            ok = false;                                                                                      \
        if (r_.is_integer())                                                                                 \
            right_double = static_cast<double>(r_.as_integer());                                             \
        else if (r_.is_object() && r_.as_object()->klass == float_class)                                     \
            right_double = float_of(r_);                                                                     \
        else                                                                                                 \
            ok = false;                                                                                      \
    } while (0)

#define PUSH_FLOAT_RESULT(expression)                                                                        \
    do {                                                                                                     \
        SAVE_REGISTERS(ip);                                                                                  \
        auto boxed_ = TRY(make_float(expression));                                                           \
        sp[-2] = boxed_;                                                                                     \
        --sp;                                                                                                \
    } while (0)

#define BINARY_SEND(selector_member, opcode)                                                                 \
    do {                                                                                                     \
        send_selector = m_selectors.selector_member;                                                         \
        send_argc = 1;                                                                                       \
        send_cache = -1;                                                                                     \
        return_ip = ip + instruction_size(Opcode::opcode);                                                   \
        call_flags = FrameFlags::none;                                                                       \
        goto do_send;                                                                                        \
    } while (0)

#define INTEGER_BITWISE(opcode, selector_member, expression)                                                 \
    op_##opcode:                                                                                             \
    {                                                                                                        \
        Value left = sp[-2], right = sp[-1];                                                                 \
        if (left.is_integer() && right.is_integer()) {                                                       \
            i64 a = left.as_integer(), b = right.as_integer();                                               \
            (void)a;                                                                                         \
            (void)b;                                                                                         \
            expression;                                                                                      \
        }                                                                                                    \
        BINARY_SEND(selector_member, opcode);                                                                \
    }

#define COMPARISON(opcode, selector_member, op)                                                              \
    op_##opcode:                                                                                             \
    {                                                                                                        \
        Value left = sp[-2], right = sp[-1];                                                                 \
        if (left.is_integer() && right.is_integer()) [[likely]] {                                            \
            sp[-2] = (static_cast<i64>(left.bits()) op static_cast<i64>(right.bits())) ? true_value          \
                                                                                       : false_value;        \
            --sp;                                                                                            \
            NEXT(opcode);                                                                                    \
        }                                                                                                    \
        FLOAT_OPERANDS(a, b, numeric);                                                                       \
        if (numeric) {                                                                                       \
            sp[-2] = (a op b) ? true_value : false_value;                                                    \
            --sp;                                                                                            \
            NEXT(opcode);                                                                                    \
        }                                                                                                    \
        if (is_kind(left, ObjectKind::String) && is_kind(right, ObjectKind::String)) {                       \
            sp[-2] = (text_of(left).compare(text_of(right)) op 0) ? true_value : false_value;                \
            --sp;                                                                                            \
            NEXT(opcode);                                                                                    \
        }                                                                                                    \
        BINARY_SEND(selector_member, opcode);                                                                \
    }

// Jumps. A backward jump is a safepoint.
#define JUMP_TARGET() (ip + 5 + read_i32(ip + 1))

// A conditional jump that pops its condition; a backward jump is a safepoint.
#define CONDITIONAL_JUMP(opcode, taken)                                                                      \
    op_##opcode:                                                                                             \
    {                                                                                                        \
        Value condition = *--sp;                                                                             \
        if (taken) {                                                                                         \
            i32 offset = read_i32(ip + 1);                                                                   \
            ip += 5 + offset;                                                                                \
            if (offset < 0)                                                                                  \
                SAFEPOINT(ip);                                                                               \
            DISPATCH();                                                                                      \
        }                                                                                                    \
        NEXT(opcode);                                                                                        \
    }

// Indexing: arrays by integer and maps inline, anything else through a get/set send.
#define GET_INDEX_INSTRUCTION()                                                                              \
    op_GetIndex : {                                                                                          \
        Value object = sp[-2], index = sp[-1];                                                               \
        if (object.is_object()) {                                                                            \
            auto* header = object.as_object();                                                               \
            if (header->kind == ObjectKind::Array && index.is_integer()) {                                   \
                i64 i = index.as_integer();                                                                  \
                u32 length = array_length(object);                                                           \
                if (i < 0)                                                                                   \
                    i += length;                                                                             \
                if (i < 0 || i >= length)                                                                    \
                    THROW_ERROR(IndexError, "index {} out of range for an array of length {}",               \
                        index.as_integer(), length);                                                         \
                sp[-2] = array_elements(object)[i];                                                          \
                --sp;                                                                                        \
                NEXT(GetIndex);                                                                              \
            }                                                                                                \
            if (header->kind == ObjectKind::Map) {                                                           \
                {                                                                                            \
                    auto found = map_get(object, index);                                                     \
                    sp[-2] = found.has_value() ? found.value() : Value::nil();                               \
                }                                                                                            \
                --sp;                                                                                        \
                NEXT(GetIndex);                                                                              \
            }                                                                                                \
        }                                                                                                    \
        send_selector = m_selectors.get_index;                                                               \
        send_argc = 1;                                                                                       \
        send_cache = -1;                                                                                     \
        return_ip = ip + instruction_size(Opcode::GetIndex);                                                 \
        call_flags = FrameFlags::none;                                                                       \
        goto do_send;                                                                                        \
    }

#define SET_INDEX_INSTRUCTION()                                                                              \
    op_SetIndex : {                                                                                          \
        Value object = sp[-3], index = sp[-2];                                                               \
        if (object.is_object()) {                                                                            \
            auto* header = object.as_object();                                                               \
            if (header->kind == ObjectKind::Array && index.is_integer()) {                                   \
                i64 i = index.as_integer();                                                                  \
                u32 length = array_length(object);                                                           \
                if (i < 0)                                                                                   \
                    i += length;                                                                             \
                if (i < 0 || i >= length)                                                                    \
                    THROW_ERROR(IndexError, "index {} out of range for an array of length {}",               \
                        index.as_integer(), length);                                                         \
                array_set(*this, object, static_cast<u32>(i), sp[-1]);                                       \
                sp -= 3;                                                                                     \
                NEXT(SetIndex);                                                                              \
            }                                                                                                \
            if (header->kind == ObjectKind::Map) {                                                           \
                SAVE_REGISTERS(ip);                                                                          \
                TRY(map_set(*this, object, index, sp[-1]));                                                  \
                sp -= 3;                                                                                     \
                NEXT(SetIndex);                                                                              \
            }                                                                                                \
        }                                                                                                    \
        send_selector = m_selectors.set_index;                                                               \
        send_argc = 2;                                                                                       \
        send_cache = -1;                                                                                     \
        return_ip = ip + instruction_size(Opcode::SetIndex);                                                 \
        call_flags = FrameFlags::discard_result;                                                             \
        goto do_send;                                                                                        \
    }

// Runs the jump_if_false/jump_if_true that follows a test_* (the verifier guarantees one is
// there) on `result`; the test's operands are already popped. A backward jump is a safepoint.
#define TEST_BRANCH(result)                                                                                  \
    do {                                                                                                     \
        if ((result) == (ip[1] == static_cast<u8>(Opcode::JumpIfTrue))) {                                    \
            i32 offset_ = read_i32(ip + 2);                                                                  \
            ip += static_cast<i64>(offset_) + 1 + instruction_size(Opcode::JumpIfTrue);                      \
            if (offset_ < 0)                                                                                 \
                SAFEPOINT(ip);                                                                               \
            DISPATCH();                                                                                      \
        }                                                                                                    \
        ip += 1 + instruction_size(Opcode::JumpIfTrue);                                                      \
        DISPATCH();                                                                                          \
    } while (0)

// test_<comparison>: two integers compare and branch here; anything else runs the plain
// comparison instruction's body (same size, so it continues at the jump, which then pops).
#define TEST_COMPARISON(opcode, general, op)                                                                 \
    op_##opcode:                                                                                             \
    {                                                                                                        \
        Value left = sp[-2], right = sp[-1];                                                                 \
        if (left.is_integer() && right.is_integer()) [[likely]] {                                            \
            sp -= 2;                                                                                         \
            TEST_BRANCH(static_cast<i64>(left.bits()) op static_cast<i64>(right.bits()));                    \
        }                                                                                                    \
        goto op_##general;                                                                                   \
    }

#define TEST_EQUALITY(opcode, negate)                                                                        \
    op_##opcode:                                                                                             \
    {                                                                                                        \
        int verdict = quick_equality(*this, sp[-2], sp[-1]);                                                 \
        if (verdict >= 0) [[likely]] {                                                                       \
            sp -= 2;                                                                                         \
            TEST_BRANCH((verdict == 1) != (negate));                                                         \
        }                                                                                                    \
        goto op_Equal;                                                                                       \
    }

// add_int/subtract_int: the integer fast path works on the tagged bits ((2a+1) + 2b); anything
// else pushes the immediate (the verifier reserved the slot) and goes the way add/subtract do.
#define IMMEDIATE_ARITHMETIC(opcode, overflow_builtin, op, selector_member)                                  \
    op_##opcode:                                                                                             \
    {                                                                                                        \
        Value left = sp[-1];                                                                                 \
        i64 immediate = read_i16(ip + 1);                                                                    \
        if (left.is_integer()) [[likely]] {                                                                  \
            i64 result;                                                                                      \
            if (overflow_builtin(static_cast<i64>(left.bits()), immediate * 2, &result))                     \
                THROW_ERROR(                                                                                 \
                    ArithmeticError, "integer overflow in {} " #op " {}", left.as_integer(), immediate);     \
            sp[-1] = Value::from_bits(static_cast<u64>(result));                                             \
            NEXT(opcode);                                                                                    \
        }                                                                                                    \
        *sp++ = Value::integer(immediate);                                                                   \
        FLOAT_OPERANDS(a, b, numeric);                                                                       \
        if (numeric) {                                                                                       \
            PUSH_FLOAT_RESULT(a op b);                                                                       \
            NEXT(opcode);                                                                                    \
        }                                                                                                    \
        BINARY_SEND(selector_member, opcode);                                                                \
    }
