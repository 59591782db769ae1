// KeyNames: alias table and the US layout used to type text.
#include <tests/system/harness/KeyNames.h>

#include <QHash>

namespace SystemTest {

static QString canonical_qcode(QString const& name)
{
    // Aliases for names people write; anything else is passed to QEMU as a qcode, and QEMU
    // rejects an unknown one with an error that the harness quotes.
    static QHash<QString, QString> const aliases {
        {QStringLiteral("control"), QStringLiteral("ctrl")},
        {QStringLiteral("ctrl_l"), QStringLiteral("ctrl")},
        {QStringLiteral("alt_l"), QStringLiteral("alt")},
        {QStringLiteral("altgr"), QStringLiteral("alt_r")},
        {QStringLiteral("shift_l"), QStringLiteral("shift")},
        {QStringLiteral("del"), QStringLiteral("delete")},
        {QStringLiteral("enter"), QStringLiteral("ret")},
        {QStringLiteral("return"), QStringLiteral("ret")},
        {QStringLiteral("space"), QStringLiteral("spc")},
        {QStringLiteral("escape"), QStringLiteral("esc")},
        {QStringLiteral("win"), QStringLiteral("meta_l")},
        {QStringLiteral("super"), QStringLiteral("meta_l")},
        {QStringLiteral("meta"), QStringLiteral("meta_l")},
        {QStringLiteral("pageup"), QStringLiteral("pgup")},
        {QStringLiteral("pagedown"), QStringLiteral("pgdn")},
        {QStringLiteral("ins"), QStringLiteral("insert")},
        {QStringLiteral("capslock"), QStringLiteral("caps_lock")},
        {QStringLiteral("period"), QStringLiteral("dot")},
        {QStringLiteral("backtick"), QStringLiteral("grave_accent")},
    };
    QString const lower = name.toLower();
    return aliases.value(lower, lower);
}

std::optional<QStringList> qcodes_for_combination(QString const& combination, QString* error)
{
    // "ctrl-minus" is how the '-' key itself is named, so splitting on '-' is unambiguous.
    QStringList const names = combination.split(QLatin1Char('-'));
    QStringList qcodes;
    for (auto const& name : names) {
        if (name.trimmed().isEmpty()) {
            if (error)
                *error
                    = QStringLiteral("the key combination '%1' has an empty key name (write '-' as 'minus')")
                          .arg(combination);
            return std::nullopt;
        }
        qcodes.append(canonical_qcode(name.trimmed()));
    }
    return qcodes;
}

std::optional<TypedKey> key_for_character(QChar character)
{
    char16_t const c = character.unicode();
    if (c >= u'a' && c <= u'z')
        return TypedKey {QString(character), false};
    if (c >= u'A' && c <= u'Z')
        return TypedKey {QString(character.toLower()), true};
    if (c >= u'0' && c <= u'9')
        return TypedKey {QString(character), false};

    struct Symbol {
        char16_t character;
        char const* qcode;
        bool shift;
    };
    static constexpr Symbol symbols[] = {
        {u' ', "spc", false},
        {u'\n', "ret", false},
        {u'\t', "tab", false},
        {u'\b', "backspace", false},
        {u'-', "minus", false},
        {u'_', "minus", true},
        {u'=', "equal", false},
        {u'+', "equal", true},
        {u'[', "bracket_left", false},
        {u'{', "bracket_left", true},
        {u']', "bracket_right", false},
        {u'}', "bracket_right", true},
        {u';', "semicolon", false},
        {u':', "semicolon", true},
        {u'\'', "apostrophe", false},
        {u'"', "apostrophe", true},
        {u'`', "grave_accent", false},
        {u'~', "grave_accent", true},
        {u'\\', "backslash", false},
        {u'|', "backslash", true},
        {u',', "comma", false},
        {u'<', "comma", true},
        {u'.', "dot", false},
        {u'>', "dot", true},
        {u'/', "slash", false},
        {u'?', "slash", true},
        {u'!', "1", true},
        {u'@', "2", true},
        {u'#', "3", true},
        {u'$', "4", true},
        {u'%', "5", true},
        {u'^', "6", true},
        {u'&', "7", true},
        {u'*', "8", true},
        {u'(', "9", true},
        {u')', "0", true},
    };
    for (auto const& symbol : symbols) {
        if (symbol.character == c)
            return TypedKey {QString::fromLatin1(symbol.qcode), symbol.shift};
    }
    return std::nullopt;
}

} // namespace SystemTest
