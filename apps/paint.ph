// apps/paint.ph: Paint: draw with the mouse on a persistent picture (an Image object), pick a
// colour and a brush size, clear. The picture is an object like any other: it is there again
// after a power cut.

import "../shell/desktop/widgets.ph"

class PaintApp : App {
    var picture = nil
    var canvas = nil
    var color = 0x1f2430
    var brush = 4
    var lastX = -1
    var lastY = -1
    var swatches = []
    var sizes = []

    init() {
        super("Paint", placeX("Paint", 40), placeY("Paint", 372), 468, 290)
        picture = Image(1, 1)
        canvas = Canvas(fun(g, c) => paintPicture(g, c))
        canvas.grow = 1
        canvas.onPointer = fun(e, c) => draw(e, c)
        var tools = []
        for (swatch in [0x1f2430, 0xd9443c, 0xf29d38, 0xf4d03f, 0x4caf50, 0x2f6fd6, 0x8e44ad, 0xffffff]) {
            let key = Swatch(swatch, this)
            swatches.push(key)
            tools.push(key)
        }
        for (size in [2, 4, 8, 16]) {
            let chosen = size
            let key = Button("${size}", fun() => setBrush(chosen))
            key.fixedWidth = 34
            key.accent = size == brush
            sizes.push([key, chosen])
            tools.push(key)
        }
        tools.push(growing(Label("")))
        tools.push(button("Clear", fun() => clearPicture()))
        setRoot(padded(column([row(tools, 4), canvas], 6), 8))
    }
    fun pick(chosen) {
        color = chosen
        for (key in swatches) key.repaint()
    }
    fun setBrush(size) {
        brush = size
        for (entry in sizes) {
            entry[0].accent = entry[1] == size
            entry[0].repaint()
        }
    }
    fun clearPicture() {
        picture.clear(0xffffff)
        canvas.repaint()
    }
    // The picture grows with the canvas, keeping what was drawn.
    fun fitPicture(c) {
        if (picture.width() >= c.width && picture.height() >= c.height) return
        let bigger = Image(larger(picture.width(), c.width), larger(picture.height(), c.height))
        bigger.clear(0xffffff)
        bigger.blit(0, 0, picture)
        picture = bigger
    }
    fun paintPicture(g, c) {
        fitPicture(c)
        g.blit(c.x, c.y, picture, 0, 0, c.width, c.height)
        g.strokeRect(c.x, c.y, c.width, c.height, Theme.border)
    }
    fun draw(e, c) {
        let px = e.x - c.x
        let py = e.y - c.y
        if (e.type == "down") {
            picture.fillRoundedRect(px - brush / 2, py - brush / 2, brush, brush, brush / 2, color)
            lastX = px
            lastY = py
        } else if (e.type == "move" && lastX >= 0) {
            picture.drawLine(lastX, lastY, px, py, color, brush)
            lastX = px
            lastY = py
        } else if (e.type == "up") {
            lastX = -1
        }
        if (e.type != "up") {
            window.setClip(c.x, c.y, c.width, c.height)
            window.blit(c.x, c.y, picture, 0, 0, c.width, c.height)
            window.strokeRect(c.x, c.y, c.width, c.height, Theme.border)
            window.clearClip()
        }
    }
}

// A colour to pick: a round swatch, ringed when it is the brush's colour.
class Swatch : Widget {
    var color = 0
    var owner = nil

    init(color, owner) {
        this.color = color
        this.owner = owner
        fixedWidth = 26
    }
    fun paint(g) {
        g.fillRect(x, y, width, height, fill())
        let chosen = owner.color == color
        if (chosen) g.fillRoundedRect(x + 1, y + 2, width - 2, height - 4, 7, Theme.accent)
        g.fillRoundedRect(x + 4, y + 5, width - 8, height - 10, 5, 0xffffff)
        g.fillRoundedRect(x + 5, y + 6, width - 10, height - 12, 4, color)
        if (color == 0xffffff) g.strokeRect(x + 5, y + 6, width - 10, height - 12, Theme.border)
    }
    fun pointer(e) { if (e.type == "down") owner.pick(color) }
}
