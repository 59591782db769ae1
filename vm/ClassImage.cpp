/*
 * vm/ClassImage.cpp: the binary form of class images (serialize_program/parse_program) and
 * the MethodBuilder the compiler's code generator uses. Parsing never trusts a count or a
 * length: every one is checked against the bytes that remain before anything is allocated.
 */
#include <base/Crc32c.h>
#include <base/Traits.h>
#include <vm/ClassImage.h>
#include <vm/Verifier.h>

namespace VM {

namespace {

    constexpr u8 magic[8] = {'P', 'H', 'A', 'N', 'T', 'O', 'M', 'C'};
    constexpr usize header_size = 8 + 4 + 4 + 4;

    class ByteWriter {
    public:
        ErrorOr<void> u8_(u8 value) { return m_bytes.try_append(value); }
        ErrorOr<void> u16_(u16 value)
        {
            TRY(u8_(static_cast<u8>(value)));
            return u8_(static_cast<u8>(value >> 8));
        }
        ErrorOr<void> u32_(u32 value)
        {
            for (int i = 0; i < 4; ++i)
                TRY(u8_(static_cast<u8>(value >> (8 * i))));
            return {};
        }
        ErrorOr<void> u64_(u64 value)
        {
            TRY(u32_(static_cast<u32>(value)));
            return u32_(static_cast<u32>(value >> 32));
        }
        ErrorOr<void> string(StringView text)
        {
            TRY(u32_(static_cast<u32>(text.length())));
            return m_bytes.try_append(
                reinterpret_cast<u8 const*>(text.characters_without_null_termination()), text.length());
        }
        ErrorOr<void> bytes(Span<u8 const> data)
        {
            TRY(u32_(static_cast<u32>(data.size())));
            return m_bytes.try_append(data.data(), data.size());
        }
        Vector<u8>& buffer() { return m_bytes; }

    private:
        Vector<u8> m_bytes;
    };

    class ByteReader {
    public:
        ByteReader(ReadonlyBytes bytes, usize base_offset)
            : m_bytes(bytes)
            , m_base_offset(base_offset)
        { }

        usize offset() const { return m_base_offset + m_position; }
        usize remaining() const { return m_bytes.size() - m_position; }
        bool at_end() const { return m_position == m_bytes.size(); }

        ErrorOr<u8> u8_()
        {
            if (remaining() < 1)
                return truncated();
            return m_bytes[m_position++];
        }
        ErrorOr<u16> u16_()
        {
            if (remaining() < 2)
                return truncated();
            u16 value = read_u16(m_bytes.data() + m_position);
            m_position += 2;
            return value;
        }
        ErrorOr<u32> u32_()
        {
            if (remaining() < 4)
                return truncated();
            auto value = static_cast<u32>(read_i32(m_bytes.data() + m_position));
            m_position += 4;
            return value;
        }
        ErrorOr<u64> u64_()
        {
            u64 low = TRY(u32_());
            u64 high = TRY(u32_());
            return low | (high << 32);
        }
        ErrorOr<String> string()
        {
            u32 length = TRY(u32_());
            if (length > remaining())
                return truncated();
            auto text = StringView(reinterpret_cast<char const*>(m_bytes.data() + m_position), length);
            m_position += length;
            return String::from_view(text);
        }
        ErrorOr<void> bytes(Vector<u8>& out)
        {
            u32 length = TRY(u32_());
            if (length > remaining())
                return truncated();
            TRY(out.try_append(m_bytes.data() + m_position, length));
            m_position += length;
            return {};
        }
        // A count of records, each at least `minimum_record_size` bytes: bounded by what remains.
        ErrorOr<u32> count(usize minimum_record_size)
        {
            u32 value = TRY(u32_());
            if (static_cast<u64>(value) * minimum_record_size > remaining())
                return truncated();
            return value;
        }

