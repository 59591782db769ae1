# vm/lang/Sources.cmake: the compiler's sources (every .cpp in vm/lang/), shared by the host
# tree and, later, the kernel tree (the object shell compiles inside the OS). Sets
# PHANTOM_LANG_SOURCES.
file(GLOB PHANTOM_LANG_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
