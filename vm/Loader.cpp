/*
 * vm/Loader.cpp: VirtualMachine::load, which turns verified class images into objects:
 * classes (superclasses first, fields appended to the inherited ones), methods with their
 * constants resolved (strings and floats made once, names interned, closure bodies as
 * Method objects), a fresh inline-cache area per method and the cache numbers written into
 * the method's copy of the code.
 */
#include <vm/Collections.h>
#include <vm/Verifier.h>
#include <vm/VirtualMachine.h>

namespace VM {

namespace {

    template<typename... Ts>
    Error load_error(String* message, Error error, CheckedFormatString<Ts...> format, Ts const&... arguments)
    {
        if (message) {
            auto text = String::formatted(format, arguments...);
            if (!text.is_error())
                *message = text.release_value();
        }
        return error;
    }

} // namespace

class Loader {
public:
    Loader(VirtualMachine& vm, String* message)
        : m_vm(vm)
        , m_heap(vm.heap())
        , m_message(message)
    { }

    ErrorOr<Value> make_method(MethodImage const& image, Value klass, Value functions)
    {
        Handle keep_class(m_heap, klass);
        Handle keep_functions(m_heap, functions);
        auto name = TRY(m_vm.intern(image.name));
        Handle keep_name(m_heap, name);

        u32 code_size = static_cast<u32>(image.code.size());
        u32 bytes = method_bytes_size(code_size, static_cast<u32>(image.lines.size()),
            static_cast<u32>(image.handlers.size()), static_cast<u32>(image.captures.size()));
        auto* method = TRY(m_heap.allocate(
            m_vm.builtin_class(BuiltinClass::Method), ObjectKind::Method, MethodSlot::count, bytes));
        Handle keep_method(m_heap, method->as_value());
        m_heap.write(method, MethodSlot::name, name);
        m_heap.write(method, MethodSlot::owner, klass);

        auto& header = method_header(method);
        header.kind = static_cast<u8>(image.kind);
        header.parameter_count = image.parameter_count;
        header.local_count = image.local_count;
        header.max_stack = image.max_stack;
        header.code_size = code_size;
        header.line_count = static_cast<u32>(image.lines.size());
        header.handler_count = static_cast<u32>(image.handlers.size());
        header.capture_count = static_cast<u32>(image.captures.size());
        header.native_index = -1;
        u8* code = method_code(method);
        __builtin_memcpy(code, image.code.data(), code_size);
        // Cache numbers are the loader's to assign, in code order.
        u32 caches = 0;
        for (u32 offset = 0; offset < code_size;) {
            auto opcode = static_cast<Opcode>(code[offset]);
            auto layout = opcode_info(opcode).layout;
            if (layout == OperandLayout::NameCache)
                write_u16(code + offset + 1 + OperandOffset::name_cache, static_cast<u16>(caches++));
            else if (layout == OperandLayout::Send)
                write_u16(code + offset + 1 + OperandOffset::send_cache, static_cast<u16>(caches++));
            else if (layout == OperandLayout::Static)
                write_u16(code + offset + 1 + OperandOffset::static_cache, static_cast<u16>(caches++));
            offset += instruction_size(opcode);
        }
        for (u32 i = 0; i < image.lines.size(); ++i)
            method_lines(method)[i]
                = LineRecord {image.lines[i].offset, image.lines[i].line, image.lines[i].column};
        for (u32 i = 0; i < image.handlers.size(); ++i) {
            auto const& handler = image.handlers[i];
            method_handlers(method)[i]
                = HandlerRecord {handler.start, handler.end, handler.handler, handler.stack_depth};
        }
        for (u32 i = 0; i < image.captures.size(); ++i)
            method_captures(method)[i]
                = CaptureRecord {static_cast<u16>(image.captures[i].source), image.captures[i].index};

        auto* cache_object = TRY(m_heap.allocate(
            m_vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw, caches * cache_slots_per_site, 0));
        m_heap.write(method, MethodSlot::caches, cache_object->as_value());

        auto* catch_classes = TRY(m_heap.allocate(m_vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw,
            static_cast<u32>(image.handlers.size()), 0));
        m_heap.write(method, MethodSlot::catch_classes, catch_classes->as_value());
        for (u32 i = 0; i < image.handlers.size(); ++i) {
            if (image.handlers[i].catch_class.is_empty())
                continue;
            auto symbol = TRY(m_vm.intern(image.handlers[i].catch_class));
            m_heap.write(method->slots()[MethodSlot::catch_classes].as_object(), i, symbol);
        }

        auto* constants = TRY(m_heap.allocate(m_vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw,
            static_cast<u32>(image.constants.size()), 0));
        m_heap.write(method, MethodSlot::constants, constants->as_value());
        for (u32 i = 0; i < image.constants.size(); ++i) {
            auto const& constant = image.constants[i];
            Value value;
            switch (constant.kind) {
            case ConstantKind::Integer:
                if (!Value::fits_integer(constant.integer))
                    return load_error(m_message,
                        Error::with_message(
                            ErrorCode::OutOfRange, "integer constant does not fit in 63 bits"sv),
                        "method {}: integer constant {} does not fit in 63 bits", image.name.view(),
                        constant.integer);
                value = Value::integer(constant.integer);
                break;
            case ConstantKind::Float:
                value = TRY(m_vm.make_float(constant.floating));
                break;
            case ConstantKind::String:
                value = TRY(m_vm.make_string(constant.text));
                break;
            case ConstantKind::Name:
            case ConstantKind::ClassName:
                value = TRY(m_vm.intern(constant.text));
                break;
            case ConstantKind::Function:
                value = functions.as_object()->slots()[constant.function_index];
                break;
            }
            m_heap.write(method->slots()[MethodSlot::constants].as_object(), i, value);
        }
        return method->as_value();
    }

