/*
 * vm/HotReload.cpp: reload(), replacing a loaded class by a new version (see HotReload.h).
 *
 * The new version is loaded by the ordinary loader under a temporary name, so it is verified
 * and built exactly as a first load would build it; its methods and field layout are then
 * moved into the existing class object. Instances whose layout changes are copied into new
 * objects and every reference to the old ones is rewritten in one walk of the heap (the heap
 * never moves objects, and an object cannot grow in place).
 */
#include <vm/Collections.h>
#include <vm/HotReload.h>
#include <vm/Verifier.h>
#include <vm/VirtualMachine.h>

namespace VM {

namespace {

    constexpr StringView migrator_class_name = "$HotReloadMigrator"sv;
    constexpr StringView migrator_new_global = "$hotReloadNew"sv;
    constexpr StringView migrator_old_global = "$hotReloadOld"sv;
    // Function constants nest; deeper than this a method simply counts as changed.
    constexpr u32 comparison_depth_limit = 8;

    template<typename... Ts>
    Error reload_error(String* message, ErrorCode code, StringView summary, CheckedFormatString<Ts...> format,
        Ts const&... arguments)
    {
        if (message) {
            auto text = String::formatted(format, arguments...);
            if (!text.is_error())
                *message = text.release_value();
        }
        return Error::with_message(code, summary);
    }

    // The values a reload holds in C++ while it allocates, reported to the collector.
    class ReloadRoots final : public RootScanner {
    public:
        void scan_roots(RootVisitor& visitor) override
        {
            for (auto* list :
                {&kept, &classes, &old_fields, &new_fields, &new_types, &snapshots, &new_instances}) {
                for (auto& value : *list)
                    visitor.visit(value);
            }
            // While references to old instances are rewritten, this list must keep naming them.
            if (!hiding_old_instances) {
                for (auto& value : old_instances)
                    visitor.visit(value);
            }
        }

        Vector<Value> kept;
        Vector<Value> classes; // the reloaded class first, then its subclasses, parents first
        Vector<Value> old_fields;
        Vector<Value> new_fields;
        Vector<Value> new_types;
        Vector<Value> snapshots;
        Vector<Value> old_instances; // in address order (heap walk order)
        Vector<Value> new_instances;
        bool hiding_old_instances {false};
    };

    class ScannerRegistration {
    public:
        ScannerRegistration(Heap& heap, RootScanner& scanner)
            : m_heap(heap)
            , m_scanner(scanner)
        { }
        ~ScannerRegistration() { m_heap.remove_root_scanner(m_scanner); }

    private:
        Heap& m_heap;
        RootScanner& m_scanner;
    };

    Value class_slot(Value klass, u32 slot) { return klass.as_object()->slots()[slot]; }

    StringView class_name(Value klass) { return text_of(class_slot(klass, ClassSlot::name)); }

    bool same_bytes(void const* left, void const* right, usize size)
    {
        return __builtin_memcmp(left, right, size) == 0;
    }

    // Loads (once per VM) a class whose static run() sends migrate(old) to new, both taken from
    // globals: the VM calls static methods from outside without arguments.
    ErrorOr<void> ensure_migrator(VirtualMachine& vm)
    {
        if (!vm.find_class(migrator_class_name).is_nil())
            return {};
        MethodBuilder builder;
        auto new_name = TRY(builder.add_name(migrator_new_global));
        auto old_name = TRY(builder.add_name(migrator_old_global));
        auto migrate_name = TRY(builder.add_name("migrate"sv));
        TRY(builder.emit_name(Opcode::LoadGlobal, new_name));
        TRY(builder.emit_name(Opcode::LoadGlobal, old_name));
        TRY(builder.emit_send(Opcode::Send, migrate_name, 1));
        TRY(builder.emit(Opcode::Pop));
        TRY(builder.emit(Opcode::ReturnNil));
        ClassImage migrator;
        migrator.name = TRY(String::from_view(migrator_class_name));
        TRY(migrator.methods.try_append(TRY(builder.finish("run"sv, MethodKind::Static, 0))));
        ProgramImage program;
        TRY(program.classes.try_append(move(migrator)));
        TRY(vm.load(program));
        return {};
    }

