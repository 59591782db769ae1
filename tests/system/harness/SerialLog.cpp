// SerialLog: incremental reading and line splitting of the COM1 capture file.
#include <tests/system/harness/SerialLog.h>

#include <QFile>

namespace SystemTest {

static QString decode_line(QByteArray line)
{
    // The kernel writes "\n" or "\r\n"; firmware may write stray NULs. Neither belongs in
    // the text a test matches against.
    line.replace('\r', QByteArray());
    line.replace('\0', QByteArray());
    return QString::fromUtf8(line);
}

void SerialLog::refresh()
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return;
    if (file.size() < m_offset) {
        // The file was truncated (never by QEMU, but a reused path could be); start over.
        m_offset = 0;
        m_partial.clear();
        m_lines.clear();
    }
    if (!file.seek(m_offset))
        return;
    QByteArray const fresh = file.readAll();
    m_offset += fresh.size();
    m_partial += fresh;

    qsizetype start = 0;
    for (;;) {
        qsizetype const newline = m_partial.indexOf('\n', start);
        if (newline < 0)
            break;
        m_lines.append(decode_line(m_partial.mid(start, newline - start)));
        start = newline + 1;
    }
    m_partial.remove(0, start);
}

void SerialLog::finish()
{
    refresh();
    if (!m_partial.isEmpty()) {
        m_lines.append(decode_line(m_partial));
        m_partial.clear();
    }
}

QString SerialLog::text() const
{
    QString text = m_lines.join(QLatin1Char('\n'));
    if (!m_lines.isEmpty())
        text += QLatin1Char('\n');
    return text + decode_line(m_partial);
}

QStringList SerialLog::tail(int count) const
{
    QStringList result = m_lines.mid(qMax<qsizetype>(0, m_lines.size() - count));
    if (!m_partial.isEmpty())
        result.append(decode_line(m_partial) + QStringLiteral("  [no newline yet]"));
    return result;
}

std::optional<SerialMatch> SerialLog::find(QRegularExpression const& pattern, int first_line) const
{
    for (int index = qMax(0, first_line); index < m_lines.size(); ++index) {
        QRegularExpressionMatch match = pattern.match(m_lines[index]);
        if (match.hasMatch())
            return SerialMatch {index, m_lines[index], match};
    }
    return std::nullopt;
}

} // namespace SystemTest