    ErrorOr<void> load_class(ClassImage const& image, Value superclass)
    {
        auto name = TRY(m_vm.intern(image.name));
        Handle keep_name(m_heap, name);
        auto kind
            = static_cast<ObjectKind>(superclass.as_object()->slots()[ClassSlot::instance_kind].as_integer());
        bool value_class = superclass == m_vm.builtin_class(BuiltinClass::Int)
            || superclass == m_vm.builtin_class(BuiltinClass::Bool)
            || superclass == m_vm.builtin_class(BuiltinClass::Nil);
        if (value_class
            || (kind != ObjectKind::Instance && kind != ObjectKind::Array && kind != ObjectKind::Map))
            return load_error(m_message,
                Error::with_message(ErrorCode::Unsupported, "this built-in class cannot be subclassed"sv),
                "class {}: its superclass {} cannot be subclassed", image.name.view(),
                text_of(superclass.as_object()->slots()[ClassSlot::name]));
        if ((kind == ObjectKind::Array || kind == ObjectKind::Map) && !image.fields.is_empty())
            return load_error(m_message,
                Error::with_message(
                    ErrorCode::Unsupported, "subclasses of Array and Map cannot add fields"sv),
                "class {}: subclasses of Array and Map cannot add fields", image.name.view());
        auto klass = TRY(m_vm.make_class(name, superclass, kind));
        Handle keep_class(m_heap, klass);

        auto* inherited = klass.as_object()->slots()[ClassSlot::fields].as_object();
        u32 inherited_count = inherited->slot_count;
        u32 total = inherited_count + static_cast<u32>(image.fields.size());
        auto* fields = TRY(m_heap.allocate(m_vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw, total, 0));
        Handle keep_fields(m_heap, fields->as_value());
        auto* types = TRY(m_heap.allocate(m_vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw, total, 0));
        Handle keep_types(m_heap, types->as_value());
        inherited = klass.as_object()->slots()[ClassSlot::fields].as_object();
        auto* inherited_types = klass.as_object()->slots()[ClassSlot::field_types].as_object();
        for (u32 i = 0; i < inherited_count; ++i) {
            m_heap.write(fields, i, inherited->slots()[i]);
            m_heap.write(types, i, inherited_types->slots()[i]);
        }
        for (u32 i = 0; i < image.fields.size(); ++i) {
            auto field = TRY(m_vm.intern(image.fields[i].name));
            for (u32 j = 0; j < inherited_count; ++j) {
                if (fields->slots()[j] == field)
                    return load_error(m_message,
                        Error::with_message(ErrorCode::AlreadyExists, "a field repeats an inherited field"sv),
                        "class {}: field {} is already defined by a superclass", image.name.view(),
                        image.fields[i].name.view());
            }
            m_heap.write(fields, inherited_count + i, field);
            if (!image.fields[i].type_name.is_empty()) {
                auto type = TRY(m_vm.intern(image.fields[i].type_name));
                m_heap.write(types, inherited_count + i, type);
            }
        }
        m_heap.write(klass.as_object(), ClassSlot::fields, fields->as_value());
        m_heap.write(klass.as_object(), ClassSlot::field_types, types->as_value());
        if (!image.source_file.is_empty()) {
            auto file = TRY(m_vm.make_string(image.source_file));
            m_heap.write(klass.as_object(), ClassSlot::source_file, file);
        }

        auto* functions = TRY(m_heap.allocate(m_vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw,
            static_cast<u32>(image.functions.size()), 0));
        Handle keep_function_table(m_heap, functions->as_value());
        // Closure bodies may make closures of later bodies, so constants that name functions are
        // resolved in a second pass over the function table.
        for (u32 i = 0; i < image.functions.size(); ++i) {
            auto method = TRY(make_method(image.functions[i], klass, functions->as_value()));
            m_heap.write(functions, i, method);
        }
        for (u32 i = 0; i < image.functions.size(); ++i) {
            auto* method = functions->slots()[i].as_object();
            auto* constants = method->slots()[MethodSlot::constants].as_object();
            for (u32 c = 0; c < image.functions[i].constants.size(); ++c) {
                auto const& constant = image.functions[i].constants[c];
                if (constant.kind == ConstantKind::Function)
                    m_heap.write(constants, c, functions->slots()[constant.function_index]);
            }
        }
        for (auto const& method_image : image.methods) {
            auto method = TRY(make_method(method_image, klass, functions->as_value()));
            Handle keep_method(m_heap, method);
            u32 slot
                = method_image.kind == MethodKind::Static ? ClassSlot::static_methods : ClassSlot::methods;
            auto selector = TRY(m_vm.intern(method_image.name));
            TRY(map_set(m_vm, klass.as_object()->slots()[slot], selector, method));
        }
        TRY(m_vm.set_global(name, klass));
        return {};
    }

private:
    VirtualMachine& m_vm;
    Heap& m_heap;
    String* m_message;
};

ErrorOr<void> VirtualMachine::load(ProgramImage const& program, String* message)
{
    TRY(verify_program(program, message));
    usize count = program.classes.size();
    for (auto const& image : program.classes) {
        if (!find_class(image.name).is_nil())
            return load_error(message,
                Error::with_message(ErrorCode::AlreadyExists, "a class with this name is already loaded"sv),
                "class {} is already loaded (replace it with hot reload instead)", image.name.view());
    }
    // Superclasses first: repeatedly load every class whose superclass exists already.
    Vector<bool> loaded;
    TRY(loaded.try_resize(count));
    for (auto& flag : loaded)
        flag = false;
    usize done = 0;
    Loader loader(*this, message);
    while (done < count) {
        bool progress = false;
        for (usize i = 0; i < count; ++i) {
            if (loaded[i])
                continue;
            auto const& image = program.classes[i];
            Value superclass
                = find_class(image.superclass_name.is_empty() ? "Object"sv : image.superclass_name.view());
            if (superclass.is_nil())
                continue;
            TRY(loader.load_class(image, superclass));
            loaded[i] = true;
            ++done;
            progress = true;
        }
        if (!progress) {
            for (usize i = 0; i < count; ++i) {
                if (!loaded[i]) {
                    auto const& image = program.classes[i];
                    bool in_program = false;
                    for (auto const& other : program.classes)
                        in_program = in_program || other.name == image.superclass_name;
                    if (in_program)
                        return load_error(message,
                            Error::with_message(
                                ErrorCode::InvalidFormat, "classes inherit from each other in a cycle"sv),
                            "class {}: its superclass chain is a cycle", image.name.view());
                    return load_error(message,
                        Error::with_message(ErrorCode::NotFound, "a superclass does not exist"sv),
                        "class {}: superclass {} does not exist", image.name.view(),
                        image.superclass_name.view());
                }
            }
        }
    }
    if (!program.main_class.is_empty()) {
        auto symbol = TRY(intern(program.main_class));
        m_heap.write(root(), RootSlot::main_class, symbol);
    }
    return {};
}

} // namespace VM
