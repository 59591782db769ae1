# vm/Sources.cmake: the VM runtime's sources, shared by the host tree (vm/CMakeLists.txt) and,
# later, the kernel tree. Every .cpp directly in vm/ and in vm/natives/ belongs to the runtime,
# so adding a file needs no edit here. Include it; it sets PHANTOM_VM_SOURCES.
file(GLOB PHANTOM_VM_SOURCES CONFIGURE_DEPENDS
    ${CMAKE_CURRENT_LIST_DIR}/*.cpp
    ${CMAKE_CURRENT_LIST_DIR}/natives/*.cpp)
