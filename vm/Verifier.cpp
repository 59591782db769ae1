/*
 * vm/Verifier.cpp: the class-image verifier. Two passes per method: a linear decode that
 * checks every instruction on its own and records instruction boundaries, then a worklist
 * flow analysis of operand-stack depth from the entry point and from every handler.
 */
#include <vm/Verifier.h>

namespace VM {

namespace {

    constexpr StringView rule_texts[] = {
#define PHANTOM_VERIFIER_RULE_TEXT(name, text) StringView(text),
        PHANTOM_ENUMERATE_VERIFIER_RULES(PHANTOM_VERIFIER_RULE_TEXT)
#undef PHANTOM_VERIFIER_RULE_TEXT
    };

    // Where a problem was found, for the message.
    struct Location {
        StringView class_name;
        StringView method_name;
        i64 offset {-1};
    };

    class Reporter {
    public:
        explicit Reporter(String* message)
            : m_message(message)
        { }

        template<typename... Ts>
        Error fail(VerifierRule rule, Location const& where, CheckedFormatString<Ts...> detail,
            Ts const&... arguments)
        {
            if (m_message) {
                StringBuilder builder;
                (void)builder.try_appendff(
                    "class {}", where.class_name.is_empty() ? "<unnamed>"sv : where.class_name);
                if (!where.method_name.is_null())
                    (void)builder.try_appendff(
                        ", method {}", where.method_name.is_empty() ? "<unnamed>"sv : where.method_name);
                if (where.offset >= 0)
                    (void)builder.try_appendff(", offset {}", where.offset);
                (void)builder.try_appendff(": {}", rule_texts[static_cast<u8>(rule)]);
                StringBuilder details;
                (void)details.try_appendff(detail, arguments...);
                if (!details.is_empty())
                    (void)builder.try_appendff(": {}", details.string_view());
                auto text = builder.to_string();
                if (!text.is_error())
                    *m_message = text.release_value();
            }
            return verifier_error(rule);
        }

    private:
        String* m_message;
    };

    struct MethodContext {
        ClassImage const* owner {nullptr}; // null: cross-method checks are skipped
        MethodImage const* enclosing_captures_owner {nullptr};
    };

    bool is_name_kind(ConstantKind kind)
    {
        return kind == ConstantKind::Name || kind == ConstantKind::ClassName;
    }

    class MethodVerifier {
    public:
        MethodVerifier(
            MethodImage const& method, ClassImage const* owner, Reporter& reporter, StringView class_name)
            : m_method(method)
            , m_owner(owner)
            , m_reporter(reporter)
            , m_location {class_name, method.name.view(), -1}
        { }

        // limit: the max stack to enforce, or -1 to compute it.
        ErrorOr<u16> run(i32 limit)
        {
            m_limit = limit;
            if (m_method.name.is_empty())
                return fail(VerifierRule::EmptyMethodName, "");
            if (static_cast<u32>(m_method.local_count) < static_cast<u32>(m_method.parameter_count) + 1)
                return fail(VerifierRule::BadLocalCount, "{} locals for {} parameters", m_method.local_count,
                    m_method.parameter_count);
            if (m_method.code.is_empty())
                return fail(VerifierRule::EmptyCode, "");
            TRY(decode());
            TRY(check_handlers_static());
            TRY(check_lines());
            TRY(flow());
            TRY(check_handler_depths());
            return static_cast<u16>(m_max_seen);
        }

    private:
        template<typename... Ts>
        Error fail(VerifierRule rule, CheckedFormatString<Ts...> detail, Ts const&... arguments)
        {
            return m_reporter.fail(rule, m_location, detail, arguments...);
        }
        template<typename... Ts>
        Error fail_at(
            u32 offset, VerifierRule rule, CheckedFormatString<Ts...> detail, Ts const&... arguments)
        {
            m_location.offset = offset;
            return m_reporter.fail(rule, m_location, detail, arguments...);
        }

        ErrorOr<void> check_constant(
            u32 offset, u16 index, bool (*kind_ok)(ConstantKind), StringView expected)
        {
            if (index >= m_method.constants.size())
                return fail_at(offset, VerifierRule::ConstantOutOfRange, "constant {} of {}", index,
                    m_method.constants.size());
            if (kind_ok && !kind_ok(m_method.constants[index].kind))
                return fail_at(
                    offset, VerifierRule::WrongConstantKind, "constant {} is not a {}", index, expected);
            return {};
        }

