# output.cmake: the harness's report writers (pcapng with comments, JUnit XML)
# and their test; include()d from harness/CMakeLists.txt.  Plain C, no libpcap.
set(IGMPX_OUTPUT_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/pcapng.c
    ${CMAKE_CURRENT_LIST_DIR}/junit.c)
add_library(igmpx_output STATIC ${IGMPX_OUTPUT_SOURCES})
target_include_directories(igmpx_output PUBLIC ${CMAKE_CURRENT_LIST_DIR})

# The test reads the files back with its own block walker, and with tshark
# and xmllint when they are installed.  test.h comes from core/.
add_executable(test_output ${CMAKE_CURRENT_LIST_DIR}/test_output.c)
target_include_directories(test_output PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../core)
target_link_libraries(test_output igmpx_output)
add_test(NAME harness.output COMMAND test_output)

# As in core/: a twin over the writers built with AddressSanitizer and UBSan.
include(CheckCSourceCompiles)
set(CMAKE_REQUIRED_FLAGS "-fsanitize=address,undefined")
set(CMAKE_REQUIRED_LINK_OPTIONS "-fsanitize=address,undefined")
check_c_source_compiles("int main(void) { return 0; }" IGMPX_OUTPUT_HAVE_ASAN)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
if(IGMPX_OUTPUT_HAVE_ASAN)
  add_executable(test_output_asan ${CMAKE_CURRENT_LIST_DIR}/test_output.c ${IGMPX_OUTPUT_SOURCES})
  target_include_directories(test_output_asan PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../core
                             ${CMAKE_CURRENT_LIST_DIR})
  target_compile_options(test_output_asan PRIVATE -fsanitize=address,undefined
                         -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(test_output_asan PRIVATE -fsanitize=address,undefined)
  add_test(NAME harness.output.asan COMMAND test_output_asan)
endif()
