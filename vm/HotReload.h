/*
 * vm/HotReload.h: replaces a loaded class with a new version of it, in a running VM.
 *
 *     auto report = TRY(reload(vm, new_image, ReloadMode::DryRun));   // what would change
 *     report = TRY(reload(vm, new_image, ReloadMode::Apply));          // do it
 *
 * Everything is checked before anything changes (the image is verified, the class must be
 * loaded, its superclass may not change, fields may not repeat inherited ones), and every
 * object the change needs is allocated before the first pointer is switched, so a failure
 * leaves the VM as it was. Applying it:
 *   - the class object stays the same object (instances, globals and subclasses keep pointing
 *     at it); its methods, fields and source file are replaced and its version is bumped;
 *   - when the field layout changes, every instance of the class and of its subclasses is
 *     migrated: fields copied by name, new fields nil, removed ones dropped; if the new class
 *     has an instance method `migrate` taking one argument, it then runs on each migrated
 *     instance with the old state as argument (an object of a copy of the old class, so
 *     `old.field` reads the old fields);
 *   - frames already running keep their old Method objects (which stay alive while
 *     referenced) and finish in the old code; every inline cache is invalidated.
 * Run it while no VM thread is inside the interpreter (between run() calls or at a
 * safepoint): migration rewrites references in the heap, including in thread stacks.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/String.h>
#include <base/Vector.h>
#include <vm/ClassImage.h>

namespace VM {

class VirtualMachine;

enum class ReloadMode : u8 {
    DryRun, // report what would change, change nothing
    Apply,
};

struct ReloadReport {
    String class_name;
    // Method names; static methods are listed as "static name".
    Vector<String> added_methods;
    Vector<String> removed_methods;
    Vector<String> changed_methods;
    Vector<String> added_fields;
    Vector<String> removed_fields;
    // The class's own fields changed (names or order): its and its subclasses' instances move.
    bool layout_changed {false};
    u64 instances_to_migrate {0};
    u64 instances_migrated {0};
    // The new version defines migrate(old), run once per migrated instance.
    bool has_migrate_method {false};
    // migrate() calls that ended in an exception (the instance keeps its copied fields).
    u64 failed_migrations {0};

    [[nodiscard]] bool changes_anything() const
    {
        return !added_methods.is_empty() || !removed_methods.is_empty() || !changed_methods.is_empty()
            || layout_changed;
    }
};

// Loads `image` as the new version of the class of the same name. On error, `message` (if
// given) receives a sentence naming the class and the rule, and nothing has changed.
ErrorOr<ReloadReport> reload(VirtualMachine&, ClassImage const& image, ReloadMode, String* message = nullptr);

// A few lines describing a report ("Point: 1 method added (norm), 2 instances migrated, ...").
ErrorOr<String> describe(ReloadReport const&);

} // namespace VM