        ErrorOr<void> check_function(u32 offset, u16 index)
        {
            TRY(check_constant(
                offset, index, [](ConstantKind kind) { return kind == ConstantKind::Function; },
                "function"sv));
            if (!m_owner)
                return {};
            u32 function_index = m_method.constants[index].function_index;
            if (function_index >= m_owner->functions.size())
                return fail_at(offset, VerifierRule::FunctionOutOfRange, "function {} of {}", function_index,
                    m_owner->functions.size());
            // The closure's captures are taken from this frame when MakeClosure runs.
            for (auto const& capture : m_owner->functions[function_index].captures) {
                if (capture.source == CaptureSource::Local && capture.index >= m_method.local_count)
                    return fail_at(offset, VerifierRule::BadCapture, "captures local {} of {}", capture.index,
                        m_method.local_count);
                if (capture.source == CaptureSource::Captured
                    && (m_method.kind != MethodKind::Function || capture.index >= m_method.captures.size()))
                    return fail_at(offset, VerifierRule::BadCapture, "captures enclosing variable {} of {}",
                        capture.index, m_method.captures.size());
            }
            return {};
        }

        ErrorOr<void> decode()
        {
            u32 size = static_cast<u32>(m_method.code.size());
            TRY(m_boundary.try_resize(size + 1));
            TRY(m_depth.try_resize(size));
            for (auto& depth : m_depth)
                depth = -1;
            u8 const* code = m_method.code.data();
            u32 cache_count = 0;
            u32 offset = 0;
            while (offset < size) {
                m_boundary[offset] = 1;
                u8 byte = code[offset];
                if (byte >= opcode_count)
                    return fail_at(offset, VerifierRule::UnknownOpcode, "byte {:#x}", byte);
                auto opcode = static_cast<Opcode>(byte);
                auto const& info = opcode_info(opcode);
                u32 length = instruction_size(opcode);
                if (length > size - offset)
                    return fail_at(offset, VerifierRule::TruncatedInstruction, "{} needs {} bytes, {} remain",
                        info.mnemonic, length, size - offset);
                u8 const* operands = code + offset + 1;
                switch (info.layout) {
                case OperandLayout::None:
                case OperandLayout::Immediate:
                case OperandLayout::Count:
                case OperandLayout::Argc:
                case OperandLayout::Jump:
                    break;
                case OperandLayout::Local: {
                    u16 index = read_u16(operands);
                    if (index >= m_method.local_count)
                        return fail_at(offset, VerifierRule::LocalOutOfRange, "local {} of {}", index,
                            m_method.local_count);
                    break;
                }
                case OperandLayout::Captured: {
                    u16 index = read_u16(operands);
                    if (m_method.kind != MethodKind::Function || index >= m_method.captures.size())
                        return fail_at(offset, VerifierRule::CapturedOutOfRange, "captured {} of {}", index,
                            m_method.kind == MethodKind::Function ? m_method.captures.size() : 0);
                    break;
                }
                case OperandLayout::Constant:
                    TRY(check_constant(offset, read_u16(operands), nullptr, ""sv));
                    if (m_method.constants[read_u16(operands)].kind == ConstantKind::Function)
                        return fail_at(offset, VerifierRule::WrongConstantKind,
                            "a function constant is not a value; use make_closure");
                    break;
                case OperandLayout::Name:
                case OperandLayout::NameCache:
                case OperandLayout::Send:
                    TRY(check_constant(offset, read_u16(operands), is_name_kind, "name"sv));
                    break;
                case OperandLayout::Static:
                    TRY(check_constant(offset, read_u16(operands + OperandOffset::static_class), is_name_kind,
                        "class name"sv));
                    TRY(check_constant(
                        offset, read_u16(operands + OperandOffset::static_method), is_name_kind, "name"sv));
                    break;
                case OperandLayout::Function:
                    TRY(check_function(offset, read_u16(operands)));
                    break;
                }
                if (has_inline_cache(info.layout) && ++cache_count > 0xffff)
                    return fail_at(offset, VerifierRule::TooManyCaches, "");
                offset += length;
            }
            m_boundary[size] = 0;
            // Jump targets can only be checked once all boundaries are known.
            offset = 0;
            while (offset < size) {
                auto opcode = static_cast<Opcode>(code[offset]);
                if (opcode_info(opcode).layout == OperandLayout::Jump)
                    TRY(jump_target(offset));
                // The interpreter's fast path of a test_* executes the jump after it directly.
                if (is_test(opcode)) {
                    u32 next = offset + instruction_size(opcode);
                    if (next >= size
                        || (code[next] != static_cast<u8>(Opcode::JumpIfFalse)
                            && code[next] != static_cast<u8>(Opcode::JumpIfTrue)))
                        return fail_at(offset, VerifierRule::TestWithoutJump, "{} at the end or before {}",
                            opcode_info(opcode).mnemonic,
                            next >= size ? "nothing"sv
                                         : opcode_info(static_cast<Opcode>(code[next])).mnemonic);
                }
                offset += instruction_size(opcode);
            }
            return {};
        }