    class ReloadPlan {
    public:
        ReloadPlan(VirtualMachine& vm, ReloadRoots& roots, ClassImage const& image, String* message)
            : m_vm(vm)
            , m_heap(vm.heap())
            , m_roots(roots)
            , m_image(image)
            , m_message(message)
        { }

        i64 version() const { return class_slot(m_class, ClassSlot::version).as_integer(); }

        ErrorOr<void> check();
        ErrorOr<void> compare(ReloadReport&);
        ErrorOr<void> prepare(Value staged);
        void commit(Value staged, ReloadReport&);
        ErrorOr<void> run_migrate_methods(ReloadReport&);

    private:
        u32 inherited_field_count(Value klass) const
        {
            Value superclass = class_slot(klass, ClassSlot::superclass);
            return superclass.is_nil() ? 0
                                       : class_slot(superclass, ClassSlot::fields).as_object()->slot_count;
        }
        ErrorOr<void> compare_methods(ReloadReport&);
        bool same_method(ObjectHeader* old_method, MethodImage const& image, u32 depth) const;
        bool same_constant(Value old_value, Constant const& constant, u32 depth) const;

        VirtualMachine& m_vm;
        Heap& m_heap;
        ReloadRoots& m_roots;
        ClassImage const& m_image;
        String* m_message;
        Value m_class;
        Vector<u32> m_instance_class; // index into m_roots.classes per old instance
        bool m_layout_changed {false};
    };

    ErrorOr<void> ReloadPlan::check()
    {
        StringView name = m_image.name;
        TRY(verify_class(m_image, m_message));
        m_class = m_vm.find_class(name);
        if (!is_kind(m_class, ObjectKind::Class))
            return reload_error(m_message, ErrorCode::NotFound, "the class to reload is not loaded"sv,
                "class {} is not loaded, so there is nothing to reload (load it first)", name);
        TRY(m_roots.kept.try_append(m_class));
        for (u8 which = 0; which < builtin_class_count; ++which) {
            if (m_vm.builtin_class(static_cast<BuiltinClass>(which)) == m_class)
                return reload_error(m_message, ErrorCode::Unsupported,
                    "built-in classes cannot be reloaded"sv,
                    "class {} is built into the VM and cannot be reloaded", name);
        }
        if (name.starts_with("$"sv) || name == migrator_class_name)
            return reload_error(m_message, ErrorCode::Unsupported, "this class cannot be reloaded"sv,
                "class {} belongs to the VM and cannot be reloaded", name);
        Value superclass = class_slot(m_class, ClassSlot::superclass);
        StringView current_super = superclass.is_nil() ? ""sv : class_name(superclass);
        StringView wanted_super
            = m_image.superclass_name.is_empty() ? "Object"sv : m_image.superclass_name.view();
        if (current_super != wanted_super)
            return reload_error(m_message, ErrorCode::Unsupported, "hot reload cannot change a superclass"sv,
                "class {}: the new version inherits from {} but the loaded one from {}; hot reload keeps the "
                "superclass (restart the program to change it)",
                name, wanted_super, current_super);

        // Field names: not inherited, not repeated.
        auto* inherited = class_slot(superclass, ClassSlot::fields).as_object();
        for (usize i = 0; i < m_image.fields.size(); ++i) {
            StringView field = m_image.fields[i].name;
            for (u32 j = 0; j < inherited->slot_count; ++j) {
                if (text_of(inherited->slots()[j]) == field)
                    return reload_error(m_message, ErrorCode::AlreadyExists,
                        "a field repeats an inherited field"sv,
                        "class {}: field {} is already defined by a superclass", name, field);
            }
            for (usize k = 0; k < i; ++k) {
                if (m_image.fields[k].name == m_image.fields[i].name)
                    return reload_error(m_message, ErrorCode::AlreadyExists, "a field is declared twice"sv,
                        "class {}: field {} is declared twice", name, field);
            }
        }

        // The subclasses (their instances carry this class's fields first), parents before children.
        TRY(m_roots.classes.try_append(m_class));
        Vector<Value> found;
        bool out_of_memory = false;
        m_heap.for_each_object([&](ObjectHeader* object) {
            if (object->kind != ObjectKind::Class || object->as_value() == m_class)
                return;
            for (Value parent = object->slots()[ClassSlot::superclass]; parent.is_object();
                 parent = class_slot(parent, ClassSlot::superclass)) {
                if (parent == m_class) {
                    out_of_memory = out_of_memory || found.try_append(object->as_value()).is_error();
                    return;
                }
            }
        });
        if (out_of_memory)
            return Error(ErrorCode::OutOfMemory);
        // A class can only be added once its parent is in the list; snapshot classes (copies made
        // by earlier reloads) have no place in the hierarchy and are skipped this way too.
        for (bool progress = true; progress;) {
            progress = false;
            for (auto& candidate : found) {
                if (candidate.is_nil())
                    continue;
                Value parent = class_slot(candidate, ClassSlot::superclass);
                for (auto listed : m_roots.classes) {
                    if (listed == parent && m_vm.find_class(class_name(candidate)) == candidate) {
                        TRY(m_roots.classes.try_append(candidate));
                        candidate = Value::nil();
                        progress = true;
                        break;
                    }
                }
            }
        }
        for (usize i = 1; i < m_roots.classes.size(); ++i) {
            Value subclass = m_roots.classes[i];
            auto* fields = class_slot(subclass, ClassSlot::fields).as_object();
            for (u32 j = inherited_field_count(subclass); j < fields->slot_count; ++j) {
                for (auto const& field : m_image.fields) {
                    if (text_of(fields->slots()[j]) == field.name.view())
                        return reload_error(m_message, ErrorCode::AlreadyExists,
                            "a new field is already defined by a subclass"sv,
                            "class {}: new field {} is already defined by its subclass {}", name,
                            field.name.view(), class_name(subclass));
                }
            }
        }
        return {};
    }

