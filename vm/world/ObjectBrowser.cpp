/*
 * vm/world/ObjectBrowser.cpp: globals, parts and descriptions of objects for the object shell
 * (ObjectBrowser.h).
 */
#include <vm/Collections.h>
#include <vm/Object.h>
#include <vm/world/ObjectBrowser.h>

namespace VM::World {

namespace {

    // Listings stop here; the rest is counted, not shown.
    constexpr u32 listing_limit = 200;
    constexpr usize short_text_limit = 60;

    bool is_builtin_class(VirtualMachine& vm, Value value)
    {
        for (u32 i = 0; i < builtin_class_count; ++i) {
            if (vm.builtin_class(static_cast<BuiltinClass>(i)) == value)
                return true;
        }
        return false;
    }

    // Bytes the object takes in the heap, with the storage objects only it refers to.
    u64 size_of(Value value)
    {
        if (!value.is_object())
            return 0;
        auto own = [](ObjectHeader const* object) {
            return sizeof(ObjectHeader) + static_cast<u64>(object->slot_count) * sizeof(Value)
                + object->byte_count;
        };
        auto* object = value.as_object();
        u64 total = own(object);
        if (object->kind == ObjectKind::Array && object->slots()[ArraySlot::storage].is_object())
            total += own(object->slots()[ArraySlot::storage].as_object());
        if (object->kind == ObjectKind::Map) {
            for (u32 slot : {MapSlot::entries, MapSlot::index}) {
                if (object->slots()[slot].is_object())
                    total += own(object->slots()[slot].as_object());
            }
        }
        return total;
    }

    // Collects [name, value] pairs into an Array, keeping it alive across allocations.
    class PairList {
    public:
        explicit PairList(VirtualMachine& vm)
            : m_vm(vm)
            , m_keep(vm.heap())
        { }
        ErrorOr<void> create()
        {
            m_keep.set(TRY(m_vm.make_array(8)));
            return {};
        }
        ErrorOr<void> add(StringView name, Value value)
        {
            Handle keep_value(m_vm.heap(), value);
            auto pair = TRY(m_vm.make_array(2));
            Handle keep_pair(m_vm.heap(), pair);
            auto text = TRY(m_vm.make_string(name));
            TRY(array_push(m_vm, keep_pair.value(), text));
            TRY(array_push(m_vm, keep_pair.value(), keep_value.value()));
            return array_push(m_vm, m_keep.value(), keep_pair.value());
        }
        Value array() const { return m_keep.value(); }

    private:
        VirtualMachine& m_vm;
        Handle m_keep;
    };

