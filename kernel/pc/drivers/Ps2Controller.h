/*
 * kernel/pc/drivers/Ps2Controller.h: the i8042 PS/2 controller with its keyboard (scancode
 * set 2, translated by the controller to set 1; US layout) and mouse (relative motion, three
 * buttons, and the wheel when it answers the IntelliMouse sequence with ID 3). Events go to
 * the input queue (kernel/pc/input/InputQueue.h). Bytes are taken by IRQ 1 and 12 when they
 * can be routed, and by polling from Hal::next_input_event() in any case.
 */
#pragma once

namespace Kernel {

// Resets the controller's configuration, enables both ports, the keyboard and the mouse,
// routes their interrupts and logs what it found. Without a controller it logs that and
// does nothing.
void initialize_ps2();

} // namespace Kernel
