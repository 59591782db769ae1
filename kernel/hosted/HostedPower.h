/*
 * kernel/hosted/HostedPower.h: the hosted side of kernel/hal/Power.h. A program that runs a
 * world (phantom-hosted) calls install_shutdown_signals() once, so that SIGTERM, SIGINT and
 * SIGHUP become an orderly shutdown request instead of killing the process. Other host
 * programs (tests, tools) keep the default signal behaviour.
 */
#pragma once

namespace Hosted {

void install_shutdown_signals();

} // namespace Hosted
