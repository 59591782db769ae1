// apps/calculator.ph: a four-function calculator, by mouse or keyboard (digits, + - * /,
// Enter or =, Backspace, Escape). Integers stay exact; a division that does not come out
// even gives a decimal.

import "../shell/desktop/widgets.ph"

class Calculator : App {
    var display = nil
    var history = nil
    var entry = "0"
    var accumulator = nil
    var operator = nil
    var fresh = true

    init() {
        super("Calculator", placeX("Calculator", 756), placeY("Calculator", 40), 260, 330)
        display = Label("0")
        display.align = "right"
        display.size = 28
        display.fixedHeight = 46
        display.background = Theme.surface
        history = Label("")
        history.align = "right"
        history.color = Theme.muted
        history.background = Theme.surface
        let keys = [["C", "+/-", "%", "/"], ["7", "8", "9", "*"], ["4", "5", "6", "-"], ["1", "2", "3", "+"], ["0", ".", "<", "="]]
        var rows = [history, display]
        for (line in keys) {
            var cells = []
            for (text in line) {
                let symbol = text
                let key = Button(symbol, fun() => press(symbol))
                key.grow = 1
                key.fixedHeight = 38
                if (symbol == "=") key.accent = true
                cells.push(key)
            }
            rows.push(row(cells, 6))
        }
        setRoot(padded(column(rows, 6), 10))
    }
    fun value(text) => text.contains(".") ? text.toFloat() : text.toInt()
    fun show(number) {
        if (number is Float) {
            if (number == number.floor() && number.abs() < 1000000000000000.0) return number.toInt().toString()
            return number.toString()
        }
        return number.toString()
    }
    fun compute(a, op, b) {
        if (op == "+") return a + b
        if (op == "-") return a - b
        if (op == "*") return a * b
        if (op == "/") {
            if (b == 0) throw ArithmeticError("division by zero")
            if (a is Int && b is Int && a % b == 0) return a / b
            return a.toFloat() / b.toFloat()
        }
        return b
    }
    fun press(symbol) {
        try {
            apply(symbol)
        } catch (e) {
            entry = "0"
            accumulator = nil
            operator = nil
            fresh = true
            history.setText(e.message())
            display.setText("Error")
            return
        }
        display.setText(entry)
    }
    fun apply(symbol) {
        if ("0123456789".contains(symbol)) {
            entry = fresh || entry == "0" ? symbol : entry + symbol
            fresh = false
        } else if (symbol == ".") {
            if (fresh) entry = "0"
            if (!entry.contains(".")) entry = entry + "."
            fresh = false
        } else if (symbol == "<") {
            entry = entry.length() > 1 ? entry.substring(0, entry.length() - 1) : "0"
        } else if (symbol == "C") {
            entry = "0"
            accumulator = nil
            operator = nil
            fresh = true
            history.setText("")
        } else if (symbol == "+/-") {
            entry = entry.startsWith("-") ? entry.substring(1) : (entry == "0" ? "0" : "-" + entry)
        } else if (symbol == "%") {
            entry = show(value(entry).toFloat() / 100.0)
        } else if (symbol == "=") {
            if (operator == nil) return
            let result = compute(accumulator, operator, value(entry))
            history.setText("${show(accumulator)} ${operator} ${entry} =")
            entry = show(result)
            accumulator = nil
            operator = nil
            fresh = true
        } else {
            if (operator != nil && !fresh) entry = show(compute(accumulator, operator, value(entry)))
            accumulator = value(entry)
            operator = symbol
            history.setText("${entry} ${symbol}")
            fresh = true
        }
    }
    fun summary() => display.text
    fun keyPressed(e) {
        let t = e.text
        if (t != nil && t != "" && "0123456789.+-*/=%".contains(t)) press(t)
        else if (e.key == "enter" || e.key == "keypad_enter") press("=")
        else if (e.key == "backspace") press("<")
        else if (e.key == "escape") press("C")
    }
}