    ErrorOr<void> ReloadPlan::compare(ReloadReport& report)
    {
        auto* old_fields = class_slot(m_class, ClassSlot::fields).as_object();
        u32 first_own = inherited_field_count(m_class);
        u32 old_own_count = old_fields->slot_count - first_own;
        m_layout_changed = old_own_count != m_image.fields.size();
        for (u32 i = 0; i < old_own_count; ++i) {
            StringView old_name = text_of(old_fields->slots()[first_own + i]);
            bool kept = false;
            for (usize j = 0; j < m_image.fields.size(); ++j) {
                if (m_image.fields[j].name.view() == old_name) {
                    kept = true;
                    m_layout_changed = m_layout_changed || j != i;
                }
            }
            if (!kept) {
                TRY(report.removed_fields.try_append(TRY(String::from_view(old_name))));
                m_layout_changed = true;
            }
        }
        for (auto const& field : m_image.fields) {
            bool existed = false;
            for (u32 i = 0; i < old_own_count; ++i)
                existed = existed || text_of(old_fields->slots()[first_own + i]) == field.name.view();
            if (!existed)
                TRY(report.added_fields.try_append(field.name));
        }
        report.layout_changed = m_layout_changed;
        TRY(compare_methods(report));

        if (m_layout_changed) {
            m_heap.for_each_object([&](ObjectHeader* object) {
                if (object->kind != ObjectKind::Instance)
                    return;
                for (auto klass : m_roots.classes) {
                    if (object->klass == klass) {
                        report.instances_to_migrate++;
                        return;
                    }
                }
            });
        }
        return {};
    }

