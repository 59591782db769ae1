// shell/desktop/text.ph: the widgets that show and edit text and scroll it: ScrollBar,
// TextArea (multi-line, and the one-line text field), ListView. Part of the widget set of
// widgets.ph (which imports this file; import that one).

import "widgets.ph"

// A vertical scroll bar: `value` is the first visible unit of `total`, `page` units show.
class ScrollBar : Widget {
    var value = 0
    var total = 0
    var page = 1
    var onChange = nil
    var grabOffset = -1

    init(onChange) { this.onChange = onChange }
    fun preferredWidth() => 12
    fun needed() => total > page
    fun setRange(newValue, newTotal, newPage) {
        value = newValue
        total = newTotal
        page = larger(1, newPage)
    }
    fun thumbHeight() => larger(20, height * page / larger(1, total))
    fun thumbTop() {
        let room = height - thumbHeight()
        let range = larger(1, total - page)
        return y + room * clampTo(value, 0, range) / range
    }
    fun paint(g) {
        g.fillRect(x, y, width, height, 0xf1f3f6)
        if (!needed()) return
        g.fillRoundedRect(x + 2, thumbTop(), width - 4, thumbHeight(), 4, grabOffset >= 0 ? 0x8d96a5 : 0xb4bbc7)
    }
    fun scrollTo(newValue) {
        let next = clampTo(newValue, 0, larger(0, total - page))
        if (next == value) return
        value = next
        if (onChange != nil) onChange(value)
    }
    fun pointer(e) {
        if (!needed()) return
        if (e.type == "down") {
            let top = thumbTop()
            if (e.y >= top && e.y < top + thumbHeight()) {
                grabOffset = e.y - top
            } else {
                scrollTo(value + (e.y < top ? -page : page))
            }
            repaint()
        } else if (e.type == "move" && grabOffset >= 0) {
            let room = larger(1, height - thumbHeight())
            scrollTo((e.y - grabOffset - y) * larger(1, total - page) / room)
        } else if (e.type == "up") {
            grabOffset = -1
            repaint()
        }
    }
}

// Multi-line text with a cursor, a selection, the clipboard and scrolling; with `singleLine`
// it is a text field (Enter calls onSubmit). Text is kept as an array of lines.
class TextArea : Widget {
    var lines = [""]
    var row = 0
    var column = 0
    var anchorRow = -1       // the selection runs from the anchor to the cursor; -1: none
    var anchorColumn = 0
    var top = 0              // first line shown
    var left = 0             // first column shown (text fields scroll sideways)
    var singleLine = false
    var readOnly = false
    var dragging = false
    var face = "mono"
    var size = 13
    var onSubmit = nil
    var onChange = nil
    var bar = nil

