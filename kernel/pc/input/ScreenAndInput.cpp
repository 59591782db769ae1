/*
 * kernel/pc/input/ScreenAndInput.cpp: see ScreenAndInput.h.
 */
#include <kernel/pc/drivers/BochsDisplay.h>
#include <kernel/pc/drivers/Ps2Controller.h>
#include <kernel/pc/input/ScreenAndInput.h>
#include <kernel/pc/pci/Pci.h>
#include <kernel/pc/virtio/VirtioInput.h>

namespace Kernel {

void initialize_screen_and_input(StringView command_line)
{
    Pci::enumerate(); // does nothing when the devices code did it already
    initialize_screen(command_line);
    initialize_ps2();
    initialize_virtio_input();
}

} // namespace Kernel
