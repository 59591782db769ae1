// KeyNames: turning readable key names and text into QEMU qcodes for input-send-event.
//
// A key combination is written like QEMU's own `sendkey`: names joined by '-', pressed in
// order and released in reverse, e.g. "ctrl-alt-delete", "shift-a", "ret", "f1". Names are
// QEMU qcodes (QKeyCode in QEMU's qapi/ui.json) plus friendly aliases ("enter", "space",
// "escape", "control", "win", ...). Text is mapped with a US keyboard layout.
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace SystemTest {

// The qcodes of a combination, in press order; error() explains a malformed one.
std::optional<QStringList> qcodes_for_combination(QString const& combination, QString* error = nullptr);

struct TypedKey {
    QString qcode;
    bool shift {false};
};

// The key that types `character` on a US layout, or nothing for characters it cannot type.
std::optional<TypedKey> key_for_character(QChar character);

} // namespace SystemTest