        ErrorOr<u32> jump_target(u32 offset)
        {
            auto opcode = static_cast<Opcode>(m_method.code[offset]);
            i64 next = static_cast<i64>(offset) + instruction_size(opcode);
            i64 target = next + read_i32(m_method.code.data() + offset + 1);
            if (target < 0 || target >= static_cast<i64>(m_method.code.size()))
                return fail_at(offset, VerifierRule::JumpOutOfRange, "target {} in code of {} bytes", target,
                    m_method.code.size());
            if (!m_boundary[static_cast<usize>(target)])
                return fail_at(offset, VerifierRule::JumpIntoInstruction, "target {}", target);
            return static_cast<u32>(target);
        }

        ErrorOr<void> check_handlers_static()
        {
            u32 size = static_cast<u32>(m_method.code.size());
            for (auto const& handler : m_method.handlers) {
                if (handler.start >= handler.end || handler.end > size || !m_boundary[handler.start]
                    || (handler.end < size && !m_boundary[handler.end]))
                    return fail(VerifierRule::BadHandlerRange, "[{}, {}) in code of {} bytes", handler.start,
                        handler.end, size);
                if (handler.handler >= size || !m_boundary[handler.handler])
                    return fail(VerifierRule::BadHandlerTarget, "handler at {}", handler.handler);
            }
            return {};
        }

        ErrorOr<void> check_lines()
        {
            u32 previous = 0;
            for (auto const& entry : m_method.lines) {
                if (entry.offset < previous || entry.offset >= m_method.code.size())
                    return fail(VerifierRule::BadLineTable, "entry at offset {}", entry.offset);
                previous = entry.offset;
            }
            return {};
        }

        ErrorOr<void> arrive(u32 from, u32 target, i32 depth)
        {
            if (m_depth[target] < 0) {
                m_depth[target] = depth;
                TRY(m_worklist.try_append(target));
                return {};
            }
            if (m_depth[target] != depth)
                return fail_at(from, VerifierRule::InconsistentStack,
                    "{} values on one path to offset {} and {} on another", depth, target, m_depth[target]);
            return {};
        }

        ErrorOr<void> note_depth(u32 offset, i32 depth)
        {
            if (depth > m_max_seen)
                m_max_seen = depth;
            if (m_limit >= 0 && depth > m_limit)
                return fail_at(
                    offset, VerifierRule::StackOverflow, "{} values, max stack is {}", depth, m_limit);
            if (depth > 0xffff)
                return fail_at(
                    offset, VerifierRule::StackOverflow, "{} values, at most 65535 are allowed", depth);
            return {};
        }

        ErrorOr<void> flow()
        {
            TRY(arrive(0, 0, 0));
            for (auto const& handler : m_method.handlers) {
                TRY(note_depth(handler.handler, handler.stack_depth + 1));
                TRY(arrive(handler.handler, handler.handler, handler.stack_depth + 1));
            }
            u8 const* code = m_method.code.data();
            u32 size = static_cast<u32>(m_method.code.size());
            while (!m_worklist.is_empty()) {
                u32 offset = m_worklist.take_last();
                i32 depth = m_depth[offset];
                auto opcode = static_cast<Opcode>(code[offset]);
                auto const& info = opcode_info(opcode);
                u8 const* operands = code + offset + 1;
                i32 pops = info.pops;
                i32 pushes = info.pushes;
                switch (info.effect) {
                case StackEffect::Fixed:
                    break;
                case StackEffect::ReceiverAndArgs:
                    pops = 1
                        + (info.layout == OperandLayout::Argc ? operands[0]
                                                              : operands[OperandOffset::send_argc]);
                    break;
                case StackEffect::Args:
                    pops = operands[OperandOffset::static_argc];
                    break;
                case StackEffect::Elements:
                    pops = read_u16(operands);
                    break;
                case StackEffect::Pairs:
                    pops = 2 * read_u16(operands);
                    break;
                }
                if (depth < pops)
                    return fail_at(offset, VerifierRule::StackUnderflow,
                        "{} needs {} values, {} on the stack", info.mnemonic, pops, depth);
                i32 after = depth - pops + pushes;
                TRY(note_depth(offset, after));
                // The general path of add_int/subtract_int pushes the immediate as an operand.
                if (opcode == Opcode::AddInt || opcode == Opcode::SubtractInt)
                    TRY(note_depth(offset, depth + 1));
                u32 next = offset + instruction_size(opcode);
                bool falls_through = true;
                switch (opcode) {
                case Opcode::Return:
                case Opcode::ReturnNil:
                case Opcode::Throw:
                    falls_through = false;
                    break;
                case Opcode::Jump:
                    falls_through = false;
                    TRY(arrive(offset, TRY(jump_target(offset)), after));
                    break;
                case Opcode::JumpIfFalse:
                case Opcode::JumpIfTrue:
                case Opcode::JumpIfNil:
                    TRY(arrive(offset, TRY(jump_target(offset)), after));
                    break;
                case Opcode::AndJump:
                case Opcode::OrJump:
                    // The value stays when the jump is taken and is popped when it is not.
                    TRY(arrive(offset, TRY(jump_target(offset)), after));
                    after -= 1;
                    break;
                default:
                    break;
                }
                if (falls_through) {
                    if (next >= size)
                        return fail_at(
                            offset, VerifierRule::FallsOffEnd, "{} is the last instruction", info.mnemonic);
                    TRY(arrive(offset, next, after));
                }
            }
            return {};
        }

