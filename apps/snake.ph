// apps/snake.ph: Snake. Arrow keys steer, Space starts again after a crash, P pauses. The
// game is objects too: pull the plug mid-game and it goes on from the same square.

import "../shell/desktop/widgets.ph"

let CELL = 16

class SnakeGame : App {
    var board = nil
    var score = nil
    var columns = 24
    var rows = 18
    var body = []          // [column, row] pairs, head first
    var direction = [1, 0]
    var next = [1, 0]
    var food = [0, 0]
    var seed = 1
    var alive = true
    var paused = false
    var points = 0
    var best = 0
    var last = 0

    init() {
        super("Snake", placeX("Snake", 490), placeY("Snake", 356), 24 * 16 + 16, 18 * 16 + 52)
        board = Canvas(fun(g, c) => paintBoard(g, c))
        board.grow = 1
        board.onKey = fun(e, c) => steer(e)
        board.background = 0x10151f
        score = Label("")
        score.color = Theme.muted
        setRoot(padded(column([score, board], 4), 8))
        seed = Time.now() % 2147483647
        restart()
    }
    fun random(limit) {
        seed = (seed * 1103515245 + 12345) % 2147483648
        return (seed / 65536) % limit
    }
    fun restart() {
        body = [[6, 9], [5, 9], [4, 9]]
        direction = [1, 0]
        next = [1, 0]
        alive = true
        points = 0
        placeFood()
        showScore()
    }
    fun occupied(cell) {
        for (part in body) if (part[0] == cell[0] && part[1] == cell[1]) return true
        return false
    }
    fun placeFood() {
        food = [random(columns), random(rows)]
        while (occupied(food)) food = [random(columns), random(rows)]
    }
    fun showScore() {
        let state = !alive ? "crashed: Space to play again" : (paused ? "paused: P to go on" : "arrows steer, P pauses")
        score.setText("Score ${points}    best ${best}    ${state}")
    }
    fun open() {
        super.open()
        setFocus(board)
    }
    fun steer(e) {
        let turns = ["left": [-1, 0], "right": [1, 0], "up": [0, -1], "down": [0, 1]]
        if (turns.has(e.key)) {
            let wanted = turns[e.key]
            // No turning back into the body.
            if (wanted[0] != -direction[0] || wanted[1] != -direction[1]) next = wanted
            return true
        }
        if (e.key == "space" && !alive) {
            restart()
            board.repaint()
            return true
        }
        if (e.key == "p") {
            paused = !paused
            showScore()
            return true
        }
        return false
    }
    fun step() {
        direction = next
        let head = [body[0][0] + direction[0], body[0][1] + direction[1]]
        if (head[0] < 0 || head[1] < 0 || head[0] >= columns || head[1] >= rows || occupied(head)) {
            alive = false
            if (points > best) best = points
            showScore()
            return
        }
        body.insert(0, head)
        if (head[0] == food[0] && head[1] == food[1]) {
            points += 10
            placeFood()
            showScore()
        } else {
            body.pop()
        }
    }
    fun tick(now) {
        if (!alive || paused || !window.isFocused() || now - last < 120) return
        last = now
        step()
        board.repaint()
    }
    fun paintBoard(g, c) {
        let left = c.x + (c.width - columns * CELL) / 2
        let top = c.y + (c.height - rows * CELL) / 2
        g.fillRect(left, top, columns * CELL, rows * CELL, 0x18202e)
        g.fillRoundedRect(left + food[0] * CELL + 3, top + food[1] * CELL + 3, CELL - 6, CELL - 6, 5, 0xf05a4f)
        for (i, part in body) {
            let color = i == 0 ? 0x8ee06a : 0x4caf50
            g.fillRoundedRect(left + part[0] * CELL + 1, top + part[1] * CELL + 1, CELL - 2, CELL - 2, 4, alive ? color : 0x7a8190)
        }
        if (!alive) g.drawText(left + 24, top + rows * CELL / 2 - 10, "Crashed. Space plays again.", 0xffffff, "bold", 16)
    }
}