    init(text) {
        setText(text)
        bar = ScrollBar(fun(value) { top = value; repaint() })
        bar.parent = this
    }
    fun focusable() => true
    fun children() => singleLine || !bar.needed() ? [] : [bar]
    fun preferredHeight() => fixedHeight > 0 ? fixedHeight : (singleLine ? lineHeight() + 12 : 120)
    fun charWidth() => Image.textWidth("M", face, size)
    fun lineHeight() => Image.lineHeight(face, size)
    fun text() => lines.join("\n")
    fun setText(value) {
        lines = value.split("\n")
        if (lines.length() == 0) lines = [""]
        row = 0
        column = 0
        anchorRow = -1
        top = 0
        left = 0
        repaint()
    }
    fun visibleRows() => larger(1, (height - 8) / lineHeight())
    fun visibleColumns() => larger(1, (width - 12 - (singleLine ? 0 : 12)) / charWidth())
    fun layout() {
        bar.place(x + width - 13, y + 1, 12, height - 2)
        updateBar()
    }
    fun updateBar() { bar.setRange(top, lines.length(), visibleRows()) }
    fun hasSelection() => anchorRow >= 0 && (anchorRow != row || anchorColumn != column)
    fun before(r1, c1, r2, c2) => r1 < r2 || (r1 == r2 && c1 < c2)
    // [startRow, startColumn, endRow, endColumn] of the selection.
    fun selection() {
        if (before(anchorRow, anchorColumn, row, column)) return [anchorRow, anchorColumn, row, column]
        return [row, column, anchorRow, anchorColumn]
    }
    fun selectedText() {
        if (!hasSelection()) return ""
        let s = selection()
        if (s[0] == s[2]) return lines[s[0]].substring(s[1], s[3])
        var parts = [lines[s[0]].substring(s[1])]
        for (r in (s[0] + 1)..<s[2]) parts.push(lines[r])
        parts.push(lines[s[2]].substring(0, s[3]))
        return parts.join("\n")
    }
    fun deleteSelection() {
        if (!hasSelection()) return
        let s = selection()
        let merged = lines[s[0]].substring(0, s[1]) + lines[s[2]].substring(s[3])
        var r = s[2]
        while (r > s[0]) {
            lines.removeAt(r)
            r -= 1
        }
        lines[s[0]] = merged
        row = s[0]
        column = s[1]
        anchorRow = -1
    }
    fun insert(text) {
        deleteSelection()
        anchorRow = -1
        let pieces = text.split("\n")
        let line = lines[row]
        let head = line.substring(0, column)
        let tail = line.substring(column)
        if (singleLine || pieces.length() == 1) {
            let joined = pieces.join(" ")
            lines[row] = head + joined + tail
            column += joined.length()
            return
        }
        lines[row] = head + pieces[0]
        for (i in 1..<pieces.length()) {
            row += 1
            lines.insert(row, pieces[i])
        }
        column = lines[row].length()
        lines[row] = lines[row] + tail
    }
    fun backspace() {
        if (hasSelection()) return deleteSelection()
        anchorRow = -1
        if (column > 0) {
            let line = lines[row]
            lines[row] = line.substring(0, column - 1) + line.substring(column)
            column -= 1
        } else if (row > 0) {
            column = lines[row - 1].length()
            lines[row - 1] = lines[row - 1] + lines[row]
            lines.removeAt(row)
            row -= 1
        }
    }
    fun deleteForward() {
        if (hasSelection()) return deleteSelection()
        anchorRow = -1
        let line = lines[row]
        if (column < line.length()) {
            lines[row] = line.substring(0, column) + line.substring(column + 1)
        } else if (row + 1 < lines.length()) {
            lines[row] = line + lines[row + 1]
            lines.removeAt(row + 1)
        }
    }
    fun moveTo(r, c, extend) {
        if (extend && anchorRow < 0) {
            anchorRow = row
            anchorColumn = column
        }
        if (!extend) anchorRow = -1
        row = clampTo(r, 0, lines.length() - 1)
        column = clampTo(c, 0, lines[row].length())
    }
    fun ensureVisible() {
        if (row < top) top = row
        if (row >= top + visibleRows()) top = row - visibleRows() + 1
        top = clampTo(top, 0, larger(0, lines.length() - 1))
        if (column < left) left = column
        if (column > left + visibleColumns() - 1) left = column - visibleColumns() + 1
        if (!singleLine) left = column > visibleColumns() - 1 ? column - visibleColumns() + 1 : 0
        updateBar()
    }
    fun changed() {
        if (onChange != nil) onChange(this)
    }
    fun key(e) {
        let extend = (e.modifiers & SHIFT) != 0
        let control = (e.modifiers & CONTROL) != 0
        var edited = false
        if (control && e.key == "a") {
            anchorRow = 0
            anchorColumn = 0
            row = lines.length() - 1
            column = lines[row].length()
        } else if (control && e.key == "c") {
            if (hasSelection()) Session.setClipboard(selectedText())
        } else if (control && e.key == "x") {
            if (hasSelection() && !readOnly) {
                Session.setClipboard(selectedText())
                deleteSelection()
                edited = true
            }
        } else if (control && e.key == "v") {
            if (!readOnly) {
                insert(Session.clipboard())
                edited = true
            }
        } else if (e.key == "left") {
            if (hasSelection() && !extend) {
                let s = selection()
                moveTo(s[0], s[1], false)
            } else if (column > 0) moveTo(row, column - 1, extend)
            else if (row > 0) moveTo(row - 1, lines[row - 1].length(), extend)
        } else if (e.key == "right") {
            if (hasSelection() && !extend) {
                let s = selection()
                moveTo(s[2], s[3], false)
            } else if (column < lines[row].length()) moveTo(row, column + 1, extend)
            else if (row + 1 < lines.length()) moveTo(row + 1, 0, extend)
        } else if (e.key == "up") {
            if (singleLine) return false
            moveTo(row - 1, column, extend)
        } else if (e.key == "down") {
            if (singleLine) return false
            moveTo(row + 1, column, extend)
        } else if (e.key == "page_up") {
            moveTo(row - visibleRows(), column, extend)
        } else if (e.key == "page_down") {
            moveTo(row + visibleRows(), column, extend)
        } else if (e.key == "home") {
            moveTo(control ? 0 : row, 0, extend)
        } else if (e.key == "end") {
            let r = control ? lines.length() - 1 : row
            moveTo(r, lines[r].length(), extend)
        } else if (e.key == "backspace") {
            if (readOnly) return true
            backspace()
            edited = true
        } else if (e.key == "delete") {
            if (readOnly) return true
            deleteForward()
            edited = true
        } else if (e.key == "enter" || e.key == "keypad_enter") {
            if (singleLine) {
                if (onSubmit != nil) onSubmit(text())
                return true
            }
            if (readOnly) return true
            insert("\n")
            edited = true
        } else if (e.key == "tab") {
            if (singleLine || readOnly || control) return false
            insert("    ")
            edited = true
        } else if (e.text != nil && e.text != "" && !control) {
            if (readOnly) return true
            insert(e.text)
            edited = true
        } else {
            return false
        }
        ensureVisible()
        repaint()
        if (edited) changed()
        return true
    }
    fun positionAt(px, py) {
        let r = singleLine ? 0 : clampTo(top + (py - y - 4) / lineHeight(), 0, lines.length() - 1)
        let c = clampTo(left + (px - x - 6 + charWidth() / 2) / charWidth(), 0, lines[r].length())
        return [r, c]
    }
    fun pointer(e) {
        if (!singleLine && bar.needed() && (bar.grabOffset >= 0 || (e.type == "down" && bar.contains(e.x, e.y)))) {
            bar.pointer(e)
            return
        }
        if (e.type == "down" && e.button == "left") {
            let at = positionAt(e.x, e.y)
            moveTo(at[0], at[1], (e.modifiers & SHIFT) != 0)
            if ((e.modifiers & SHIFT) == 0) {
                anchorRow = row
                anchorColumn = column
            }
            dragging = true
            repaint()
        } else if (e.type == "move" && dragging) {
            let at = positionAt(e.x, e.y)
            if (at[0] != row || at[1] != column) {
                row = at[0]
                column = at[1]
                ensureVisible()
                repaint()
            }
        } else if (e.type == "up") {
            dragging = false
        }
    }
    fun wheel(e) {
        if (singleLine) return false
        top = clampTo(top - e.wheelY * 3, 0, larger(0, lines.length() - visibleRows()))
        updateBar()
        repaint()
        return true
    }
    fun paint(g) {
        g.fillRect(x, y, width, height, focused ? Theme.accent : Theme.border)
        g.fillRect(x + 1, y + 1, width - 2, height - 2, readOnly ? 0xf8f9fb : Theme.surface)
        let lh = lineHeight()
        let cw = charWidth()
        let textLeft = x + 6
        let selected = hasSelection()
        let s = selected ? selection() : nil
        let last = smaller(lines.length(), top + visibleRows() + 1)
        for (r in top..<last) {
            let lineY = y + 4 + (r - top) * lh
            let line = lines[r]
            if (selected && r >= s[0] && r <= s[2]) {
                let from = r == s[0] ? s[1] : 0
                let to = r == s[2] ? s[3] : line.length() + 1
                let fromX = textLeft + (from - left) * cw
                g.fillRect(larger(fromX, x + 1), lineY, (to - from) * cw, lh, Theme.selection)
            }
            if (left < line.length()) g.drawText(textLeft, lineY, line.substring(left, smaller(line.length(), left + visibleColumns() + 1)), Theme.text, face, size)
        }
        if (focused && row >= top && row < top + visibleRows()) {
            g.fillRect(textLeft + (column - left) * cw, y + 4 + (row - top) * lh, 2, lh, Theme.accent)
        }
    }
}