    private:
        static Error truncated()
        {
            return Error::with_message(ErrorCode::EndOfData, "class image is truncated"sv);
        }

        ReadonlyBytes m_bytes;
        usize m_position {0};
        usize m_base_offset {0};
    };

    u64 double_bits(double value)
    {
        u64 bits;
        __builtin_memcpy(&bits, &value, sizeof bits);
        return bits;
    }

    double bits_double(u64 bits)
    {
        double value;
        __builtin_memcpy(&value, &bits, sizeof value);
        return value;
    }

    ErrorOr<void> write_method(ByteWriter& writer, MethodImage const& method)
    {
        TRY(writer.string(method.name));
        TRY(writer.u8_(static_cast<u8>(method.kind)));
        TRY(writer.u16_(method.parameter_count));
        TRY(writer.u16_(method.local_count));
        TRY(writer.u16_(method.max_stack));
        TRY(writer.bytes(method.code.span()));
        TRY(writer.u32_(static_cast<u32>(method.constants.size())));
        for (auto const& constant : method.constants) {
            TRY(writer.u8_(static_cast<u8>(constant.kind)));
            switch (constant.kind) {
            case ConstantKind::Integer:
                TRY(writer.u64_(static_cast<u64>(constant.integer)));
                break;
            case ConstantKind::Float:
                TRY(writer.u64_(double_bits(constant.floating)));
                break;
            case ConstantKind::String:
            case ConstantKind::Name:
            case ConstantKind::ClassName:
                TRY(writer.string(constant.text));
                break;
            case ConstantKind::Function:
                TRY(writer.u32_(constant.function_index));
                break;
            }
        }
        TRY(writer.u32_(static_cast<u32>(method.lines.size())));
        for (auto const& line : method.lines) {
            TRY(writer.u32_(line.offset));
            TRY(writer.u32_(line.line));
            TRY(writer.u32_(line.column));
        }
        TRY(writer.u32_(static_cast<u32>(method.handlers.size())));
        for (auto const& handler : method.handlers) {
            TRY(writer.u32_(handler.start));
            TRY(writer.u32_(handler.end));
            TRY(writer.u32_(handler.handler));
            TRY(writer.string(handler.catch_class));
            TRY(writer.u16_(handler.stack_depth));
        }
        TRY(writer.u32_(static_cast<u32>(method.captures.size())));
        for (auto const& capture : method.captures) {
            TRY(writer.u8_(static_cast<u8>(capture.source)));
            TRY(writer.u16_(capture.index));
        }
        return {};
    }

    Error bad(StringView what) { return Error::with_message(ErrorCode::InvalidFormat, what); }

