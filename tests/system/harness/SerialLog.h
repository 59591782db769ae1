// SerialLog: the guest's COM1 output, read incrementally from the file QEMU writes.
//
// QEMU appends every byte the kernel sends to COM1 to `-serial file:<path>`. refresh()
// reads what is new, splits it into lines (CR and NUL bytes dropped) and keeps an
// unterminated last line apart until its newline arrives, so a pattern never matches half
// a line. Once QEMU has exited, finish() turns that last fragment into a line too.
#pragma once

#include <QByteArray>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <optional>

namespace SystemTest {

struct SerialMatch {
    int line_index {-1};
    QString line;
    QRegularExpressionMatch match;
};

class SerialLog {
public:
    void set_path(QString const& path) { m_path = path; }
    QString const& path() const { return m_path; }

    // Reads what QEMU appended since the last call; a missing file is an empty log.
    void refresh();
    // Treats the unterminated tail as a complete line (QEMU has exited, nothing follows).
    void finish();

    QStringList const& lines() const { return m_lines; }
    QString text() const;
    // The last `count` lines (and the unterminated tail), for failure messages.
    QStringList tail(int count) const;

    // The first complete line at or after `first_line` that `pattern` matches.
    std::optional<SerialMatch> find(QRegularExpression const& pattern, int first_line = 0) const;

private:
    QString m_path;
    qint64 m_offset {0};
    QByteArray m_partial;
    QStringList m_lines;
};

} // namespace SystemTest
