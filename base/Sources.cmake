# base/Sources.cmake: the list of base/ sources, shared by the host tree (base/CMakeLists.txt)
# and the freestanding kernel tree (kernel/pc), so both compile exactly the same files.
# Include it; it sets PHANTOM_BASE_SOURCES to absolute paths.
set(PHANTOM_BASE_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/Crc32c.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ErrorOr.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Format.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SelfTest.cpp
    ${CMAKE_CURRENT_LIST_DIR}/String.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Version.cpp
)
