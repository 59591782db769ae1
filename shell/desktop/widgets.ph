// shell/desktop/widgets.ph: the widget set of the Phantom desktop, written in Phantom.
//
// A widget is an object with a place in its window (x, y, width, height in content pixels)
// that paints itself into the window's pixels and reacts to the events the App hands it.
// Everything here lives in the persistent heap: after a power cut the widgets, their text
// and their selection are back as they were, and the window's pixels with them, so nothing
// is repainted at resume.
//
//     class Hello : App {
//         init() {
//             super("Hello", 120, 100, 320, 160)
//             setRoot(column([label("Hello, Phantom"), button("Close", fun() => close())], 12))
//         }
//     }
//     Hello().open()
//
// Widgets: Label, Button, CheckBox, TextArea (also the one-line text field), ScrollBar,
// ListView, Canvas, Layout (rows and columns), and Menu (a pop-up window). Keys arrive with their
// name (e.key: "a", "enter", "left"), the text they type (e.text) and the modifiers (e.modifiers:
// 1 shift, 2 control, 4 alt). The text widgets (TextArea, the text field, ListView, ScrollBar)
// are in text.ph, which this file brings in.

import "text.ph"

fun larger(a, b) => a > b ? a : b
fun smaller(a, b) => a < b ? a : b
fun clampTo(value, low, high) => value < low ? low : (value > high ? high : value)

let SHIFT = 1
let CONTROL = 2

// What every window on the desktop shares: the desktop itself (its clipboard) and the shell.
class Session {
    static var desktop = nil
    static var shell = nil

    static fun clipboard() => desktop == nil ? "" : desktop.clipboard()
    static fun setClipboard(text) { if (desktop != nil) desktop.setClipboard(text) }
}

// The colours and fonts of the widget set.
class Theme {
    static var face = "sans"
    static var size = 13
    static var text = 0x1f2430
    static var muted = 0x6b7280
    static var window = 0xeef0f4
    static var surface = 0xffffff
    static var border = 0xc3c8d2
    static var accent = 0x2f6fd6
    static var accentDark = 0x2258b4
    static var selection = 0xc9dcfb
    static var buttonTop = 0xffffff
    static var buttonBottom = 0xe3e7ee
    static var buttonPressedTop = 0xd5dbe6
    static var buttonPressedBottom = 0xe7ebf1
    static var hover = 0xf5f8ff
}

class Widget {
    var x = 0
    var y = 0
    var width = 0
    var height = 0
    var parent = nil
    var host = nil          // the App, on the root widget only
    var grow = 0            // share of the spare room in a row or column
    var fixedWidth = 0      // 0: what the layout gives
    var fixedHeight = 0
    var hovered = false
    var focused = false
    var background = nil    // nil: Theme.window

    // Declared so that subclasses' constructors run the field initialisers above.
    init() {}

    fun place(nx, ny, w, h) {
        x = nx
        y = ny
        width = w
        height = h
        layout()
    }
    fun layout() {}
    fun preferredWidth() => fixedWidth
    fun preferredHeight() => fixedHeight
    fun fill() => background == nil ? Theme.window : background
    fun contains(px, py) => px >= x && py >= y && px < x + width && py < y + height
    fun children() => []
    fun widgetAt(px, py) {
        for (child in children()) {
            if (child.contains(px, py)) return child.widgetAt(px, py)
        }
        return this
    }
    fun app() {
        var widget = this
        while (widget.parent != nil) widget = widget.parent
        return widget.host
    }
    fun paint(g) {}
    fun paintAll(g) {
        if (width <= 0 || height <= 0) return
        g.setClip(x, y, width, height)
        paint(g)
        for (child in children()) child.paintAll(g)
    }
    fun repaint() {
        let owner = app()
        if (owner != nil) owner.repaintWidget(this)
    }
    fun focusable() => false
    // Pointer events in window coordinates: "down", "move", "up".
    fun pointer(e) {}
    // A key for the focused widget; true when it used it.
    fun key(e) => false
    fun wheel(e) => false
    fun hover(inside) {
        if (hovered == inside) return
        hovered = inside
        repaint()
    }
}

// Text in one line: left, centred or right.
class Label : Widget {
    var text = ""
    var color = nil
    var face = nil
    var size = nil
    var align = "left"