fun textField(text, onSubmit) {
    let field = TextArea(text)
    field.singleLine = true
    field.face = "sans"
    field.onSubmit = onSubmit
    return field
}

// A list of lines of text with a selection; Enter or a second click on the selected line
// activates it.
class ListView : Widget {
    var items = []
    var selected = -1
    var top = 0
    var onSelect = nil
    var onActivate = nil
    var face = "sans"
    var bar = nil

    init(items) {
        this.items = items
        bar = ScrollBar(fun(value) { top = value; repaint() })
        bar.parent = this
    }
    fun focusable() => true
    fun rowHeight() => Image.lineHeight(face, Theme.size) + 6
    fun visibleRows() => larger(1, (height - 2) / rowHeight())
    fun children() => bar.needed() ? [bar] : []
    fun layout() {
        bar.place(x + width - 13, y + 1, 12, height - 2)
        bar.setRange(top, items.length(), visibleRows())
    }
    fun setItems(newItems) {
        items = newItems
        if (selected >= items.length()) selected = items.length() - 1
        top = clampTo(top, 0, larger(0, items.length() - visibleRows()))
        bar.setRange(top, items.length(), visibleRows())
        repaint()
    }
    fun select(index) {
        if (items.length() == 0) return
        let next = clampTo(index, 0, items.length() - 1)
        if (next < top) top = next
        if (next >= top + visibleRows()) top = next - visibleRows() + 1
        bar.setRange(top, items.length(), visibleRows())
        if (next != selected) {
            selected = next
            if (onSelect != nil) onSelect(selected)
        }
        repaint()
    }
    fun activate() { if (selected >= 0 && onActivate != nil) onActivate(selected) }
    fun paint(g) {
        g.fillRect(x, y, width, height, focused ? Theme.accent : Theme.border)
        g.fillRect(x + 1, y + 1, width - 2, height - 2, Theme.surface)
        let rh = rowHeight()
        let last = smaller(items.length(), top + visibleRows() + 1)
        for (i in top..<last) {
            let rowY = y + 1 + (i - top) * rh
            if (i == selected) g.fillRect(x + 1, rowY, width - 2, rh, focused ? Theme.selection : 0xe4e8ef)
            else if (i % 2 == 1) g.fillRect(x + 1, rowY, width - 2, rh, 0xf7f8fa)
            g.drawText(x + 8, rowY + 3, items[i].toString(), Theme.text, face, Theme.size)
        }
    }
    fun pointer(e) {
        if (bar.needed() && (bar.grabOffset >= 0 || (e.type == "down" && bar.contains(e.x, e.y)))) {
            bar.pointer(e)
            return
        }
        if (e.type == "down" && e.button == "left") {
            let index = top + (e.y - y - 1) / rowHeight()
            if (index < 0 || index >= items.length()) return
            if (index == selected) activate() else select(index)
        }
    }
    fun wheel(e) {
        top = clampTo(top - e.wheelY * 3, 0, larger(0, items.length() - visibleRows()))
        bar.setRange(top, items.length(), visibleRows())
        repaint()
        return true
    }
    fun key(e) {
        if (e.key == "up") select(selected - 1)
        else if (e.key == "down") select(selected + 1)
        else if (e.key == "page_up") select(selected - visibleRows())
        else if (e.key == "page_down") select(selected + visibleRows())
        else if (e.key == "home") select(0)
        else if (e.key == "end") select(items.length() - 1)
        else if (e.key == "enter") activate()
        else return false
        return true
    }
}
