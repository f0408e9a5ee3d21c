# badhost.cmake: igmpx-badhost, a deliberately broken IGMPv3 host the
# conformance harness's own tests run to prove it reports FAIL.  Included
# from tools/CMakeLists.txt.  Raw AF_PACKET socket, no libpcap.
add_executable(igmpx-badhost ${CMAKE_CURRENT_LIST_DIR}/igmpx-badhost.c)
target_link_libraries(igmpx-badhost PRIVATE igmpx_core)
