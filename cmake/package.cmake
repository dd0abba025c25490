# The Debian package: `cpack -G DEB` in a build folder, or `cmake --build <build> --target
# package`, makes casreport_<version>_<arch>.deb from the install rules (install.cmake): the
# library, the headers, the CMake and pkg-config files, the tool, its man page and completion,
# and the copyright file. Depends comes from dpkg-shlibdeps (dpkg-dev), which CPack runs on
# the package's binaries. (Included from the top-level CMakeLists.txt when CASREPORT_INSTALL
# is on.)
set(CASREPORT_PACKAGE_MAINTAINER "casreport maintainers <maintainers@casreport.invalid>"
    CACHE STRING "The Maintainer of the .deb (Name <address>)")

install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME casreport)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION "\
casreport turns raw Trend Micro Cloud App Security (CAS) security-event logs
(log API JSON, NDJSON, CEF, console CSV; plain or gzipped) into the monthly
security report that managed-service providers hand to their customers, with
findings and advice in Japanese and English, as JSON, text, Markdown, CSV or
HTML.
.
This package holds the casreport command-line tool, libcasreport.so (the C
interface, <casreport.h>), the static C++ library, and the files that
find_package(casreport) and pkg-config use.")
set(CPACK_PACKAGE_CONTACT "${CASREPORT_PACKAGE_MAINTAINER}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)  # release builds carry debug information

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # casreport_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# A shlibs file, so that packages built against this one depend on a version at least as new.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
# PDF output runs a headless Chromium with Japanese fonts; everything else works without them.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "chromium, fonts-noto-cjk")

# `cmake --build <build> --target package_source`: the sources without builds or git.
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git" "/build/" "/bench/out/" "__pycache__")

include(CPack)