    ErrorOr<void> ReloadPlan::compare_methods(ReloadReport& report)
    {
        auto display_name = [](StringView name, bool is_static) -> ErrorOr<String> {
            if (is_static)
                return String::formatted("static {}", name);
            return String::from_view(name);
        };
        for (auto const& method : m_image.methods) {
            bool is_static = method.kind == MethodKind::Static;
            if (!is_static && method.name == "migrate"sv && method.parameter_count == 1)
                report.has_migrate_method = true;
            Value map = class_slot(m_class, is_static ? ClassSlot::static_methods : ClassSlot::methods);
            Optional<Value> old_method;
            map_for_each(map, [&](Value key, Value value) {
                if (text_of(key) != method.name.view())
                    return true;
                old_method = value;
                return false;
            });
            if (!old_method.has_value())
                TRY(report.added_methods.try_append(TRY(display_name(method.name, is_static))));
            else if (!same_method(old_method->as_object(), method, 0))
                TRY(report.changed_methods.try_append(TRY(display_name(method.name, is_static))));
        }
        for (u32 slot : {ClassSlot::methods, ClassSlot::static_methods}) {
            bool is_static = slot == ClassSlot::static_methods;
            ErrorOr<void> result {};
            map_for_each(class_slot(m_class, slot), [&](Value key, Value) {
                for (auto const& method : m_image.methods) {
                    if ((method.kind == MethodKind::Static) == is_static
                        && method.name.view() == text_of(key))
                        return true;
                }
                auto name = display_name(text_of(key), is_static);
                result = name.is_error() ? ErrorOr<void>(name.release_error())
                                         : report.removed_methods.try_append(name.release_value());
                return !result.is_error();
            });
            TRY(result);
        }
        return {};
    }

    bool ReloadPlan::same_constant(Value old_value, Constant const& constant, u32 depth) const
    {
        switch (constant.kind) {
        case ConstantKind::Integer:
            return old_value.is_integer() && old_value.as_integer() == constant.integer;
        case ConstantKind::Float: {
            if (!is_kind(old_value, ObjectKind::Float))
                return false;
            double old_float = float_of(old_value);
            return same_bytes(&old_float, &constant.floating, sizeof(double));
        }
        case ConstantKind::String:
            return is_kind(old_value, ObjectKind::String) && text_of(old_value) == constant.text.view();
        case ConstantKind::Name:
        case ConstantKind::ClassName:
            return is_kind(old_value, ObjectKind::Symbol) && text_of(old_value) == constant.text.view();
        case ConstantKind::Function:
            return is_kind(old_value, ObjectKind::Method)
                && constant.function_index < m_image.functions.size()
                && same_method(old_value.as_object(), m_image.functions[constant.function_index], depth + 1);
        }
        return false;
    }

    bool ReloadPlan::same_method(ObjectHeader* old_method, MethodImage const& image, u32 depth) const
    {
        if (depth > comparison_depth_limit)
            return false;
        auto const& header = method_header(old_method);
        if (header.native_index >= 0 || header.kind != static_cast<u8>(image.kind)
            || header.parameter_count != image.parameter_count || header.local_count != image.local_count
            || header.code_size != image.code.size() || header.line_count != image.lines.size()
            || header.handler_count != image.handlers.size() || header.capture_count != image.captures.size())
            return false;
        // The loader writes cache numbers into its copy of the code: those bytes do not count.
        u8 const* old_code = method_code(old_method);
        u8 const* new_code = image.code.data();
        for (u32 offset = 0; offset < header.code_size;) {
            auto opcode = static_cast<Opcode>(new_code[offset]);
            u32 size = instruction_size(opcode);
            u32 cache_at = 0;
            switch (opcode_info(opcode).layout) {
            case OperandLayout::NameCache:
                cache_at = 1 + OperandOffset::name_cache;
                break;
            case OperandLayout::Send:
                cache_at = 1 + OperandOffset::send_cache;
                break;
            case OperandLayout::Static:
                cache_at = 1 + OperandOffset::static_cache;
                break;
            default:
                break;
            }
            for (u32 byte = 0; byte < size; ++byte) {
                bool is_cache_number = cache_at && (byte == cache_at || byte == cache_at + 1);
                if (!is_cache_number && old_code[offset + byte] != new_code[offset + byte])
                    return false;
            }
            offset += size;
        }
        for (u32 i = 0; i < header.line_count; ++i) {
            auto const& old_line = method_lines(old_method)[i];
            auto const& new_line = image.lines[i];
            if (old_line.offset != new_line.offset || old_line.line != new_line.line
                || old_line.column != new_line.column)
                return false;
        }
        for (u32 i = 0; i < header.handler_count; ++i) {
            auto const& old_handler = method_handlers(old_method)[i];
            auto const& new_handler = image.handlers[i];
            if (old_handler.start != new_handler.start || old_handler.end != new_handler.end
                || old_handler.handler != new_handler.handler
                || old_handler.stack_depth != new_handler.stack_depth)
                return false;
            Value catch_class = old_method->slots()[MethodSlot::catch_classes].as_object()->slots()[i];
            StringView old_catch = catch_class.is_nil() ? ""sv : text_of(catch_class);
            if (old_catch != new_handler.catch_class.view())
                return false;
        }
        for (u32 i = 0; i < header.capture_count; ++i) {
            auto const& old_capture = method_captures(old_method)[i];
            if (old_capture.source != static_cast<u16>(image.captures[i].source)
                || old_capture.index != image.captures[i].index)
                return false;
        }
        auto* constants = old_method->slots()[MethodSlot::constants].as_object();
        if (constants->slot_count != image.constants.size())
            return false;
        for (u32 i = 0; i < constants->slot_count; ++i) {
            if (!same_constant(constants->slots()[i], image.constants[i], depth))
                return false;
        }
        return true;
    }

