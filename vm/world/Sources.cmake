# vm/world/Sources.cmake: the world (the VM in the persistent address space), shared by the
# hosted port (kernel/hosted/CMakeLists.txt) and, later, the kernel tree. Sets
# PHANTOM_WORLD_SOURCES.
file(GLOB PHANTOM_WORLD_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
