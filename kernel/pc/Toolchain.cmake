# CMake toolchain for the freestanding x86-64 kernel (kernel/pc).
#
# The kernel is built with the host's g++ (Debian 12: GCC 12) in freestanding mode: no hosted
# standard library, no exceptions, no RTTI, no red zone (interrupts may arrive on the kernel
# stack), the kernel code model (everything lives in the top 2 GiB of the address space), and
# frame pointers kept so the panic handler can walk the stack.
#
# SSE: cpu/Fpu.cpp turns on CR0.MP/CR4.OSFXSR and switches each thread's x87/SSE state
# lazily (CR0.TS, #NM), so SSE instructions work in threads. The compiler is still told not
# to emit them (PHANTOM_KERNEL_GENERAL_REGISTERS_ONLY, applied by CMakeLists.txt unless
# -DPHANTOM_KERNEL_SSE=ON) except in PHANTOM_KERNEL_SSE_SOURCES: interrupt and exception entry
# saves only the general registers, and KVM hosts that emulate guest instructions in batches
# after an exit (kvm-pvm, the nested hypervisor of our CI machines) stop the guest with
# "emulation failure" on SSE instructions, so a kernel that runs no floating-point code must
# execute none (test=fpu itself fails there; TCG is the default accelerator).
#
# The flags are plain variables that kernel/pc/CMakeLists.txt applies with add_compile_options
# rather than CMAKE_<LANG>_FLAGS_INIT, which is read only when a build directory is first
# configured: this way an edit here reaches existing build directories too.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(CMAKE_C_COMPILER gcc)
set(CMAKE_CXX_COMPILER g++)
set(CMAKE_ASM_COMPILER gcc)

# Nothing can be linked without our linker script, so let try_compile build static libraries.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(PHANTOM_KERNEL_MACHINE_FLAGS
    -ffreestanding
    -nostdlib
    -mno-red-zone
    -mcmodel=kernel
    -fno-pic
    -fno-pie
    -fno-stack-protector
    -fno-omit-frame-pointer
    -fno-asynchronous-unwind-tables
    -fno-unwind-tables
    -fcf-protection=none)
set(PHANTOM_KERNEL_CXX_FLAGS
    ${PHANTOM_KERNEL_MACHINE_FLAGS}
    -fno-exceptions
    -fno-rtti
    -fno-threadsafe-statics)
set(PHANTOM_KERNEL_GENERAL_REGISTERS_ONLY -mgeneral-regs-only)
set(PHANTOM_KERNEL_ASM_FLAGS -fno-pic -fno-pie)
set(PHANTOM_KERNEL_LINK_FLAGS
    -nostdlib
    -static
    -no-pie
    -Wl,--build-id=none
    -Wl,-z,max-page-size=0x1000
    -Wl,-z,noexecstack)

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
# C++20 with GNU extensions: TRY() and MUST() are statement expressions.
set(CMAKE_CXX_EXTENSIONS ON)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