    ErrorOr<void> ReloadPlan::prepare(Value staged)
    {
        if (!m_layout_changed)
            return {};
        Value raw_class = m_vm.builtin_class(BuiltinClass::Raw);
        for (usize i = 0; i < m_roots.classes.size(); ++i) {
            Value klass = m_roots.classes[i];
            TRY(m_roots.old_fields.try_append(class_slot(klass, ClassSlot::fields)));
            if (i == 0) {
                TRY(m_roots.new_fields.try_append(class_slot(staged, ClassSlot::fields)));
                TRY(m_roots.new_types.try_append(class_slot(staged, ClassSlot::field_types)));
            } else {
                // Inherited part from the parent's new layout, then the subclass's own fields.
                usize parent = 0;
                while (m_roots.classes[parent] != class_slot(klass, ClassSlot::superclass))
                    ++parent;
                auto* parent_fields = m_roots.new_fields[parent].as_object();
                u32 own_start = inherited_field_count(klass);
                u32 own_count = class_slot(klass, ClassSlot::fields).as_object()->slot_count - own_start;
                u32 total = parent_fields->slot_count + own_count;
                auto* fields = TRY(m_heap.allocate(raw_class, ObjectKind::Raw, total, 0));
                TRY(m_roots.new_fields.try_append(fields->as_value()));
                auto* types = TRY(m_heap.allocate(raw_class, ObjectKind::Raw, total, 0));
                TRY(m_roots.new_types.try_append(types->as_value()));
                parent_fields = m_roots.new_fields[parent].as_object();
                auto* parent_types = m_roots.new_types[parent].as_object();
                auto* old_fields = class_slot(klass, ClassSlot::fields).as_object();
                auto* old_types = class_slot(klass, ClassSlot::field_types).as_object();
                for (u32 j = 0; j < parent_fields->slot_count; ++j) {
                    m_heap.write(fields, j, parent_fields->slots()[j]);
                    m_heap.write(types, j, parent_types->slots()[j]);
                }
                for (u32 j = 0; j < own_count; ++j) {
                    m_heap.write(fields, parent_fields->slot_count + j, old_fields->slots()[own_start + j]);
                    m_heap.write(types, parent_fields->slot_count + j, old_types->slots()[own_start + j]);
                }
            }
            // A copy of the class as it is now: migrate(old) reads the old fields through it.
            auto* current = klass.as_object();
            auto* snapshot = TRY(
                m_heap.allocate(current->klass, ObjectKind::Class, current->slot_count, current->byte_count));
            current = m_roots.classes[i].as_object();
            for (u32 j = 0; j < current->slot_count; ++j)
                m_heap.write(snapshot, j, current->slots()[j]);
            __builtin_memcpy(snapshot->bytes(), current->bytes(), current->byte_count);
            TRY(m_roots.snapshots.try_append(snapshot->as_value()));
        }

        bool out_of_memory = false;
        m_heap.for_each_object([&](ObjectHeader* object) {
            if (object->kind != ObjectKind::Instance)
                return;
            for (u32 i = 0; i < m_roots.classes.size(); ++i) {
                if (object->klass == m_roots.classes[i]) {
                    out_of_memory = out_of_memory
                        || m_roots.old_instances.try_append(object->as_value()).is_error()
                        || m_instance_class.try_append(i).is_error();
                    return;
                }
            }
        });
        if (out_of_memory)
            return Error(ErrorCode::OutOfMemory);
        for (usize i = 0; i < m_roots.old_instances.size(); ++i) {
            u32 class_index = m_instance_class[i];
            u32 field_count = m_roots.new_fields[class_index].as_object()->slot_count;
            u32 byte_count = m_roots.old_instances[i].as_object()->byte_count;
            auto* instance = TRY(
                m_heap.allocate(m_roots.classes[class_index], ObjectKind::Instance, field_count, byte_count));
            TRY(m_roots.new_instances.try_append(instance->as_value()));
        }
        return {};
    }