    // Field names of an instance's class, one Symbol per slot (inherited first).
    Value field_names(VirtualMachine& vm, Value instance)
    {
        Value klass = vm.class_of(instance);
        if (!is_kind(klass, ObjectKind::Class))
            return Value::nil();
        return klass.as_object()->slots()[ClassSlot::fields];
    }

} // namespace

ErrorOr<void> append_short(VirtualMachine& vm, StringBuilder& builder, Value value)
{
    if (is_kind(value, ObjectKind::String)) {
        auto text = text_of(value);
        bool cut = text.length() > short_text_limit;
        TRY(builder.try_appendff("\"{}{}\"", text.substring_view(0, cut ? short_text_limit : text.length()),
            cut ? "..."sv : ""sv));
        return {};
    }
    if (is_kind(value, ObjectKind::Array))
        return builder.try_appendff("Array({})", array_length(value));
    if (is_kind(value, ObjectKind::Map))
        return builder.try_appendff("Map({})", map_size(value));
    if (is_kind(value, ObjectKind::Class))
        return builder.try_appendff("class {}", text_of(value.as_object()->slots()[ClassSlot::name]));
    if (is_kind(value, ObjectKind::Method))
        return builder.try_appendff("method {}", text_of(value.as_object()->slots()[MethodSlot::name]));
    if (is_kind(value, ObjectKind::Thread)) {
        Value name = value.as_object()->slots()[ThreadSlot::name];
        return builder.try_appendff("<thread {} {}>",
            value.as_object()->slots()[ThreadSlot::identifier].as_integer(),
            is_kind(name, ObjectKind::String) ? text_of(name) : ""sv);
    }
    return vm.append_display(builder, value);
}

ErrorOr<Value> user_globals(VirtualMachine& vm)
{
    auto result = TRY(vm.make_map());
    Handle keep(vm.heap(), result);
    Value globals = vm.root()->slots()[VirtualMachine::RootSlot::globals];
    // Names first: adding to the result allocates, and the globals map must not change meanwhile.
    Vector<Value> names;
    map_for_each(globals, [&](Value key, Value box) {
        Value value = is_kind(box, ObjectKind::Box) ? box.as_object()->slots()[0] : Value::nil();
        // Static fields ("Point.count") are shown under their class; names starting with '$'
        // are the VM's own (hot reload's staging names).
        if (is_builtin_class(vm, value) || text_of(key).contains('.') || text_of(key).starts_with('$')
            || value.is_nil())
            return true;
        // Internal classes (World, the window system's) have no source file.
        if (is_kind(value, ObjectKind::Class) && value.as_object()->slots()[ClassSlot::source_file].is_nil())
            return true;
        return !names.try_append(key).is_error();
    });
    for (auto symbol : names) {
        auto name = TRY(vm.make_string(text_of(symbol)));
        TRY(map_set(vm, keep.value(), name, vm.global(symbol)));
    }
    return keep.value();
}

ErrorOr<Value> children_of(VirtualMachine& vm, Value value)
{
    PairList pairs(vm);
    TRY(pairs.create());
    if (!value.is_object())
        return pairs.array();
    Handle keep(vm.heap(), value);
    StringBuilder name;
    switch (value.as_object()->kind) {
    case ObjectKind::Instance: {
        Value fields = field_names(vm, value);
        u32 count = fields.is_object() ? fields.as_object()->slot_count : 0;
        for (u32 i = 0; i < count && i < keep.object()->slot_count; ++i) {
            Value field = fields.as_object()->slots()[i];
            TRY(pairs.add(
                is_kind(field, ObjectKind::Symbol) ? text_of(field) : "?"sv, keep.object()->slots()[i]));
        }
        break;
    }
    case ObjectKind::Array:
        for (u32 i = 0; i < array_length(keep.value()) && i < listing_limit; ++i) {
            name.clear();
            TRY(name.try_appendff("{}", i));
            TRY(pairs.add(name.string_view(), array_elements(keep.value())[i]));
        }
        break;
    case ObjectKind::Map: {
        Vector<Value> keys;
        map_for_each(keep.value(), [&](Value key, Value) {
            return keys.size() < listing_limit && !keys.try_append(key).is_error();
        });
        for (auto key : keys) {
            name.clear();
            TRY(vm.append_display(name, key));
            auto element = map_get(keep.value(), key);
            TRY(pairs.add(name.string_view(), element.value_or(Value::nil())));
        }
        break;
    }
    case ObjectKind::Class: {
        // Static fields are globals named "Class.field".
        StringBuilder prefix;
        TRY(prefix.try_appendff("{}.", text_of(keep.object()->slots()[ClassSlot::name])));
        Vector<Value> symbols;
        map_for_each(vm.root()->slots()[VirtualMachine::RootSlot::globals], [&](Value key, Value) {
            if (text_of(key).starts_with(prefix.string_view()))
                return !symbols.try_append(key).is_error();
            return true;
        });
        for (auto symbol : symbols)
            TRY(pairs.add(text_of(symbol).substring_view(prefix.length()), vm.global(symbol)));
        break;
    }
    case ObjectKind::Closure:
        for (u32 i = ClosureSlot::first_capture; i < keep.object()->slot_count; ++i) {
            Value box = keep.object()->slots()[i];
            name.clear();
            TRY(name.try_appendff("capture {}", i - ClosureSlot::first_capture));
            TRY(pairs.add(
                name.string_view(), is_kind(box, ObjectKind::Box) ? box.as_object()->slots()[0] : box));
        }
        break;
    case ObjectKind::Box:
        TRY(pairs.add("value"sv, keep.object()->slots()[0]));
        break;
    default:
        break;
    }
    return pairs.array();
}

ErrorOr<String> inspect_value(VirtualMachine& vm, Value value)
{
    Handle keep(vm.heap(), value);
    StringBuilder text;
    if (!value.is_object()) {
        TRY(text.try_appendff("{}: ", vm.class_name_of(value)));
        TRY(append_short(vm, text, value));
        TRY(text.try_append("\n"sv));
        return text.to_string();
    }
    auto* object = value.as_object();
    switch (object->kind) {
    case ObjectKind::Class: {
        Value superclass = object->slots()[ClassSlot::superclass];
        TRY(text.try_appendff("class {}", text_of(object->slots()[ClassSlot::name])));
        if (is_kind(superclass, ObjectKind::Class))
            TRY(text.try_appendff(" : {}", text_of(superclass.as_object()->slots()[ClassSlot::name])));
        TRY(text.try_appendff(
            ", {} bytes, version {}\n", size_of(value), object->slots()[ClassSlot::version].as_integer()));
        Value fields = object->slots()[ClassSlot::fields];
        if (fields.is_object() && fields.as_object()->slot_count > 0) {
            TRY(text.try_append("  fields:"sv));
            for (u32 i = 0; i < fields.as_object()->slot_count; ++i)
                TRY(text.try_appendff(" {}", text_of(fields.as_object()->slots()[i])));
            TRY(text.try_append("\n"sv));
        }
        for (u32 slot : {ClassSlot::methods, ClassSlot::static_methods}) {
            Value methods = object->slots()[slot];
            if (!is_kind(methods, ObjectKind::Map) || map_size(methods) == 0)
                continue;
            TRY(text.try_append(slot == ClassSlot::methods ? "  methods:"sv : "  static methods:"sv));
            ErrorOr<void> appended {};
            map_for_each(methods, [&](Value key, Value) {
                appended = text.try_appendff(" {}", text_of(key));
                return !appended.is_error();
            });
            TRY(appended);
            TRY(text.try_append("\n"sv));
        }
        break;
    }
    case ObjectKind::String:
        TRY(text.try_appendff(
            "String, {} bytes of text, {} bytes\n  ", text_of(value).length(), size_of(value)));
        TRY(append_short(vm, text, value));
        TRY(text.try_append("\n"sv));
        break;
    default: {
        TRY(text.try_appendff("{} ", vm.class_name_of(value)));
        if (object->kind == ObjectKind::Array)
            TRY(text.try_appendff("of {} elements, ", array_length(value)));
        else if (object->kind == ObjectKind::Map)
            TRY(text.try_appendff("of {} entries, ", map_size(value)));
        else if (object->kind == ObjectKind::Instance)
            TRY(text.try_appendff(
                "instance, {} field{}, ", object->slot_count, object->slot_count == 1 ? ""sv : "s"sv));
        TRY(text.try_appendff("{} bytes\n", size_of(value)));
        auto children = TRY(children_of(vm, keep.value()));
        Handle keep_children(vm.heap(), children);
        for (u32 i = 0; i < array_length(children); ++i) {
            Value pair = array_elements(keep_children.value())[i];
            TRY(text.try_appendff("  {} = ", text_of(array_elements(pair)[0])));
            TRY(append_short(vm, text, array_elements(pair)[1]));
            TRY(text.try_append("\n"sv));
        }
        break;
    }
    }
    return text.to_string();
}

} // namespace VM::World
