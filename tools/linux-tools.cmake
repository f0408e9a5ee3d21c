# linux-tools.cmake: the helpers pcaps/linux/capture.sh uses to record the
# Linux kernel's own IGMP.  Included from tools/CMakeLists.txt.
#
#   igmpx-member  holds a multicast membership (any-source, INCLUDE, EXCLUDE)
#                 and changes its filter on command, so the kernel reports
#   igmpx-inject  plays a pcap onto an interface; --make-query writes a
#                 one-query pcap with core/ builders
add_executable(igmpx-member ${CMAKE_CURRENT_LIST_DIR}/igmpx-member.c)

find_path(IGMPX_PCAP_INCLUDE_DIR pcap/pcap.h)
find_library(IGMPX_PCAP_LIBRARY pcap)
if(IGMPX_PCAP_INCLUDE_DIR AND IGMPX_PCAP_LIBRARY)
  add_executable(igmpx-inject ${CMAKE_CURRENT_LIST_DIR}/igmpx-inject.c)
  target_include_directories(igmpx-inject PRIVATE ${IGMPX_PCAP_INCLUDE_DIR})
  target_link_libraries(igmpx-inject PRIVATE igmpx_core ${IGMPX_PCAP_LIBRARY})
else()
  message(STATUS "libpcap not found (apt-get install libpcap-dev): igmpx-inject not built")
endif()
install(TARGETS igmpx-member RUNTIME DESTINATION bin)   # the Linux host profile holds joins with it
add_test(NAME tools.member COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test-member.sh $<TARGET_FILE:igmpx-member>)
set_tests_properties(tools.member PROPERTIES SKIP_RETURN_CODE 77 RUN_SERIAL TRUE TIMEOUT 120
                     LABELS live)