    void ReloadPlan::commit(Value staged, ReloadReport& report)
    {
        auto* target = m_class.as_object();
        auto* source = staged.as_object();
        for (u32 slot : {ClassSlot::methods, ClassSlot::static_methods, ClassSlot::fields,
                 ClassSlot::field_types, ClassSlot::source_file})
            m_heap.write(target, slot, source->slots()[slot]);
        m_heap.write(target, ClassSlot::version, Value::integer(version() + 1));
        // The new methods (and closure bodies) were made for the staged class.
        m_heap.for_each_object([&](ObjectHeader* object) {
            if (object->kind == ObjectKind::Method && object->slots()[MethodSlot::owner] == staged)
                m_heap.write(object, MethodSlot::owner, m_class);
        });
        if (!m_layout_changed)
            return;
        for (usize i = 1; i < m_roots.classes.size(); ++i) {
            auto* subclass = m_roots.classes[i].as_object();
            m_heap.write(subclass, ClassSlot::fields, m_roots.new_fields[i]);
            m_heap.write(subclass, ClassSlot::field_types, m_roots.new_types[i]);
            m_heap.write(subclass, ClassSlot::version,
                Value::integer(subclass->slots()[ClassSlot::version].as_integer() + 1));
        }
        // Copy fields by name; new ones stay nil.
        for (usize i = 0; i < m_roots.old_instances.size(); ++i) {
            u32 class_index = m_instance_class[i];
            auto* old_instance = m_roots.old_instances[i].as_object();
            auto* new_instance = m_roots.new_instances[i].as_object();
            auto* old_fields = m_roots.old_fields[class_index].as_object();
            auto* new_fields = m_roots.new_fields[class_index].as_object();
            for (u32 j = 0; j < new_fields->slot_count; ++j) {
                for (u32 k = 0; k < old_fields->slot_count && k < old_instance->slot_count; ++k) {
                    if (old_fields->slots()[k] == new_fields->slots()[j]) {
                        m_heap.write(new_instance, j, old_instance->slots()[k]);
                        break;
                    }
                }
            }
            __builtin_memcpy(new_instance->bytes(), old_instance->bytes(), old_instance->byte_count);
            new_instance->flags = old_instance->flags;
        }
        // Every reference to an old instance (fields, stacks, globals, roots) now names the new one.
        m_roots.hiding_old_instances = true;
        m_heap.replace_references(m_roots.old_instances.span(), m_roots.new_instances.span());
        m_roots.hiding_old_instances = false;
        for (usize i = 0; i < m_roots.old_instances.size(); ++i)
            m_heap.write_class(m_roots.old_instances[i].as_object(), m_roots.snapshots[m_instance_class[i]]);
        report.instances_migrated = m_roots.old_instances.size();
    }