    init(text) { this.text = text.toString() }
    fun setText(value) {
        let next = value.toString()
        if (next == text) return
        text = next
        repaint()
    }
    fun fontFace() => face == nil ? Theme.face : face
    fun fontSize() => size == nil ? Theme.size : size
    fun preferredHeight() => fixedHeight > 0 ? fixedHeight : Image.lineHeight(fontFace(), fontSize()) + 4
    fun preferredWidth() => fixedWidth > 0 ? fixedWidth : Image.textWidth(text, fontFace(), fontSize()) + 4
    fun paint(g) {
        g.fillRect(x, y, width, height, fill())
        let lineHeight = Image.lineHeight(fontFace(), fontSize())
        let textWidth = Image.textWidth(text, fontFace(), fontSize())
        var left = x + 2
        if (align == "center") left = x + (width - textWidth) / 2
        if (align == "right") left = x + width - textWidth - 2
        g.drawText(left, y + (height - lineHeight) / 2, text, color == nil ? Theme.text : color, fontFace(), fontSize())
    }
}

class Button : Widget {
    var text = ""
    var onClick = nil
    var pressed = false
    var accent = false   // the main action of its window
    var textColor = nil

    init(text, onClick) {
        this.text = text
        this.onClick = onClick
    }
    fun focusable() => true
    fun preferredHeight() => fixedHeight > 0 ? fixedHeight : 30
    fun preferredWidth() => fixedWidth > 0 ? fixedWidth : Image.textWidth(text, Theme.face, Theme.size) + 28
    fun click() { if (onClick != nil) onClick() }
    fun paint(g) {
        g.fillRect(x, y, width, height, fill())
        var top = Theme.buttonTop
        var bottom = Theme.buttonBottom
        var ink = Theme.text
        if (accent) {
            top = 0x4a86e8
            bottom = Theme.accent
            ink = 0xffffff
        }
        if (pressed) {
            top = accent ? Theme.accentDark : Theme.buttonPressedTop
            bottom = accent ? Theme.accent : Theme.buttonPressedBottom
        } else if (hovered && !accent) {
            top = 0xffffff
            bottom = 0xedf2fb
        }
        g.fillRoundedRect(x, y, width, height, 6, focused ? Theme.accent : (accent ? Theme.accentDark : Theme.border))
        g.fillRoundedGradient(x + 1, y + 1, width - 2, height - 2, 5, top, bottom)
        if (textColor != nil) ink = textColor
        let textWidth = Image.textWidth(text, Theme.face, Theme.size)
        let lineHeight = Image.lineHeight(Theme.face, Theme.size)
        g.drawText(x + (width - textWidth) / 2, y + (height - lineHeight) / 2, text, ink, Theme.face, Theme.size)
    }
    fun pointer(e) {
        if (e.type == "down" && e.button == "left") {
            pressed = true
            repaint()
        } else if (e.type == "move" && pressed != contains(e.x, e.y)) {
            pressed = !pressed
            repaint()
        } else if (e.type == "up" && pressed) {
            pressed = false
            repaint()
            if (contains(e.x, e.y)) click()
        }
    }
    fun key(e) {
        if (e.key == "enter" || e.key == "space") {
            click()
            return true
        }
        return false
    }
}

class CheckBox : Widget {
    var text = ""
    var checked = false
    var onChange = nil

    init(text, checked, onChange) {
        this.text = text
        this.checked = checked
        this.onChange = onChange
    }
    fun focusable() => true
    fun preferredHeight() => fixedHeight > 0 ? fixedHeight : 24
    fun preferredWidth() => fixedWidth > 0 ? fixedWidth : Image.textWidth(text, Theme.face, Theme.size) + 30
    fun toggle() {
        checked = !checked
        repaint()
        if (onChange != nil) onChange(checked)
    }
    fun paint(g) {
        g.fillRect(x, y, width, height, fill())
        let box = y + (height - 16) / 2
        g.fillRoundedRect(x + 2, box, 16, 16, 4, focused ? Theme.accent : Theme.border)
        g.fillRoundedRect(x + 3, box + 1, 14, 14, 3, checked ? Theme.accent : Theme.surface)
        if (checked) {
            g.drawLine(x + 6, box + 8, x + 9, box + 11, 0xffffff, 2)
            g.drawLine(x + 9, box + 11, x + 14, box + 5, 0xffffff, 2)
        }
        let lineHeight = Image.lineHeight(Theme.face, Theme.size)
        g.drawText(x + 26, y + (height - lineHeight) / 2, text, Theme.text, Theme.face, Theme.size)
    }
    fun pointer(e) { if (e.type == "up" && contains(e.x, e.y)) toggle() }
    fun key(e) {
        if (e.key == "space" || e.key == "enter") {
            toggle()
            return true
        }
        return false
    }
}