    ErrorOr<MethodImage> read_method(ByteReader& reader)
    {
        MethodImage method;
        method.name = TRY(reader.string());
        u8 kind = TRY(reader.u8_());
        if (kind > static_cast<u8>(MethodKind::Function))
            return bad("class image has an unknown method kind"sv);
        method.kind = static_cast<MethodKind>(kind);
        method.parameter_count = TRY(reader.u16_());
        method.local_count = TRY(reader.u16_());
        method.max_stack = TRY(reader.u16_());
        TRY(reader.bytes(method.code));
        u32 constant_count = TRY(reader.count(5));
        TRY(method.constants.try_ensure_capacity(constant_count));
        for (u32 i = 0; i < constant_count; ++i) {
            Constant constant;
            u8 constant_kind = TRY(reader.u8_());
            if (constant_kind > static_cast<u8>(ConstantKind::Function))
                return bad("class image has an unknown constant kind"sv);
            constant.kind = static_cast<ConstantKind>(constant_kind);
            switch (constant.kind) {
            case ConstantKind::Integer:
                constant.integer = static_cast<i64>(TRY(reader.u64_()));
                break;
            case ConstantKind::Float:
                constant.floating = bits_double(TRY(reader.u64_()));
                break;
            case ConstantKind::String:
            case ConstantKind::Name:
            case ConstantKind::ClassName:
                constant.text = TRY(reader.string());
                break;
            case ConstantKind::Function:
                constant.function_index = TRY(reader.u32_());
                break;
            }
            TRY(method.constants.try_append(move(constant)));
        }
        u32 line_count = TRY(reader.count(12));
        TRY(method.lines.try_ensure_capacity(line_count));
        for (u32 i = 0; i < line_count; ++i) {
            LineEntry entry;
            entry.offset = TRY(reader.u32_());
            entry.line = TRY(reader.u32_());
            entry.column = TRY(reader.u32_());
            TRY(method.lines.try_append(entry));
        }
        u32 handler_count = TRY(reader.count(18));
        TRY(method.handlers.try_ensure_capacity(handler_count));
        for (u32 i = 0; i < handler_count; ++i) {
            HandlerEntry handler;
            handler.start = TRY(reader.u32_());
            handler.end = TRY(reader.u32_());
            handler.handler = TRY(reader.u32_());
            handler.catch_class = TRY(reader.string());
            handler.stack_depth = TRY(reader.u16_());
            TRY(method.handlers.try_append(move(handler)));
        }
        u32 capture_count = TRY(reader.count(3));
        TRY(method.captures.try_ensure_capacity(capture_count));
        for (u32 i = 0; i < capture_count; ++i) {
            CaptureDescriptor capture;
            u8 source = TRY(reader.u8_());
            if (source > static_cast<u8>(CaptureSource::Captured))
                return bad("class image has an unknown capture source"sv);
            capture.source = static_cast<CaptureSource>(source);
            capture.index = TRY(reader.u16_());
            TRY(method.captures.try_append(capture));
        }
        return method;
    }

