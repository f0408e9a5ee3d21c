# link.cmake: the harness's link to the IUT (link.h: a namespace with a TAP,
# a TAP for a VM, or an interface), its test and its timing bench;
# include()d from harness/CMakeLists.txt.
add_library(igmpx_link STATIC ${CMAKE_CURRENT_LIST_DIR}/link.c ${CMAKE_CURRENT_LIST_DIR}/link-setup.c
            ${CMAKE_CURRENT_LIST_DIR}/link-dev.c ${CMAKE_CURRENT_LIST_DIR}/link-send.c
            ${CMAKE_CURRENT_LIST_DIR}/link-spawn.c)
target_include_directories(igmpx_link PUBLIC ${CMAKE_CURRENT_LIST_DIR})

# Root and /dev/net/tun or skipped (77).  Serial: it makes namespaces and
# TAPs and times frames.  igmpx-member (harness/) makes the namespace's kernel
# speak IGMP; without it the IGMP checks are left out.  test.h is core's.
add_executable(test_link ${CMAKE_CURRENT_LIST_DIR}/test_link.c)
target_include_directories(test_link PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../core)
target_link_libraries(test_link igmpx_link igmpx_core)
if(TARGET igmpx-member)
  add_dependencies(test_link igmpx-member)
endif()
add_test(NAME harness.link
         COMMAND test_link $<$<TARGET_EXISTS:igmpx-member>:$<TARGET_FILE:igmpx-member>>)
set_tests_properties(harness.link PROPERTIES SKIP_RETURN_CODE 77 RUN_SERIAL TRUE TIMEOUT 120
                     LABELS live)

# bench/link.sh runs it from ${CMAKE_BINARY_DIR}/bench.
find_package(Threads REQUIRED)
add_executable(link-timing ${CMAKE_CURRENT_LIST_DIR}/../bench/link-timing.c)
target_link_libraries(link-timing igmpx_link igmpx_core Threads::Threads)
set_target_properties(link-timing PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)

# bench/flood.sh's reference: plain writes into a TAP.
add_executable(tap-write ${CMAKE_CURRENT_LIST_DIR}/../bench/tap-write.c)
target_link_libraries(tap-write igmpx_harness igmpx_link igmpx_core)
set_target_properties(tap-write PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