// A widget drawn by closures: onPaint(g, canvas), onPointer(e, canvas), onKey(e, canvas).
class Canvas : Widget {
    var onPaint = nil
    var onPointer = nil
    var onKey = nil

    init(onPaint) { this.onPaint = onPaint }
    fun focusable() => onKey != nil
    fun paint(g) {
        g.fillRect(x, y, width, height, fill())
        if (onPaint != nil) onPaint(g, this)
    }
    fun pointer(e) { if (onPointer != nil) onPointer(e, this) }
    fun key(e) => onKey != nil && onKey(e, this)
}

// A row or a column of widgets: fixed ones get their preferred size, the others (grow > 0)
// share what is left.
class Layout : Widget {
    var items = []
    var vertical = true
    var spacing = 8
    var padding = 0

    init(vertical, items, spacing) {
        this.vertical = vertical
        this.spacing = spacing
        for (item in items) add(item)
    }
    fun add(widget) {
        widget.parent = this
        items.push(widget)
        return widget
    }
    fun children() => items
    fun along(widget) => vertical ? widget.preferredHeight() : widget.preferredWidth()
    fun across(widget) => vertical ? widget.preferredWidth() : widget.preferredHeight()
    fun layout() {
        let room = (vertical ? height : width) - 2 * padding - spacing * larger(0, items.length() - 1)
        var fixed = 0
        var shares = 0
        for (item in items) {
            if (item.grow > 0) shares += item.grow else fixed += along(item)
        }
        let spare = larger(0, room - fixed)
        var position = (vertical ? y : x) + padding
        for (item in items) {
            let size = item.grow > 0 ? spare * item.grow / shares : along(item)
            if (vertical) item.place(x + padding, position, width - 2 * padding, size)
            else item.place(position, y + padding, size, height - 2 * padding)
            position += size + spacing
        }
    }
    fun preferredHeight() {
        if (fixedHeight > 0) return fixedHeight
        var total = 0
        for (item in items) total = vertical ? total + item.preferredHeight() : larger(total, item.preferredHeight())
        if (vertical) total += spacing * larger(0, items.length() - 1)
        return total + 2 * padding
    }
    fun preferredWidth() {
        if (fixedWidth > 0) return fixedWidth
        var total = 0
        for (item in items) total = vertical ? larger(total, item.preferredWidth()) : total + item.preferredWidth()
        if (!vertical) total += spacing * larger(0, items.length() - 1)
        return total + 2 * padding
    }
    fun paint(g) { g.fillRect(x, y, width, height, fill()) }
}

fun column(items, spacing) => Layout(true, items, spacing)
fun row(items, spacing) => Layout(false, items, spacing)
fun label(text) => Label(text)
fun button(text, onClick) => Button(text, onClick)
fun growing(widget) {
    widget.grow = 1
    return widget
}
fun padded(box, padding) {
    box.padding = padding
    return box
}

// Where the next window titled `title` goes: `x`, `y` moved down and right past the open ones.
fun placeX(title, x) => x + 28 * (Session.shell == nil ? 0 : Session.shell.cascade(title))
fun placeY(title, y) => y + 24 * (Session.shell == nil ? 0 : Session.shell.cascade(title))

// A window of the desktop with a tree of widgets: it routes the window's events to them and
// keeps the keyboard focus. Subclasses build their widgets in init and may override
// tick(now) (called by the shell several times a second), keyPressed(e) and closed().
class App {
    var window = nil
    var root = nil
    var focus = nil
    var pressed = nil
    var hoverWidget = nil
    var shown = false

