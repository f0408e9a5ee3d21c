# The installed data.
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