        ErrorOr<void> check_handler_depths()
        {
            for (auto const& handler : m_method.handlers) {
                for (u32 offset = handler.start; offset < handler.end; ++offset) {
                    if (m_boundary[offset] && m_depth[offset] >= 0 && m_depth[offset] < handler.stack_depth)
                        return fail_at(offset, VerifierRule::BadHandlerDepth,
                            "handler keeps {} values, {} on the stack here", handler.stack_depth,
                            m_depth[offset]);
                }
            }
            return {};
        }

        MethodImage const& m_method;
        ClassImage const* m_owner;
        Reporter& m_reporter;
        Location m_location;
        Vector<u8> m_boundary;
        Vector<i32> m_depth;
        Vector<u32> m_worklist;
        i32 m_limit {-1};
        i32 m_max_seen {0};
    };

    ErrorOr<void> verify_class_with(ClassImage const& image, Reporter& reporter)
    {
        Location where {image.name.view(), StringView(), -1};
        if (image.name.is_empty())
            return reporter.fail(VerifierRule::EmptyClassName, where, "");
        for (usize i = 0; i < image.fields.size(); ++i) {
            for (usize j = 0; j < i; ++j) {
                if (image.fields[i].name == image.fields[j].name)
                    return reporter.fail(
                        VerifierRule::DuplicateField, where, "field {}", image.fields[i].name.view());
            }
        }
        for (usize i = 0; i < image.methods.size(); ++i) {
            auto const& method = image.methods[i];
            Location method_where {image.name.view(), method.name.view(), -1};
            if (method.kind == MethodKind::Function)
                return reporter.fail(
                    VerifierRule::BadMethodKind, method_where, "a function body in the methods table");
            bool is_static = method.kind == MethodKind::Static;
            for (usize j = 0; j < i; ++j) {
                bool other_static = image.methods[j].kind == MethodKind::Static;
                if (image.methods[j].name == method.name && is_static == other_static)
                    return reporter.fail(VerifierRule::DuplicateMethod, method_where, "");
            }
            MethodVerifier verifier(method, &image, reporter, image.name.view());
            TRY(verifier.run(method.max_stack));
        }
        for (auto const& function : image.functions) {
            if (function.kind != MethodKind::Function)
                return reporter.fail(VerifierRule::BadMethodKind,
                    Location {image.name.view(), function.name.view(), -1},
                    "a method in the functions table");
            MethodVerifier verifier(function, &image, reporter, image.name.view());
            TRY(verifier.run(function.max_stack));
        }
        return {};
    }

} // namespace

Error verifier_error(VerifierRule rule)
{
    return Error::with_message(ErrorCode::InvalidFormat, rule_texts[static_cast<u8>(rule)]);
}

bool is_verifier_error(Error const& error, VerifierRule rule) { return error == verifier_error(rule); }

ErrorOr<void> verify_class(ClassImage const& image, String* message)
{
    Reporter reporter(message);
    return verify_class_with(image, reporter);
}

ErrorOr<void> verify_program(ProgramImage const& program, String* message)
{
    Reporter reporter(message);
    for (usize i = 0; i < program.classes.size(); ++i) {
        for (usize j = 0; j < i; ++j) {
            if (program.classes[i].name == program.classes[j].name)
                return reporter.fail(VerifierRule::DuplicateClass,
                    Location {program.classes[i].name.view(), StringView(), -1}, "");
        }
        TRY(verify_class_with(program.classes[i], reporter));
    }
    if (!program.main_class.is_empty()) {
        bool found = false;
        for (auto const& image : program.classes)
            found = found || image.name == program.main_class;
        if (!found)
            return reporter.fail(
                VerifierRule::MissingMainClass, Location {program.main_class.view(), StringView(), -1}, "");
    }
    return {};
}

ErrorOr<u16> compute_max_stack(MethodImage const& method, String* message)
{
    Reporter reporter(message);
    MethodVerifier verifier(method, nullptr, reporter, "<being built>"sv);
    return verifier.run(-1);
}

} // namespace VM
