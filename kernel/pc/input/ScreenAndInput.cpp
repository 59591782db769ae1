/*
 * kernel/pc/input/ScreenAndInput.cpp: see ScreenAndInput.h.
 */
#include <kernel/pc/drivers/BochsDisplay.h>
#include <kernel/pc/drivers/Ps2Controller.h>
#include <kernel/pc/input/ScreenAndInput.h>

namespace Kernel {

void initialize_screen_and_input(StringView command_line)
{
    initialize_screen(command_line);
    initialize_ps2();
}

} // namespace Kernel
