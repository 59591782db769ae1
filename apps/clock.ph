// apps/clock.ph: an analog clock with the digital time and date under it (UTC: Phantom has
// no time zone yet). It redraws once a second, from tick.

import "../shell/desktop/widgets.ph"

class ClockApp : App {
    var face = nil
    var digital = nil
    var shownSecond = -1
    var secondHand = nil

    init() {
        super("Clock", placeX("Clock", 524), placeY("Clock", 40), 210, 290)
        face = Canvas(fun(g, canvas) => paintFace(g, canvas))
        face.grow = 1
        face.background = Theme.surface
        digital = Label("")
        digital.align = "center"
        digital.size = 20
        digital.background = Theme.surface
        secondHand = CheckBox("Second hand", true, fun(on) => face.repaint())
        secondHand.background = Theme.surface
        let box = padded(column([face, digital, secondHand], 4), 8)
        box.background = Theme.surface
        setRoot(box)
    }
    fun hand(g, cx, cy, fraction, length, width, color) {
        let angle = fraction * 2.0 * Math.pi() - Math.pi() / 2.0
        g.drawLine(cx, cy, cx + (Math.cos(angle) * length).toInt(), cy + (Math.sin(angle) * length).toInt(), color, width)
    }
    fun paintFace(g, canvas) {
        let now = Time.now() / 1000
        let size = smaller(canvas.width, canvas.height) - 8
        let cx = canvas.x + canvas.width / 2
        let cy = canvas.y + canvas.height / 2
        let radius = size / 2
        g.fillRoundedRect(cx - radius - 2, cy - radius - 2, 2 * radius + 4, 2 * radius + 4, radius + 2, 0x2f3a4c)
        g.fillRoundedRect(cx - radius, cy - radius, 2 * radius, 2 * radius, radius, 0xfbfbfd)
        for (mark in 0..<60) {
            let angle = mark * Math.pi() / 30.0
            let outer = radius - 6
            let inner = mark % 5 == 0 ? radius - 16 : radius - 10
            g.drawLine(cx + (Math.cos(angle) * inner).toInt(), cy + (Math.sin(angle) * inner).toInt(),
                cx + (Math.cos(angle) * outer).toInt(), cy + (Math.sin(angle) * outer).toInt(),
                mark % 5 == 0 ? 0x2f3a4c : 0x9aa3b2, mark % 5 == 0 ? 2 : 1)
        }
        let seconds = now % 86400
        hand(g, cx, cy, (seconds % 43200) / 43200.0, radius * 0.5, 4, 0x1f2430)
        hand(g, cx, cy, (seconds % 3600) / 3600.0, radius * 0.72, 3, 0x1f2430)
        if (secondHand.checked) hand(g, cx, cy, (seconds % 60) / 60.0, radius * 0.82, 1.5, 0xd9443c)
        g.fillRoundedRect(cx - 4, cy - 4, 8, 8, 4, 0xd9443c)
    }
    fun tick(now) {
        let second = now / 1000
        if (second == shownSecond) return
        shownSecond = second
        let seconds = second % 86400
        let pad = fun(n) => n < 10 ? "0${n}" : "${n}"
        digital.setText("${pad(seconds / 3600)}:${pad((seconds / 60) % 60)}:${pad(seconds % 60)} UTC")
        face.repaint()
    }
}
