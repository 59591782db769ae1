/*
 * vm/VirtualMachine.cpp: creating a VM over a fresh heap (the root object, symbols, the
 * built-in classes and their natives), re-attaching to an existing one, and the object-model
 * services the interpreter and natives share (interning, globals, lookup, construction).
 *
 * The root object (heap root `heap_root_index`) holds: the globals map (Symbol -> Box), the
 * symbol table (a map whose keys are the interned Symbols), the built-in classes in
 * BuiltinClass order, the array of threads, the true and false objects, the next thread
 * identifier and the name of the loaded program's main class.
 */
#include <vm/Collections.h>
#include <vm/VirtualMachine.h>
#include <vm/natives/Natives.h>

namespace VM {

class VirtualMachine::Roots final : public RootScanner {
public:
    explicit Roots(VirtualMachine& vm)
        : m_vm(vm)
    { }
    void scan_roots(RootVisitor& visitor) override
    {
        visitor.visit(m_vm.m_root);
        for (auto& klass : m_vm.m_builtin_classes)
            visitor.visit(klass);
        visitor.visit(m_vm.m_true);
        visitor.visit(m_vm.m_false);
        visitor.visit(m_vm.m_current_thread);
#define PHANTOM_SELECTOR_VISIT(member, text) visitor.visit(m_vm.m_selectors.member);
        PHANTOM_ENUMERATE_SELECTORS(PHANTOM_SELECTOR_VISIT)
#undef PHANTOM_SELECTOR_VISIT
    }

private:
    VirtualMachine& m_vm;
};

VirtualMachine::VirtualMachine(Heap& heap, Host& host, VMOptions options)
    : m_heap(heap)
    , m_host(host)
    , m_options(options)
{ }

VirtualMachine::~VirtualMachine()
{
    // Native state may hold host-side roots of this heap: it goes first.
    m_native_contexts.clear();
    if (m_root_scanner) {
        m_heap.remove_root_scanner(*m_root_scanner);
        delete static_cast<Roots*>(m_root_scanner);
    }
}

ErrorOr<NonnullOwnPtr<VirtualMachine>> VirtualMachine::create(Heap& heap, Host& host, VMOptions options)
{
    if (!heap.root(heap_root_index).is_nil())
        return Error::with_message(
            ErrorCode::AlreadyExists, "this heap already holds a VM; attach to it instead"sv);
    auto vm = TRY(adopt_nonnull_own_or_enomem(new (std::nothrow) VirtualMachine(heap, host, options)));
    auto* roots = new (std::nothrow) Roots(*vm);
    if (!roots)
        return Error(ErrorCode::OutOfMemory);
    vm->m_root_scanner = roots;
    if (auto added = heap.add_root_scanner(*roots); added.is_error()) {
        vm->m_root_scanner = nullptr;
        delete roots;
        return added.release_error();
    }
    TRY(vm->bootstrap());
    return vm;
}

ErrorOr<NonnullOwnPtr<VirtualMachine>> VirtualMachine::attach(
    Heap& heap, Host& host, VMOptions options, Span<NativeClass const> extra_classes)
{
    Value root = heap.root(heap_root_index);
    if (!is_kind(root, ObjectKind::Raw) || root.as_object()->slot_count != RootSlot::count)
        return Error::with_message(ErrorCode::InvalidFormat, "this heap holds no VM to attach to"sv);
    auto vm = TRY(adopt_nonnull_own_or_enomem(new (std::nothrow) VirtualMachine(heap, host, options)));
    auto* roots = new (std::nothrow) Roots(*vm);
    if (!roots)
        return Error(ErrorCode::OutOfMemory);
    vm->m_root_scanner = roots;
    if (auto added = heap.add_root_scanner(*roots); added.is_error()) {
        vm->m_root_scanner = nullptr;
        delete roots;
        return added.release_error();
    }
    vm->m_root = root;
    TRY(vm->reattach(extra_classes));
    return vm;
}

// Objects made before their classes exist get their class word here.
static Value class_for_kind(VirtualMachine& vm, ObjectKind kind)
{
    switch (kind) {
    case ObjectKind::Class:
        return vm.builtin_class(BuiltinClass::Class);
    case ObjectKind::Symbol:
        return vm.builtin_class(BuiltinClass::Symbol);
    case ObjectKind::Map:
        return vm.builtin_class(BuiltinClass::Map);
    case ObjectKind::Box:
        return vm.builtin_class(BuiltinClass::Box);
    case ObjectKind::Method:
        return vm.builtin_class(BuiltinClass::Method);
    default:
        return vm.builtin_class(BuiltinClass::Raw);
    }
}

ErrorOr<void> VirtualMachine::bootstrap()
{
    auto* root = TRY(m_heap.allocate(Value::nil(), ObjectKind::Raw, RootSlot::count, 0));
    m_root = root->as_value();
    m_heap.set_root(heap_root_index, m_root);
    TRY(m_continuations.try_append(nullptr)); // index 0 means "no continuation"

    // The two maps every later step needs; their class words are fixed below.
    for (u32 slot : {RootSlot::globals, RootSlot::symbols}) {
        auto map = TRY(make_map());
        m_heap.write(m_root.as_object(), slot, map);
    }
    auto* builtins = TRY(m_heap.allocate(Value::nil(), ObjectKind::Raw, builtin_class_count, 0));
    m_heap.write(m_root.as_object(), RootSlot::builtins, builtins->as_value());

    struct Description {
        StringView name;
        BuiltinClass superclass;
        ObjectKind kind;
    };
    static constexpr Description descriptions[] = {
#define PHANTOM_BUILTIN_DESCRIPTION(name, super, kind) {#name##sv, BuiltinClass::super, ObjectKind::kind},
        PHANTOM_ENUMERATE_BUILTIN_CLASSES(PHANTOM_BUILTIN_DESCRIPTION)
#undef PHANTOM_BUILTIN_DESCRIPTION
    };
    for (u32 i = 0; i < builtin_class_count; ++i) {
        auto name = TRY(intern(descriptions[i].name));
        Value superclass
            = i == 0 ? Value::nil() : m_builtin_classes[static_cast<u8>(descriptions[i].superclass)];
        auto klass = TRY(make_class(name, superclass, descriptions[i].kind));
        m_builtin_classes[i] = klass;
        // Fields first, so the subclasses made next inherit them.
        for (auto group : builtin_native_class_groups()) {
            for (auto const& native_class : group()) {
                if (native_class.name == descriptions[i].name)
                    TRY(add_native_fields(klass, native_class.fields));
            }
        }
        m_heap.write(builtins, i, klass);
        // Storage kinds are the VM's own business: programs may use these names for classes.
        bool internal = descriptions[i].kind == ObjectKind::Raw || descriptions[i].kind == ObjectKind::Box
            || descriptions[i].kind == ObjectKind::Stack;
        if (!internal)
            TRY(set_global(name, klass));
    }
    m_heap.for_each_object([&](ObjectHeader* object) {
        if (object->klass.is_nil())
            m_heap.write_class(object, class_for_kind(*this, object->kind));
    });

    auto* true_object = TRY(m_heap.allocate(builtin_class(BuiltinClass::Bool), ObjectKind::Instance, 0, 0));
    m_heap.write(m_root.as_object(), RootSlot::true_object, true_object->as_value());
    auto* false_object = TRY(m_heap.allocate(builtin_class(BuiltinClass::Bool), ObjectKind::Instance, 0, 0));
    m_heap.write(m_root.as_object(), RootSlot::false_object, false_object->as_value());
    auto threads = TRY(make_array(4));
    m_heap.write(m_root.as_object(), RootSlot::threads, threads);
    root->slots()[RootSlot::next_thread_identifier] = Value::integer(1);

    TRY(refresh_cached_roots());
    for (auto group : builtin_continuation_groups()) {
        for (auto continuation : group())
            TRY(register_continuation(continuation));
    }
    for (auto group : builtin_native_class_groups()) {
        for (auto const& native_class : group())
            TRY(bind_native_class(native_class, true));
    }
    return {};
}

ErrorOr<void> VirtualMachine::refresh_cached_roots()
{
    auto* root = m_root.as_object();
    auto* builtins = root->slots()[RootSlot::builtins].as_object();
    if (builtins->slot_count != builtin_class_count)
        return Error::with_message(
            ErrorCode::InvalidFormat, "the heap's VM has a different set of built-in classes"sv);
    for (u32 i = 0; i < builtin_class_count; ++i)
        m_builtin_classes[i] = builtins->slots()[i];
    m_true = root->slots()[RootSlot::true_object];
    m_false = root->slots()[RootSlot::false_object];
#define PHANTOM_SELECTOR_INTERN(member, text) m_selectors.member = TRY(intern(text##sv));
    PHANTOM_ENUMERATE_SELECTORS(PHANTOM_SELECTOR_INTERN)
#undef PHANTOM_SELECTOR_INTERN
    return {};
}

ErrorOr<void> VirtualMachine::reattach(Span<NativeClass const> extra_classes)
{
    TRY(m_continuations.try_append(nullptr));
    TRY(refresh_cached_roots());
    for (auto group : builtin_continuation_groups()) {
        for (auto continuation : group())
            TRY(register_continuation(continuation));
    }
    // An image made before a built-in internal class existed (Timer, Restarted...) gains it.
    for (auto group : builtin_native_class_groups()) {
        for (auto const& native_class : group())
            TRY(bind_native_class(native_class, true));
    }
    for (auto const& native_class : extra_classes)
        TRY(bind_native_class(native_class, false));
    // A thread that was running when the image was saved continues from its saved registers.
    m_current_thread = Value::nil();
    return {};
}

NativeContext* VirtualMachine::native_context(StringView key) const
{
    for (auto const& entry : m_native_contexts) {
        if (entry.key.view() == key)
            return entry.context.ptr();
    }
    return nullptr;
}

ErrorOr<void> VirtualMachine::set_native_context(StringView key, NonnullOwnPtr<NativeContext> context)
{
    for (auto& entry : m_native_contexts) {
        if (entry.key.view() == key) {
            entry.context = move(context);
            return {};
        }
    }
    return m_native_contexts.try_append(NativeContextEntry {TRY(String::from_view(key)), move(context)});
}

ErrorOr<void> VirtualMachine::register_native_class(NativeClass const& native_class)
{
    return bind_native_class(native_class, find_class(native_class.name).is_nil());
}

ErrorOr<Value> VirtualMachine::make_class(Value name, Value superclass, ObjectKind instance_kind)
{
    Handle keep_name(m_heap, name);
    Handle keep_super(m_heap, superclass);
    auto* klass
        = TRY(m_heap.allocate(builtin_class(BuiltinClass::Class), ObjectKind::Class, ClassSlot::count, 0));
    Handle keep_class(m_heap, klass->as_value());
    m_heap.write(klass, ClassSlot::name, name);
    m_heap.write(klass, ClassSlot::superclass, superclass);
    u32 inherited = 0;
    if (!superclass.is_nil())
        inherited = superclass.as_object()->slots()[ClassSlot::fields].as_object()->slot_count;
    auto* fields = TRY(m_heap.allocate(builtin_class(BuiltinClass::Raw), ObjectKind::Raw, inherited, 0));
    m_heap.write(klass, ClassSlot::fields, fields->as_value());
    auto* types = TRY(m_heap.allocate(builtin_class(BuiltinClass::Raw), ObjectKind::Raw, inherited, 0));
    m_heap.write(klass, ClassSlot::field_types, types->as_value());
    if (!superclass.is_nil()) {
        auto* super_fields = superclass.as_object()->slots()[ClassSlot::fields].as_object();
        auto* super_types = superclass.as_object()->slots()[ClassSlot::field_types].as_object();
        for (u32 i = 0; i < inherited; ++i) {
            m_heap.write(fields, i, super_fields->slots()[i]);
            m_heap.write(types, i, super_types->slots()[i]);
        }
    }
    auto methods = TRY(make_map());
    m_heap.write(klass, ClassSlot::methods, methods);
    auto static_methods = TRY(make_map());
    m_heap.write(klass, ClassSlot::static_methods, static_methods);
    klass->slots()[ClassSlot::instance_kind] = Value::integer(static_cast<i64>(instance_kind));
    klass->slots()[ClassSlot::version] = Value::integer(1);
    return klass->as_value();
}

ErrorOr<void> VirtualMachine::add_native_fields(Value klass, Span<StringView const> names)
{
    // Nothing to do when the class has them already (an attached heap, or a second binding).
    if (names.is_empty())
        return {};
    Value first = find_symbol(names[0]);
    auto* existing = klass.as_object()->slots()[ClassSlot::fields].as_object();
    for (u32 i = 0; i < existing->slot_count && !first.is_nil(); ++i) {
        if (existing->slots()[i] == first)
            return {};
    }
    Handle keep_class(m_heap, klass);
    u32 old_count = klass.as_object()->slots()[ClassSlot::fields].as_object()->slot_count;
    u32 total = old_count + static_cast<u32>(names.size());
    auto* grown = TRY(m_heap.allocate(builtin_class(BuiltinClass::Raw), ObjectKind::Raw, total, 0));
    Handle keep_grown(m_heap, grown->as_value());
    auto* types = TRY(m_heap.allocate(builtin_class(BuiltinClass::Raw), ObjectKind::Raw, total, 0));
    Handle keep_types(m_heap, types->as_value());
    auto* fields = keep_class.value().as_object()->slots()[ClassSlot::fields].as_object();
    for (u32 i = 0; i < old_count; ++i)
        m_heap.write(grown, i, fields->slots()[i]);
    for (u32 i = 0; i < names.size(); ++i) {
        auto field_name = TRY(intern(names[i]));
        m_heap.write(grown, old_count + i, field_name);
    }
    m_heap.write(keep_class.value().as_object(), ClassSlot::fields, grown->as_value());
    m_heap.write(keep_class.value().as_object(), ClassSlot::field_types, types->as_value());
    return {};
}

ErrorOr<void> VirtualMachine::bind_native_class(NativeClass const& native_class, bool creating)
{
    auto name = TRY(intern(native_class.name));
    Handle keep_name(m_heap, name);
    Value klass = find_class(native_class.name);
    if (klass.is_nil()) {
        if (!creating)
            return Error::with_message(
                ErrorCode::NotFound, "an internal class of this VM is missing from the heap image"sv);
        Value superclass
            = find_class(native_class.superclass.is_empty() ? "Object"sv : native_class.superclass);
        if (superclass.is_nil())
            return Error::with_message(
                ErrorCode::NotFound, "an internal class names an unknown superclass"sv);
        auto kind
            = static_cast<ObjectKind>(superclass.as_object()->slots()[ClassSlot::instance_kind].as_integer());
        klass = TRY(make_class(name, superclass, kind));
        TRY(set_global(name, klass));
    }
    Handle keep_class(m_heap, klass);
    TRY(add_native_fields(klass, native_class.fields));
    for (auto const& native : native_class.methods) {
        auto selector = TRY(intern(native.name));
        Handle keep_selector(m_heap, selector);
        i32 index = static_cast<i32>(m_natives.size());
        TRY(m_natives.try_append(BoundNative {native.function}));
        u32 dictionary_slot
            = native.kind == NativeKind::Static ? ClassSlot::static_methods : ClassSlot::methods;
        Value dictionary = klass.as_object()->slots()[dictionary_slot];
        auto existing = map_get(dictionary, selector);
        if (existing.has_value() && is_kind(existing.value(), ObjectKind::Method)
            && method_header(existing.value().as_object()).native_index >= 0) {
            method_header(existing.value().as_object()).native_index = index;
            continue;
        }
        auto* method = TRY(m_heap.allocate(builtin_class(BuiltinClass::Method), ObjectKind::Method,
            MethodSlot::count, method_bytes_size(0, 0, 0, 0)));
        Handle keep_method(m_heap, method->as_value());
        m_heap.write(method, MethodSlot::name, selector);
        m_heap.write(method, MethodSlot::owner, klass);
        auto& header = method_header(method);
        header.kind = static_cast<u8>(native.kind == NativeKind::Static ? MethodKind::Static
                : native.kind == NativeKind::Constructor                ? MethodKind::Constructor
                                                                        : MethodKind::Instance);
        header.parameter_count = native.arity < 0 ? 0xffff : static_cast<u16>(native.arity);
        header.local_count = 0;
        header.native_index = index;
        TRY(map_set(*this, klass.as_object()->slots()[dictionary_slot], selector, method->as_value()));
    }
    return {};
}

ErrorOr<Value> VirtualMachine::intern(StringView text)
{
    Value symbols = m_root.as_object()->slots()[RootSlot::symbols];
    u32 hash = hash_text(text);
    Value found = map_find_symbol(symbols, text, hash);
    if (!found.is_nil())
        return found;
    if (text.length() > 0x7fffffff)
        return Error(ErrorCode::Overflow);
    auto* symbol = TRY(m_heap.allocate(
        builtin_class(BuiltinClass::Symbol), ObjectKind::Symbol, 0, static_cast<u32>(text.length())));
    __builtin_memcpy(symbol->bytes(), text.characters_without_null_termination(), text.length());
    Handle keep(m_heap, symbol->as_value());
    TRY(map_set(
        *this, m_root.as_object()->slots()[RootSlot::symbols], symbol->as_value(), Value::integer(1)));
    return symbol->as_value();
}

Value VirtualMachine::find_symbol(StringView text) const
{
    return map_find_symbol(m_root.as_object()->slots()[RootSlot::symbols], text, hash_text(text));
}

Value VirtualMachine::globals_box(Value symbol) const
{
    auto box = map_get(m_root.as_object()->slots()[RootSlot::globals], symbol);
    return box.has_value() ? box.value() : Value::nil();
}

Value VirtualMachine::global(Value symbol) const
{
    Value box = globals_box(symbol);
    return box.is_nil() ? Value::nil() : box.as_object()->slots()[0];
}

ErrorOr<void> VirtualMachine::set_global(Value symbol, Value value)
{
    Value box = globals_box(symbol);
    if (!box.is_nil()) {
        m_heap.write(box.as_object(), 0, value);
        return {};
    }
    Handle keep_symbol(m_heap, symbol);
    auto fresh = TRY(make_box(value));
    Handle keep_box(m_heap, fresh);
    return map_set(*this, m_root.as_object()->slots()[RootSlot::globals], symbol, fresh);
}

Value VirtualMachine::find_class(StringView name) const
{
    Value symbol = find_symbol(name);
    if (symbol.is_nil())
        return Value::nil();
    Value value = global(symbol);
    return is_kind(value, ObjectKind::Class) ? value : Value::nil();
}

Value VirtualMachine::class_of(Value value) const
{
    if (value.is_integer())
        return m_builtin_classes[static_cast<u8>(BuiltinClass::Int)];
    if (value.is_nil())
        return m_builtin_classes[static_cast<u8>(BuiltinClass::Nil)];
    return value.as_object()->klass;
}

bool VirtualMachine::is_instance_of(Value value, Value klass) const
{
    // nil is nothing's instance but Nil's (so `nil is Object` is false, as a missing value).
    if (value.is_nil())
        return klass == m_builtin_classes[static_cast<u8>(BuiltinClass::Nil)];
    return is_instance_of_class(class_of(value), klass);
}

bool VirtualMachine::is_instance_of_class(Value klass, Value ancestor) const
{
    for (Value current = klass; !current.is_nil();
         current = current.as_object()->slots()[ClassSlot::superclass]) {
        if (current == ancestor)
            return true;
    }
    return false;
}

// The first class from `klass` up whose method map in `slot` holds `selector`.
static Value lookup_in_chain(Value klass, Value selector, u32 slot)
{
    for (Value current = klass; !current.is_nil();
         current = current.as_object()->slots()[ClassSlot::superclass]) {
        auto found = map_get(current.as_object()->slots()[slot], selector);
        if (found.has_value())
            return found.value();
    }
    return Value::nil();
}

Value VirtualMachine::lookup_method(Value klass, Value selector) const
{
    return lookup_in_chain(klass, selector, ClassSlot::methods);
}

Value VirtualMachine::lookup_static_method(Value klass, Value selector) const
{
    return lookup_in_chain(klass, selector, ClassSlot::static_methods);
}

StringView VirtualMachine::class_name_of(Value value) const
{
    Value klass = class_of(value);
    if (klass.is_nil())
        return "?"sv;
    return text_of(klass.as_object()->slots()[ClassSlot::name]);
}

ErrorOr<Value> VirtualMachine::make_string(StringView text)
{
    if (text.length() > 0x7fffffff)
        return Error::with_message(ErrorCode::Overflow, "string too long"sv);
    auto* string = TRY(m_heap.allocate(
        builtin_class(BuiltinClass::String), ObjectKind::String, 0, static_cast<u32>(text.length())));
    if (!text.is_empty())
        __builtin_memcpy(string->bytes(), text.characters_without_null_termination(), text.length());
    return string->as_value();
}

ErrorOr<Value> VirtualMachine::make_float(double value)
{
    auto* boxed
        = TRY(m_heap.allocate(builtin_class(BuiltinClass::Float), ObjectKind::Float, 0, sizeof(double)));
    __builtin_memcpy(boxed->bytes(), &value, sizeof value);
    return boxed->as_value();
}

ErrorOr<Value> VirtualMachine::make_array(u32 capacity)
{
    auto* array
        = TRY(m_heap.allocate(builtin_class(BuiltinClass::Array), ObjectKind::Array, ArraySlot::count, 0));
    Handle keep(m_heap, array->as_value());
    auto* storage = TRY(m_heap.allocate(builtin_class(BuiltinClass::Raw), ObjectKind::Raw, capacity, 0));
    m_heap.write(array, ArraySlot::storage, storage->as_value());
    array->slots()[ArraySlot::length] = Value::integer(0);
    return array->as_value();
}

ErrorOr<Value> VirtualMachine::make_map()
{
    auto* map = TRY(m_heap.allocate(builtin_class(BuiltinClass::Map), ObjectKind::Map, MapSlot::count, 0));
    Handle keep(m_heap, map->as_value());
    auto* entries = TRY(m_heap.allocate(builtin_class(BuiltinClass::Raw), ObjectKind::Raw, 0, 0));
    m_heap.write(map, MapSlot::entries, entries->as_value());
    auto* index = TRY(m_heap.allocate(builtin_class(BuiltinClass::Raw), ObjectKind::Raw, 0, 0));
    m_heap.write(map, MapSlot::index, index->as_value());
    map->slots()[MapSlot::used] = Value::integer(0);
    map->slots()[MapSlot::size] = Value::integer(0);
    return map->as_value();
}

ErrorOr<Value> VirtualMachine::make_box(Value value)
{
    Handle keep(m_heap, value);
    auto* box = TRY(m_heap.allocate(builtin_class(BuiltinClass::Box), ObjectKind::Box, 1, 0));
    m_heap.write(box, 0, value);
    return box->as_value();
}

ErrorOr<Value> VirtualMachine::make_instance(Value klass)
{
    auto kind = static_cast<ObjectKind>(klass.as_object()->slots()[ClassSlot::instance_kind].as_integer());
    if (kind == ObjectKind::Instance) [[likely]] {
        // Values of these classes are made by the VM only (integers are immediates; true,
        // false and nil are unique).
        for (Value current = klass; !current.is_nil();
             current = current.as_object()->slots()[ClassSlot::superclass]) {
            if (current == builtin_class(BuiltinClass::Int) || current == builtin_class(BuiltinClass::Bool)
                || current == builtin_class(BuiltinClass::Nil))
                return Error::with_message(
                    ErrorCode::Unsupported, "instances of this class cannot be made with new"sv);
        }
        u32 field_count = klass.as_object()->slots()[ClassSlot::fields].as_object()->slot_count;
        auto* instance = TRY(m_heap.allocate(klass, ObjectKind::Instance, field_count, 0));
        return instance->as_value();
    }
    Handle keep(m_heap, klass);
    switch (kind) {
    case ObjectKind::Array: {
        auto array = TRY(make_array(0));
        m_heap.write_class(array.as_object(), keep.value());
        return array;
    }
    case ObjectKind::Map: {
        auto map = TRY(make_map());
        m_heap.write_class(map.as_object(), keep.value());
        return map;
    }
    default:
        return Error::with_message(
            ErrorCode::Unsupported, "instances of this class cannot be made with new"sv);
    }
}

ErrorOr<Value> VirtualMachine::make_exception(BuiltinClass which, StringView message)
{
    auto text = TRY(make_string(message));
    Handle keep(m_heap, text);
    auto exception = TRY(make_instance(builtin_class(which)));
    m_heap.write(exception.as_object(), ExceptionSlot::message, text);
    return exception;
}

NativeResult VirtualMachine::throw_error(BuiltinClass which, StringView message)
{
    auto exception = make_exception(which, message);
    if (exception.is_error())
        return {NativeOutcome::Throw, Value::nil()};
    return {NativeOutcome::Throw, exception.value()};
}

Vector<Value> VirtualMachine::threads() const
{
    Vector<Value> result;
    Value array = m_root.as_object()->slots()[RootSlot::threads];
    for (u32 i = 0; i < array_length(array); ++i)
        (void)result.try_append(array_elements(array)[i]);
    return result;
}

void VirtualMachine::invalidate_caches()
{
    m_heap.for_each_object([&](ObjectHeader* object) {
        if (object->kind != ObjectKind::Method)
            return;
        Value caches = object->slots()[MethodSlot::caches];
        if (!caches.is_object())
            return;
        auto* cache_object = caches.as_object();
        for (u32 i = 0; i < cache_object->slot_count; ++i)
            m_heap.write(cache_object, i, Value::nil());
    });
}

ErrorOr<i32> VirtualMachine::register_continuation(NativeContinuation continuation)
{
    for (usize i = 1; i < m_continuations.size(); ++i) {
        if (m_continuations[i] == continuation)
            return static_cast<i32>(i);
    }
    TRY(m_continuations.try_append(continuation));
    return static_cast<i32>(m_continuations.size() - 1);
}

} // namespace VM