    ErrorOr<ClassImage> read_class(ByteReader& reader)
    {
        ClassImage image;
        image.name = TRY(reader.string());
        image.superclass_name = TRY(reader.string());
        image.source_file = TRY(reader.string());
        u32 field_count = TRY(reader.count(8));
        for (u32 i = 0; i < field_count; ++i) {
            FieldImage field;
            field.name = TRY(reader.string());
            field.type_name = TRY(reader.string());
            TRY(image.fields.try_append(move(field)));
        }
        u32 method_count = TRY(reader.count(30));
        for (u32 i = 0; i < method_count; ++i)
            TRY(image.methods.try_append(TRY(read_method(reader))));
        u32 function_count = TRY(reader.count(30));
        for (u32 i = 0; i < function_count; ++i)
            TRY(image.functions.try_append(TRY(read_method(reader))));
        return image;
    }

} // namespace

bool Constant::operator==(Constant const& other) const
{
    if (kind != other.kind)
        return false;
    switch (kind) {
    case ConstantKind::Integer:
        return integer == other.integer;
    case ConstantKind::Float:
        return double_bits(floating) == double_bits(other.floating);
    case ConstantKind::String:
    case ConstantKind::Name:
    case ConstantKind::ClassName:
        return text == other.text;
    case ConstantKind::Function:
        return function_index == other.function_index;
    }
    return false;
}

LineEntry MethodImage::position_of(u32 offset) const
{
    LineEntry found;
    for (auto const& entry : lines) {
        if (entry.offset > offset)
            break;
        found = entry;
    }
    return found;
}

ErrorOr<Vector<u8>> serialize_program(ProgramImage const& program)
{
    ByteWriter payload;
    TRY(payload.string(program.main_class));
    TRY(payload.u32_(static_cast<u32>(program.classes.size())));
    for (auto const& image : program.classes) {
        TRY(payload.string(image.name));
        TRY(payload.string(image.superclass_name));
        TRY(payload.string(image.source_file));
        TRY(payload.u32_(static_cast<u32>(image.fields.size())));
        for (auto const& field : image.fields) {
            TRY(payload.string(field.name));
            TRY(payload.string(field.type_name));
        }
        TRY(payload.u32_(static_cast<u32>(image.methods.size())));
        for (auto const& method : image.methods)
            TRY(write_method(payload, method));
        TRY(payload.u32_(static_cast<u32>(image.functions.size())));
        for (auto const& function : image.functions)
            TRY(write_method(payload, function));
    }

    ByteWriter file;
    TRY(file.buffer().try_append(magic, sizeof magic));
    TRY(file.u32_(class_image_version));
    TRY(file.u32_(static_cast<u32>(payload.buffer().size())));
    TRY(file.u32_(crc32c(payload.buffer().span())));
    TRY(file.buffer().try_append(payload.buffer().data(), payload.buffer().size()));
    return move(file.buffer());
}

ErrorOr<ProgramImage> parse_program(ReadonlyBytes bytes, String* message)
{
    auto fail = [&](Error error, usize offset) -> Error {
        if (message) {
            auto text = String::formatted("{} (at byte {})", error.message(), offset);
            if (!text.is_error())
                *message = text.release_value();
        }
        return error;
    };
    if (bytes.size() < header_size)
        return fail(bad("not a Phantom class image: the file is shorter than the header"sv), 0);
    if (__builtin_memcmp(bytes.data(), magic, sizeof magic) != 0)
        return fail(bad("not a Phantom class image: bad magic (expected PHANTOMC)"sv), 0);
    u32 version = static_cast<u32>(read_i32(bytes.data() + 8));
    if (version != class_image_version)
        return fail(Error::with_message(ErrorCode::Unsupported,
                        "class image version is not supported; recompile it with this phc"sv),
            8);
    u32 payload_size = static_cast<u32>(read_i32(bytes.data() + 12));
    u32 checksum = static_cast<u32>(read_i32(bytes.data() + 16));
    if (payload_size != bytes.size() - header_size)
        return fail(Error::with_message(ErrorCode::EndOfData,
                        "class image size does not match its header (truncated or padded)"sv),
            12);
    auto payload = bytes.slice(header_size);
    if (crc32c(payload) != checksum)
        return fail(Error::with_message(ErrorCode::Corrupted,
                        "class image checksum (CRC32C) does not match: the file is damaged"sv),
            16);

    ByteReader reader(payload, header_size);
    ProgramImage program;
    auto result = [&]() -> ErrorOr<void> {
        program.main_class = TRY(reader.string());
        u32 class_count = TRY(reader.count(24));
        for (u32 i = 0; i < class_count; ++i)
            TRY(program.classes.try_append(TRY(read_class(reader))));
        if (!reader.at_end())
            return bad("class image has bytes after its last class"sv);
        return {};
    }();
    if (result.is_error())
        return fail(result.release_error(), reader.offset());
    return program;
}

// MethodBuilder

static u32 constant_hash(Constant const& constant)
{
    u64 value = 0;
    switch (constant.kind) {
    case ConstantKind::Integer:
        value = static_cast<u64>(constant.integer);
        break;
    case ConstantKind::Float:
        value = double_bits(constant.floating);
        break;
    case ConstantKind::String:
    case ConstantKind::Name:
    case ConstantKind::ClassName:
        value = Base::hash_string(constant.text.view());
        break;
    case ConstantKind::Function:
        value = constant.function_index;
        break;
    }
    return Base::hash_u64(value * 8 + static_cast<u64>(constant.kind));
}

void MethodBuilder::index_constant(u32 hash, u16 index)
{
    usize mask = m_constant_index.size() - 1;
    for (usize bucket = hash & mask;; bucket = (bucket + 1) & mask) {
        if (m_constant_index[bucket] == 0) {
            m_constant_index[bucket] = static_cast<u32>(index) + 1;
            return;
        }
    }
}

ErrorOr<u16> MethodBuilder::add_constant(Constant&& constant)
{
    u32 hash = constant_hash(constant);
    if (!m_constant_index.is_empty()) {
        usize mask = m_constant_index.size() - 1;
        for (usize bucket = hash & mask; m_constant_index[bucket] != 0; bucket = (bucket + 1) & mask) {
            u32 index = m_constant_index[bucket] - 1;
            if (m_constants[index] == constant)
                return static_cast<u16>(index);
        }
    }
    if (m_constants.size() >= 0xffff)
        return Error::with_message(ErrorCode::Overflow, "a method may have at most 65535 constants"sv);
    TRY(m_constants.try_append(move(constant)));
    auto index = static_cast<u16>(m_constants.size() - 1);
    if (m_constants.size() * 2 > m_constant_index.size()) {
        // Grow (or create) the index and re-insert everything.
        usize buckets = m_constant_index.is_empty() ? 16 : m_constant_index.size() * 2;
        m_constant_index.clear();
        TRY(m_constant_index.try_ensure_capacity(buckets));
        for (usize i = 0; i < buckets; ++i)
            TRY(m_constant_index.try_append(0));
        for (usize i = 0; i < m_constants.size(); ++i)
            index_constant(constant_hash(m_constants[i]), static_cast<u16>(i));
        return index;
    }
    index_constant(hash, index);
    return index;
}

ErrorOr<u16> MethodBuilder::add_integer(i64 value)
{
    Constant constant;
    constant.kind = ConstantKind::Integer;
    constant.integer = value;
    return add_constant(move(constant));
}

ErrorOr<u16> MethodBuilder::add_float(double value)
{
    Constant constant;
    constant.kind = ConstantKind::Float;
    constant.floating = value;
    return add_constant(move(constant));
}

static ErrorOr<Constant> text_constant(ConstantKind kind, StringView text)
{
    Constant constant;
    constant.kind = kind;
    constant.text = TRY(String::from_view(text));
    return constant;
}

ErrorOr<u16> MethodBuilder::add_string(StringView text)
{
    return add_constant(TRY(text_constant(ConstantKind::String, text)));
}
ErrorOr<u16> MethodBuilder::add_name(StringView text)
{
    return add_constant(TRY(text_constant(ConstantKind::Name, text)));
}
ErrorOr<u16> MethodBuilder::add_class_name(StringView text)
{
    return add_constant(TRY(text_constant(ConstantKind::ClassName, text)));
}

ErrorOr<u16> MethodBuilder::add_function(u32 function_index)
{
    Constant constant;
    constant.kind = ConstantKind::Function;
    constant.function_index = function_index;
    return add_constant(move(constant));
}

ErrorOr<void> MethodBuilder::mark_position(u32 line, u32 column)
{
    if (!m_lines.is_empty()) {
        auto& last = m_lines.last();
        if (last.line == line && last.column == column)
            return {};
        if (last.offset == offset()) {
            last.line = line;
            last.column = column;
            return {};
        }
    }
    return m_lines.try_append(LineEntry {offset(), line, column});
}

ErrorOr<void> MethodBuilder::emit_byte(u8 value) { return m_code.try_append(value); }
ErrorOr<void> MethodBuilder::emit_u16(u16 value)
{
    TRY(emit_byte(static_cast<u8>(value)));
    return emit_byte(static_cast<u8>(value >> 8));
}
ErrorOr<void> MethodBuilder::emit_i32(i32 value)
{
    u8 bytes[4];
    write_i32(bytes, value);
    return m_code.try_append(bytes, 4);
}

ErrorOr<void> MethodBuilder::emit(Opcode opcode)
{
    VERIFY(opcode_info(opcode).layout == OperandLayout::None);
    return emit_byte(static_cast<u8>(opcode));
}

ErrorOr<void> MethodBuilder::emit(Opcode opcode, u16 operand)
{
    VERIFY(operand_size(opcode_info(opcode).layout) == 2);
    TRY(emit_byte(static_cast<u8>(opcode)));
    return emit_u16(operand);
}

ErrorOr<void> MethodBuilder::emit_push_int(i16 value)
{
    return emit(Opcode::PushInt, static_cast<u16>(value));
}

ErrorOr<void> MethodBuilder::emit_name(Opcode opcode, u16 name)
{
    VERIFY(opcode_info(opcode).layout == OperandLayout::NameCache);
    TRY(emit_byte(static_cast<u8>(opcode)));
    TRY(emit_u16(name));
    return emit_u16(0);
}

ErrorOr<void> MethodBuilder::emit_send(Opcode opcode, u16 name, u8 argc)
{
    VERIFY(opcode_info(opcode).layout == OperandLayout::Send);
    TRY(emit_byte(static_cast<u8>(opcode)));
    TRY(emit_u16(name));
    TRY(emit_byte(argc));
    return emit_u16(0);
}

ErrorOr<void> MethodBuilder::emit_static(Opcode opcode, u16 class_name, u16 method_name, u8 argc)
{
    VERIFY(opcode_info(opcode).layout == OperandLayout::Static);
    TRY(emit_byte(static_cast<u8>(opcode)));
    TRY(emit_u16(class_name));
    TRY(emit_u16(method_name));
    TRY(emit_byte(argc));
    return emit_u16(0);
}

ErrorOr<void> MethodBuilder::emit_argc(Opcode opcode, u8 argc)
{
    VERIFY(opcode_info(opcode).layout == OperandLayout::Argc);
    TRY(emit_byte(static_cast<u8>(opcode)));
    return emit_byte(argc);
}

ErrorOr<MethodBuilder::JumpLabel> MethodBuilder::emit_jump(Opcode opcode)
{
    VERIFY(opcode_info(opcode).layout == OperandLayout::Jump);
    TRY(emit_byte(static_cast<u8>(opcode)));
    JumpLabel label = offset();
    TRY(emit_i32(0));
    return label;
}

void MethodBuilder::patch_jump(JumpLabel label, u32 target_offset)
{
    VERIFY(label + 4 <= m_code.size());
    auto delta = static_cast<i64>(target_offset) - static_cast<i64>(label + 4);
    write_i32(m_code.data() + label, static_cast<i32>(delta));
}

ErrorOr<void> MethodBuilder::emit_jump_to(Opcode opcode, u32 target_offset)
{
    auto label = TRY(emit_jump(opcode));
    patch_jump(label, target_offset);
    return {};
}

ErrorOr<void> MethodBuilder::add_handler(
    u32 start, u32 end, u32 handler, StringView catch_class, u16 stack_depth)
{
    HandlerEntry entry;
    entry.start = start;
    entry.end = end;
    entry.handler = handler;
    entry.catch_class = TRY(String::from_view(catch_class));
    entry.stack_depth = stack_depth;
    return m_handlers.try_append(move(entry));
}

ErrorOr<void> MethodBuilder::add_capture(CaptureSource source, u16 index)
{
    return m_captures.try_append(CaptureDescriptor {source, index});
}

ErrorOr<MethodImage> MethodBuilder::finish(
    StringView name, MethodKind kind, u16 parameter_count, String* message)
{
    MethodImage method;
    method.name = TRY(String::from_view(name));
    method.kind = kind;
    method.parameter_count = parameter_count;
    u32 minimum_locals = static_cast<u32>(parameter_count) + 1;
    if (minimum_locals > 0xffff)
        return Error::with_message(ErrorCode::Overflow, "a method may have at most 65534 parameters"sv);
    method.local_count = max<u16>(m_local_count, static_cast<u16>(minimum_locals));
    method.code = move(m_code);
    method.constants = move(m_constants);
    method.lines = move(m_lines);
    method.handlers = move(m_handlers);
    method.captures = move(m_captures);
    method.max_stack = TRY(compute_max_stack(method, message));
    return method;
}

} // namespace VM