    init(title, x, y, width, height) {
        window = Window(title, x, y, width, height)
        window.setOwner(this)
    }
    fun title() => window.title()
    fun setRoot(widget) {
        root = widget
        root.host = this
    }
    fun open() {
        shown = true
        Session.desktop.open(window)
        relayout()
        if (Session.shell != nil) Session.shell.appOpened(this)
    }
    fun close() {
        shown = false
        Session.desktop.close(window)
        closed()
        if (Session.shell != nil) Session.shell.appClosed(this)
    }
    fun closed() {}
    fun tick(now) {}
    // What the window holds, in one line of text (the desktop's `show` command prints it).
    fun summary() => title()
    fun keyPressed(e) {}
    fun relayout() {
        if (root == nil) return
        root.place(0, 0, window.width(), window.height())
        root.paintAll(window)
        window.clearClip()
    }
    fun repaintWidget(widget) {
        widget.paintAll(window)
        window.clearClip()
    }
    fun focusables(widget, out) {
        if (widget.focusable()) out.push(widget)
        for (child in widget.children()) focusables(child, out)
        return out
    }
    fun setFocus(widget) {
        if (focus == widget) return
        let old = focus
        focus = widget
        if (old != nil) {
            old.focused = false
            old.repaint()
        }
        if (widget != nil) {
            widget.focused = true
            widget.repaint()
        }
    }
    fun focusNext() {
        if (root == nil) return
        let all = focusables(root, [])
        if (all.length() == 0) return
        let index = all.indexOf(focus)
        setFocus(all[(index + 1) % all.length()])
    }
    fun handle(e) {
        let type = e.type
        if (type == "resize") {
            relayout()
        } else if (type == "close") {
            close()
        } else if (root == nil) {
            return
        } else if (type == "down") {
            var target = root.widgetAt(e.x, e.y)
            var focusable = target
            while (focusable != nil && !focusable.focusable()) focusable = focusable.parent
            if (focusable != nil) setFocus(focusable)
            pressed = target
            target.pointer(e)
        } else if (type == "move") {
            if (pressed != nil) {
                pressed.pointer(e)
                return
            }
            let target = root.widgetAt(e.x, e.y)
            if (target != hoverWidget) {
                if (hoverWidget != nil) hoverWidget.hover(false)
                hoverWidget = target
                target.hover(true)
            }
            target.pointer(e)
        } else if (type == "up") {
            if (pressed != nil) pressed.pointer(e)
            pressed = nil
        } else if (type == "wheel") {
            var target = root.widgetAt(e.x, e.y)
            while (target != nil && !target.wheel(e)) target = target.parent
        } else if (type == "key") {
            if (focus != nil && focus.key(e)) return
            if (e.key == "tab") focusNext() else keyPressed(e)
        }
    }
}

// A pop-up menu: a panel window (no frame) with one line per item; choosing one runs its
// action and closes the menu. `items` is an array of [text, action] pairs.
class Menu {
    var window = nil
    var items = []
    var hovered = -1
    var showing = false
    var onClose = nil

    init(items, x, y) {
        this.items = items
        var widest = 120
        for (item in items) widest = larger(widest, Image.textWidth(item[0], Theme.face, Theme.size) + 48)
        window = Window("Menu", x, y, widest + 16, items.length() * 30 + 24, "panel")
        window.setOwner(this)
        paint()
    }
    fun itemAt(py) {
        let index = (py - 12) / 30
        return py >= 12 && index < items.length() ? index : -1
    }
    fun paint() {
        let w = window.width()
        let h = window.height()
        window.clear()
        window.drawShadow(8, 6, w - 16, h - 16, 8, 0x60000000)
        window.fillRoundedRect(6, 4, w - 12, h - 14, 8, 0xfafbfd)
        for (i, item in items) {
            let top = 12 + i * 30
            if (i == hovered) window.fillRoundedRect(10, top, w - 20, 28, 5, Theme.accent)
            window.drawText(22, top + 6, item[0], i == hovered ? 0xffffff : Theme.text, Theme.face, Theme.size)
        }
    }
    fun show() {
        showing = true
        Session.desktop.open(window)
    }
    fun close() {
        if (!showing) return
        showing = false
        Session.desktop.close(window)
        if (onClose != nil) onClose()
    }
    fun contains(px, py) => px >= window.x() && py >= window.y() && px < window.x() + window.frameWidth() && py < window.y() + window.frameHeight()
    fun handle(e) {
        if (e.type == "move") {
            let index = itemAt(e.y)
            if (index != hovered) {
                hovered = index
                paint()
            }
        } else if (e.type == "up") {
            let index = itemAt(e.y)
            if (index < 0) return
            close()
            let action = items[index][1]
            action()
        }
    }
}
