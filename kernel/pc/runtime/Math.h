/*
 * kernel/pc/runtime/Math.h: the kernel's libm subset (Math.cpp, MathTrigonometry.cpp): the
 * functions the VM, the compiler and the window system call through the compiler's builtins
 * (__builtin_sin & co. become calls to these names). Double precision, round to nearest;
 * the transcendental functions are within 1 ulp (nearly always correctly rounded) over the
 * normal range, and NaN, infinities, zeros, subnormals and huge arguments follow C99 Annex F
 * (errno is never set: the kernel is built with -fno-math-errno). test=math checks them.
 * SSE code only (PHANTOM_KERNEL_SSE_SOURCES): never call them from an interrupt handler.
 */
#pragma once

extern "C" {
double sqrt(double);
double fabs(double);
double floor(double);
double ceil(double);
double trunc(double);
double round(double);
double fmod(double, double);
double exp(double);
double log(double);
double pow(double, double);
double sin(double);
double cos(double);
double tan(double);
double atan(double);
double atan2(double, double);
float sqrtf(float);
}
