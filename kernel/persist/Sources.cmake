# kernel/persist/Sources.cmake: the sources of kernel/persist, shared by the host tree
# (kernel/persist/CMakeLists.txt) and the freestanding kernel tree, so both compile the same
# files. Include it; it sets PHANTOM_PERSIST_SOURCES to absolute paths.
set(PHANTOM_PERSIST_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/BlockAllocator.cpp
    ${CMAKE_CURRENT_LIST_DIR}/PersistentAddressSpace.cpp
    ${CMAKE_CURRENT_LIST_DIR}/PersistentStore.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SnapshotWriter.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SpaceScan.cpp
)
