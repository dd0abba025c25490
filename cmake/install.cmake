# Install rules and the CMake and pkg-config packages (included from the top-level
# CMakeLists.txt when CASREPORT_INSTALL is on). What goes where, under the install prefix:
#   include/casreport.h, include/casreport/      the C header and the C++ headers
#   lib/libcasreport.so*, lib/libcasreport_core.a the C interface and the static C++ core
#   lib/cmake/casreport/, lib/pkgconfig/          find_package(casreport), pkg-config casreport
#   bin/casreport                                 the command-line tool
#   share/man/man1/casreport.1, share/bash-completion/completions/casreport
#                                                 its man page and completion (cli_docs.cmake)
#   share/doc/casreport/LICENSE, copyright        (copyright: package.cmake)
# (lib is CMAKE_INSTALL_LIBDIR: lib/<multiarch> when the prefix is /usr on Debian.)
include(CMakePackageConfigHelpers)

# The library folder as install scripts see it: under the prefix of the install being run.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
    set(_casreport_libdir_at_install "${CMAKE_INSTALL_LIBDIR}")
else()
    set(_casreport_libdir_at_install "\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}")
endif()

set(CASREPORT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/casreport" CACHE STRING
    "Where casreportConfig.cmake is installed, relative to the prefix")
mark_as_advanced(CASREPORT_INSTALL_CMAKEDIR)

# Two export sets, so that the C target can be used where the core's dependencies are missing
# (casreportConfig.cmake.in).
install(TARGETS casreport_c EXPORT casreportTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS casreport_core EXPORT casreportCoreTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
# `cmake --install --strip` (and CPack) strip programs and shared libraries, not static ones:
# strip the core's debug information too (as Debian's dh_strip does), 45 MB of 46 in a
# RelWithDebInfo build.
if(CMAKE_STRIP)
    install(CODE "
        if(CMAKE_INSTALL_DO_STRIP)
            execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug --enable-deterministic-archives
                \"\$ENV{DESTDIR}${_casreport_libdir_at_install}/$<TARGET_FILE_NAME:casreport_core>\"
                COMMAND_ERROR_IS_FATAL ANY)
        endif()
    ")
endif()
install(FILES ${PROJECT_SOURCE_DIR}/capi/include/casreport.h
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/casreport
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
if(TARGET casreport_cli)
    # Also exported, as casreport::cli, for projects that run it (and for tests/ standalone).
    set_target_properties(casreport_cli PROPERTIES EXPORT_NAME cli)
    install(TARGETS casreport_cli EXPORT casreportTargets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})

# find_package(casreport): the installed package, and the same from the build tree
# (casreport_DIR=<build>) for projects that use a build without installing it.
foreach(_set casreportTargets casreportCoreTargets)
    install(EXPORT ${_set}
        NAMESPACE casreport::
        DESTINATION ${CASREPORT_INSTALL_CMAKEDIR})
    export(EXPORT ${_set}
        NAMESPACE casreport::
        FILE ${PROJECT_BINARY_DIR}/${_set}.cmake)
endforeach()
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/casreportConfig.cmake.in
    ${PROJECT_BINARY_DIR}/casreportConfig.cmake
    INSTALL_DESTINATION ${CASREPORT_INSTALL_CMAKEDIR})
# While the version is 0.x, a minor release may break the API; from 1.0 only a major one.
if(PROJECT_VERSION_MAJOR EQUAL 0)
    set(_casreport_compatibility SameMinorVersion)
else()
    set(_casreport_compatibility SameMajorVersion)
endif()
write_basic_package_version_file(${PROJECT_BINARY_DIR}/casreportConfigVersion.cmake
    COMPATIBILITY ${_casreport_compatibility})
install(FILES
    ${PROJECT_BINARY_DIR}/casreportConfig.cmake
    ${PROJECT_BINARY_DIR}/casreportConfigVersion.cmake
    DESTINATION ${CASREPORT_INSTALL_CMAKEDIR})

# casreport.pc, for the C interface. Its prefix is the one of the install actually run
# (cmake --install --prefix, DESTDIR, CPack), so it is written at install time, from a template
# completed here but for @prefix@.
foreach(_dir LIBDIR INCLUDEDIR)
    if(IS_ABSOLUTE "${CMAKE_INSTALL_${_dir}}")
        set(CASREPORT_PC_${_dir} "${CMAKE_INSTALL_${_dir}}")
    else()
        set(CASREPORT_PC_${_dir} "\${prefix}/${CMAKE_INSTALL_${_dir}}")
    endif()
endforeach()
set(prefix "@prefix@")
configure_file(${CMAKE_CURRENT_LIST_DIR}/casreport.pc.in ${PROJECT_BINARY_DIR}/casreport.pc.in
    @ONLY)
unset(prefix)
install(CODE "
    # One file per destination, so that installs to different prefixes never share it.
    string(MD5 _casreport_pc_key \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")
    set(_casreport_pc \"${PROJECT_BINARY_DIR}/pkgconfig/\${_casreport_pc_key}/casreport.pc\")
    set(prefix \"\${CMAKE_INSTALL_PREFIX}\")
    configure_file(\"${PROJECT_BINARY_DIR}/casreport.pc.in\" \"\${_casreport_pc}\" @ONLY)
    file(INSTALL \"\${_casreport_pc}\" DESTINATION \"${_casreport_libdir_at_install}/pkgconfig\")
")
