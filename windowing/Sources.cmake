# windowing/Sources.cmake: the window system's sources, shared by the host tree
# (windowing/CMakeLists.txt) and, later, the kernel tree. Every .cpp directly in windowing/
# belongs to it, so adding a file needs no edit here. Include it; it sets
# PHANTOM_WINDOWING_SOURCES and PHANTOM_WINDOWING_COMPILE_OPTIONS (flags every tree must use:
# -fno-math-errno lets __builtin_sqrtf be one instruction instead of a libm call).
# The generated EmbeddedFontData.cpp (tools/fontbake) must be compiled alongside.
file(GLOB PHANTOM_WINDOWING_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
set(PHANTOM_WINDOWING_COMPILE_OPTIONS -fno-math-errno -fno-exceptions -O3)
