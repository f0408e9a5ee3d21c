# The installed data and the Debian package.
#
# igmpx reads its cases, IUT profiles and the captures the cases replay
# from a data folder (harness/main.c, data_dir()): installed, that is
# share/igmpx beside bin/, found from the binary's own place, so that the
# package and any --prefix work from every working directory.
include(GNUInstallDirs)
set(IGMPX_DATA_DEST "${CMAKE_INSTALL_DATADIR}/igmpx")
install(DIRECTORY conformance/host conformance/router
        DESTINATION "${IGMPX_DATA_DEST}/conformance" FILES_MATCHING PATTERN "*.yaml")
# The profiles with their scripts (executable, as in the tree) and the VM
# the router profiles boot.
install(DIRECTORY conformance/iut DESTINATION "${IGMPX_DATA_DEST}/conformance"
        USE_SOURCE_PERMISSIONS)
# A case's replay: path is relative to its file; these are the captures
# replayed (igmpx list fails on a case whose capture is missing, which
# tests/test-install.sh runs on the installed folder).
install(FILES pcaps/linux/linux-v3.pcap DESTINATION "${IGMPX_DATA_DEST}/pcaps/linux")

# `cmake --build build --target package`: build/igmpx_VERSION-1+wsX.Y_ARCH.deb,
# one package with the command, igmpx-member, the data and the plugin for
# the Wireshark it was built against (its libwireshark soname, found by
# dpkg-shlibdeps, is that Wireshark's minor release, the plugin ABI).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME igmpx)
set(CPACK_PACKAGE_VENDOR "igmpx")
set(CPACK_PACKAGE_CONTACT "igmpx developers <igmpx@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "IGMP conformance harness and Wireshark dissector plugin")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"The igmpx command drives an IGMP host or router under test over a link,
judges its answers by the RFCs' timing and content rules, and writes
evidence captures; conformance suites for hosts and routers (queriers)
come with it, with profiles for the Linux kernel's host stack and bridge
querier, FRR and igmpproxy.  The Wireshark plugin decodes every IGMP
message and marks each broken RFC rule as expert information.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_RELEASE "1+ws${IGMPX_WS_VERSION}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# iproute2 and procps: the Linux profiles' namespaces, links and sysctls.
# tshark: to read the evidence with the plugin.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "iproute2, procps")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "tshark | wireshark")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "frr, igmpproxy, qemu-system-x86")
set(CPACK_STRIP_FILES ON)
include(CPack)
