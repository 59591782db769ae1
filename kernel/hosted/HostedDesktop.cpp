/*
 * kernel/hosted/HostedDesktop.cpp: a world in a Qt window (see HostedDesktop.h).
 */
#include <kernel/hal/Screen.h>
#include <kernel/hosted/HostedDesktop.h>
#include <kernel/hosted/HostedWindow.h>

#include <base/Log.h>

#include <QGuiApplication>
#include <thread>

namespace Hosted {

int run_world_in_window(WorldArguments const& arguments, int argc, char** argv)
{
    QGuiApplication application(argc, argv);
    // The window shows the framebuffer, so the screen exists before it.
    if (!Hal::framebuffer().has_value()) {
        logln("window: there is no screen to show");
        return 1;
    }
    HostedWindow window;
    window.show();
    // run_world() powers off (ends the process) after an orderly shutdown; if it returns, the
    // world failed and the application ends with its status.
    std::thread world([&arguments, &application] {
        int status = run_world(arguments);
        QMetaObject::invokeMethod(&application, [&application, status] { application.exit(status); });
    });
    int status = application.exec();
    world.join();
    return status;
}

} // namespace Hosted