    ErrorOr<void> ReloadPlan::run_migrate_methods(ReloadReport& report)
    {
        if (m_roots.new_instances.is_empty())
            return {};
        Value selector = m_vm.find_symbol("migrate"sv);
        if (selector.is_nil())
            return {};
        auto new_global = TRY(m_vm.intern(migrator_new_global));
        TRY(m_roots.kept.try_append(new_global));
        auto old_global = TRY(m_vm.intern(migrator_old_global));
        TRY(m_roots.kept.try_append(old_global));
        for (usize i = 0; i < m_roots.new_instances.size(); ++i) {
            Value instance = m_roots.new_instances[i];
            Value method = m_vm.lookup_method(instance.as_object()->klass, selector);
            if (!is_kind(method, ObjectKind::Method)
                || method_header(method.as_object()).parameter_count != 1)
                continue;
            TRY(m_vm.set_global(new_global, instance));
            TRY(m_vm.set_global(old_global, m_roots.old_instances[i]));
            if (m_vm.call_static(migrator_class_name, "run"sv).is_error())
                report.failed_migrations++;
        }
        TRY(m_vm.set_global(new_global, Value::nil()));
        TRY(m_vm.set_global(old_global, Value::nil()));
        return {};
    }

} // namespace

ErrorOr<ReloadReport> reload(VirtualMachine& vm, ClassImage const& image, ReloadMode mode, String* message)
{
    Heap& heap = vm.heap();
    ReloadRoots roots;
    TRY(heap.add_root_scanner(roots));
    ScannerRegistration registration(heap, roots);

    ReloadReport report;
    report.class_name = TRY(String::from_view(image.name));
    ReloadPlan plan(vm, roots, image, message);
    TRY(plan.check());
    TRY(plan.compare(report));
    if (mode == ReloadMode::DryRun)
        return report;

    // Build the new version under a temporary name with the ordinary loader.
    ClassImage renamed = image;
    u64 attempt = 0;
    do {
        renamed.name
            = TRY(String::formatted("$reload:{}:{}", image.name.view(), plan.version() + 1 + attempt++));
    } while (!vm.find_class(renamed.name).is_nil());
    ProgramImage program;
    TRY(program.classes.try_append(move(renamed)));
    TRY(vm.load(program, message));
    StringView loaded_name = program.classes[0].name;
    Value staged = vm.find_class(loaded_name);
    VERIFY(staged.is_object());
    TRY(roots.kept.try_append(staged));
    if (report.layout_changed || report.has_migrate_method)
        TRY(ensure_migrator(vm));

    // Everything that needs memory happens before the class changes.
    TRY(plan.prepare(staged));
    // No allocation from here until the class and its instances are switched.
    plan.commit(staged, report);
    vm.invalidate_caches();
    auto staged_symbol = vm.find_symbol(loaded_name);
    if (!staged_symbol.is_nil())
        (void)vm.set_global(staged_symbol, Value::nil());
    TRY(plan.run_migrate_methods(report));
    return report;
}

ErrorOr<String> describe(ReloadReport const& report)
{
    StringBuilder builder;
    auto list = [&](StringView what, Vector<String> const& names) -> ErrorOr<void> {
        if (names.is_empty())
            return {};
        TRY(builder.try_appendff("\n  {} {}:", names.size(), what));
        for (auto const& name : names)
            TRY(builder.try_appendff(" {}", name.view()));
        return {};
    };
    TRY(builder.try_appendff(
        "{}: {}", report.class_name.view(), report.changes_anything() ? "changes"sv : "no changes"sv));
    TRY(list("methods added"sv, report.added_methods));
    TRY(list("methods removed"sv, report.removed_methods));
    TRY(list("methods changed"sv, report.changed_methods));
    TRY(list("fields added"sv, report.added_fields));
    TRY(list("fields removed"sv, report.removed_fields));
    if (report.layout_changed)
        TRY(builder.try_appendff("\n  {} instances to migrate", report.instances_to_migrate));
    if (report.instances_migrated)
        TRY(builder.try_appendff("\n  {} instances migrated", report.instances_migrated));
    if (report.has_migrate_method)
        TRY(builder.try_appendff("\n  migrate(old) runs on each ({} failed)", report.failed_migrations));
    return builder.to_string();
}

} // namespace VM
